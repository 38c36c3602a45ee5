// Policy rules: honorExtensions copies only known, well-formed extensions, multi-valued RDNs
// stay together, RFC 5280 subject bounds, the issuer key decides the ECDSA hash, IP addresses
// never become dNSNames, and profile years are calendar years.
import { describe, expect, it } from 'vitest'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Attribute, BasicConstraints, NameConstraints, GeneralSubtrees, GeneralSubtree, GeneralName, SubjectDirectoryAttributes } from '@peculiar/asn1-x509'
import { evaluate } from '../../../src/main/engine/policy'
import type { EvaluationContext } from '../../../src/main/engine/policy'
import { copyableExtension } from '../../../src/main/engine/policy/extensions'
import { operatorInput, type Finding, type OperatorInputInput, type ProfileBody } from '../../../src/shared/domain/profile'
import { csr, profile, type CsrSpec } from '../../fixtures/profiles/csr'

const NOW = new Date('2026-03-01T12:00:00.000Z')
const ctx = (over: Partial<EvaluationContext> = {}): EvaluationContext => ({ now: NOW, ...over })
const run = (p: ProfileBody, spec: CsrSpec = {}, input: OperatorInputInput = {}, c: EvaluationContext = ctx()) => evaluate(p, csr(spec), operatorInput.parse(input), c)
const errors = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'error')
const warnings = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'warning')
const base = (over: Parameters<typeof profile>[0] = {}) => profile({ keyUsage: ['digitalSignature'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'], ...over })
const NULL = new Uint8Array([0x05, 0x00])
const der = (o: object) => new Uint8Array(AsnConvert.serialize(o))

describe('honorExtensions copies only what checks out', () => {
  const honoring = base({ honorExtensions: true })
  const sda = der(new SubjectDirectoryAttributes([new Attribute({ type: '1.3.6.1.5.5.7.9.4', values: [new Uint8Array([0x13, 0x02, 0x44, 0x45]).buffer] })]))

  it('refuses the CT precertificate poison with an error finding', () => {
    const r = run(honoring, { extensions: [{ oid: '1.3.6.1.4.1.11129.2.4.3', critical: true, value: NULL }] })
    expect(errors(r.findings).map((f) => [f.code, f.field])).toEqual([['CSR_EXTENSION_CT_POISON', 'extension.1.3.6.1.4.1.11129.2.4.3']])
    expect(r.template.additionalExtensions).toBeUndefined()
  })

  it('refuses an unknown critical extension and leaves an unknown non-critical one out with a warning', () => {
    const r = run(honoring, { extensions: [{ oid: '1.2.3.4.6', critical: true, value: NULL }, { oid: '1.2.3.4.7', critical: false, value: NULL }] })
    expect(errors(r.findings).map((f) => f.code)).toEqual(['CSR_EXTENSION_UNKNOWN_CRITICAL'])
    expect(errors(r.findings)[0]!.message).toContain('1.2.3.4.6')
    expect(warnings(r.findings).map((f) => [f.code, f.field])).toEqual([['CSR_EXTENSION_NOT_COPIED', 'extension.1.2.3.4.7']])
    expect(r.template.additionalExtensions).toBeUndefined()
  })

  it('does not copy a malformed Subject Directory Attributes (NULL), and copies a well-formed one with a warning', () => {
    const bad = run(honoring, { extensions: [{ oid: '2.5.29.9', critical: false, value: NULL }] })
    expect(bad.template.additionalExtensions).toBeUndefined()
    expect(warnings(bad.findings).map((f) => f.code)).toEqual(['CSR_EXTENSION_NOT_COPIED'])
    const good = run(honoring, { extensions: [{ oid: '2.5.29.9', critical: false, value: sda }] })
    expect(good.template.additionalExtensions).toEqual([{ oid: '2.5.29.9', critical: false, value: sda }])
    expect(warnings(good.findings).map((f) => f.code)).toEqual(['CSR_EXTENSION_COPIED'])
    // RFC 5280 4.2.1.8: never critical.
    expect(errors(run(honoring, { extensions: [{ oid: '2.5.29.9', critical: true, value: sda }] }).findings).map((f) => f.code)).toEqual(['CSR_EXTENSION_MUST_NOT_BE_CRITICAL'])
  })

  it("never copies the CA's own decisions, even when allowedExtensionOids lists them", () => {
    const nc = der(new NameConstraints({ permittedSubtrees: new GeneralSubtrees([new GeneralSubtree({ base: new GeneralName({ dNSName: 'example.com' }) })]) }))
    const exts = [
      { oid: '2.5.29.19', critical: true, value: der(new BasicConstraints({ cA: true })) },
      { oid: '2.5.29.30', critical: true, value: nc },
      { oid: '2.5.29.36', critical: true, value: new Uint8Array([0x30, 0x03, 0x80, 0x01, 0x00]) },
      { oid: '2.5.29.35', critical: false, value: new Uint8Array([0x30, 0x02, 0x80, 0x00]) },
      { oid: '2.5.29.14', critical: false, value: new Uint8Array([0x04, 0x01, 0x01]) },
      { oid: '2.5.29.31', critical: false, value: new Uint8Array([0x30, 0x00]) },
      { oid: '1.3.6.1.5.5.7.1.1', critical: false, value: new Uint8Array([0x30, 0x00]) }
    ]
    const r = run(base({ honorExtensions: true, allowedExtensionOids: exts.map((e) => e.oid) }), { extensions: exts })
    expect(r.template.additionalExtensions).toBeUndefined()
    expect(errors(r.findings)).toEqual([])
    expect(r.preview.find((x) => x.field === 'extension.2.5.29.36')!.reason).toContain('policyConstraints')
    for (const e of exts) expect(copyableExtension(e).kind).toBe('drop')
  })

  it('copies TLS Feature (must-staple) only when its value parses', () => {
    expect(copyableExtension({ oid: '1.3.6.1.5.5.7.1.24', critical: false, value: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]) }).kind).toBe('copy')
    expect(copyableExtension({ oid: '1.3.6.1.5.5.7.1.24', critical: false, value: NULL }).kind).toBe('drop')
    expect(copyableExtension({ oid: '1.3.6.1.5.5.7.1.24', critical: true, value: NULL }).kind).toBe('refuse')
  })
})

describe('multi-valued RDNs stay one RDN', () => {
  it('keeps CN+UID together in the template, in place', () => {
    const subject = [[{ type: 'C', value: 'CH' }], [{ type: 'CN', value: 'zurich.example.com' }, { type: 'UID', value: 'jdoe' }]]
    const r = run(base({ honorSubject: true }), { subject })
    expect(r.template.subject).toEqual([[{ type: 'C', value: 'CH' }], [{ type: 'CN', value: 'zurich.example.com' }, { type: 'UID', value: 'jdoe' }]])
    expect(errors(r.findings)).toEqual([])
  })
  it('groups only what the profile keeps', () => {
    const subject = [[{ type: 'CN', value: 'zurich.example.com' }, { type: 'OU', value: 'Ops' }, { type: 'UID', value: 'jdoe' }]]
    const r = run(base({ honorSubject: false, subjectAttributes: [{ type: 'CN' }, { type: 'UID' }] }), { subject })
    expect(r.template.subject).toEqual([[{ type: 'CN', value: 'zurich.example.com' }, { type: 'UID', value: 'jdoe' }]])
  })
})

describe('RFC 5280 subject bounds', () => {
  it('countryName must be two capital letters, naming subject.C', () => {
    const f = errors(run(base(), { subject: { CN: 'x', C: 'Germany' } }).findings)
    expect(f.map((x) => [x.code, x.field])).toEqual([['SUBJECT_COUNTRY_INVALID', 'subject.C']])
    expect(errors(run(base(), { subject: { CN: 'x', C: 'de' } }).findings).map((x) => x.code)).toEqual(['SUBJECT_COUNTRY_INVALID'])
    expect(errors(run(base(), { subject: { CN: 'x', C: 'DE' } }).findings)).toEqual([])
  })
  it.each([
    ['CN', 64],
    ['O', 64],
    ['OU', 64],
    ['L', 128],
    ['ST', 128],
    ['serialNumber', 64]
  ])('%s at most %i characters', (type, max) => {
    const at = { CN: 'x', [type]: 'a'.repeat(max) }
    expect(errors(run(base(), { subject: at }).findings)).toEqual([])
    const over = errors(run(base(), { subject: { CN: 'x', [type]: 'a'.repeat(max + 1) } }).findings)
    expect(over.map((x) => [x.code, x.field])).toEqual([['SUBJECT_ATTRIBUTE_TOO_LONG', `subject.${type}`]])
  })
  it('emailAddress at most 255 characters', () => {
    const long = `${'a'.repeat(250)}@e.com`
    expect(errors(run(base(), { subject: { CN: 'x', emailAddress: long } }).findings).map((x) => x.code)).toEqual(['SUBJECT_ATTRIBUTE_TOO_LONG'])
  })
})

describe('the issuing key decides the ECDSA hash', () => {
  const ec = (curve: string) => ctx({ issuer: { notAfter: new Date('2036-01-01T00:00:00Z'), keyFamily: 'ec', curve, isCa: true } })
  it.each([
    ['P-256', 'SHA-384', 'SHA-256'],
    ['P-384', 'SHA-256', 'SHA-384'],
    ['P-521', 'SHA-256', 'SHA-512']
  ] as const)('%s issuer with a %s profile signs with %s, noted in the preview', (curve, profileHash, expected) => {
    const r = run(base({ signature: { hash: profileHash } }), {}, {}, ec(curve))
    expect(r.template.signature.hash).toBe(expected)
    expect(r.preview.find((x) => x.field === 'signature')!.reason).toContain(curve)
    expect(errors(r.findings)).toEqual([])
  })
  it('an operator-requested hash that conflicts with the EC issuer is an error finding', () => {
    const r = run(base(), {}, { signatureHash: 'SHA-512' }, ec('P-256'))
    expect(errors(r.findings).map((f) => [f.code, f.field])).toEqual([['SIGNATURE_HASH_MISMATCH', 'signature.hash']])
  })
  it('RSA issuers keep the profile hash', () => {
    const r = run(base({ signature: { hash: 'SHA-512' } }), {}, {}, ctx({ issuer: { notAfter: new Date('2036-01-01T00:00:00Z'), keyFamily: 'rsa', isCa: true } }))
    expect(r.template.signature.hash).toBe('SHA-512')
  })
  it('an Ed25519 issuer ignores a requested hash, with a warning that says so', () => {
    const r = run(base(), {}, { signatureHash: 'SHA-384' }, ctx({ issuer: { notAfter: new Date('2036-01-01T00:00:00Z'), keyFamily: 'ed25519', isCa: true } }))
    expect(warnings(r.findings).map((f) => f.code)).toEqual(['HASH_IGNORED_FOR_EDDSA'])
    expect(warnings(r.findings)[0]!.message).toContain('Ed25519')
  })
})

describe('an IP address is never a dNSName', () => {
  it('CN=192.168.1.1 with a DNS SAN of the same address gives one iPAddress SAN', () => {
    const r = run(base({ san: { includeCommonName: true } }), { subject: { CN: '192.168.1.1' }, sans: [{ type: 'dns', value: '192.168.1.1' }] })
    expect(r.template.subjectAltName?.names).toEqual([{ type: 'ip', value: '192.168.1.1' }])
    expect(r.preview.find((x) => x.field === 'san.dns:192.168.1.1')).toMatchObject({ result: 'ip:192.168.1.1' })
  })
  it('an IP CN alone becomes an iPAddress SAN only', () => {
    const r = run(base({ san: { includeCommonName: true } }), { subject: { CN: '10.0.0.1' } })
    expect(r.template.subjectAltName?.names).toEqual([{ type: 'ip', value: '10.0.0.1' }])
  })
})

describe('profile years are calendar years', () => {
  it('5y from 2026-03-01 ends on 2031-03-01 (not 365-day years)', () => {
    expect(run(base({ validity: { type: 'Duration', duration: '5y' } })).template.notAfter.toISOString()).toBe('2031-03-01T12:00:00.000Z')
  })
  it('1y from 29 February ends on 28 February, clamped at the month end', () => {
    const r = run(base({ validity: { type: 'Duration', duration: '1y' } }), {}, {}, ctx({ now: new Date('2028-02-29T08:00:00Z') }))
    expect(r.template.notAfter.toISOString()).toBe('2029-02-28T08:00:00.000Z')
  })
  it('other units stay fixed lengths: 1y30d', () => {
    expect(run(base({ validity: { type: 'Duration', duration: '1y30d' } })).template.notAfter.toISOString()).toBe('2027-03-31T12:00:00.000Z')
  })
})

describe('the lint refuses an IP address in a dNSName, whatever produced the template', () => {
  it('SAN_DNS_IS_IP', async () => {
    const { lintView } = await import('../../../src/main/engine/policy')
    const view = { subject: [[{ type: 'CN', value: 'x' }]], notBefore: NOW, notAfter: new Date(NOW.getTime() + 86_400_000), signatureHash: 'SHA-256', subjectAltName: { names: [{ type: 'dns' as const, value: '192.168.1.1' }], critical: false } }
    expect(lintView(view).filter((f) => f.severity === 'error').map((f) => [f.code, f.field])).toEqual([['SAN_DNS_IS_IP', 'san[0]']])
    expect(lintView({ ...view, subjectAltName: { names: [{ type: 'ip' as const, value: '192.168.1.1' }], critical: false } }).filter((f) => f.severity === 'error')).toEqual([])
  })
})

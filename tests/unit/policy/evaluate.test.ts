// evaluate(profile, csr, input, context): every rule family, with ParsedCsr objects built in code.
import { describe, expect, it } from 'vitest'
import { AsnConvert } from '@peculiar/asn1-schema'
import { BasicConstraints, Attribute, NameConstraints, GeneralSubtrees, GeneralSubtree, GeneralName, SubjectDirectoryAttributes } from '@peculiar/asn1-x509'
import { evaluate, hasErrors } from '../../../src/main/engine/policy'
import type { EvaluationContext } from '../../../src/main/engine/policy'
import { operatorInput, type Finding, type OperatorInputInput, type ProfileBody } from '../../../src/shared/domain/profile'
import { csr, KEYS, profile, type CsrSpec } from '../../fixtures/profiles/csr'
import { copyableExtension } from '../../../src/main/engine/policy/extensions'

const NOW = new Date('2026-03-01T12:00:00.500Z')
const DAY = 86_400_000
const ctx = (over: Partial<EvaluationContext> = {}): EvaluationContext => ({ now: NOW, ...over })
const issuer = (notAfter: Date, over: Record<string, unknown> = {}) => ({ notAfter, keyFamily: 'ec' as const, isCa: true, ...over })

function run(p: ProfileBody, spec: CsrSpec = {}, input: OperatorInputInput = {}, c: EvaluationContext = ctx()) {
  return evaluate(p, csr(spec), operatorInput.parse(input), c)
}
const codes = (fs: readonly Finding[]) => fs.map((f) => f.code)
const errorsOf = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'error').map((f) => f.code)
const warningsOf = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'warning').map((f) => f.code)

/** A permissive TLS-server-like profile the cases below narrow down. */
const base = (over: Parameters<typeof profile>[0] = {}) =>
  profile({
    keyUsage: ['digitalSignature'],
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
    san: { includeCommonName: false },
    ...over
  })

describe('every finding', () => {
  it('has a code, a severity, a message naming the rule, and a field', () => {
    const r = run(base({ crypto: { rsaKeySizes: [4096] }, subjectAttributes: [{ type: 'O', mandatory: true, sources: ['entered'] }] }), { key: KEYS.rsa2048 })
    expect(r.findings.length).toBeGreaterThanOrEqual(2)
    for (const f of r.findings) {
      expect(f.code).toMatch(/^[A-Z][A-Z0-9_]+$/)
      expect(['error', 'warning']).toContain(f.severity)
      expect(f.field.length).toBeGreaterThan(0)
      expect(f.message.length).toBeGreaterThan(20)
    }
    const size = r.findings.find((f) => f.code === 'RSA_KEY_SIZE_NOT_ALLOWED')!
    expect(size.message).toContain('Crypto enforcement')
    expect(size.message).toContain('rsaKeySizes')
    expect(size.field).toBe('publicKey')
    const missing = r.findings.find((f) => f.code === 'SUBJECT_ATTRIBUTE_MISSING')!
    expect(missing.field).toBe('subject.O')
    expect(missing.message).toContain('comes from the operator at issuance, but none was given; enter O at issuance')
  })

  it('a clean request yields no findings and a template that only the profile shaped', () => {
    const r = run(base(), { subject: { CN: 'client-1' }, sans: [{ type: 'dns', value: 'client-1.example.com' }] })
    expect(r.findings).toEqual([])
    expect(hasErrors(r.findings)).toBe(false)
    expect(r.template.subject).toEqual([[{ type: 'CN', value: 'client-1' }]])
    expect(r.template.keyUsage).toEqual({ usages: ['digitalSignature'], critical: true })
    expect(r.template.extendedKeyUsage).toEqual({ oids: ['1.3.6.1.5.5.7.3.2'], critical: false })
    expect(r.template.basicConstraints).toEqual({ ca: false, critical: true })
    expect(r.template.signature).toEqual({ hash: 'SHA-256', rsaPss: false })
    expect(r.template.subjectPublicKeySpki).toEqual(new Uint8Array([0x30, 0x01, 0x00]))
  })
})

describe('crypto enforcement', () => {
  const p = base({ crypto: { enabled: true, allowRsa: true, rsaKeySizes: [2048, 4096], allowEcdsa: true, ecdsaCurves: ['P-256'], allowEd25519: false } })
  it.each([
    ['rsa2048', KEYS.rsa2048, []],
    ['rsa4096', KEYS.rsa4096, []],
    ['rsa3072', KEYS.rsa3072, ['RSA_KEY_SIZE_NOT_ALLOWED']],
    ['rsa1024', KEYS.rsa1024, ['RSA_KEY_TOO_SMALL', 'RSA_KEY_SIZE_NOT_ALLOWED']],
    ['p256', KEYS.p256, []],
    ['p384', KEYS.p384, ['ECDSA_CURVE_NOT_ALLOWED']],
    ['p521', KEYS.p521, ['ECDSA_CURVE_NOT_ALLOWED']],
    ['ed25519', KEYS.ed25519, ['KEY_TYPE_NOT_ALLOWED']],
    ['ed448', KEYS.ed448, ['KEY_TYPE_NOT_ALLOWED']]
  ] as const)('%s', (_n, key, expected) => {
    expect(errorsOf(run(p, { key }).findings)).toEqual(expected)
  })

  it('Ed25519 is accepted when allowed', () => {
    const q = base({ crypto: { allowEd25519: true } })
    expect(errorsOf(run(q, { key: KEYS.ed25519 }).findings)).toEqual([])
  })

  it('a disallowed family is refused whatever its size', () => {
    const rsaOff = base({ crypto: { allowRsa: false, rsaKeySizes: [] } })
    const f = run(rsaOff, { key: KEYS.rsa2048 }).findings
    expect(errorsOf(f)).toEqual(['KEY_TYPE_NOT_ALLOWED'])
    expect(f[0]!.message).toContain('crypto.allowRsa')
    const ecOff = base({ crypto: { allowEcdsa: false, ecdsaCurves: [] } })
    expect(errorsOf(run(ecOff, { key: KEYS.p256 }).findings)).toEqual(['KEY_TYPE_NOT_ALLOWED'])
  })

  it('with enforcement off anything parses except the RSA 2048 baseline', () => {
    const off = base({ crypto: { enabled: false, allowRsa: false, rsaKeySizes: [] } })
    expect(errorsOf(run(off, { key: KEYS.ed448 }).findings)).toEqual([])
    expect(errorsOf(run(off, { key: KEYS.rsa3072 }).findings)).toEqual([])
    expect(errorsOf(run(off, { key: KEYS.rsa1024 }).findings)).toEqual(['RSA_KEY_TOO_SMALL'])
  })

  it('a CSR whose proof of possession failed is refused; a SHA-1-signed CSR is a warning', () => {
    expect(errorsOf(run(base(), { signatureValid: false }).findings)).toEqual(['CSR_SIGNATURE_INVALID'])
    const weak = run(base(), { signatureAlgorithm: 'sha1WithRSAEncryption', key: KEYS.rsa2048 })
    expect(warningsOf(weak.findings)).toEqual(['CSR_WEAK_SIGNATURE_HASH'])
    expect(errorsOf(weak.findings)).toEqual([])
  })
})

describe('hash policy', () => {
  it.each(['SHA-1', 'sha1', 'MD5', 'md5'])('%s is refused and the profile hash stays', (h) => {
    const r = run(base(), {}, { signatureHash: h })
    expect(errorsOf(r.findings)).toEqual(['HASH_NOT_ALLOWED'])
    expect(r.findings[0]!.field).toBe('signature.hash')
    expect(r.findings[0]!.message).toMatch(/Hash policy/)
    expect(r.template.signature.hash).toBe('SHA-256')
  })
  it('a stronger hash asked by the operator is used; the profile hash otherwise', () => {
    expect(run(base(), {}, { signatureHash: 'sha-384' }).template.signature.hash).toBe('SHA-384')
    expect(run(base({ signature: { hash: 'SHA-512' } })).template.signature.hash).toBe('SHA-512')
    expect(errorsOf(run(base(), {}, { signatureHash: 'whirlpool' }).findings)).toEqual(['HASH_NOT_ALLOWED'])
  })
  it('RSA-PSS under a non-RSA issuer is a warning and is not used', () => {
    const r = run(base({ signature: { hash: 'SHA-256', rsaPss: true } }), {}, {}, ctx({ issuer: issuer(new Date(NOW.getTime() + 1000 * DAY)) }))
    expect(warningsOf(r.findings)).toEqual(['RSA_PSS_NEEDS_RSA_ISSUER'])
    expect(r.template.signature.rsaPss).toBe(false)
    const rsa = run(base({ signature: { hash: 'SHA-256', rsaPss: true } }), {}, {}, ctx({ issuer: issuer(new Date(NOW.getTime() + 1000 * DAY), { keyFamily: 'rsa' }) }))
    expect(rsa.findings).toEqual([])
    expect(rsa.template.signature.rsaPss).toBe(true)
  })
})

describe('honor_* semantics', () => {
  it('honorSubject on: the CSR subject is carried over in its order', () => {
    const r = run(base({ honorSubject: true }), { subject: { C: 'DE', O: 'Acme', CN: 'a.example.com' } })
    expect(r.template.subject.map((x) => x[0]!.type)).toEqual(['C', 'O', 'CN'])
  })
  it('honorSubject off: attributes without a rule are dropped, with the reason in the preview', () => {
    const p = base({ honorSubject: false, subjectAttributes: [{ type: 'CN', sources: ['csr'] }] })
    const r = run(p, { subject: { O: 'Evil Corp', CN: 'a.example.com' } })
    expect(r.template.subject).toEqual([[{ type: 'CN', value: 'a.example.com' }]])
    const row = r.preview.find((x) => x.field === 'subject.O')!
    expect(row).toMatchObject({ requested: 'Evil Corp', result: null, changed: true })
    expect(row.reason).toContain('honorSubject is off')
  })
  it('honorKeyUsage: the CSR key usage when it asks for one, the profile otherwise', () => {
    const p = base({ honorKeyUsage: true, keyUsage: ['digitalSignature'] })
    expect(run(p, { ku: ['digitalSignature', 'keyAgreement'] }).template.keyUsage?.usages).toEqual(['digitalSignature', 'keyAgreement'])
    const fallback = run(p, {})
    expect(fallback.template.keyUsage?.usages).toEqual(['digitalSignature'])
    expect(fallback.preview.find((x) => x.field === 'keyUsage')!.reason).toContain('profile default')
    const off = run(base({ honorKeyUsage: false, keyUsage: ['digitalSignature'] }), { ku: ['digitalSignature', 'keyAgreement'] })
    expect(off.template.keyUsage?.usages).toEqual(['digitalSignature'])
    expect(off.preview.find((x) => x.field === 'keyUsage')).toMatchObject({ requested: 'digitalSignature, keyAgreement', result: 'digitalSignature', changed: true })
  })
  it('honorExtendedKeyUsages: the CSR EKUs when asked, the profile otherwise', () => {
    const on = base({ honorExtendedKeyUsages: true, extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'] })
    expect(run(on, { eku: ['1.3.6.1.5.5.7.3.4'] }).template.extendedKeyUsage?.oids).toEqual(['1.3.6.1.5.5.7.3.4'])
    expect(run(on, {}).template.extendedKeyUsage?.oids).toEqual(['1.3.6.1.5.5.7.3.2'])
    const off = base({ honorExtendedKeyUsages: false, extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'] })
    expect(run(off, { eku: ['1.3.6.1.5.5.7.3.3'] }).template.extendedKeyUsage?.oids).toEqual(['1.3.6.1.5.5.7.3.2'])
    expect(run(base({ extendedKeyUsages: [] })).template.extendedKeyUsage).toBeUndefined()
  })
  it('honorExtensions copies known, well-formed requested extensions (each a warning), filtered by allowedExtensionOids; never the managed or unknown ones', () => {
    const tlsFeature = { oid: '1.3.6.1.5.5.7.1.24', critical: false, value: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]) }
    const ocspNoCheck = { oid: '1.3.6.1.5.5.7.48.1.5', critical: false, value: new Uint8Array([5, 0]) }
    const exts = [
      tlsFeature,
      ocspNoCheck,
      { oid: '1.2.3.4.5', critical: false, value: new Uint8Array([5, 0]) },
      { oid: '2.5.29.19', critical: true, value: new Uint8Array(AsnConvert.serialize(new BasicConstraints({ cA: true }))) }
    ]
    expect(run(base({ honorExtensions: false }), { extensions: exts }).template.additionalExtensions).toBeUndefined()
    const all = run(base({ honorExtensions: true }), { extensions: exts })
    expect(all.template.additionalExtensions?.map((e) => e.oid)).toEqual([tlsFeature.oid, ocspNoCheck.oid])
    const some = run(base({ honorExtensions: true, allowedExtensionOids: [ocspNoCheck.oid] }), { extensions: exts })
    expect(some.template.additionalExtensions?.map((e) => e.oid)).toEqual([ocspNoCheck.oid])
    expect(some.preview.find((x) => x.field === `extension.${tlsFeature.oid}`)!.reason).toContain('allowedExtensionOids')
    // The CSR asked to be a CA: an end-entity profile says no, with a warning; each copied
    // extension and the unknown one left out are warnings too.
    expect(warningsOf(all.findings).sort()).toEqual(['CSR_EXTENSION_COPIED', 'CSR_EXTENSION_COPIED', 'CSR_EXTENSION_NOT_COPIED', 'CSR_REQUESTS_CA'])
    expect(errorsOf(all.findings)).toEqual([])
    expect(all.template.basicConstraints).toEqual({ ca: false, critical: true })
  })
})

describe('subject attributes and their sources', () => {
  const rules = (over: object) => base({ honorSubject: false, subjectAttributes: [{ type: 'CN', sources: ['csr'] }, { type: 'O', mandatory: true, ...over }] })
  it('csr source takes the CSR value', () => {
    expect(run(rules({ sources: ['csr'] }), { subject: { CN: 'x', O: 'Acme' } }).template.subject.flat()).toContainEqual({ type: 'O', value: 'Acme' })
  })
  it('fixed source always wins when listed first, and the preview says so', () => {
    const r = run(rules({ sources: ['fixed', 'csr'], value: 'Fixed Inc' }), { subject: { CN: 'x', O: 'Acme' } })
    expect(r.template.subject.flat()).toContainEqual({ type: 'O', value: 'Fixed Inc' })
    expect(r.preview.find((x) => x.field === 'subject.O')).toMatchObject({ requested: 'Acme', result: 'Fixed Inc', changed: true, reason: "fixed by the profile's rule for O" })
  })
  it('fixed after csr is a fallback', () => {
    const p = rules({ sources: ['csr', 'fixed'], value: 'Default Org' })
    expect(run(p, { subject: { CN: 'x', O: 'Acme' } }).template.subject.flat()).toContainEqual({ type: 'O', value: 'Acme' })
    expect(run(p, { subject: { CN: 'x' } }).template.subject.flat()).toContainEqual({ type: 'O', value: 'Default Org' })
  })
  it('entered source takes the operator input, under any alias of the type', () => {
    const p = rules({ sources: ['entered'] })
    expect(run(p, { subject: { CN: 'x' } }, { subject: { organizationName: 'Typed Ltd' } }).template.subject.flat()).toContainEqual({ type: 'O', value: 'Typed Ltd' })
    const missing = run(p, { subject: { CN: 'x', O: 'Acme' } })
    expect(errorsOf(missing.findings)).toEqual(['SUBJECT_ATTRIBUTE_MISSING'])
    expect(missing.template.subject.flat().some((a) => a.type === 'O')).toBe(false)
  })
  it('a mandatory attribute found nowhere is an error; an optional one is simply absent', () => {
    expect(errorsOf(run(rules({ sources: ['csr'] }), { subject: { CN: 'x' } }).findings)).toEqual(['SUBJECT_ATTRIBUTE_MISSING'])
    expect(run(rules({ sources: ['csr'], mandatory: false }), { subject: { CN: 'x' } }).findings).toEqual([])
  })
  it('multiple, pattern and maxLength are enforced', () => {
    const ou = base({ honorSubject: true, subjectAttributes: [{ type: 'OU', sources: ['csr'], multiple: false }] })
    expect(errorsOf(run(ou, { subject: { CN: 'x', OU: ['a', 'b'] } }).findings)).toEqual(['SUBJECT_ATTRIBUTE_NOT_MULTIPLE'])
    const ouMany = base({ honorSubject: true, subjectAttributes: [{ type: 'OU', sources: ['csr'], multiple: true }] })
    expect(run(ouMany, { subject: { CN: 'x', OU: ['a', 'b'] } }).template.subject.flat().filter((a) => a.type === 'OU')).toHaveLength(2)
    const pat = base({ honorSubject: true, subjectAttributes: [{ type: 'CN', sources: ['csr'], pattern: '[a-z0-9-]+\\.corp\\.example' }] })
    expect(run(pat, { subject: { CN: 'db-1.corp.example' } }).findings).toEqual([])
    expect(errorsOf(run(pat, { subject: { CN: 'db-1.corp.example.evil.com' } }).findings)).toEqual(['SUBJECT_ATTRIBUTE_PATTERN'])
    const len = base({ subjectAttributes: [{ type: 'CN', sources: ['csr'], maxLength: 5 }] })
    expect(errorsOf(run(len, { subject: { CN: 'toolong' } }).findings)).toEqual(['SUBJECT_ATTRIBUTE_TOO_LONG'])
  })
  it('a value entered for an attribute without an entered source is refused by name, never ignored', () => {
    const r = run(base({ subjectAttributes: [{ type: 'CN', sources: ['csr'] }] }), { subject: { CN: 'x' } }, { subject: { CN: 'other' } })
    expect(errorsOf(r.findings)).toEqual(['SUBJECT_INPUT_NOT_ALLOWED'])
    expect(r.findings[0]).toMatchObject({ field: 'subject.CN' })
    expect(r.findings[0]!.message).toContain('does not let the operator set CN')
    expect(r.template.subject).toEqual([[{ type: 'CN', value: 'x' }]])
  })
  it('country must be two capitals; OID-typed attributes are understood', () => {
    expect(errorsOf(run(base(), { subject: { CN: 'x', C: 'Germany' } }).findings)).toContain('SUBJECT_COUNTRY_INVALID')
    const r = run(base({ subjectAttributes: [{ type: '2.5.4.10', sources: ['fixed'], value: 'ByOid' }] }), { subject: { CN: 'x' } })
    expect(r.template.subject.flat()).toContainEqual({ type: 'O', value: 'ByOid' })
  })
  it('added attributes land in broadest-first order around the CSR ones', () => {
    const p = base({ subjectAttributes: [{ type: 'C', sources: ['fixed'], value: 'US' }, { type: 'O', sources: ['fixed'], value: 'Org' }] })
    expect(run(p, { subject: { CN: 'x' } }).template.subject.map((r) => r[0]!.type)).toEqual(['C', 'O', 'CN'])
  })
})

describe('SAN allow-lists', () => {
  const sanProfile = (san: object) => base({ san: { includeCommonName: false, ...san } })
  const dns = (...v: string[]) => v.map((value) => ({ type: 'dns' as const, value }))
  it('DNS suffixes and one-label globs', () => {
    const p = sanProfile({ dnsPatterns: ['.corp.example', '*.web.example', 'exact.example'] })
    expect(run(p, { sans: dns('a.b.corp.example', 'x.web.example', 'exact.example') }).findings).toEqual([])
    const bad = run(p, { sans: dns('corp.example', 'a.b.web.example', 'other.example') }).findings
    expect(errorsOf(bad)).toEqual(['SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED'])
    expect(bad.map((f) => f.field)).toEqual(['san[0]', 'san[1]', 'san[2]'])
    expect(bad[0]!.message).toContain('san.dnsPatterns')
  })
  it('wildcards need allowWildcards and must still match the patterns', () => {
    expect(errorsOf(run(sanProfile({}), { sans: dns('*.example.com') }).findings)).toEqual(['SAN_NOT_ALLOWED'])
    const p = sanProfile({ allowWildcards: true, dnsPatterns: ['.example.com'] })
    expect(run(p, { sans: dns('*.example.com') }).findings).toEqual([])
    expect(errorsOf(run(p, { sans: dns('*.example.org') }).findings)).toEqual(['SAN_NOT_ALLOWED'])
    expect(errorsOf(run(sanProfile({ allowWildcards: true }), { sans: dns('*.com') }).findings)).toEqual(['SAN_NOT_ALLOWED'])
  })
  it('IP CIDRs, v4 and v6', () => {
    const p = sanProfile({ ipCidrs: ['10.0.0.0/8', '2001:db8::/32'] })
    const ok = [{ type: 'ip' as const, value: '10.1.2.3' }, { type: 'ip' as const, value: '2001:db8:0:1::5' }]
    expect(run(p, { sans: ok }).findings).toEqual([])
    const bad = [{ type: 'ip' as const, value: '11.0.0.1' }, { type: 'ip' as const, value: '2001:db9::1' }, { type: 'ip' as const, value: '10.0.0.256' }]
    const f = run(p, { sans: bad }).findings
    expect(errorsOf(f)).toEqual(['SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED'])
    expect(f[2]!.message).toContain('not a valid IPv4 or IPv6 address')
  })
  it('e-mail domains and URI prefixes', () => {
    const p = sanProfile({ emailDomains: ['example.com', '.sub.example.org'], uriPrefixes: ['spiffe://prod.example/'] })
    const good = [
      { type: 'email' as const, value: 'a@example.com' },
      { type: 'email' as const, value: 'b@x.sub.example.org' },
      { type: 'uri' as const, value: 'spiffe://prod.example/ns/web' }
    ]
    expect(run(p, { sans: good }).findings).toEqual([])
    const bad = [
      { type: 'email' as const, value: 'a@evil.example.com' },
      { type: 'email' as const, value: 'b@sub.example.org' },
      { type: 'uri' as const, value: 'spiffe://dev.example/ns/web' }
    ]
    expect(errorsOf(run(p, { sans: bad }).findings)).toEqual(['SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED', 'SAN_NOT_ALLOWED'])
  })
  it('types outside allowedTypes are refused', () => {
    const f = run(sanProfile({ allowedTypes: ['dns'] }), { sans: [{ type: 'email', value: 'a@example.com' }] }).findings
    expect(errorsOf(f)).toEqual(['SAN_NOT_ALLOWED'])
    expect(f[0]!.message).toContain('san.allowedTypes')
  })
  it('maxCount', () => {
    expect(errorsOf(run(sanProfile({ maxCount: 2 }), { sans: dns('a.example', 'b.example', 'c.example') }).findings)).toEqual(['SAN_TOO_MANY'])
    expect(run(sanProfile({ maxCount: 3 }), { sans: dns('a.example', 'b.example', 'c.example') }).findings).toEqual([])
  })
  it('rules: mandatory, multiple, sources (fixed, entered, csr-only)', () => {
    const mand = sanProfile({ rules: [{ type: 'email', mandatory: true, sources: ['csr', 'entered'] }] })
    expect(errorsOf(run(mand).findings)).toEqual(['SAN_MANDATORY_MISSING'])
    const entered = run(mand, {}, { sans: [{ type: 'email', value: 'ops@example.com' }] })
    expect(entered.findings).toEqual([])
    expect(entered.template.subjectAltName?.names).toEqual([{ type: 'email', value: 'ops@example.com' }])
    const single = sanProfile({ rules: [{ type: 'dns', multiple: false, sources: ['csr'] }] })
    expect(errorsOf(run(single, { sans: dns('a.example', 'b.example') }).findings)).toEqual(['SAN_NOT_MULTIPLE'])
    const fixed = run(sanProfile({ rules: [{ type: 'uri', sources: ['fixed'], value: 'urn:example:device' }] }))
    expect(fixed.template.subjectAltName?.names).toEqual([{ type: 'uri', value: 'urn:example:device' }])
    const noCsr = run(sanProfile({ rules: [{ type: 'dns', sources: ['entered'] }] }), { sans: dns('from-csr.example') }, { sans: [{ type: 'dns', value: 'typed.example' }] })
    expect(noCsr.template.subjectAltName?.names).toEqual([{ type: 'dns', value: 'typed.example' }])
    expect(noCsr.preview.find((r) => r.field === 'san.dns:from-csr.example')).toMatchObject({ result: null, changed: true })
    const csrOnly = run(sanProfile({ rules: [{ type: 'dns', sources: ['csr'] }] }), {}, { sans: [{ type: 'dns', value: 'typed.example' }] })
    expect(errorsOf(csrOnly.findings)).toEqual(['SAN_INPUT_NOT_ALLOWED'])
    expect(csrOnly.findings[0]).toMatchObject({ field: 'san.dns' })
  })
  it('fromCsr off drops every requested SAN', () => {
    const r = run(sanProfile({ fromCsr: false }), { sans: dns('a.example') })
    expect(r.template.subjectAltName).toBeUndefined()
    expect(r.preview.find((x) => x.field === 'san.dns:a.example')!.reason).toContain('san.fromCsr is off')
  })
  it('includeCommonName copies a DNS or IP CN into the SANs once', () => {
    const p = base({ san: { includeCommonName: true } })
    expect(run(p, { subject: { CN: 'www.example.com' } }).template.subjectAltName?.names).toEqual([{ type: 'dns', value: 'www.example.com' }])
    expect(run(p, { subject: { CN: '192.0.2.1' } }).template.subjectAltName?.names).toEqual([{ type: 'ip', value: '192.0.2.1' }])
    expect(run(p, { subject: { CN: 'WWW.example.com' }, sans: dns('www.example.com') }).template.subjectAltName?.names).toEqual(dns('www.example.com'))
    expect(run(p, { subject: { CN: 'Jane Doe' }, sans: dns('jd.example.com') }).template.subjectAltName?.names).toEqual(dns('jd.example.com'))
    expect(run(p, { subject: { CN: '2001:db8::1' } }).template.subjectAltName?.names).toEqual([{ type: 'ip', value: '2001:db8::1' }])
  })
  it('critical: auto is critical exactly when the subject is empty; never with an empty subject is an error', () => {
    expect(run(sanProfile({}), { subject: { CN: 'x' }, sans: dns('a.example') }).template.subjectAltName?.critical).toBe(false)
    const empty = run(sanProfile({}), { subject: {}, sans: dns('a.example') })
    expect(empty.template.subjectAltName?.critical).toBe(true)
    expect(empty.findings).toEqual([])
    expect(errorsOf(run(sanProfile({ critical: 'never' }), { subject: {}, sans: dns('a.example') }).findings)).toEqual(['SAN_MUST_BE_CRITICAL'])
    expect(run(sanProfile({ critical: 'always' }), { sans: dns('a.example') }).template.subjectAltName?.critical).toBe(true)
  })
})

describe('validity', () => {
  const nb = new Date('2026-03-01T12:00:00.000Z')
  it('a Duration counts from now, in whole seconds (1y = 365 days)', () => {
    const r = run(base({ validity: { type: 'Duration', duration: '90d' } }))
    expect(r.template.notBefore).toEqual(nb)
    expect(r.template.notAfter.getTime() - nb.getTime()).toBe(90 * DAY)
    expect(run(base({ validity: { type: 'Duration', duration: '1y' } })).template.notAfter.getTime() - nb.getTime()).toBe(365 * DAY)
    expect(run(base({ validity: { type: 'Duration', duration: '1y30d12h' } })).template.notAfter.getTime() - nb.getTime()).toBe(395.5 * DAY)
  })
  it('a fixed end Time is used as is; one in the past is an error', () => {
    const r = run(base({ validity: { type: 'Time', time: '2027-01-01T00:00:00Z' } }))
    expect(r.template.notAfter).toEqual(new Date('2027-01-01T00:00:00Z'))
    expect(errorsOf(run(base({ validity: { type: 'Time', time: '2026-01-01T00:00:00Z' } })).findings)).toContain('VALIDITY_END_IN_PAST')
  })
  it('maxValidityDays caps a fixed end (the 397-day ceiling where set)', () => {
    const p = base({ maxValidityDays: 397, validity: { type: 'Time', time: '2027-06-01T00:00:00Z' } })
    const f = run(p).findings
    expect(errorsOf(f)).toContain('VALIDITY_EXCEEDS_MAXIMUM')
    expect(f.find((x) => x.code === 'VALIDITY_EXCEEDS_MAXIMUM')!.message).toContain('maxValidityDays (397)')
    expect(run(base({ maxValidityDays: 397, validity: { type: 'Duration', duration: '397d' } })).findings).toEqual([])
  })
  it('issuer ceiling: reject refuses, clamp shortens with a warning', () => {
    const end = new Date(NOW.getTime() + 30 * DAY)
    const rejected = run(base({ validity: { type: 'Duration', duration: '90d' }, issuerCeiling: 'reject' }), {}, {}, ctx({ issuer: issuer(end) }))
    expect(errorsOf(rejected.findings)).toEqual(['VALIDITY_EXCEEDS_ISSUER'])
    const clamped = run(base({ validity: { type: 'Duration', duration: '90d' }, issuerCeiling: 'clamp' }), {}, {}, ctx({ issuer: issuer(end) }))
    expect(errorsOf(clamped.findings)).toEqual([])
    expect(warningsOf(clamped.findings)).toEqual(['VALIDITY_CLAMPED_TO_ISSUER'])
    expect(clamped.template.notAfter).toEqual(end)
    expect(clamped.preview.find((x) => x.field === 'validity')!.reason).toContain('clamped')
    const inside = run(base({ validity: { type: 'Duration', duration: '10d' } }), {}, {}, ctx({ issuer: issuer(end) }))
    expect(inside.findings).toEqual([])
  })
  it('an expired or not yet valid issuer is refused', () => {
    expect(errorsOf(run(base(), {}, {}, ctx({ issuer: issuer(new Date(NOW.getTime() - DAY)) })).findings)).toContain('ISSUER_EXPIRED')
    const future = issuer(new Date(NOW.getTime() + 900 * DAY), { notBefore: new Date(NOW.getTime() + DAY) })
    expect(errorsOf(run(base(), {}, {}, ctx({ issuer: future })).findings)).toEqual(['ISSUER_NOT_YET_VALID'])
  })
  it('an operator notAfter needs allowValidityOverride and may only shorten', () => {
    const end = '2026-04-01T00:00:00Z'
    expect(errorsOf(run(base(), {}, { notAfter: end }).findings)).toEqual(['VALIDITY_OVERRIDE_NOT_ALLOWED'])
    const p = base({ allowValidityOverride: true, validity: { type: 'Duration', duration: '90d' } })
    const r = run(p, {}, { notAfter: end })
    expect(r.findings).toEqual([])
    expect(r.template.notAfter).toEqual(new Date(end))
    expect(errorsOf(run(p, {}, { notAfter: '2027-04-01T00:00:00Z' }).findings)).toEqual(['VALIDITY_OVERRIDE_TOO_LONG'])
    expect(errorsOf(run(p, {}, { notAfter: '2025-04-01T00:00:00Z' }).findings)).toEqual(['VALIDITY_END_IN_PAST'])
  })
  it("the preview's dates are in the app's format (UTC, to the minute): entered end, result and a fixed end", () => {
    const p = base({ allowValidityOverride: true, validity: { type: 'Duration', duration: '90d' } })
    expect(run(p, {}, { notAfter: '2026-04-01T00:00:00Z' }).preview.find((x) => x.field === 'validity')).toMatchObject({
      requested: 'until 2026-04-01 00:00 UTC (entered)',
      result: '2026-03-01 12:00 UTC – 2026-04-01 00:00 UTC',
      reason: 'entered by the operator (allowValidityOverride)'
    })
    const fixed = run(base({ validity: { type: 'Time', time: '2027-01-01T00:00:00Z' } })).preview.find((x) => x.field === 'validity')!
    expect(fixed).toMatchObject({ result: '2026-03-01 12:00 UTC – 2027-01-01 00:00 UTC', reason: 'profile validity ends at 2027-01-01 00:00 UTC' })
    expect(JSON.stringify(fixed)).not.toMatch(/\d{4}-\d\d-\d\dT/)
  })
})

describe('key usage against the key type and the CA flag', () => {
  const tls = base({ keyUsage: ['digitalSignature', 'keyEncipherment'] })
  it('no keyEncipherment on EC keys: removed from the profile usage, with the reason', () => {
    const r = run(tls, { key: KEYS.p256 })
    expect(r.template.keyUsage?.usages).toEqual(['digitalSignature'])
    expect(r.findings).toEqual([])
    expect(r.preview.find((x) => x.field === 'keyUsage')!.reason).toContain('keyEncipherment removed')
    expect(run(tls, { key: KEYS.rsa2048 }).template.keyUsage?.usages).toEqual(['digitalSignature', 'keyEncipherment'])
  })
  it('a CSR that asks for keyEncipherment on an EC key (honored) is refused', () => {
    const f = run(base({ honorKeyUsage: true }), { key: KEYS.p256, ku: ['digitalSignature', 'keyEncipherment'] }).findings
    expect(errorsOf(f)).toEqual(['KEY_USAGE_INCONSISTENT_WITH_KEY'])
    // In words an operator reads aloud: "an EC key", never "a EC key".
    expect(f[0]!.message).toContain('which an EC key cannot perform')
  })
  it('names key families with their article and spelling: an Ed25519 key, an RSA key', () => {
    const ed = run(base({ honorKeyUsage: true }), { key: KEYS.ed25519, ku: ['digitalSignature', 'keyAgreement'] }).findings
    expect(ed.map((x) => x.message).join(' ')).toContain('an Ed25519 key')
    expect([...ed, ...run(base({ honorKeyUsage: true }), { key: KEYS.rsa2048, ku: ['keyAgreement'] }).findings].map((x) => x.message).join(' ')).not.toMatch(/\ba (EC|ED|RSA|Ed)/)
  })
  it('Ed25519 keeps only signature usages; RSA cannot do keyAgreement', () => {
    const p = base({ keyUsage: ['digitalSignature', 'keyEncipherment', 'keyAgreement'] })
    expect(run(p, { key: KEYS.ed25519 }).template.keyUsage?.usages).toEqual(['digitalSignature'])
    expect(run(p, { key: KEYS.rsa2048 }).template.keyUsage?.usages).toEqual(['digitalSignature', 'keyEncipherment'])
    expect(run(p, { key: KEYS.p384 }).template.keyUsage?.usages).toEqual(['digitalSignature', 'keyAgreement'])
  })
  it('nothing left for the key type is an error', () => {
    expect(errorsOf(run(base({ keyUsage: ['keyEncipherment'] }), { key: KEYS.p256 }).findings)).toContain('KEY_USAGE_EMPTY')
  })
  it('CA coherence: keyCertSign only on CA profiles, and required there', () => {
    expect(errorsOf(run(base({ honorKeyUsage: true }), { ku: ['digitalSignature', 'keyCertSign'] }).findings)).toContain('KEY_USAGE_CERTSIGN_WITHOUT_CA')
    const ca = base({ signAsCa: true, keyUsage: ['keyCertSign', 'cRLSign'], extendedKeyUsages: [], honorKeyUsage: true })
    expect(errorsOf(run(ca, { ku: ['digitalSignature'] }).findings)).toContain('KEY_USAGE_CA_WITHOUT_CERTSIGN')
  })
})

describe('CA profiles and path length', () => {
  const ca = (over: object = {}) => base({ signAsCa: true, keyUsage: ['keyCertSign', 'cRLSign'], extendedKeyUsages: [], ...over })
  it('CA:TRUE, critical, with the profile path length', () => {
    const r = run(ca({ pathLength: 0 }), { subject: { CN: 'Sub CA', O: 'Acme' } })
    expect(r.findings).toEqual([])
    expect(r.template.basicConstraints).toEqual({ ca: true, critical: true, pathLength: 0 })
  })
  it('the issuer path length bounds it; absent, it is derived', () => {
    const far = new Date(NOW.getTime() + 4000 * DAY)
    expect(run(ca(), {}, {}, ctx({ issuer: issuer(far, { pathLength: 2 }) })).template.basicConstraints).toEqual({ ca: true, critical: true, pathLength: 1 })
    expect(errorsOf(run(ca({ pathLength: 2 }), {}, {}, ctx({ issuer: issuer(far, { pathLength: 2 }) })).findings)).toEqual(['PATH_LENGTH_EXCEEDS_ISSUER'])
    expect(errorsOf(run(ca(), {}, {}, ctx({ issuer: issuer(far, { pathLength: 0 }) })).findings)).toEqual(['ISSUER_PATH_LENGTH_EXHAUSTED'])
    expect(errorsOf(run(ca(), {}, {}, ctx({ issuer: issuer(far, { isCa: false }) })).findings)).toEqual(['ISSUER_NOT_CA'])
  })
  it('an archived stored profile issues nothing', () => {
    expect(errorsOf(evaluate({ ...base(), archived: true }, csr(), operatorInput.parse({}), ctx()).findings)).toEqual(['PROFILE_ARCHIVED'])
  })
})

describe('profile URLs and policies go into the template', () => {
  it('CRL DP, AIA and certificate policies', () => {
    const r = run(
      base({
        crlDistributionPoints: ['http://pki.example/ca.crl'],
        ocspUrls: ['http://ocsp.example'],
        caIssuersUrls: ['http://pki.example/ca.crt'],
        certificatePolicies: [{ oid: '1.3.6.1.4.1.99999.1', cps: 'https://pki.example/cps' }]
      })
    )
    expect(r.template.crlDistributionPoints).toEqual(['http://pki.example/ca.crl'])
    expect(r.template.authorityInfoAccess).toEqual({ ocsp: ['http://ocsp.example'], caIssuers: ['http://pki.example/ca.crt'] })
    expect(r.template.certificatePolicies).toEqual([{ oid: '1.3.6.1.4.1.99999.1', cps: 'https://pki.example/cps' }])
    expect(r.preview.find((x) => x.field === 'crlDistributionPoints')).toMatchObject({ requested: null, result: 'http://pki.example/ca.crl', reason: 'set by the profile' })
  })

  const caUrls = { authorityName: 'Issuing', crlDistributionPoints: ['http://ca.example/issuing.crl'], ocspUrls: ['http://ocsp.ca.example'], caIssuersUrls: ['http://ca.example/issuing.crt'] }
  const withCa = ctx({ issuer: issuer(new Date(NOW.getTime() + 1000 * DAY), { urls: caUrls }) })

  it("the CA's URLs go into every certificate of a profile that sets none, each row naming the CA", () => {
    const r = run(base(), {}, {}, withCa)
    expect(r.template.crlDistributionPoints).toEqual(['http://ca.example/issuing.crl'])
    expect(r.template.authorityInfoAccess).toEqual({ ocsp: ['http://ocsp.ca.example'], caIssuers: ['http://ca.example/issuing.crt'] })
    const rows = Object.fromEntries(r.preview.filter((x) => /crl|authorityInfo/.test(x.field)).map((x) => [x.field, [x.result, x.reason]]))
    expect(rows).toEqual({
      crlDistributionPoints: ['http://ca.example/issuing.crl', 'set on the CA "Issuing"'],
      'authorityInfoAccess.ocsp': ['http://ocsp.ca.example', 'set on the CA "Issuing"'],
      'authorityInfoAccess.caIssuers': ['http://ca.example/issuing.crt', 'set on the CA "Issuing"']
    })
  })

  it("a profile's own URLs of a kind win for that kind only; the others still come from the CA", () => {
    const r = run(base({ ocspUrls: ['http://ocsp.profile.example'] }), {}, {}, withCa)
    expect(r.template.authorityInfoAccess).toEqual({ ocsp: ['http://ocsp.profile.example'], caIssuers: ['http://ca.example/issuing.crt'] })
    expect(r.template.crlDistributionPoints).toEqual(['http://ca.example/issuing.crl'])
    expect(r.preview.find((x) => x.field === 'authorityInfoAccess.ocsp')).toMatchObject({ result: 'http://ocsp.profile.example', reason: 'set by the profile' })
    expect(r.preview.find((x) => x.field === 'authorityInfoAccess.caIssuers')).toMatchObject({ reason: 'set on the CA "Issuing"' })
    const all = run(base({ crlDistributionPoints: ['ldap://dir.example/cn=CA?certificateRevocationList'], ocspUrls: ['http://o.example'], caIssuersUrls: ['http://p.example/c.crt'] }), {}, {}, withCa)
    expect(all.template.crlDistributionPoints).toEqual(['ldap://dir.example/cn=CA?certificateRevocationList'])
    expect(all.template.authorityInfoAccess).toEqual({ ocsp: ['http://o.example'], caIssuers: ['http://p.example/c.crt'] })
    expect(all.preview.filter((x) => x.reason?.includes('on the CA'))).toEqual([])
  })

  it('neither the profile nor the CA: no CRL DP, no AIA, no rows', () => {
    const none = { authorityName: 'Bare', crlDistributionPoints: [], ocspUrls: [], caIssuersUrls: [] }
    const r = run(base(), {}, {}, ctx({ issuer: issuer(new Date(NOW.getTime() + 1000 * DAY), { urls: none }) }))
    expect(r.template.crlDistributionPoints).toBeUndefined()
    expect(r.template.authorityInfoAccess).toBeUndefined()
    expect(r.preview.filter((x) => /crl|authorityInfo/i.test(x.field))).toEqual([])
  })
})

describe('the lint runs on the template evaluate builds', () => {
  it('a TLS server certificate whose CN is not among its SANs is refused under public-tls, a warning under private', () => {
    const p = base({ lintLevel: 'public-tls', extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'], san: { includeCommonName: false } })
    const f = run(p, { subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'api.example.com' }] }).findings
    expect(errorsOf(f)).toEqual(['CN_NOT_IN_SAN'])
    const priv = run({ ...p, lintLevel: 'private' }, { subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'api.example.com' }] }).findings
    expect(errorsOf(priv)).toEqual([])
    expect(warningsOf(priv)).toEqual(['CN_NOT_IN_SAN'])
    expect(run(base({ extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'], san: { includeCommonName: true } }), { subject: { CN: 'www.example.com' } }).findings).toEqual([])
  })
  it('a year-long serverAuth certificate is a warning, an error under a ≤ 397-day ceiling', () => {
    const p = base({ extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'], san: { includeCommonName: true }, validity: { type: 'Duration', duration: '2y' } })
    expect(warningsOf(run(p, { subject: { CN: 'a.example' } }).findings)).toEqual(['TLS_VALIDITY_OVER_397_DAYS'])
    expect(codes(run(p, { subject: { CN: 'a.example' } }).findings)).not.toContain('VALIDITY_EXCEEDS_MAXIMUM')
  })
  it('an empty subject without SANs is refused', () => {
    expect(errorsOf(run(base(), { subject: {} }).findings)).toEqual(['SUBJECT_AND_SAN_EMPTY'])
  })
})

describe('the preview', () => {
  it('gives a reason for every difference between request and result', () => {
    const cases = [
      run(base({ honorSubject: false, subjectAttributes: [{ type: 'CN', sources: ['csr'] }, { type: 'O', sources: ['fixed'], value: 'Acme' }], san: { fromCsr: false, rules: [{ type: 'dns', sources: ['fixed'], value: 'fixed.example' }] } }), {
        subject: { CN: 'x', OU: 'dropped' },
        sans: [{ type: 'dns', value: 'asked.example' }],
        ku: ['digitalSignature', 'keyAgreement'],
        eku: ['1.3.6.1.5.5.7.3.4'],
        extensions: [{ oid: '1.2.3.4', critical: false, value: new Uint8Array([5, 0]) }]
      }),
      run(base({ keyUsage: ['digitalSignature', 'keyEncipherment'], issuerCeiling: 'clamp', crlDistributionPoints: ['http://pki.example/a.crl'] }), { key: KEYS.p384 }, { signatureHash: 'SHA-512' }, ctx({ issuer: issuer(new Date(NOW.getTime() + 5 * DAY)) })),
      run(base({ signAsCa: true, keyUsage: ['keyCertSign'], extendedKeyUsages: [] }), {}, {}, ctx({ issuer: issuer(new Date(NOW.getTime() + 900 * DAY), { pathLength: 3 }) }))
    ]
    // Known answers, worked out by hand from each profile and request: [field, requested, result]
    // of every row the profile changed, and the fields it kept as asked.
    const expected = [
      {
        changed: [
          ['subject.OU', 'dropped', null], // honorSubject off: only CN (csr) and O (fixed) are kept
          ['subject.O', null, 'Acme'],
          ['subject', 'OU=dropped, CN=x', 'CN=x, O=Acme'],
          ['san.dns:asked.example', 'dns:asked.example', null], // fromCsr off
          ['san.dns:fixed.example', null, 'dns:fixed.example'],
          ['validity', null, '2026-03-01 12:00 UTC – 2026-05-30 12:00 UTC'], // the base profile's 90 days
          ['keyUsage', 'digitalSignature, keyAgreement', 'digitalSignature'],
          ['extendedKeyUsage', 'emailProtection', 'clientAuth'],
          ['basicConstraints', null, 'CA:FALSE'],
          ['extension.1.2.3.4', 'requested', null], // an unknown requested extension is not copied
          ['signature', null, 'SHA-256']
        ],
        kept: ['publicKey', 'subject.CN']
      },
      {
        changed: [
          ['validity', null, '2026-03-01 12:00 UTC – 2026-03-06 12:00 UTC'], // clamped to the issuer's notAfter
          ['keyUsage', null, 'digitalSignature'], // keyEncipherment dropped for an EC key
          ['extendedKeyUsage', null, 'clientAuth'],
          ['basicConstraints', null, 'CA:FALSE'],
          ['crlDistributionPoints', null, 'http://pki.example/a.crl']
        ],
        kept: ['publicKey', 'subject.CN', 'subject', 'signature'] // SHA-512 asked and allowed
      },
      {
        changed: [
          ['validity', null, '2026-03-01 12:00 UTC – 2026-05-30 12:00 UTC'],
          ['keyUsage', null, 'keyCertSign'],
          ['basicConstraints', null, 'CA:TRUE, pathlen:2'], // one below the issuer's path length 3
          ['signature', null, 'SHA-256']
        ],
        kept: ['publicKey', 'subject.CN', 'subject', 'extendedKeyUsage'] // none asked, none given
      }
    ]
    for (const [i, r] of cases.entries()) {
      expect(r.preview.filter((row) => row.changed).map((row) => [row.field, row.requested, row.result])).toEqual(expected[i]!.changed)
      expect(r.preview.filter((row) => !row.changed).map((row) => row.field)).toEqual(expected[i]!.kept)
      for (const row of r.preview.filter((x) => x.changed)) expect(row.reason, row.field).toBeTruthy()
    }
  })
})

describe('extensions, subject bounds, the issuer hash, IP names and calendar years', () => {
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
})

// Pre-issuance lint rules (RFC 5280, CA/B Forum essentials) over the neutral view, and over
// the exact TBS the engine's builder encodes.
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { lintTbs, lintTemplate, lintView, tbsLintView, type LintView } from '../../../src/main/engine/policy'
import { encodeTbs } from '../../../src/main/engine'
import type { CertificateTemplate } from '../../../src/main/engine/template'

const NB = new Date('2026-01-01T00:00:00Z')
const DAY = 86_400_000
const view = (over: Partial<LintView> = {}): LintView => ({
  serial: new Uint8Array([0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
  subject: [[{ type: 'CN', value: 'www.example.com' }]],
  notBefore: NB,
  notAfter: new Date(NB.getTime() + 90 * DAY),
  signatureHash: 'SHA-256',
  keyFamily: 'ec',
  basicConstraints: { ca: false, critical: true },
  keyUsage: { usages: ['digitalSignature'], critical: true },
  extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1'], critical: false },
  subjectAltName: { names: [{ type: 'dns', value: 'www.example.com' }], critical: false },
  ...over
})
const codes = (v: LintView, o = {}) => lintView(v, o).map((f) => `${f.severity}:${f.code}`)

describe('lintView', () => {
  it('a well-formed TLS server certificate is clean', () => {
    expect(lintView(view())).toEqual([])
  })
  it('serial: positive, at most 20 octets, enough entropy', () => {
    expect(codes(view({ serial: new Uint8Array(21).fill(1) }))).toEqual(['error:SERIAL_TOO_LONG'])
    expect(codes(view({ serial: new Uint8Array([0x80, ...new Array<number>(15).fill(1)]) }))).toEqual(['error:SERIAL_NOT_POSITIVE'])
    expect(codes(view({ serial: new Uint8Array(16) }))).toEqual(['error:SERIAL_NOT_POSITIVE'])
    expect(codes(view({ serial: new Uint8Array([1, 2, 3]) }))).toEqual(['warning:SERIAL_LOW_ENTROPY'])
    expect(codes(view({ serial: new Uint8Array(20).fill(0x7f) }))).toEqual([])
  })
  it('CN ≤ 64 (RFC 5280, an error at every level) and present in the SANs of a TLS server certificate (CA/B: an error only under public-tls)', () => {
    const long = 'a'.repeat(61) + '.com'
    const tls = { level: 'public-tls' as const }
    expect(codes(view({ subject: [[{ type: 'CN', value: long }]], subjectAltName: { names: [{ type: 'dns', value: long }], critical: false } }))).toEqual(['error:SUBJECT_CN_TOO_LONG'])
    const other = view({ subjectAltName: { names: [{ type: 'dns', value: 'api.example.com' }], critical: false } })
    expect(codes(other, tls)).toEqual(['error:CN_NOT_IN_SAN'])
    expect(codes(other)).toEqual(['warning:CN_NOT_IN_SAN'])
    const noSan: Partial<LintView> = {}
    const v = { ...view(), ...noSan }
    delete (v as { subjectAltName?: unknown }).subjectAltName
    expect(codes(v, tls)).toEqual(['error:TLS_SAN_MISSING', 'error:CN_NOT_IN_SAN'])
    expect(codes(v, { level: 'private' })).toEqual(['warning:TLS_SAN_MISSING', 'warning:CN_NOT_IN_SAN'])
    // The finding says which level decided.
    const [f] = lintView(other, tls)
    expect(f).toMatchObject({ lintLevel: 'public-tls' })
    expect(f!.message).toContain('lint level public-tls')
    expect(lintView(other)[0]!.message).toContain('lint level private')
    // A CN that is no host name: an error under public-tls, a warning under private.
    const person = view({ subject: [[{ type: 'CN', value: 'Jane Doe' }]] })
    expect(codes(person, tls)).toEqual(['error:CN_NOT_HOSTNAME'])
    expect(codes(person)).toEqual(['warning:CN_NOT_HOSTNAME'])
    // Not serverAuth: the CN rule does not apply.
    expect(codes(view({ extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.2'], critical: false }, subjectAltName: { names: [{ type: 'dns', value: 'x.example' }], critical: false } }))).toEqual([])
  })
  it('empty subject: SAN required, and critical', () => {
    expect(codes(view({ subject: [], subjectAltName: { names: [{ type: 'dns', value: 'a.example' }], critical: false } }))).toEqual(['error:SAN_MUST_BE_CRITICAL'])
    expect(codes(view({ subject: [], subjectAltName: { names: [{ type: 'dns', value: 'a.example' }], critical: true } }))).toEqual([])
    const v = view({ subject: [], extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.2'], critical: false } })
    delete (v as { subjectAltName?: unknown }).subjectAltName
    expect(codes(v)).toEqual(['error:SUBJECT_AND_SAN_EMPTY'])
  })
  it('validity: ≤ 397 days for serverAuth (inclusive second), a warning under private, an error under public-tls', () => {
    const at = (days: number, extraMs = 0) => view({ notAfter: new Date(NB.getTime() + days * DAY + extraMs) })
    expect(codes(at(397, -1000), { level: 'public-tls' })).toEqual([])
    expect(codes(at(397))).toEqual(['warning:TLS_VALIDITY_OVER_397_DAYS'])
    expect(codes(at(398), { level: 'public-tls' })).toEqual(['error:TLS_VALIDITY_OVER_397_DAYS'])
    expect(codes(view({ notAfter: NB }))).toEqual(['error:VALIDITY_NOT_POSITIVE'])
    expect(codes(view(), { issuerNotAfter: new Date(NB.getTime() + DAY) })).toEqual(['error:VALIDITY_EXCEEDS_ISSUER'])
  })
  it('no SHA-1 or MD5', () => {
    expect(codes(view({ signatureHash: 'SHA-1' }))).toEqual(['error:HASH_NOT_ALLOWED'])
    expect(codes(view({ signatureHash: 'MD5' }))).toEqual(['error:HASH_NOT_ALLOWED'])
  })
  it('KU/EKU coherence and KU against the key', () => {
    expect(codes(view({ keyUsage: { usages: ['cRLSign'], critical: true } }))).toEqual(['error:EKU_KU_MISMATCH'])
    expect(codes(view({ extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.3'], critical: false }, keyUsage: { usages: ['keyAgreement'], critical: true } }))).toEqual(['error:EKU_KU_MISMATCH'])
    expect(codes(view({ keyUsage: { usages: ['digitalSignature', 'keyEncipherment'], critical: true } }))).toEqual(['error:KEY_USAGE_INCONSISTENT_WITH_KEY'])
    expect(codes(view({ keyFamily: 'rsa', keyUsage: { usages: ['digitalSignature', 'keyEncipherment'], critical: true } }))).toEqual([])
    expect(codes(view({ keyUsage: { usages: [], critical: true } }))).toContain('error:KEY_USAGE_EMPTY')
    expect(codes(view({ extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.2'], critical: false } }))).toEqual(['warning:EKU_TIMESTAMPING_NOT_EXCLUSIVE'])
  })
  it('CA and path length coherence', () => {
    const ca = (over: Partial<LintView>) =>
      view({ basicConstraints: { ca: true, critical: true, pathLength: 0 }, keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true }, extendedKeyUsage: { oids: [], critical: false }, ...over })
    expect(codes(ca({}))).toEqual([])
    expect(codes(ca({ basicConstraints: { ca: true, critical: false } }))).toEqual(['error:CA_BASIC_CONSTRAINTS_NOT_CRITICAL'])
    expect(codes(ca({ keyUsage: { usages: ['cRLSign'], critical: true } }))).toEqual(['error:KEY_USAGE_CA_WITHOUT_CERTSIGN', 'error:PATH_LENGTH_WITHOUT_CERTSIGN'])
    expect(codes(ca({ keyUsage: { usages: ['keyCertSign'], critical: false } }))).toEqual(['warning:CA_KEY_USAGE_NOT_CRITICAL'])
    expect(codes(view({ basicConstraints: { ca: false, critical: true, pathLength: 1 } }))).toEqual(['error:PATH_LENGTH_WITHOUT_CA'])
    expect(codes(view({ keyUsage: { usages: ['digitalSignature', 'keyCertSign'], critical: true } }))).toEqual(['error:KEY_USAGE_CERTSIGN_WITHOUT_CA'])
  })
  it('malformed SAN values', () => {
    const names = [
      { type: 'dns' as const, value: 'www.example.com' },
      { type: 'dns' as const, value: 'bad_label!.example' },
      { type: 'ip' as const, value: '300.1.1.1' },
      { type: 'email' as const, value: 'nobody' },
      { type: 'uri' as const, value: 'not a uri' }
    ]
    expect(lintView(view({ subjectAltName: { names, critical: false } })).map((f) => f.field)).toEqual(['san[1]', 'san[2]', 'san[3]', 'san[4]'])
  })
})

describe('lintTbs reads the exact TBS the builder encodes', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })
  const template = (over: Partial<CertificateTemplate> = {}): CertificateTemplate => ({
    subject: [[{ type: 'CN', value: 'www.example.com' }]],
    subjectPublicKeySpki: new Uint8Array(key),
    notBefore: NB,
    notAfter: new Date(NB.getTime() + 90 * DAY),
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: ['digitalSignature'], critical: true },
    extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1'], critical: false },
    subjectAltName: { names: [{ type: 'dns', value: 'www.example.com' }, { type: 'ip', value: '192.0.2.7' }], critical: false },
    ...over
  })
  const serial = new Uint8Array([0x3a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
  it('round-trips every field the rules look at', () => {
    const { tbs } = encodeTbs(template(), null, 'ec-p256', serial)
    const v = tbsLintView(tbs)
    expect(v.serial).toEqual(serial)
    expect(v.subject).toEqual([[{ type: 'CN', value: 'www.example.com' }]])
    expect(v.signatureHash).toBe('SHA-256')
    expect(v.keyFamily).toBe('ec')
    expect(v.notAfter).toEqual(new Date(NB.getTime() + 90 * DAY))
    expect(v.keyUsage).toEqual({ usages: ['digitalSignature'], critical: true })
    expect(v.extendedKeyUsage).toEqual({ oids: ['1.3.6.1.5.5.7.3.1'], critical: false })
    expect(v.basicConstraints).toEqual({ ca: false, critical: true })
    expect(v.subjectAltName?.names).toEqual([{ type: 'dns', value: 'www.example.com' }, { type: 'ip', value: '192.0.2.7' }])
    expect(lintTbs(tbs)).toEqual([])
    expect(lintTemplate(template(), { keyFamily: 'ec' })).toEqual([])
  })
  it('finds in the TBS what the template alone cannot show: the serial', () => {
    const long = new Uint8Array(21).fill(0x11)
    expect(lintTbs(encodeTbs(template(), null, 'ec-p256', long).tbs).map((f) => f.code)).toEqual(['SERIAL_TOO_LONG'])
  })
  it('finds a CN missing from the SANs and keyEncipherment on an EC key in the encoded TBS', () => {
    const bad = template({ subjectAltName: { names: [{ type: 'dns', value: 'api.example.com' }], critical: false }, keyUsage: { usages: ['digitalSignature', 'keyEncipherment'], critical: true } })
    expect(lintTbs(encodeTbs(bad, null, 'ec-p256', serial).tbs).map((f) => f.code).sort()).toEqual(['CN_NOT_IN_SAN', 'KEY_USAGE_INCONSISTENT_WITH_KEY'])
  })
})

describe('the lint refuses an IP address in a dNSName, whatever produced the template', () => {
  it('SAN_DNS_IS_IP', () => {
    const NOW = new Date('2026-03-01T12:00:00.000Z')
    const ip = { subject: [[{ type: 'CN', value: 'x' }]], notBefore: NOW, notAfter: new Date(NOW.getTime() + 86_400_000), signatureHash: 'SHA-256', subjectAltName: { names: [{ type: 'dns' as const, value: '192.168.1.1' }], critical: false } }
    expect(lintView(ip).filter((f) => f.severity === 'error').map((f) => [f.code, f.field])).toEqual([['SAN_DNS_IS_IP', 'san[0]']])
    expect(lintView({ ...ip, subjectAltName: { names: [{ type: 'ip' as const, value: '192.168.1.1' }], critical: false } }).filter((f) => f.severity === 'error')).toEqual([])
  })
})

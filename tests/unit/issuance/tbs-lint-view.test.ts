// The batch path's lean TBS lint reader against the reference reader (policy tbsLintView over
// asn1-schema): equal views, hence equal findings, over varied TBS shapes; shapes it does not
// read give null so the caller falls back to the reference.
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { encodeTbsLean } from '../../../src/main/engine/tbs-lean'
import { lintView, tbsLintView } from '../../../src/main/engine/policy'
import { leanTbsLintView } from '../../../src/main/engine/batch/tbs-lint-view'
import type { CertificateTemplate } from '../../../src/main/engine'
import type { KeySpec } from '../../../src/shared/domain/keys'

const spkiOf = (type: 'ec' | 'ed25519' | 'rsa'): Uint8Array => {
  const k = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 1024 }) : generateKeyPairSync('ed25519')
  return new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' }))
}
const issuer = { subjectDer: Uint8Array.of(0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 0x43, 0x41, 0x31), ski: new Uint8Array(20).fill(7), notAfter: new Date('2070-01-01T00:00:00Z') }
const serial = Uint8Array.from([0x01, ...new Array<number>(15).fill(0xab)])

const cases: [string, CertificateTemplate, KeySpec][] = [
  [
    'TLS server, EC, UTCTime, Unicode O, IP v4/v6, email and URI SANs',
    {
      subject: [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Acme Ünïcode' }], [{ type: 'OU', value: 'Ops' }, { type: 'OU', value: 'Web' }], [{ type: 'CN', value: 'h.example' }], [{ type: 'emailAddress', value: 'a@b.example' }]],
      subjectPublicKeySpki: spkiOf('ec'),
      notBefore: new Date('2026-03-01T10:20:30Z'),
      notAfter: new Date('2026-06-01T10:20:30Z'),
      signature: { hash: 'SHA-384', rsaPss: false },
      basicConstraints: { ca: false, critical: true },
      keyUsage: { usages: ['digitalSignature'], critical: true },
      extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], critical: false },
      subjectAltName: { names: [{ type: 'dns', value: 'h.example' }, { type: 'ip', value: '192.0.2.7' }, { type: 'ip', value: '2001:db8::7' }, { type: 'email', value: 'x@y.example' }, { type: 'uri', value: 'https://e.example/x' }], critical: false },
      crlDistributionPoints: ['http://crl.example/ca.crl'],
      certificatePolicies: [{ oid: '2.23.140.1.2.1' }]
    },
    'ec-p256'
  ],
  [
    'CA with pathLen, every KU bit, GeneralizedTime, RSA issuer, PSS',
    {
      subject: [[{ type: 'CN', value: 'Sub CA' }]],
      subjectPublicKeySpki: spkiOf('rsa'),
      notBefore: new Date('2049-12-31T23:59:59Z'),
      notAfter: new Date('2060-01-01T00:00:00Z'),
      signature: { hash: 'SHA-256', rsaPss: true },
      basicConstraints: { ca: true, pathLength: 2, critical: true },
      keyUsage: { usages: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'], critical: false }
    },
    'rsa-2048'
  ],
  [
    'empty subject, critical SAN, Ed25519, no KU',
    {
      subject: [],
      subjectPublicKeySpki: spkiOf('ed25519'),
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
      signature: { hash: 'SHA-512', rsaPss: false },
      subjectAltName: { names: [{ type: 'dns', value: 'bad_name!' }], critical: true }
    },
    'ed25519'
  ]
]

describe('leanTbsLintView', () => {
  it.each(cases)('reads %s exactly as the reference reader does', (_name, template, spec) => {
    const { tbs } = encodeTbsLean(template, issuer, spec, serial)
    const lean = leanTbsLintView(tbs)
    const reference = tbsLintView(tbs)
    expect(lean).not.toBeNull()
    expect(JSON.parse(JSON.stringify(lean))).toEqual(JSON.parse(JSON.stringify(reference)))
    expect(lintView(lean!, { issuerNotAfter: issuer.notAfter })).toEqual(lintView(reference, { issuerNotAfter: issuer.notAfter }))
  })

  it('finds the errors the lint must refuse (the view carries what the rules need)', () => {
    const { tbs } = encodeTbsLean(cases[2]![1], issuer, 'ed25519', serial)
    const codes = lintView(leanTbsLintView(tbs)!).map((f) => f.code)
    expect(codes).toEqual(expect.arrayContaining(['VALIDITY_NOT_POSITIVE', 'SAN_INVALID']))
  })

  it('returns null for shapes it does not read (UPN SAN, trailing bytes, not DER)', () => {
    const upn: CertificateTemplate = { ...cases[0]![1], subjectAltName: { names: [{ type: 'upn', value: 'ops@corp.example' }], critical: false } }
    const { tbs } = encodeTbsLean(upn, issuer, 'ec-p256', serial)
    expect(leanTbsLintView(tbs)).toBeNull()
    const good = encodeTbsLean(cases[0]![1], issuer, 'ec-p256', serial).tbs
    expect(leanTbsLintView(Uint8Array.from([...good, 0]))).toBeNull()
    expect(leanTbsLintView(Uint8Array.of(1, 2, 3))).toBeNull()
  })
})

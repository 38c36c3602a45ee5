// Engine rules, each checked by an independent implementation where it is about certificate
// content: multi-valued RDNs in the TBS, RFC 5280 subject bounds, signing-hash pairing,
// removeFromCRL never in a full CRL, the PFX trust attribute only on CA certificates, key
// separation, and whether a CA may issue.
import { unwrap } from '../../../src/shared/errors'
import { describe, expect, it, afterAll } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCertificate, buildCrl, toPem, type CertificateTemplate } from '../../../src/main/engine'
import { encodeTbs } from '../../../src/main/engine/certificate-builder'
import { encodeTbsLean } from '../../../src/main/engine/tbs-lean'
import { checkDistinguishedName } from '../../../src/main/engine/names'
import { buildPfx } from '../../../src/main/engine/pkcs12'
import { issuerContextFromCertificate } from '../../../src/main/engine/policy'
import { authorityMayIssue, keySeparation, pairedHash, signingHashFor, signingKeyOfSpec } from '../../../src/main/engine/signing-rules'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'
import { keytool, openssl, tempDir } from './helpers'

const tmp = tempDir('pkidesk-review-')
afterAll(() => tmp.cleanup())
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000)
const PASS = 'correct horse battery staple'

function p256() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return createKeyObjectSigner('k', 'ec-p256', privateKey)
}

async function root(signer = p256()) {
  const t: CertificateTemplate = {
    subject: [[{ type: 'CN', value: 'Review Root' }]],
    subjectPublicKeySpki: signer.publicKeySpki,
    notBefore: NOW,
    notAfter: later(365),
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: true, critical: true },
    keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true }
  }
  const r = await buildCertificate(t, null, signer)
  if (!r.ok) throw new Error(r.error.message)
  return { signer, der: r.value.der }
}

async function leaf(issuer: { signer: ReturnType<typeof p256>; der: Uint8Array }, subject: CertificateTemplate['subject']) {
  const key = p256()
  const t: CertificateTemplate = {
    subject,
    subjectPublicKeySpki: key.publicKeySpki,
    notBefore: NOW,
    notAfter: later(30),
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: ['digitalSignature'], critical: true }
  }
  const r = await buildCertificate(t, issuerInfoOf(issuer.der), issuer.signer)
  if (!r.ok) throw new Error(r.error.message)
  return { template: t, der: r.value.der }
}

describe('a multi-valued RDN is one SET in the certificate', () => {
  it('CN+UID is written as one RDN (openssl prints them joined with +), lean and reference encoders agree', async () => {
    const ca = await root()
    const subject = [[{ type: 'C', value: 'CH' }], [{ type: 'CN', value: 'zurich.example.com' }, { type: 'UID', value: 'jdoe' }]]
    const { template, der } = await leaf(ca, subject)
    const file = tmp.write('mv.pem', toPem('CERTIFICATE', der))
    const rfc2253 = openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253']).out
    expect(rfc2253).toMatch(/subject=(UID=jdoe\+CN=zurich\.example\.com|CN=zurich\.example\.com\+UID=jdoe),C=CH/)
    const caFile = tmp.write('mv-ca.pem', toPem('CERTIFICATE', ca.der))
    expect(openssl(['verify', '-x509_strict', '-CAfile', caFile, file]).out).toContain(': OK')
    const serial = new Uint8Array([1, 2, 3])
    const lean = encodeTbsLean(template, issuerInfoOf(ca.der), 'ec-p256', serial)
    const ref = encodeTbs(template, issuerInfoOf(ca.der), 'ec-p256', serial)
    expect(Buffer.from(lean.tbs).equals(Buffer.from(ref.tbs))).toBe(true)
  })
})

describe('RFC 5280 subject bounds', () => {
  it('names the field and the rule', () => {
    expect(checkDistinguishedName([[{ type: 'C', value: 'Germany' }], [{ type: 'CN', value: 'x' }]]).map((p) => [p.code, p.field])).toEqual([['SUBJECT_COUNTRY_INVALID', 'subject.C']])
    expect(checkDistinguishedName([[{ type: 'C', value: 'Dé' }]]).map((p) => p.code)).toEqual(['SUBJECT_COUNTRY_INVALID'])
    expect(checkDistinguishedName([[{ type: 'CN', value: 'a'.repeat(65) }]]).map((p) => [p.code, p.field])).toEqual([['SUBJECT_ATTRIBUTE_TOO_LONG', 'subject.CN']])
    expect(checkDistinguishedName([[{ type: 'serialNumber', value: 'ü1' }]]).map((p) => p.code)).toEqual(['SUBJECT_ATTRIBUTE_NOT_PRINTABLE'])
    expect(checkDistinguishedName([[{ type: 'C', value: 'DE' }], [{ type: 'CN', value: 'a'.repeat(64) }], [{ type: 'L', value: 'l'.repeat(128) }]])).toEqual([])
  })
})

describe('the signing key decides the hash', () => {
  it('pairs ECDSA curves with their hash and leaves RSA free', () => {
    expect(pairedHash(signingKeyOfSpec('ec-p256'))).toBe('SHA-256')
    expect(pairedHash(signingKeyOfSpec('ec-p384'))).toBe('SHA-384')
    expect(pairedHash(signingKeyOfSpec('ec-p521'))).toBe('SHA-512')
    expect(pairedHash(signingKeyOfSpec('rsa-2048'))).toBeNull()
    expect(signingHashFor(signingKeyOfSpec('rsa-3072'), 'SHA-512', true)).toEqual({ ok: true, hash: 'SHA-512' })
    expect(signingHashFor(signingKeyOfSpec('ec-p384'), 'SHA-256', false)).toMatchObject({ ok: true, hash: 'SHA-384' })
    expect(signingHashFor(signingKeyOfSpec('ec-p384'), 'SHA-256', true)).toMatchObject({ ok: false, code: 'SIGNATURE_HASH_MISMATCH' })
    expect(signingHashFor(signingKeyOfSpec('ed25519'), 'SHA-384', true)).toMatchObject({ ok: true, note: expect.stringContaining('Ed25519') })
  })
  it("reads the issuer's curve from its certificate", async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const ca = await root(createKeyObjectSigner('k', 'ec-p384', privateKey))
    expect(issuerContextFromCertificate(ca.der)).toMatchObject({ keyFamily: 'ec', curve: 'P-384' })
    expect(new X509Certificate(ca.der).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1')
  })
})

describe('removeFromCRL never goes into a full CRL', () => {
  it('buildCrl refuses it', async () => {
    const ca = await root()
    const info = issuerInfoOf(ca.der)
    const input = { issuerSubjectDer: info.subjectDer, issuerSki: info.ski, crlNumber: 1, thisUpdate: NOW, nextUpdate: later(7), hash: 'SHA-256' as const, rsaPss: false }
    const refused = await buildCrl({ ...input, entries: [{ serial: '01', revokedAt: NOW, reason: 'removeFromCRL' }] }, ca.signer)
    expect(refused).toMatchObject({ ok: false, error: { code: 'CRL_ENTRY_DELTA_ONLY', field: 'entries' } })
    const crl = await buildCrl({ ...input, entries: [{ serial: '01', revokedAt: NOW, reason: 'keyCompromise' }] }, ca.signer)
    if (!crl.ok) throw new Error(crl.error.message)
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl.value).out).toContain('Key Compromise')
  })
})

describe('a PFX without a key marks only CA certificates as trusted', () => {
  it.each(['modern', 'legacy'] as const)('%s: keytool lists the root as trustedCertEntry, not the end entity', async (preset) => {
    const ca = await root()
    const ee = await leaf(ca, [[{ type: 'CN', value: 'leaf.example.com' }]])
    const file = tmp.write(`chain-${preset}.pfx`, unwrap(await buildPfx({ certificates: [ee.der, ca.der], password: PASS, preset })))
    expect(openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${PASS}`, '-nokeys']).status).toBe(0)
    const kt = keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASS])
    expect(kt.status).toBe(0)
    expect(kt.out.match(/trustedCertEntry/g)?.length).toBe(1)
    expect(kt.out).toContain('CN=Review Root')
    expect(kt.out).not.toContain('CN=leaf.example.com')
  })
})

describe('key separation', () => {
  it('allows re-certifying a CA key as a CA, refuses a CA key for an end entity and an end-entity key for a CA', () => {
    expect(keySeparation({ keyIsCa: true, keyIsEndEntity: false, certifyAsCa: true }, 'f').ok).toBe(true)
    const ee = keySeparation({ keyIsCa: true, keyIsEndEntity: false, certifyAsCa: false }, 'f')
    expect(ee.ok ? 'OK' : ee.error.code).toBe('CSR_KEY_IS_CA_KEY')
    expect(ee.ok ? '' : ee.error.message).toContain('end-entity certificate')
    const ca = keySeparation({ keyIsCa: false, keyIsEndEntity: true, certifyAsCa: true }, 'f')
    expect(ca.ok ? 'OK' : ca.error.code).toBe('KEY_USED_BY_END_ENTITY')
    expect(keySeparation({ keyIsCa: false, keyIsEndEntity: false, certifyAsCa: false }, 'f').ok).toBe(true)
  })
})

describe('whether a CA may issue', () => {
  const base = { name: 'Issuing1', state: 'active' as const, notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2030-01-01T00:00:00.000Z', revocation: null }
  const code = (r: ReturnType<typeof authorityMayIssue>) => (r.ok ? 'OK' : r.error.code)
  const at = new Date('2027-01-01T00:00:00Z')
  it.each([
    ['active and valid', base, 'OK'],
    ['revoked', { ...base, revocation: { revokedAt: '2026-06-01T00:00:00.000Z', reason: 'cACompromise' } }, 'AUTHORITY_REVOKED'],
    ['expired', { ...base, notAfter: '2026-12-31T00:00:00.000Z' }, 'AUTHORITY_EXPIRED'],
    ['not yet valid', { ...base, notBefore: '2027-06-01T00:00:00.000Z' }, 'AUTHORITY_NOT_YET_VALID'],
    ['retired', { ...base, state: 'retired' as const }, 'AUTHORITY_RETIRED'],
    ['pending', { ...base, state: 'pending-certificate' as const, notBefore: null, notAfter: null }, 'AUTHORITY_PENDING']
  ])('%s → %s', (_n, facts, expected) => {
    expect(code(authorityMayIssue(facts, at))).toBe(expected)
  })
  it('the revoked message names the CA and says CRLs are still signed', () => {
    const r = authorityMayIssue({ ...base, revocation: { revokedAt: '2026-06-01T00:00:00.000Z', reason: 'cACompromise' } }, at)
    expect(r.ok ? '' : r.error.message).toMatch(/"Issuing1".*revoked.*cACompromise.*CRLs/)
  })
})

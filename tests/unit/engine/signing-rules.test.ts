// The signing rules (src/main/engine/signing-rules.ts): the signing key decides the hash (an
// ECDSA curve pairs with its hash, read from the issuer's certificate), key separation between
// CA and end-entity keys, and whether a CA may issue now.
import { describe, expect, it } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { issuerContextFromCertificate } from '../../../src/main/engine/policy'
import { authorityMayIssue, keySeparation, pairedHash, signingHashFor, signingKeyOfSpec } from '../../../src/main/engine/signing-rules'
import { testRoot } from './helpers'

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)

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
    const ca = await testRoot(NOW, createKeyObjectSigner('k', 'ec-p384', privateKey))
    expect(issuerContextFromCertificate(ca.der)).toMatchObject({ keyFamily: 'ec', curve: 'P-384' })
    expect(new X509Certificate(ca.der).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1')
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

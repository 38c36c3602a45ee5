// Reading legacy PKCS#12: RC2 against the RFC 2268 known answers and OpenSSL's legacy
// provider, and a PFX written by `openssl pkcs12 -export -legacy` (certificates under
// pbeWithSHAAnd40BitRC2-CBC, key under 3DES), as Windows and older OpenSSL export them.
import { afterAll, describe, expect, it } from 'vitest'
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { PFX, AuthenticatedSafe } from '@peculiar/asn1-pfx'
import { decryptPrivateKeyInfo, parsePfx } from '../../../src/main/engine/pkcs12'
import { CmsEncryptedData, OID } from '../../../src/main/engine/pkcs12/asn'
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from '../../../src/main/engine/pkcs12/rc2'
import { openssl, opensslBytes, tempDir } from './helpers'

const tmp = tempDir('pkidesk-rc2-')
afterAll(() => tmp.cleanup())
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 §5: key, effective key bits, plaintext, ciphertext.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1']
  ]
  it.each(vectors)('key %s, %i bits: decrypts the RFC ciphertext to its plaintext', (key, bits, plain, cipher) => {
    expect(Buffer.from(rc2DecryptBlock(rc2ExpandKey(hex(key), bits), hex(cipher))).toString('hex')).toBe(plain)
  })

  it('CBC with padding: decrypts what OpenSSL (legacy provider) encrypts with rc2-40-cbc; a wrong key fails the padding', () => {
    const key = '0102030405'
    const iv = '0f0e0d0c0b0a0908'
    const message = Buffer.from('Legacy PKCS#12 files still arrive on USB sticks. 0123456789abcdef')
    const cipher = opensslBytes(['enc', '-provider', 'legacy', '-provider', 'default', '-rc2-40-cbc', '-K', key, '-iv', iv], message)
    expect(Buffer.from(rc2CbcDecrypt(hex(key), 40, hex(iv), cipher)!).toString()).toBe(message.toString())
    expect(rc2CbcDecrypt(hex('0102030406'), 40, hex(iv), cipher)).toBeNull()
  })
})

describe('a PFX made by openssl pkcs12 -export -legacy', () => {
  const PASS = 'legacy pfx password'
  const key = tmp.path('leaf.key')
  const crt = tmp.path('leaf.crt')
  const pfxPath = tmp.path('legacy.pfx')
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/O=Legacy Export/CN=legacy.example'])
  const made = openssl(['pkcs12', '-export', '-legacy', '-inkey', key, '-in', crt, '-out', pfxPath, '-passout', `pass:${PASS}`])
  const der = new Uint8Array(readFileSync(pfxPath))

  it('encrypts its certificates with pbeWithSHAAnd40BitRC2-CBC (the case this reader exists for)', () => {
    expect(made.status, made.out).toBe(0)
    const pfx = AsnConvert.parse(der, PFX)
    const safe = AsnConvert.parse(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer, AuthenticatedSafe)
    const encrypted = safe.filter((c) => c.contentType === OID.encryptedData).map((c) => AsnConvert.parse(c.content, CmsEncryptedData).encryptedContentInfo.contentEncryptionAlgorithm.algorithm)
    expect(encrypted).toEqual([OID.pbeWithSHAAnd40BitRC2Cbc])
  })

  it('is read: the certificate byte for byte, and the key decrypts to the certificate’s key', async () => {
    const r = await parsePfx(der, PASS)
    expect(r.ok ? null : r.error).toBeNull()
    if (!r.ok) return
    const expectedCert = new X509Certificate(readFileSync(crt))
    expect(r.value.certificates).toHaveLength(1)
    expect(Buffer.from(r.value.certificates[0]!.der).equals(expectedCert.raw)).toBe(true)
    expect(r.value.keys).toHaveLength(1)
    const bag = r.value.keys[0]!
    expect(bag.encrypted).toBe(true)
    const pkcs8 = await decryptPrivateKeyInfo(bag.der, PASS)
    expect(pkcs8.ok).toBe(true)
    if (!pkcs8.ok) return
    const spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8.value), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' })
    expect(spki.equals(expectedCert.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true)
  })

  it('refuses a wrong password with a code, before any decryption', async () => {
    const r = await parsePfx(der, 'not the password')
    expect(r.ok ? null : r.error.code).toBe('PASSPHRASE_WRONG')
  })
})

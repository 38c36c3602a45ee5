import { unwrap } from '../../../src/shared/errors'
import { LIMITS } from '../../../src/shared/limits'
import { describe, expect, it, afterAll } from 'vitest'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { buildPfx, decryptPrivateKeyInfo, encryptPrivateKeyInfo, parsePfx, pkcs12Kdf } from '../../../src/main/engine/pkcs12'
import { buildCertificate, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { keytool, openssl, opensslBytes, tempDir, testLeaf, testRoot } from './helpers'

const tmp = tempDir('pkidesk-p12-')
afterAll(() => tmp.cleanup())
const PASS = 'correct horse battery staple'

async function selfSigned() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signer = createKeyObjectSigner('k', 'ec-p256', privateKey)
  const now = new Date(Math.floor(Date.now() / 1000) * 1000)
  const r = await buildCertificate(
    {
      subject: [[{ type: 'CN', value: 'pfx.example' }]],
      subjectPublicKeySpki: signer.publicKeySpki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 86_400_000),
      signature: { hash: 'SHA-256', rsaPss: false },
      basicConstraints: { ca: true, critical: true },
      keyUsage: { usages: ['keyCertSign', 'cRLSign', 'digitalSignature'], critical: true }
    },
    null,
    signer
  )
  if (!r.ok) throw new Error(r.error.message)
  return { key: privateKey, der: r.value.der }
}

describe('PKCS#12 KDF', () => {
  it('matches the published PKCS#12 KDF test vector (password "smeg")', () => {
    const pw = Buffer.from('0073006d006500670000', 'hex') // "smeg" as BMPString + terminator
    const salt = Buffer.from('0a58cf64530d823f', 'hex')
    const k1 = pkcs12Kdf('sha1', pw, salt, 1, 1, 24)
    // Key and IV for "smeg", salt 0A58CF64530D823F, 1 iteration (the vector OpenSSL and BouncyCastle test against).
    expect(k1.toString('hex').toUpperCase()).toBe('8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3')
    expect(pkcs12Kdf('sha1', pw, salt, 2, 1, 8).toString('hex').toUpperCase()).toBe('79993DFE048D3B76')
  })
})

describe('encryptPrivateKeyInfo / decryptPrivateKeyInfo', () => {
  it.each(['modern', 'legacy'] as const)('%s: OpenSSL decrypts ours, we decrypt ours, a wrong password fails with a code', async (preset) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' })
    const enc = await encryptPrivateKeyInfo(pkcs8, PASS, preset)
    const text = openssl(['asn1parse', '-inform', 'DER'], enc).out
    if (preset === 'modern') {
      expect(text).toContain(':PBES2')
      expect(text).toContain(':hmacWithSHA256')
      expect(text).toContain(':aes-256-cbc')
    } else expect(text).toContain(':pbeWithSHA1And3-KeyTripleDES-CBC')
    const plainPem = opensslBytes(['pkey', '-inform', 'DER', '-outform', 'PEM', '-passin', `pass:${PASS}`], enc).toString('latin1')
    // OpenSSL re-encodes the key; compare the private scalar.
    expect(createPrivateKey(plainPem).export({ format: 'jwk' }).d).toBe(privateKey.export({ format: 'jwk' }).d)
    const back = await decryptPrivateKeyInfo(enc, PASS)
    expect(back.ok && Buffer.from(back.value).equals(pkcs8)).toBe(true)
    const wrong = await decryptPrivateKeyInfo(enc, 'not the password')
    expect(wrong.ok ? 'OK' : wrong.error.code).toBe('PASSPHRASE_WRONG')
  })

  it.each([
    ['PBES2 AES-256 SHA-256', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']],
    ['PBES2 AES-128 SHA-1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
    ['PBES2 3DES', ['-v2', 'des3']],
    ['PKCS#12 3DES', ['-v1', 'PBE-SHA1-3DES']]
  ])('decrypts keys OpenSSL encrypted with %s', async (_name, args) => {
    const { privateKey } = generateKeyPairSync('ed25519')
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' })
    const enc = opensslBytes(['pkcs8', '-topk8', '-inform', 'DER', '-outform', 'DER', '-passout', `pass:${PASS}`, ...args], pkcs8)
    const r = await decryptPrivateKeyInfo(enc, PASS)
    expect(r.ok && Buffer.from(r.value).equals(pkcs8)).toBe(true)
  })

  it('refuses garbage with a code', async () => {
    const r = await decryptPrivateKeyInfo(new Uint8Array([1, 2, 3]), PASS)
    expect(r.ok ? 'OK' : r.error.code).toBe('PBE_CORRUPT')
  })
})

describe('PFX build and parse', () => {
  it.each(['modern', 'legacy'] as const)('%s PFX with key: openssl pkcs12 -info (right and wrong password) and keytool open it', async (preset) => {
    const { key, der } = await selfSigned()
    const enc = await encryptPrivateKeyInfo(key.export({ type: 'pkcs8', format: 'der' }), PASS, preset)
    const pfx = unwrap(await buildPfx({ certificates: [der], encryptedKey: enc, friendlyName: 'pfx.example', password: PASS, preset }))
    const file = tmp.write(`with-key-${preset}.pfx`, pfx)
    const info = openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${PASS}`, '-nodes'])
    expect(info.status).toBe(0)
    if (preset === 'modern') {
      expect(info.out).toContain('MAC: sha256')
      expect(info.out).toContain('PBES2, PBKDF2, AES-256-CBC')
      expect(info.out).toContain('PRF hmacWithSHA256')
    } else {
      expect(info.out).toContain('MAC: sha1')
      expect(info.out).toContain('pbeWithSHA1And3-KeyTripleDES-CBC')
    }
    expect(info.out).toContain('friendlyName: pfx.example')
    expect(info.out).toContain(toPem('CERTIFICATE', der).trim())
    // The key OpenSSL extracted is our key.
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(info.out)![0]
    expect(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }).equals(key.export({ type: 'pkcs8', format: 'der' }))).toBe(true)
    const wrong = openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:wrong password here', '-nodes'])
    expect(wrong.status).not.toBe(0)
    expect(wrong.out).toMatch(/Mac verify error|invalid password/i)
    const kt = keytool(['-list', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASS])
    expect(kt.status).toBe(0)
    expect(kt.out).toContain('Your keystore contains 1 entry')
    expect(kt.out).toContain('PrivateKeyEntry')
    const parsed = await parsePfx(pfx, PASS)
    expect(parsed.ok && parsed.value.keys.length).toBe(1)
    expect(parsed.ok && Buffer.from(parsed.value.certificates[0]!.der).equals(Buffer.from(der))).toBe(true)
  })

  it.each(['modern', 'legacy'] as const)('%s PFX without a key: certificates only, listed by keytool as a trusted entry', async (preset) => {
    const { der } = await selfSigned()
    const pfx = unwrap(await buildPfx({ certificates: [der], password: PASS, preset }))
    const file = tmp.write(`certs-${preset}.pfx`, pfx)
    const info = openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${PASS}`, '-nokeys'])
    expect(info.status).toBe(0)
    expect(info.out).not.toContain('Shrouded Keybag')
    const kt = keytool(['-list', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASS])
    expect(kt.out).toContain('trustedCertEntry')
  })

  it('refuses, as values, a PFX without a password, with an over-long one, or with nothing in it', async () => {
    const { der } = await selfSigned()
    expect(await buildPfx({ certificates: [der], password: '', preset: 'modern' })).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_REQUIRED', field: 'password' } })
    expect(await buildPfx({ certificates: [der], password: 'x'.repeat(LIMITS.passphraseChars + 1), preset: 'modern' })).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_TOO_LONG' } })
    expect(await buildPfx({ certificates: [], password: PASS, preset: 'modern' })).toMatchObject({ ok: false, error: { code: 'MISSING_INPUT', field: 'certificates' } })
  })

  it('parses a PFX made by openssl pkcs12 -export, and refuses a wrong password with a code', async () => {
    const { key, der } = await selfSigned()
    const keyFile = tmp.write('o.key', key.export({ type: 'pkcs8', format: 'pem' }) as string)
    const certFile = tmp.write('o.pem', toPem('CERTIFICATE', der))
    const out = tmp.path('o.pfx')
    expect(openssl(['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-passout', `pass:${PASS}`, '-out', out]).status).toBe(0)
    const bytes = new Uint8Array(readFileSync(out))
    const ok = await parsePfx(bytes, PASS)
    expect(ok.ok).toBe(true)
    if (!ok.ok) return
    expect(ok.value.keys).toHaveLength(1)
    expect(ok.value.keys[0]!.encrypted).toBe(true)
    const k = await decryptPrivateKeyInfo(ok.value.keys[0]!.der, PASS)
    expect(k.ok && Buffer.from(k.value).equals(key.export({ type: 'pkcs8', format: 'der' }))).toBe(true)
    const bad = await parsePfx(bytes, 'wrong password!!')
    expect(bad.ok ? 'OK' : bad.error.code).toBe('PASSPHRASE_WRONG')
    const junk = await parsePfx(new Uint8Array([0x30, 0x01, 0x00]), PASS)
    expect(junk.ok ? 'OK' : junk.error.code).toBe('PFX_CORRUPT')
  })
})

describe('a PFX without a key marks only CA certificates as trusted', () => {
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
  it.each(['modern', 'legacy'] as const)('%s: keytool lists the root as trustedCertEntry, not the end entity', async (preset) => {
    const ca = await testRoot(NOW)
    const ee = await testLeaf(ca, [[{ type: 'CN', value: 'leaf.example.com' }]], NOW)
    const file = tmp.write(`chain-${preset}.pfx`, unwrap(await buildPfx({ certificates: [ee.der, ca.der], password: PASS, preset })))
    expect(openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${PASS}`, '-nokeys']).status).toBe(0)
    const kt = keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASS])
    expect(kt.status).toBe(0)
    expect(kt.out.match(/trustedCertEntry/g)?.length).toBe(1)
    expect(kt.out).toContain('CN=Review Root')
    expect(kt.out).not.toContain('CN=leaf.example.com')
  })
})

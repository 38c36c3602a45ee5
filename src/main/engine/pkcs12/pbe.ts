// Password-based encryption for PKCS#8 and PKCS#12: PBES2 (PBKDF2-HMAC + AES-CBC, RFC 8018)
// and the PKCS#12 PBE schemes with their own key derivation (RFC 7292 App. B). Pure: bytes in,
// bytes out, node:crypto for the primitives. Two presets:
//   modern: PBES2, PBKDF2-HMAC-SHA256 (MODERN_ITERATIONS), AES-256-CBC
//   legacy: pbeWithSHAAnd3-KeyTripleDES-CBC, PKCS#12 KDF over SHA-1 (LEGACY_ITERATIONS)
import { createCipheriv, createDecipheriv, createHash, pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { EncryptedPrivateKeyInfo, EncryptedData, PrivateKeyInfo } from '@peculiar/asn1-pkcs8'
import { fail, ok, type Result } from '../../../shared/errors'
import { LIMITS } from '../../../shared/limits'
import { OID, Pbes2Params, Pbkdf2Params, Pkcs12PbeParams, OctetString } from './asn'
import { rc2CbcDecrypt } from './rc2'

export type PbePreset = 'modern' | 'legacy'

/** OpenSSL 3's default for PKCS#12 is 2048; PBKDF2 here is the key's only guard at rest outside the app. */
export const MODERN_ITERATIONS = 100_000
/** The PKCS#12 KDF iterates SHA-1 in JavaScript; 2048 is what OpenSSL and Windows use. */
export const LEGACY_ITERATIONS = 2048

const pbkdf2Async = promisify(pbkdf2)

/** A file that asks for more key-derivation work than LIMITS allows: refused before any is done. */
export function tooManyIterations<T>(asked: number, limit: number, what: string): Result<T> {
  return fail(
    'PBE_TOO_MANY_ITERATIONS',
    `The file asks for ${asked.toLocaleString('en-US')} ${what} iterations, over the limit of ${limit.toLocaleString('en-US')}: re-export it with fewer (OpenSSL and Windows use 2048).`,
    'pfx'
  )
}

export function passwordTooLong<T>(): Result<T> {
  return fail('PASSPHRASE_TOO_LONG', `The password is longer than ${LIMITS.passphraseChars.toLocaleString('en-US')} characters, the limit: check that the right text was pasted.`, 'pfxPassword')
}

type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512'
const HASH_BLOCK: Record<HashName, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 }
}

/** The password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte terminator. */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2)
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2)
  return out
}

/** RFC 7292 Appendix B.2. id 1 = key, 2 = IV, 3 = MAC key. */
export function pkcs12Kdf(hash: HashName, password: Buffer, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const { u, v } = HASH_BLOCK[hash]
  const D = Buffer.alloc(v, id)
  const fill = (src: Uint8Array): Buffer => {
    if (src.length === 0) return Buffer.alloc(0)
    const len = v * Math.ceil(src.length / v)
    const out = Buffer.alloc(len)
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!
    return out
  }
  const I = Buffer.concat([fill(salt), fill(password)])
  const c = Math.ceil(n / u)
  const result: Buffer[] = []
  for (let i = 0; i < c; i++) {
    let A = createHash(hash).update(D).update(I).digest()
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest()
    result.push(A)
    const B = Buffer.alloc(v)
    for (let k = 0; k < v; k++) B[k] = A[k % u]!
    for (let j = 0; j < I.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry
        I[j + k] = sum & 0xff
        carry = sum >>> 8
      }
    }
  }
  return Buffer.concat(result).subarray(0, n)
}

const AES_BY_OID: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32 },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyLength: 24 }
}
const PRF_BY_OID: Record<string, HashName | 'sha224'> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512'
}

/** Encrypts `plaintext` under `password`; returns the AlgorithmIdentifier that says how, and the ciphertext. */
export async function pbeEncrypt(
  plaintext: Uint8Array,
  password: string,
  preset: PbePreset
): Promise<{ algorithm: AlgorithmIdentifier; ciphertext: Uint8Array }> {
  if (preset === 'modern') {
    const salt = randomBytes(16)
    const iv = randomBytes(16)
    const key = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, MODERN_ITERATIONS, 32, 'sha256')
    const cipher = createCipheriv('aes-256-cbc', key, iv)
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    const params = new Pbes2Params({
      keyDerivationFunc: new AlgorithmIdentifier({
        algorithm: OID.pbkdf2,
        parameters: AsnConvert.serialize(
          new Pbkdf2Params({
            salt: toArrayBuffer(salt),
            iterationCount: MODERN_ITERATIONS,
            prf: new AlgorithmIdentifier({ algorithm: OID.hmacWithSHA256, parameters: null })
          })
        )
      }),
      encryptionScheme: new AlgorithmIdentifier({
        algorithm: OID.aes256Cbc,
        parameters: AsnConvert.serialize(new OctetString(iv))
      })
    })
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }),
      ciphertext: new Uint8Array(ciphertext)
    }
  }
  const salt = randomBytes(8)
  const pw = bmpPassword(password)
  const key = pkcs12Kdf('sha1', pw, salt, 1, LEGACY_ITERATIONS, 24)
  const iv = pkcs12Kdf('sha1', pw, salt, 2, LEGACY_ITERATIONS, 8)
  const cipher = createCipheriv('des-ede3-cbc', key, iv)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const params = new Pkcs12PbeParams({ salt: toArrayBuffer(salt), iterations: LEGACY_ITERATIONS })
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbeWithSHAAnd3KeyTripleDesCbc, parameters: AsnConvert.serialize(params) }),
    ciphertext: new Uint8Array(ciphertext)
  }
}

/** The PKCS#12 RC2 schemes (read only): key bytes and effective key bits. */
const RC2_BY_OID: Record<string, { keyLength: number; bits: number }> = {
  [OID.pbeWithSHAAnd40BitRC2Cbc]: { keyLength: 5, bits: 40 },
  [OID.pbeWithSHAAnd128BitRC2Cbc]: { keyLength: 16, bits: 128 }
}

/**
 * Decrypts data encrypted under `algorithm`. Fails with PBE_UNSUPPORTED for schemes this
 * build does not read (RC4), PASSPHRASE_WRONG when the padding does not check out.
 */
export async function pbeDecrypt(algorithm: AlgorithmIdentifier, ciphertext: Uint8Array, password: string): Promise<Result<Uint8Array>> {
  if (password.length > LIMITS.passphraseChars) return passwordTooLong()
  try {
    let cipherName: string
    let key: Buffer
    let iv: Buffer
    if (algorithm.algorithm === OID.pbes2) {
      if (!algorithm.parameters) return fail('PBE_CORRUPT', 'The encryption parameters are missing: the file is damaged.')
      const p = AsnConvert.parse(algorithm.parameters, Pbes2Params)
      if (p.keyDerivationFunc.algorithm !== OID.pbkdf2)
        return fail('PBE_UNSUPPORTED', `The key derivation ${p.keyDerivationFunc.algorithm} is not supported; re-export the file with PBKDF2.`)
      const kdf = AsnConvert.parse(p.keyDerivationFunc.parameters!, Pbkdf2Params)
      const prf = kdf.prf ? PRF_BY_OID[kdf.prf.algorithm] : 'sha1'
      const scheme = AES_BY_OID[p.encryptionScheme.algorithm]
      if (!prf || !scheme)
        return fail('PBE_UNSUPPORTED', `The cipher ${p.encryptionScheme.algorithm} is not supported; re-export the file with AES-256-CBC or 3DES.`)
      if (!(Number(kdf.iterationCount) <= LIMITS.pbkdf2Iterations)) return tooManyIterations(Number(kdf.iterationCount), LIMITS.pbkdf2Iterations, 'PBKDF2')
      cipherName = scheme.cipher
      iv = Buffer.from(AsnConvert.parse(p.encryptionScheme.parameters!, OctetString).buffer)
      key = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(kdf.salt), kdf.iterationCount, kdf.keyLength ?? scheme.keyLength, prf)
    } else if (algorithm.algorithm === OID.pbeWithSHAAnd3KeyTripleDesCbc || algorithm.algorithm === OID.pbeWithSHAAnd2KeyTripleDesCbc) {
      const p = AsnConvert.parse(algorithm.parameters!, Pkcs12PbeParams)
      if (!(Number(p.iterations) <= LIMITS.pkcs12KdfIterations)) return tooManyIterations(Number(p.iterations), LIMITS.pkcs12KdfIterations, 'PKCS#12 key derivation')
      const pw = bmpPassword(password)
      const salt = new Uint8Array(p.salt)
      const twoKey = algorithm.algorithm === OID.pbeWithSHAAnd2KeyTripleDesCbc
      const k = pkcs12Kdf('sha1', pw, salt, 1, p.iterations, twoKey ? 16 : 24)
      key = twoKey ? Buffer.concat([k, k.subarray(0, 8)]) : k
      iv = pkcs12Kdf('sha1', pw, salt, 2, p.iterations, 8)
      cipherName = 'des-ede3-cbc'
    } else if (RC2_BY_OID[algorithm.algorithm]) {
      // Legacy exports (Windows, `openssl pkcs12 -legacy`) encrypt the certificates this way.
      const rc2 = RC2_BY_OID[algorithm.algorithm]!
      const p = AsnConvert.parse(algorithm.parameters!, Pkcs12PbeParams)
      if (p.iterations > 1_000_000) return fail('PBE_UNSUPPORTED', 'The file asks for more than 1,000,000 PKCS#12 iterations; re-export it with fewer.')
      const pw = bmpPassword(password)
      const salt = new Uint8Array(p.salt)
      const plain = rc2CbcDecrypt(pkcs12Kdf('sha1', pw, salt, 1, p.iterations, rc2.keyLength), rc2.bits, pkcs12Kdf('sha1', pw, salt, 2, p.iterations, 8), ciphertext)
      return plain ? ok(plain) : fail('PASSPHRASE_WRONG', 'The password is wrong: the data did not decrypt. Check the password and try again.')
    } else {
      return fail(
        'PBE_UNSUPPORTED',
        `The encryption ${algorithm.algorithm} (such as RC4) is not supported; re-export the file with AES-256 or 3DES.`
      )
    }
    const decipher = createDecipheriv(cipherName, key, iv)
    try {
      return ok(new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()])))
    } catch {
      return fail('PASSPHRASE_WRONG', 'The password is wrong: the data did not decrypt. Check the password and try again.')
    }
  } catch {
    return fail('PBE_CORRUPT', 'The encryption parameters could not be read: the file is damaged.')
  }
}

/** PKCS#8 PrivateKeyInfo (DER) → EncryptedPrivateKeyInfo (DER) under `passphrase`. */
export async function encryptPrivateKeyInfo(pkcs8Der: Uint8Array, passphrase: string, preset: PbePreset): Promise<Uint8Array> {
  const { algorithm, ciphertext } = await pbeEncrypt(pkcs8Der, passphrase, preset)
  const info = new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algorithm, encryptedData: new EncryptedData(ciphertext) })
  return new Uint8Array(AsnConvert.serialize(info))
}

/** EncryptedPrivateKeyInfo (DER) → PrivateKeyInfo (DER). PASSPHRASE_WRONG when it does not decrypt to a PKCS#8 key. */
export async function decryptPrivateKeyInfo(encryptedDer: Uint8Array, passphrase: string): Promise<Result<Uint8Array>> {
  let info: EncryptedPrivateKeyInfo
  try {
    info = AsnConvert.parse(encryptedDer, EncryptedPrivateKeyInfo)
  } catch {
    return fail('PBE_CORRUPT', 'The data is not an EncryptedPrivateKeyInfo (encrypted PKCS#8) structure.')
  }
  const plain = await pbeDecrypt(info.encryptionAlgorithm, new Uint8Array(info.encryptedData.buffer), passphrase)
  if (!plain.ok) return plain
  try {
    AsnConvert.parse(plain.value, PrivateKeyInfo)
  } catch {
    return fail('PASSPHRASE_WRONG', 'The password is wrong: the key did not decrypt. Check the password and try again.')
  }
  return plain
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

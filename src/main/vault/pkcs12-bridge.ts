// Where the vault meets the engine's pure PKCS#12 / PBES code: plaintext PKCS#8 is produced
// and consumed here and zeroed as soon as the engine has encrypted or handed it over.
import type { KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8'
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'
import { decryptPrivateKeyInfo, encryptPrivateKeyInfo, parsePfx } from '../engine/pkcs12'
import { checkBinaryInput } from '../engine/input-limits'
import { findPemBlocks } from '../engine/pem'
import { parsePrivateKey } from './key-material'
import type { PfxExportPreset } from './vault'

/** EncryptedPrivateKeyInfo DER of `key` under `passphrase` (modern: PBES2/AES-256; legacy: 3DES). */
export async function exportEncryptedPrivateKey(key: KeyObject, passphrase: string, preset: PfxExportPreset): Promise<Result<Uint8Array>> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' })
  try {
    return ok(await encryptPrivateKeyInfo(pkcs8, passphrase, preset))
  } finally {
    pkcs8.fill(0)
  }
}

export interface ParsedPfx {
  /** Plaintext PKCS#8 DER of the PFX's key (the caller zeroes it), or null when it holds none. */
  readonly pkcs8: Buffer | null
  readonly certificates: Uint8Array[]
}

/**
 * The key and certificates of a PFX. The key's PKCS#8 is decrypted here (shrouded bags are
 * under the PFX password) and handed to the caller to seal at once.
 */
export async function importPfx(data: Uint8Array, password: string): Promise<Result<ParsedPfx>> {
  const parsed = await parsePfx(data, password)
  if (!parsed.ok) return parsed
  const { keys, certificates } = parsed.value
  if (keys.length > 1)
    return fail('PFX_MULTIPLE_KEYS', `The PFX holds ${keys.length} private keys: export one key per file and import each.`, 'data')
  const bag = keys[0]
  // The certificate that belongs to the key (same localKeyId) first, then the rest as found.
  const ordered = [...certificates].sort((a, b) => Number(b.localKeyId !== null && b.localKeyId === bag?.localKeyId) - Number(a.localKeyId !== null && a.localKeyId === bag?.localKeyId))
  const certs = ordered.map((c) => c.der)
  if (!bag) return ok({ pkcs8: null, certificates: certs })
  if (!bag.encrypted) return ok({ pkcs8: Buffer.from(bag.der), certificates: certs })
  const pkcs8 = await decryptPrivateKeyInfo(bag.der, password)
  if (!pkcs8.ok) return pkcs8
  const out = Buffer.from(pkcs8.value)
  pkcs8.value.fill(0)
  return ok({ pkcs8: out, certificates: certs })
}

/** The DER of an encrypted PKCS#8 key file (PEM "ENCRYPTED PRIVATE KEY" or DER), else null. */
function encryptedPkcs8(data: Uint8Array): Uint8Array | null {
  const head = Buffer.from(data.subarray(0, Math.min(data.length, 4096))).toString('latin1')
  if (head.includes('-----BEGIN ')) {
    const block = findPemBlocks(Buffer.from(data).toString('latin1'), 4).find((b) => b.kind === 'block')
    return block && block.kind === 'block' && block.label === 'ENCRYPTED PRIVATE KEY' ? block.der : null
  }
  try {
    AsnConvert.parse(data, EncryptedPrivateKeyInfo)
    return data
  } catch {
    return null
  }
}

/**
 * A private key file, read within LIMITS. Encrypted PKCS#8 is decrypted here, not by OpenSSL:
 * its PBKDF2 count is checked against LIMITS.pbkdf2Iterations first and the derivation runs
 * on the thread pool, so a hostile count cannot stall the main thread.
 */
export async function readKeyFile(data: Uint8Array, filePassphrase: string | undefined): Promise<Result<KeyObject>> {
  const limits = checkBinaryInput(data, { limit: 'keyFileBytes', prefix: 'KEY', what: 'The key file', field: 'key' })
  if (!limits.ok) return limits
  if (filePassphrase !== undefined && filePassphrase.length > LIMITS.passphraseChars)
    return fail('PASSPHRASE_TOO_LONG', `The key file's passphrase is longer than ${LIMITS.passphraseChars} characters, the limit: check that the right text was given.`, 'filePassphrase')
  const encrypted = encryptedPkcs8(data)
  if (!encrypted) return parsePrivateKey(data, filePassphrase)
  if (filePassphrase === undefined) return fail('PASSPHRASE_REQUIRED', 'The key file is encrypted: enter its passphrase.', 'filePassphrase')
  const plain = await decryptPrivateKeyInfo(encrypted, filePassphrase)
  if (!plain.ok) {
    if (plain.error.code === 'PASSPHRASE_WRONG') return fail('PASSPHRASE_WRONG', 'The key file could not be decrypted with that passphrase: check the passphrase.', 'filePassphrase')
    return { ok: false, error: { ...plain.error, field: 'key' } }
  }
  try {
    return parsePrivateKey(plain.value, undefined)
  } finally {
    plain.value.fill(0)
  }
}

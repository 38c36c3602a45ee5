// The audit key: the secret that makes a checkpoint unforgeable, kept outside the store. By
// default in the OS keychain (service "PKI Desk audit"); when the operator names a key file
// instead (no keychain on this machine, or a key that travels on a second medium) it is 32
// random bytes in that file, created 0600. Nothing of it is ever written to the database.
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { fail, ok, type Result } from '../../shared/errors'
import type { KeychainBackend } from '../vault'

export const AUDIT_KEYCHAIN_SERVICE = 'PKI Desk audit'
export const AUDIT_KEYCHAIN_ACCOUNT = 'checkpoint-key'
const KEY_BYTES = 32

export interface AuditKeyOptions {
  /** A key file to use instead of the keychain. */
  readonly keyFile?: string
  /** Create the key when none exists yet (writing a checkpoint); verifying never creates one. */
  readonly create: boolean
}

export interface AuditKey {
  readonly key: Uint8Array
  /** "the OS keychain (Secret Service)" or "the key file /media/…": said to the operator. */
  readonly source: string
  readonly created: boolean
}

function fromFile(file: string, create: boolean): Result<AuditKey> {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') return fail('AUDIT_KEY_UNREADABLE', `The audit key file ${file} cannot be read (${code ?? String(e)}): check the path and its permissions.`, 'keyFile')
    if (!create) return fail('AUDIT_KEY_MISSING', `The audit key file ${file} does not exist: pass the key file that was used when the checkpoint was written.`, 'keyFile')
    const key = randomBytes(KEY_BYTES)
    try {
      const fd = openSync(file, 'wx', 0o600)
      try {
        writeSync(fd, key)
      } finally {
        closeSync(fd)
      }
    } catch (w) {
      return fail('AUDIT_KEY_UNREADABLE', `The audit key file ${file} cannot be created (${(w as NodeJS.ErrnoException).code ?? String(w)}): check that its folder exists and is writable.`, 'keyFile')
    }
    return ok({ key, source: `the key file ${file}`, created: true })
  }
  if (bytes.length !== KEY_BYTES) return fail('AUDIT_KEY_UNREADABLE', `The audit key file ${file} is ${bytes.length} bytes, not ${KEY_BYTES}: it is not a PKI Desk audit key; pass the file audit checkpoint created.`, 'keyFile')
  return ok({ key: bytes, source: `the key file ${file}`, created: false })
}

export async function auditKey(keychain: KeychainBackend, options: AuditKeyOptions): Promise<Result<AuditKey>> {
  if (options.keyFile !== undefined) return fromFile(options.keyFile, options.create)
  const source = `the OS keychain (${keychain.name})`
  const read = await keychain.getSecret(AUDIT_KEYCHAIN_SERVICE, AUDIT_KEYCHAIN_ACCOUNT)
  if (!read.ok)
    return fail('AUDIT_KEY_UNAVAILABLE', `The audit key cannot be read from the OS keychain (${read.error.message.replace(/[.\s]+$/, '')}): start the keychain, or pass --key-file FILE to keep the audit key in a file outside the data directory (ideally on a second removable medium) and pass the same file when verifying.`, 'keyFile')
  if (read.value) return ok({ key: read.value, source, created: false })
  if (!options.create) return fail('AUDIT_KEY_MISSING', `No audit key is in ${source}: no checkpoint was written with it on this machine; pass --key-file if the checkpoint was written with a key file.`, 'keyFile')
  const key = randomBytes(KEY_BYTES)
  const stored = await keychain.setSecret(AUDIT_KEYCHAIN_SERVICE, AUDIT_KEYCHAIN_ACCOUNT, key)
  if (!stored.ok)
    return fail('AUDIT_KEY_UNAVAILABLE', `The audit key cannot be stored in the OS keychain (${stored.error.message.replace(/[.\s]+$/, '')}): start the keychain, or pass --key-file FILE to keep it in a file outside the data directory.`, 'keyFile')
  return ok({ key, source, created: true })
}

// The backup file. One file, read front to back:
//
//   "PKIDBK01"                     magic and format version (8 bytes)
//   u32 big-endian H               length of the manifest
//   manifest (H bytes, JSON)       readable without secrets: counts, audit head, schema and
//                                  app version, keys and what is not included, how the backup
//                                  key is made (scrypt parameters, or the share commitments)
//   ciphertext                     AES-256-GCM of the payload under the backup's payload key,
//                                  AAD = everything above, so the manifest is authenticated too
//   tag (16 bytes)
//   SHA-256 (32 bytes)             of everything above: damage is found without any secret
//
// The payload is u32 J, J bytes of JSON (each vault key's PKCS#8 sealed by the vault under
// the key-wrap key, the snapshot's length and SHA-256), then the SQLite snapshot itself.
// Both keys come from one 256-bit backup key by HKDF (salt = backup id), so a payload key
// never opens a vault key and the other way round. Files are written and read in chunks:
// a 100,000-certificate store is a few hundred MB and never sits in memory twice.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, type Hash } from 'node:crypto'
import { open as openFile, rename, rm, type FileHandle } from 'node:fs/promises'
import { z } from 'zod'
import { fail, ok, type Result } from '../../shared/errors'
import { scryptCost, sealedSchema } from '../vault'

export const BACKUP_MAGIC = Buffer.from('PKIDBK01', 'ascii')
export const BACKUP_FORMAT = 1
const TAG_BYTES = 16
const HASH_BYTES = 32
const CHUNK = 1024 * 1024
/** A manifest larger than this is not one PKI Desk wrote (it lists keys and connectors, not certificates). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)
const hex64 = z.string().regex(/^[0-9a-f]{64}$/)

export const shareCommitment = z.object({
  index: z.number().int().min(1).max(255),
  custodian: z.string().min(1).max(200).nullable(),
  /** The share is sealed under its custodian's own passphrase. */
  protected: z.boolean(),
  /** SHA-256 binding the share's bytes to this backup (shares.ts). */
  commitment: hex64
})

export const backupProtection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passphrase'), kdf: z.literal('scrypt'), scrypt: scryptCost.extend({ salt: b64 }) }),
  z.object({ kind: z.literal('shares'), threshold: z.number().int().min(2).max(255), total: z.number().int().min(2).max(255), shares: z.array(shareCommitment).min(2).max(255) })
])
export type BackupProtection = z.infer<typeof backupProtection>

export const backupCounts = z.object({
  authorities: z.number().int().min(0),
  certificates: z.number().int().min(0),
  revoked: z.number().int().min(0),
  crls: z.number().int().min(0),
  profiles: z.number().int().min(0),
  connectors: z.number().int().min(0),
  keys: z.number().int().min(0),
  auditEntries: z.number().int().min(0)
})
export type BackupCounts = z.infer<typeof backupCounts>

export const backupManifest = z.object({
  format: z.literal('pkidesk-backup'),
  version: z.literal(BACKUP_FORMAT),
  backupId: z.string().uuid(),
  createdAt: z.string().datetime(),
  appVersion: z.string().min(1).max(50),
  schemaVersion: z.number().int().min(1),
  counts: backupCounts,
  auditHead: z.object({ seq: z.number().int().min(0), hash: z.string() }).nullable(),
  /** Every vault key, re-sealed under the backup's key-wrap key. */
  keys: z.array(
    z.object({
      keyId: z.string(),
      purpose: z.enum(['ca', 'end-entity']),
      spec: z.string(),
      /** How the key was protected in the backed-up store (a restore picks the new machine's). */
      protection: z.string(),
      spkiSha256: hex64,
      /** Authorities using the key. */
      authorities: z.array(z.string())
    })
  ),
  /** Authorities whose key is not in the backup, and why (their records are). */
  notIncluded: z.array(z.object({ authority: z.string(), reason: z.string() })),
  /** Connectors: their settings are in the store; credentials never are (they need re-entry). */
  connectors: z.array(z.object({ name: z.string(), type: z.string(), credential: z.string() })),
  protection: backupProtection,
  payload: z.object({ cipher: z.literal('aes-256-gcm'), iv: b64, bytes: z.number().int().min(4) })
})
export type BackupManifest = z.infer<typeof backupManifest>

export const payloadIndex = z.object({
  keys: z.array(z.object({ keyId: z.string(), sealed: sealedSchema })),
  store: z.object({ bytes: z.number().int().min(0), sha256: hex64 })
})
export type PayloadIndex = z.infer<typeof payloadIndex>

export interface BackupKeys {
  readonly payload: Buffer
  readonly keyWrap: Buffer
}

/** The two working keys of a backup, from its 256-bit backup key. */
export function deriveBackupKeys(backupKey: Uint8Array, backupId: string): BackupKeys {
  const salt = Buffer.from(backupId, 'utf8')
  return {
    payload: Buffer.from(hkdfSync('sha256', backupKey, salt, 'pkidesk/backup/v1/payload', 32)),
    keyWrap: Buffer.from(hkdfSync('sha256', backupKey, salt, 'pkidesk/backup/v1/keys', 32))
  }
}

export const keyWrapAad = (backupId: string, keyId: string, spkiSha256: string): string => `pkidesk/backup/v1/key/${backupId}/${keyId}/${spkiSha256}`

function prefix(manifestJson: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(manifestJson.length)
  return Buffer.concat([BACKUP_MAGIC, len, manifestJson])
}

async function writeAll(fh: FileHandle, data: Uint8Array, hash: Hash): Promise<void> {
  hash.update(data)
  let off = 0
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten
}

/**
 * Writes the backup to `out` (through a temporary file renamed into place: a failed write
 * leaves nothing). `manifest.payload.bytes` must equal the payload's length.
 */
export async function writeBackupFile(out: string, manifest: BackupManifest, keys: BackupKeys, index: PayloadIndex, storeFile: string): Promise<void> {
  const indexJson = Buffer.from(JSON.stringify(index), 'utf8')
  const head = prefix(Buffer.from(JSON.stringify(manifest), 'utf8'))
  const tmp = `${out}.partial-${process.pid}`
  const fh = await openFile(tmp, 'wx', 0o600)
  const hash = createHash('sha256')
  try {
    const cipher = createCipheriv('aes-256-gcm', keys.payload, Buffer.from(manifest.payload.iv, 'base64'))
    cipher.setAAD(head)
    await writeAll(fh, head, hash)
    const len = Buffer.alloc(4)
    len.writeUInt32BE(indexJson.length)
    await writeAll(fh, cipher.update(len), hash)
    await writeAll(fh, cipher.update(indexJson), hash)
    const store = await openFile(storeFile, 'r')
    try {
      const buf = Buffer.allocUnsafe(CHUNK)
      for (;;) {
        const { bytesRead } = await store.read(buf, 0, CHUNK, null)
        if (bytesRead === 0) break
        await writeAll(fh, cipher.update(buf.subarray(0, bytesRead)), hash)
      }
    } finally {
      await store.close()
    }
    await writeAll(fh, cipher.final(), hash)
    await writeAll(fh, cipher.getAuthTag(), hash)
    const digest = hash.digest()
    await writeAll(fh, digest, createHash('sha256'))
    await fh.sync()
    await fh.close()
    await rename(tmp, out)
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(tmp, { force: true })
    throw e
  }
}

export interface OpenedBackup {
  readonly file: string
  readonly manifest: BackupManifest
  /** Magic, length and manifest bytes: the AAD of the payload. */
  readonly head: Buffer
  readonly size: number
}

const damaged = (file: string, what: string): Result<never> =>
  fail('BACKUP_DAMAGED', `${file} is not an intact PKI Desk backup (${what}): use another copy of the backup`, 'file')

/**
 * Reads and checks the structure without any secret: magic, manifest, lengths, and the
 * SHA-256 over the whole file (so any changed, missing or added byte is found here).
 */
export async function openBackupFile(file: string): Promise<Result<OpenedBackup>> {
  let fh: FileHandle
  try {
    fh = await openFile(file, 'r')
  } catch (e) {
    return fail('FILE_UNREADABLE', `Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the path.`, 'file')
  }
  try {
    const size = (await fh.stat()).size
    const first = Buffer.alloc(12)
    const { bytesRead } = await fh.read(first, 0, 12, 0)
    if (bytesRead < 12 || !first.subarray(0, 8).equals(BACKUP_MAGIC)) {
      if (bytesRead >= 6 && first.subarray(0, 6).equals(BACKUP_MAGIC.subarray(0, 6)))
        return fail('BACKUP_FORMAT_UNSUPPORTED', `${file} is a PKI Desk backup in a format this version does not read (${first.subarray(0, 8).toString('latin1')}): restore it with a newer PKI Desk`, 'file')
      return damaged(file, 'it does not start like one')
    }
    const manifestLength = first.readUInt32BE(8)
    if (manifestLength > MAX_MANIFEST_BYTES || 12 + manifestLength + TAG_BYTES + HASH_BYTES + 4 > size) return damaged(file, 'its manifest length does not fit the file')
    // The whole-file hash first: a damaged file says so before anything in it is believed.
    const hash = createHash('sha256')
    const buf = Buffer.allocUnsafe(CHUNK)
    let pos = 0
    const end = size - HASH_BYTES
    while (pos < end) {
      const { bytesRead: n } = await fh.read(buf, 0, Math.min(CHUNK, end - pos), pos)
      if (n === 0) break
      hash.update(buf.subarray(0, n))
      pos += n
    }
    const trailer = Buffer.alloc(HASH_BYTES)
    await fh.read(trailer, 0, HASH_BYTES, end)
    if (!hash.digest().equals(trailer)) return damaged(file, 'its checksum does not match: bytes were changed, cut off or added')
    const manifestBytes = Buffer.alloc(manifestLength)
    await fh.read(manifestBytes, 0, manifestLength, 12)
    let json: unknown
    try {
      json = JSON.parse(manifestBytes.toString('utf8'))
    } catch {
      return damaged(file, 'its manifest is not JSON')
    }
    const version = (json as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version > BACKUP_FORMAT)
      return fail('BACKUP_FORMAT_UNSUPPORTED', `${file} was written in backup format ${version}; this PKI Desk reads format ${BACKUP_FORMAT}: restore it with a newer PKI Desk`, 'file')
    const parsed = backupManifest.safeParse(json)
    if (!parsed.success) return damaged(file, `its manifest does not fit the format: ${parsed.error.issues[0]?.path.join('.') || 'root'}`)
    const m = parsed.data
    if (m.payload.bytes + 12 + manifestLength + TAG_BYTES + HASH_BYTES !== size) return damaged(file, 'its payload length does not match the file size')
    if (m.protection.kind === 'shares' && (m.protection.shares.length !== m.protection.total || m.protection.threshold > m.protection.total))
      return damaged(file, 'its share list does not match its threshold')
    return ok({ file, manifest: m, head: Buffer.concat([first, manifestBytes]), size })
  } finally {
    await fh.close()
  }
}

/**
 * Decrypts the payload: the SQLite snapshot goes to `storeOut` (removed again unless the
 * whole payload authenticates) and the index comes back. BACKUP_KEY_WRONG when the key is
 * not this backup's (a wrong passphrase, too few shares) or the file was altered and its
 * checksum recomputed.
 */
export async function decryptBackupPayload(b: OpenedBackup, keys: BackupKeys, storeOut: string): Promise<Result<PayloadIndex>> {
  const fh = await openFile(b.file, 'r')
  const out = await openFile(storeOut, 'wx', 0o600)
  let keep = false
  try {
    const start = b.head.length
    const cipherEnd = b.size - HASH_BYTES - TAG_BYTES
    const tag = Buffer.alloc(TAG_BYTES)
    await fh.read(tag, 0, TAG_BYTES, cipherEnd)
    const d = createDecipheriv('aes-256-gcm', keys.payload, Buffer.from(b.manifest.payload.iv, 'base64'))
    d.setAAD(b.head)
    d.setAuthTag(tag)
    const buf = Buffer.allocUnsafe(CHUNK)
    let pos = start
    // The index (length + JSON) is read first; until the tag checks out, nothing in it is used.
    let pending: Buffer = Buffer.alloc(0)
    let indexLength = -1
    let indexJson: Buffer | null = null
    const storeHash = createHash('sha256')
    let storeBytes = 0
    const take = async (plain: Buffer): Promise<void> => {
      let p = plain
      if (indexJson === null) {
        pending = Buffer.concat([pending, p])
        if (indexLength < 0 && pending.length >= 4) indexLength = pending.readUInt32BE(0)
        if (indexLength < 0 || pending.length < 4 + indexLength) return
        indexJson = pending.subarray(4, 4 + indexLength)
        p = pending.subarray(4 + indexLength)
      }
      if (p.length === 0) return
      storeHash.update(p)
      storeBytes += p.length
      let off = 0
      while (off < p.length) off += (await out.write(p, off, p.length - off)).bytesWritten
    }
    while (pos < cipherEnd) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, cipherEnd - pos), pos)
      if (bytesRead === 0) break
      pos += bytesRead
      await take(d.update(buf.subarray(0, bytesRead)))
    }
    try {
      await take(d.final())
    } catch {
      return fail('BACKUP_KEY_WRONG', `${b.file} does not open with this key: the backup passphrase is wrong, too few shares were given, or the file was altered`, 'secret')
    }
    if (indexJson === null) return fail('BACKUP_DAMAGED', `${b.file} has no payload index: it was not written by PKI Desk`, 'file')
    let parsed: ReturnType<typeof payloadIndex.safeParse>
    try {
      parsed = payloadIndex.safeParse(JSON.parse((indexJson as Buffer).toString('utf8')))
    } catch {
      return fail('BACKUP_DAMAGED', `${b.file}'s payload index is not JSON: it was not written by PKI Desk`, 'file')
    }
    if (!parsed.success) return fail('BACKUP_DAMAGED', `${b.file}'s payload index does not fit the format`, 'file')
    if (parsed.data.store.bytes !== storeBytes || parsed.data.store.sha256 !== storeHash.digest('hex'))
      return fail('BACKUP_DAMAGED', `${b.file}'s store snapshot does not match its index: it was not written by PKI Desk`, 'file')
    keep = true
    return ok(parsed.data)
  } finally {
    await fh.close()
    await out.close()
    if (!keep) await rm(storeOut, { force: true })
  }
}

// The backup key split M-of-N into share files (Shamir over GF(256), shamir-secret-sharing,
// audited by Cure53 and Zellic). A share file is plain text meant to be printed as well as
// copied: a few lines saying what it is, then the share in armour. Retyped from paper, spaces
// and line breaks inside the armour do not matter, and the backup's manifest holds a
// commitment to every share, so a mistyped share, a share of another backup or a share whose
// custodian passphrase is wrong is named as such instead of silently yielding a wrong key.
// The library combines too few shares into a wrong key without complaint: the payload's
// AES-GCM tag is what refuses that.
import { createHash, randomBytes } from 'node:crypto'
import { combine, split } from 'shamir-secret-sharing'
import { z } from 'zod'
import { fail, ok, type Result } from '../../shared/errors'
import { open, scryptCost, scryptKey, seal, sealedSchema, type ScryptParams } from '../vault'
import type { BackupManifest } from './container'

const ARMOR_BEGIN = '-----BEGIN PKIDESK BACKUP SHARE-----'
const ARMOR_END = '-----END PKIDESK BACKUP SHARE-----'
/** A share file is a few hundred bytes; anything much larger is the wrong file. */
export const MAX_SHARE_FILE_BYTES = 64 * 1024

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)

const shareBody = z.object({
  v: z.literal(1),
  backupId: z.string().uuid(),
  index: z.number().int().min(1).max(255),
  threshold: z.number().int().min(2).max(255),
  total: z.number().int().min(2).max(255),
  custodian: z.string().min(1).max(200).nullable(),
  createdAt: z.string(),
  /** The raw share, when no custodian passphrase protects it. */
  share: b64.optional(),
  /** The share sealed under scrypt of the custodian's passphrase. */
  sealed: z.object({ scrypt: scryptCost.extend({ salt: b64 }), box: sealedSchema }).optional()
})
export type ShareFile = z.infer<typeof shareBody>

export interface ShareCustodian {
  readonly name: string
  /** Seals this custodian's share under their own passphrase. */
  readonly passphrase?: string
}

export const commitmentOf = (backupId: string, index: number, share: Uint8Array): string =>
  createHash('sha256').update(`pkidesk/backup-share/v1/${backupId}/${index}/`).update(share).digest('hex')

const sealAad = (backupId: string, index: number): string => `pkidesk/backup-share/v1/${backupId}/${index}`

/** The fingerprint printed on a share, for checking a copy typed back from paper. */
export function fingerprintOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 16).toUpperCase()
  return hex.match(/.{4}/g)!.join('-')
}

export interface SplitResult {
  readonly commitments: BackupManifest['protection'] & { kind: 'shares' }
  /** One text file per share, in index order. */
  readonly files: { readonly index: number; readonly custodian: string | null; readonly text: string }[]
}

/** Splits `backupKey` into `total` shares, any `threshold` of which restore it. */
export async function splitBackupKey(
  backupKey: Uint8Array,
  meta: { readonly backupId: string; readonly createdAt: string; readonly appVersion: string },
  total: number,
  threshold: number,
  custodians: readonly (ShareCustodian | undefined)[],
  scrypt: ScryptParams
): Promise<SplitResult> {
  // The library checks `instanceof Uint8Array`, which a Buffer from another realm fails: copy.
  const secret = Uint8Array.from(backupKey)
  const shares = await split(secret, total, threshold)
  secret.fill(0)
  try {
    const commitments: SplitResult['commitments'] = { kind: 'shares', threshold, total, shares: [] }
    const files: SplitResult['files'][number][] = []
    for (const [i, share] of shares.entries()) {
      const index = i + 1
      const c = custodians[i]
      const body: ShareFile = { v: 1, backupId: meta.backupId, index, threshold, total, custodian: c?.name ?? null, createdAt: meta.createdAt }
      if (c?.passphrase !== undefined) {
        const salt = randomBytes(16)
        const key = await scryptKey(c.passphrase, salt, scrypt)
        body.sealed = { scrypt: { salt: salt.toString('base64'), ...scrypt }, box: seal(key, share, sealAad(meta.backupId, index)) }
        key.fill(0)
      } else body.share = Buffer.from(share).toString('base64')
      commitments.shares.push({ index, custodian: body.custodian, protected: body.sealed !== undefined, commitment: commitmentOf(meta.backupId, index, share) })
      files.push({ index, custodian: body.custodian, text: shareText(body, meta.appVersion) })
    }
    return { commitments, files }
  } finally {
    for (const s of shares) s.fill(0)
  }
}

function shareText(body: ShareFile, appVersion: string): string {
  const armored = Buffer.from(JSON.stringify(body), 'utf8').toString('base64')
  const lines = armored.match(/.{1,48}/g)!.map((l) => l.match(/.{1,4}/g)!.join(' '))
  const who = body.custodian
    ? `Custodian: ${body.custodian}${body.sealed ? ' (this share opens only with their passphrase)' : ''}`
    : `No custodian named${body.sealed ? ' (this share opens only with its passphrase)' : ''}`
  const armor = [ARMOR_BEGIN, ...lines, ARMOR_END].join('\n')
  return [
    `PKI Desk backup share ${body.index} of ${body.total}: any ${body.threshold} of the ${body.total} shares restore the backup.`,
    `Backup ${body.backupId}, made ${body.createdAt} by PKI Desk ${appVersion}.`,
    who,
    `Fingerprint of the share block: ${fingerprintOf(armor.replace(/\s+/g, ''))}`,
    'Keep it apart from the backup file and the other shares. To restore from paper, type the block',
    'below into a text file (spaces and line breaks do not matter) and give it to pkidesk backup restore --share.',
    '',
    armor,
    ''
  ].join('\n')
}

/** Parses a share file (as written, or retyped from its printed form). */
export function parseShareFile(text: string, name: string): Result<ShareFile> {
  const begin = text.indexOf(ARMOR_BEGIN)
  const end = text.indexOf(ARMOR_END)
  if (begin < 0 || end < begin) return fail('BACKUP_SHARE_INVALID', `${name} is not a PKI Desk backup share (no share block): check the file`, 'share')
  const b64text = text.slice(begin + ARMOR_BEGIN.length, end).replace(/\s+/g, '')
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(b64text, 'base64').toString('utf8'))
  } catch {
    return fail('BACKUP_SHARE_INVALID', `${name}'s share block does not decode: it was changed or mistyped; compare it with the printed copy and its fingerprint`, 'share')
  }
  const r = shareBody.safeParse(json)
  if (!r.success || (r.data.share === undefined) === (r.data.sealed === undefined))
    return fail('BACKUP_SHARE_INVALID', `${name}'s share block does not fit the share format: it was changed or mistyped`, 'share')
  return ok(r.data)
}

export interface OfferedShare {
  readonly name: string
  readonly file: ShareFile
}

/**
 * The backup key from the offered shares: each must belong to this backup and match its
 * commitment; protected shares open with one of `passphrases` (each tried against the
 * shares still closed). Fewer than the threshold is refused before anything is combined.
 */
export async function combineBackupShares(manifest: BackupManifest, offered: readonly OfferedShare[], passphrases: readonly string[]): Promise<Result<Buffer>> {
  const p = manifest.protection
  if (p.kind !== 'shares') return fail('BACKUP_NOT_SPLIT', 'This backup is protected by a passphrase, not by shares: give the backup passphrase instead.', 'share')
  const byIndex = new Map<number, Uint8Array>()
  const closed: OfferedShare[] = []
  for (const o of offered) {
    if (o.file.backupId !== manifest.backupId)
      return fail('BACKUP_SHARE_FOREIGN', `${o.name} is a share of backup ${o.file.backupId}, not of this one (${manifest.backupId}): give the shares made with this backup`, 'share')
    const c = p.shares.find((s) => s.index === o.file.index)
    if (!c || o.file.threshold !== p.threshold || o.file.total !== p.total)
      return fail('BACKUP_SHARE_FOREIGN', `${o.name} claims to be share ${o.file.index} of ${o.file.total}, which this backup does not have`, 'share')
    if (byIndex.has(o.file.index)) continue
    if (o.file.share !== undefined) {
      const raw = Buffer.from(o.file.share, 'base64')
      if (commitmentOf(manifest.backupId, o.file.index, raw) !== c.commitment)
        return fail('BACKUP_SHARE_MISMATCH', `${o.name} (share ${o.file.index}) does not match this backup's record of it: it was changed or mistyped; compare it with the printed copy`, 'share')
      byIndex.set(o.file.index, raw)
    } else closed.push(o)
  }
  const unused = [...passphrases]
  for (const o of closed) {
    if (byIndex.has(o.file.index)) continue
    const s = o.file.sealed!
    let opened: Buffer | null = null
    for (const [i, pass] of unused.entries()) {
      const key = await scryptKey(pass, Buffer.from(s.scrypt.salt, 'base64'), s.scrypt)
      opened = open(key, s.box, sealAad(manifest.backupId, o.file.index))
      key.fill(0)
      if (opened) {
        unused.splice(i, 1)
        break
      }
    }
    if (!opened)
      return fail(
        'BACKUP_SHARE_PASSPHRASE_WRONG',
        `Share ${o.file.index}${o.file.custodian ? ` (custodian ${o.file.custodian})` : ''} in ${o.name} is protected by a passphrase and none of the ${passphrases.length} given opens it: ask its custodian for theirs.`,
        'sharePassphrase'
      )
    if (commitmentOf(manifest.backupId, o.file.index, opened) !== p.shares.find((c) => c.index === o.file.index)!.commitment)
      return fail('BACKUP_SHARE_MISMATCH', `${o.name} (share ${o.file.index}) does not match this backup's record of it`, 'share')
    byIndex.set(o.file.index, opened)
  }
  if (byIndex.size < p.threshold)
    return fail(
      'BACKUP_SHARES_TOO_FEW',
      `${byIndex.size} of the ${p.threshold} shares this backup needs ${byIndex.size === 1 ? 'was' : 'were'} given (it has ${p.total}): give ${p.threshold - byIndex.size} more with --share`,
      'share'
    )
  const key = await combine([...byIndex.values()].slice(0, p.threshold).map((v) => Uint8Array.from(v)))
  for (const v of byIndex.values()) v.fill(0)
  return ok(Buffer.from(key))
}

// Audit checkpoints: the anchor that lives outside the database. The head kept in the
// settings table (audit-log.ts) catches a careless cut, but whoever can write the whole
// file can cut the tail and rewrite that head too. A checkpoint — {seq, head hash, entry
// count, time} with an HMAC-SHA256 under a key kept outside the store (the OS keychain, or a
// key file the operator names) — is written to removable media; later, `verifyCheckpoint`
// proves the trail still holds the checkpointed entry with the same hash, so every entry up
// to it is unchanged (the chain links them) and none of them was removed. See docs/audit.md.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { canonicalJson } from '../../shared/canonical-json'
import { LIMITS, describeLimit } from '../../shared/limits'
import { parseJson } from '../../shared/safe-json'
import type { ReadTx } from './database'
import { readAuditHead, verifyAudit } from './audit-log'

export const CHECKPOINT_FORMAT = 'pkidesk-audit-checkpoint/1'

export interface AuditCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT
  /** The newest entry when the checkpoint was written (0 for an empty trail). */
  readonly seq: number
  readonly headHash: string
  readonly entries: number
  readonly at: string
  /** HMAC-SHA256 (hex) of the canonical JSON of the fields above. */
  readonly mac: string
}

export interface CheckpointVerdict {
  readonly intact: true
  readonly checkpointSeq: number
  readonly checkpointAt: string
  /** Entries in the trail now (≥ checkpointSeq). */
  readonly entries: number
  /** Entries appended since the checkpoint. */
  readonly since: number
}

type Body = Omit<AuditCheckpoint, 'mac'>

function macOf(body: Body, key: Uint8Array): string {
  return createHmac('sha256', key).update(canonicalJson({ format: body.format, seq: body.seq, headHash: body.headHash, entries: body.entries, at: body.at })).digest('hex')
}

/** A checkpoint of the trail as it stands; refuses a trail that is already broken. */
export function makeCheckpoint(tx: ReadTx, key: Uint8Array, now: Date): Result<AuditCheckpoint> {
  const verdict = verifyAudit(tx)
  if (!verdict.intact)
    return fail('AUDIT_BROKEN', `The audit trail is broken at entry ${verdict.brokenAt} (${verdict.reason}): a checkpoint would vouch for a damaged trail, so none was written; keep this store as it is for investigation.`)
  const head = readAuditHead(tx)
  const body: Body = { format: CHECKPOINT_FORMAT, seq: head?.seq ?? 0, headHash: verdict.headHash, entries: verdict.entries, at: now.toISOString() }
  return ok({ ...body, mac: macOf(body, key) })
}

export function checkpointText(cp: AuditCheckpoint): string {
  return `${JSON.stringify(cp, null, 2)}\n`
}

const invalid = (why: string): Result<never> =>
  fail('AUDIT_CHECKPOINT_INVALID', `The checkpoint file is not a PKI Desk audit checkpoint (${why}): choose the file that pkidesk audit checkpoint wrote.`, 'checkpoint')

/** Reads a checkpoint file's text (size, JSON shape), without checking its MAC yet. */
export function parseCheckpoint(text: string): Result<AuditCheckpoint> {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.auditCheckpointBytes)
    return fail('AUDIT_CHECKPOINT_INVALID', `The checkpoint file is larger than ${describeLimit('auditCheckpointBytes')}: choose the file that pkidesk audit checkpoint wrote.`, 'checkpoint')
  const parsed = parseJson(text, { maxBytes: LIMITS.auditCheckpointBytes, maxDepth: 4, what: 'The checkpoint file', field: 'checkpoint' })
  if (!parsed.ok) return invalid(parsed.error.message.replace(/[.\s]+$/, ''))
  const v = parsed.value as Partial<Record<keyof AuditCheckpoint, unknown>> | null
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid('not a JSON object')
  if (v.format !== CHECKPOINT_FORMAT) return invalid(`format is not ${CHECKPOINT_FORMAT}`)
  const count = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
  if (!count(v.seq) || !count(v.entries)) return invalid('seq and entries must be whole numbers')
  if (typeof v.headHash !== 'string' || !/^[0-9a-f]{64}$/.test(v.headHash)) return invalid('headHash must be 64 hex digits')
  if (typeof v.at !== 'string' || Number.isNaN(Date.parse(v.at))) return invalid('at must be a time')
  if (typeof v.mac !== 'string' || !/^[0-9a-f]{64}$/.test(v.mac)) return invalid('mac must be 64 hex digits')
  return ok({ format: CHECKPOINT_FORMAT, seq: v.seq, headHash: v.headHash, entries: v.entries, at: v.at, mac: v.mac })
}

/**
 * The trail against a checkpoint: its MAC under `key`, then the chain, then the
 * checkpointed entry. Each failure is one code: AUDIT_CHECKPOINT_FORGED (the file was
 * edited or made with another key), AUDIT_BROKEN (the chain itself), AUDIT_TAIL_CUT (the
 * checkpointed entry or entries before it are gone), AUDIT_REWRITTEN (it is there with
 * another hash: the trail was rebuilt).
 */
export function verifyCheckpoint(tx: ReadTx, cp: AuditCheckpoint, key: Uint8Array): Result<CheckpointVerdict> {
  const expected = Buffer.from(macOf(cp, key), 'hex')
  if (!timingSafeEqual(expected, Buffer.from(cp.mac, 'hex')))
    return fail('AUDIT_CHECKPOINT_FORGED', 'The checkpoint does not carry a valid MAC: it was edited, or written with another audit key (another keychain or key file); use the same key that wrote it.', 'checkpoint')
  const when = `the checkpoint of ${cp.at}`
  const verdict = verifyAudit(tx)
  if (!verdict.intact) {
    if (verdict.entries < cp.seq && verdict.brokenAt <= cp.seq && /removed/.test(verdict.reason))
      return fail('AUDIT_TAIL_CUT', `Entries ${verdict.brokenAt} to ${cp.seq} that ${when} vouches for are gone (${verdict.reason}): keep this store as it is for investigation and restore the trail from a backup.`, undefined, { checkpointSeq: cp.seq, brokenAt: verdict.brokenAt })
    return fail('AUDIT_BROKEN', `The audit trail is broken at entry ${verdict.brokenAt} (${verdict.reason}): keep this store as it is for investigation.`, undefined, { checkpointSeq: cp.seq, brokenAt: verdict.brokenAt })
  }
  if (cp.seq === 0) return ok({ intact: true, checkpointSeq: 0, checkpointAt: cp.at, entries: verdict.entries, since: verdict.entries })
  const row = tx.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(cp.seq) as { hash: string } | undefined
  if (!row)
    return fail('AUDIT_TAIL_CUT', `The trail ends at entry ${verdict.entries} but ${when} vouches for ${cp.seq} entries: entries ${verdict.entries + 1} to ${cp.seq} were cut from the end and the head rewritten. Keep this store as it is for investigation and restore the trail from a backup.`, undefined, { checkpointSeq: cp.seq, entries: verdict.entries })
  if (row.hash !== cp.headHash)
    return fail('AUDIT_REWRITTEN', `Entry ${cp.seq} no longer has the hash ${when} recorded: the trail was rewritten up to or past that entry (the chain was rebuilt to look intact). Keep this store as it is for investigation and restore the trail from a backup.`, undefined, { checkpointSeq: cp.seq })
  return ok({ intact: true, checkpointSeq: cp.seq, checkpointAt: cp.at, entries: verdict.entries, since: verdict.entries - cp.seq })
}

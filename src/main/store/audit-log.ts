// The audit trail: append-only and hash-chained. Every operation appends its entry inside
// the same transaction as the change it records. Each entry's hash is
// SHA-256(previous hash || canonical JSON of {seq, at, actor, action, subject, details}),
// so altering, removing or reordering a row breaks the chain at that row.
import { createHash } from 'node:crypto'
import { userInfo } from 'node:os'
import type { Db } from './database'
import { canonicalJson } from '../../shared/canonical-json'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditInput {
  readonly action: string
  readonly subject: string
  readonly details?: Readonly<Record<string, unknown>>
}

export interface AuditEntry {
  readonly seq: number
  readonly at: string
  readonly actor: string
  readonly action: string
  readonly subject: string
  readonly details: string
  readonly prevHash: string
  readonly hash: string
}

export type AuditVerdict =
  | { readonly intact: true; readonly entries: number; readonly headHash: string }
  | { readonly intact: false; readonly entries: number; readonly brokenAt: number; readonly reason: string }

export function entryHash(prevHash: string, e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, details: e.details })
  return createHash('sha256').update(prevHash).update(body).digest('hex')
}

function currentActor(): string {
  try {
    return userInfo().username
  } catch {
    return `uid:${process.getuid?.() ?? 'unknown'}`
  }
}

interface Row {
  seq: number
  at: string
  actor: string
  action: string
  subject: string
  details: string
  prev_hash: string
  hash: string
}

/** Appends one entry. Call it inside the transaction of the operation it records. */
export function appendAudit(db: Db, input: AuditInput, now: Date = new Date()): AuditEntry {
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined
  const base = {
    seq: (last?.seq ?? 0) + 1,
    at: now.toISOString(),
    actor: currentActor(),
    action: input.action,
    subject: input.subject,
    details: canonicalJson(input.details ?? {})
  }
  const prevHash = last?.hash ?? GENESIS_HASH
  const entry: AuditEntry = { ...base, prevHash, hash: entryHash(prevHash, base) }
  db.prepare(
    'INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
  ).run(entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.details, entry.prevHash, entry.hash)
  return entry
}

function toEntry(r: Row): AuditEntry {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, details: r.details, prevHash: r.prev_hash, hash: r.hash }
}

export function* iterateAudit(db: Db): Generator<AuditEntry> {
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>) yield toEntry(r)
}

/** Walks the chain from the start and names the first entry that does not fit. */
export function verifyAudit(db: Db): AuditVerdict {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  for (const e of iterateAudit(db)) {
    count++
    if (e.seq !== expectedSeq)
      return { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${expectedSeq} is missing (next present is ${e.seq})` }
    if (e.prevHash !== prevHash)
      return { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} does not follow entry ${e.seq - 1} (removed or reordered)` }
    if (entryHash(prevHash, e) !== e.hash)
      return { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} was altered after it was written` }
    prevHash = e.hash
    expectedSeq++
  }
  return { intact: true, entries: count, headHash: prevHash }
}

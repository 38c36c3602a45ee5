// The audit trail: append-only and hash-chained. Every operation appends its entry inside
// the same transaction as the change it records. Each entry's hash is
// SHA-256(previous hash || canonical JSON of {seq, at, actor, action, subject, details}),
// so altering, removing or reordering a row breaks the chain at that row.
//
// The chain alone cannot see its tail being cut (the remaining rows still chain), so every
// append also writes the head — {seq, hash} of the newest entry — to the settings row
// `audit.head` in the same transaction. verify compares the last row against it.
// What that protects: rows deleted or the table truncated by anything that does not also
// rewrite the settings row (a careless tool, a partial restore, a hand edit of one table).
// What it does not: someone with write access to the whole file can rewrite the chain and
// the anchor together. Against that, keep the head hash elsewhere (the JSON Lines export
// carries it; write it down or sign it) and compare later.
import { createHash } from 'node:crypto'
import { userInfo } from 'node:os'
import type { Statement } from 'better-sqlite3'
import type { Db, ReadTx, WriteTx } from './database'
import { canonicalJson } from '../../shared/canonical-json'

export const GENESIS_HASH = '0'.repeat(64)
export const AUDIT_HEAD_SETTING = 'audit.head'
/**
 * Written once, the first time an append finds the newest row and the anchored head
 * disagree (the tail was cut or rewritten). Appends go on, but the anchor alone would be
 * overwritten by them and the damage would vanish from `verify`; this record keeps it.
 */
export const AUDIT_BREAK_SETTING = 'audit.break'

export interface AuditBreak {
  /** The head the anchor named before the append that found the mismatch. */
  readonly anchored: AuditHead | null
  /** The newest row actually present then. */
  readonly found: AuditHead | null
  /** The seq of the first entry appended after the break was found. */
  readonly beforeSeq: number
  readonly at: string
}

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

export interface AuditHead {
  readonly seq: number
  readonly hash: string
}

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

interface AppendStatements {
  readonly last: Statement<[]>
  readonly insert: Statement<unknown[]>
  readonly head: Statement<[string, string]>
  readonly readSetting: Statement<[string]>
  readonly insertOnce: Statement<[string, string]>
}
// Prepared once per connection: batch issuance appends thousands of entries in a row.
const statements = new WeakMap<Db, AppendStatements>()
function appendStatements(db: Db): AppendStatements {
  let s = statements.get(db)
  if (!s) {
    s = {
      last: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      head: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      readSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      insertOnce: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING')
    }
    statements.set(db, s)
  }
  return s
}

let actorCache: string | null = null

/** Appends one entry. Call it inside the transaction of the operation it records. */
export function appendAudit(db: WriteTx, input: AuditInput, now: Date = new Date()): AuditEntry {
  return appendAuditEntries(db, [input], now)[0]!
}

/**
 * Appends entries in order, each chained to the one before, all at `now`: the same entries as
 * one appendAudit each, with the trail's last entry and its anchored head read once and the
 * head written once (batch issuance appends one entry per certificate of a commit). Call it
 * inside the transaction of the operation they record.
 */
export function appendAuditEntries(db: WriteTx, inputs: readonly AuditInput[], now: Date = new Date()): AuditEntry[] {
  if (inputs.length === 0) return []
  const st = appendStatements(db)
  const last = st.last.get() as
    | { seq: number; hash: string }
    | undefined
  const at = now.toISOString()
  const anchored = parseHead((st.readSetting.get(AUDIT_HEAD_SETTING) as { value: string } | undefined)?.value)
  const found: AuditHead | null = last ? { seq: last.seq, hash: last.hash } : null
  if (!sameHead(anchored, found)) {
    const record: AuditBreak = { anchored, found, beforeSeq: (last?.seq ?? 0) + 1, at }
    st.insertOnce.run(AUDIT_BREAK_SETTING, JSON.stringify(record))
  }
  const actor = (actorCache ??= currentActor())
  let head: AuditHead = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH }
  const entries: AuditEntry[] = []
  for (const input of inputs) {
    const base = { seq: head.seq + 1, at, actor, action: input.action, subject: input.subject, details: canonicalJson(input.details ?? {}) }
    const entry: AuditEntry = { ...base, prevHash: head.hash, hash: entryHash(head.hash, base) }
    st.insert.run(entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.details, entry.prevHash, entry.hash)
    entries.push(entry)
    head = { seq: entry.seq, hash: entry.hash }
  }
  st.head.run(AUDIT_HEAD_SETTING, JSON.stringify(head))
  return entries
}

function parseHead(value: string | undefined): AuditHead | null {
  if (value === undefined) return null
  try {
    const v = JSON.parse(value) as Partial<AuditHead>
    return typeof v.seq === 'number' && typeof v.hash === 'string' ? { seq: v.seq, hash: v.hash } : { seq: -1, hash: '' }
  } catch {
    return { seq: -1, hash: '' }
  }
}

function sameHead(a: AuditHead | null, b: AuditHead | null): boolean {
  if (a === null || b === null) return a === b
  return a.seq === b.seq && a.hash === b.hash
}

/** The anchored head, or null when none was ever written (an empty trail). */
export function readAuditHead(db: ReadTx): AuditHead | null {
  const r = appendStatements(db).readSetting.get(AUDIT_HEAD_SETTING) as { value: string } | undefined
  return parseHead(r?.value)
}

/** The break an append once found, or null. */
export function readAuditBreak(db: ReadTx): AuditBreak | null {
  const r = appendStatements(db).readSetting.get(AUDIT_BREAK_SETTING) as { value: string } | undefined
  if (!r) return null
  try {
    return JSON.parse(r.value) as AuditBreak
  } catch {
    return { anchored: null, found: null, beforeSeq: 0, at: '' }
  }
}

function describeBreak(b: AuditBreak): string {
  const before = `before entry ${b.beforeSeq} was appended`
  if (b.anchored && b.found && b.anchored.seq > b.found.seq)
    return `entries ${b.found.seq + 1} to ${b.anchored.seq} had been removed from the end of the trail ${before}`
  if (b.anchored && !b.found) return `all ${b.anchored.seq} entries had been removed ${before}`
  if (!b.anchored && b.found) return `the audit head record had been removed ${before}`
  return `the newest entry did not match the audit head record ${before}: the trail or its head had been rewritten`
}

function toEntry(r: Row): AuditEntry {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, details: r.details, prevHash: r.prev_hash, hash: r.hash }
}

export function* iterateAudit(db: ReadTx): Generator<AuditEntry> {
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>) yield toEntry(r)
}

export interface AuditPageQuery {
  readonly offset: number
  readonly limit: number
  readonly action?: string
  readonly subject?: string
  /**
   * Case-insensitive substring of the subject, the action or the recorded details (a CN, a
   * serial, a profile id); `alsoSubjects` (e.g. `authority:<id>` of the CAs whose name
   * matched) and `alsoDetails` (those CA ids, as certificate entries record them) widen it.
   */
  readonly search?: string
  readonly alsoSubjects?: readonly string[]
  readonly alsoDetails?: readonly string[]
  /** ISO 8601 bounds on `at`, inclusive. */
  readonly from?: string
  readonly to?: string
}

const likeArg = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Newest first; `subject` matches as a substring. */
export function listAudit(db: ReadTx, q: AuditPageQuery): { total: number; entries: AuditEntry[] } {
  const where: string[] = []
  const args: unknown[] = []
  if (q.action) {
    where.push('action = ?')
    args.push(q.action)
  }
  if (q.subject) {
    where.push("subject LIKE ? ESCAPE '\\'")
    args.push(likeArg(q.subject))
  }
  if (q.search) {
    const any = ["subject LIKE ? ESCAPE '\\'", "action LIKE ? ESCAPE '\\'", "details LIKE ? ESCAPE '\\'"]
    args.push(likeArg(q.search), likeArg(q.search), likeArg(q.search))
    for (const s of q.alsoSubjects ?? []) {
      any.push('subject = ?')
      args.push(s)
    }
    for (const d of q.alsoDetails ?? []) {
      any.push("details LIKE ? ESCAPE '\\'")
      args.push(likeArg(d))
    }
    where.push(`(${any.join(' OR ')})`)
  }
  if (q.from) {
    where.push('at >= ?')
    args.push(q.from)
  }
  if (q.to) {
    where.push('at <= ?')
    args.push(q.to)
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n
  const rows = db.prepare(`SELECT * FROM audit_log ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as Row[]
  return { total, entries: rows.map(toEntry) }
}

/**
 * Walks a chain from the start and names the first entry that does not fit. With `head`,
 * also proves nothing was cut from the end. Works over the table or over an export.
 */
export function verifyAuditEntries(entries: Iterable<AuditEntry>, head?: AuditHead | null): AuditVerdict {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  for (const e of entries) {
    count++
    if (e.seq !== expectedSeq)
      return e.seq > expectedSeq
        ? { intact: false, entries: count, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing (the next present is ${e.seq}): it was removed` }
        : { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} appears out of order after entry ${expectedSeq - 1}: entries were reordered` }
    if (e.prevHash !== prevHash)
      return { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} does not follow entry ${e.seq - 1}: an entry was removed, reordered or replaced here` }
    if (entryHash(prevHash, e) !== e.hash)
      return { intact: false, entries: count, brokenAt: e.seq, reason: `entry ${e.seq} was altered after it was written` }
    prevHash = e.hash
    expectedSeq++
  }
  if (head !== undefined) {
    const lastSeq = expectedSeq - 1
    if (head === null) {
      if (count > 0) return { intact: false, entries: count, brokenAt: lastSeq, reason: `the audit head record is missing although ${count} entries exist: it was removed` }
    } else if (head.seq < 0) {
      return { intact: false, entries: count, brokenAt: lastSeq, reason: 'the audit head record is damaged' }
    } else if (head.seq > lastSeq) {
      return {
        intact: false,
        entries: count,
        brokenAt: lastSeq + 1,
        reason: lastSeq === 0 ? `all ${head.seq} entries were removed` : `entries ${lastSeq + 1} to ${head.seq} were removed from the end of the trail`
      }
    } else if (head.seq < lastSeq || head.hash !== prevHash) {
      return { intact: false, entries: count, brokenAt: head.seq < lastSeq ? head.seq + 1 : lastSeq, reason: `the newest entry does not match the audit head record (entry ${head.seq}): the trail or its head was rewritten` }
    }
  }
  return { intact: true, entries: count, headHash: prevHash }
}

/** Verifies the table against its anchored head. */
export function verifyAudit(db: ReadTx): AuditVerdict {
  return db.transaction((): AuditVerdict => {
    const verdict = verifyAuditEntries(iterateAudit(db), readAuditHead(db))
    const found = readAuditBreak(db)
    if (!verdict.intact || !found) return verdict
    const brokenAt = found.found ? found.found.seq + 1 : 1
    return { intact: false, entries: verdict.entries, brokenAt, reason: describeBreak(found) }
  })()
}

export type AuditHeadCheck = { readonly intact: true } | { readonly intact: false; readonly reason: string }

/**
 * A cheap check for every mutating command (a few indexed reads, no walk of the chain): the
 * newest entry matches the anchored head, its hash recomputes, it follows the entry before
 * it, and the row count equals the newest seq (no entry removed). It cannot see an older
 * entry altered in place: `verifyAudit` walks the whole chain for that.
 */
export function auditHeadIntact(db: ReadTx): AuditHeadCheck {
  const found = readAuditBreak(db)
  if (found) return { intact: false, reason: describeBreak(found) }
  const head = readAuditHead(db)
  const last = db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined
  if (!last) return head === null || head.seq === 0 ? { intact: true } : { intact: false, reason: `the trail is empty but its head record names entry ${head.seq}` }
  if (head === null) return { intact: false, reason: 'the audit head record is missing' }
  if (head.seq < 0) return { intact: false, reason: 'the audit head record is damaged' }
  if (head.seq !== last.seq || head.hash !== last.hash)
    return { intact: false, reason: `the newest entry (${last.seq}) does not match the audit head record (entry ${head.seq})` }
  if (entryHash(last.prev_hash, toEntry(last)) !== last.hash) return { intact: false, reason: `entry ${last.seq} was altered after it was written` }
  const prev = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(last.seq - 1) as { hash: string } | undefined
  if ((prev?.hash ?? GENESIS_HASH) !== last.prev_hash) return { intact: false, reason: `entry ${last.seq} does not follow entry ${last.seq - 1}` }
  const count = (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n
  if (count !== last.seq) return { intact: false, reason: `${last.seq - count} of ${last.seq} entries are missing` }
  return { intact: true }
}

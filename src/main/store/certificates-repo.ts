// SQL for the certificates table. der is the truth; subject, sans, dates, fingerprints and
// is_ca are views of it kept for search and sort. The list uses keyset pagination on
// (sort column, id) so page N costs the same as page 1 at 100,000 rows.
import { createHash } from 'node:crypto'
import type { ReadTx, WriteTx } from './database'
import { stmt } from './statements'
import { searchFold } from './search-fold'
import { tallyInserted, tallyStatusChanged, countTallied, type RangeEnd, type TallyQuery } from './certificate-tallies'

export interface CertificateRow {
  readonly id: number
  readonly authorityId: string | null
  readonly profileId: string | null
  readonly keyId: string | null
  readonly serial: string
  readonly der: Uint8Array
  readonly subject: string
  readonly issuer: string
  /** SAN display texts joined by '\n'. */
  readonly sans: string
  readonly notBefore: string
  readonly notAfter: string
  readonly sha256: string
  readonly spkiSha256: string
  readonly status: 'issued' | 'revoked'
  readonly revokedAt: string | null
  readonly revocationReason: string | null
  readonly invalidityDate: string | null
  readonly source: string
  readonly isCa: boolean
  readonly createdAt: string
  /** The certificate this one renews, and the newest renewal of this one (migration 010). */
  readonly renewalOf: RenewalLink | null
  readonly renewedBy: RenewalLink | null
}

/** The other end of a renewal link: enough to name it and open it. */
export interface RenewalLink {
  readonly id: number
  readonly serial: string
}

export type NewCertificateRow = Omit<CertificateRow, 'id' | 'status' | 'revokedAt' | 'revocationReason' | 'invalidityDate' | 'renewalOf' | 'renewedBy'>

interface Raw {
  id: number
  authority_id: string | null
  profile_id: string | null
  key_id: string | null
  serial: string
  der: Buffer
  subject: string
  issuer: string
  sans: string
  not_before: string
  not_after: string
  sha256: string
  spki_sha256: string
  status: 'issued' | 'revoked'
  revoked_at: string | null
  revocation_reason: string | null
  invalidity_date: string | null
  source: string
  is_ca: number
  created_at: string
  renewed_from: number | null
  renewed_by: number | null
  renewed_from_serial: string | null
  renewed_by_serial: string | null
}

const link = (id: number | null, serial: string | null): RenewalLink | null => (id === null || serial === null ? null : { id, serial })

function toRow(r: Raw): CertificateRow {
  return {
    id: r.id,
    authorityId: r.authority_id,
    profileId: r.profile_id,
    keyId: r.key_id,
    serial: r.serial,
    der: r.der ? new Uint8Array(r.der) : new Uint8Array(0),
    subject: r.subject,
    issuer: r.issuer,
    sans: r.sans,
    notBefore: r.not_before,
    notAfter: r.not_after,
    sha256: r.sha256,
    spkiSha256: r.spki_sha256,
    status: r.status,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    invalidityDate: r.invalidity_date,
    source: r.source,
    isCa: r.is_ca === 1,
    createdAt: r.created_at,
    renewalOf: link(r.renewed_from, r.renewed_from_serial),
    renewedBy: link(r.renewed_by, r.renewed_by_serial)
  }
}

/** Every column but the DER, and the serials at both ends of the renewal links (a primary-key read each), for `FROM certificates c`. */
const LIST_COLUMNS =
  'c.id, c.authority_id, c.profile_id, c.key_id, c.serial, c.subject, c.issuer, c.sans, c.not_before, c.not_after, c.sha256, c.spki_sha256, c.status, c.revoked_at, c.revocation_reason, c.invalidity_date, c.source, c.is_ca, c.created_at, c.renewed_from, c.renewed_by, ' +
  '(SELECT serial FROM certificates f WHERE f.id = c.renewed_from) AS renewed_from_serial, (SELECT serial FROM certificates b WHERE b.id = c.renewed_by) AS renewed_by_serial'
const ROW_COLUMNS = `${LIST_COLUMNS}, c.der`

const INSERT_SQL = `INSERT INTO certificates (authority_id, profile_id, key_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, source, is_ca, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/**
 * The row, its place in the full-text index's backlog (migration 015: indexed once writes
 * pause, search-backlog.ts) and its tally; single-row statements, no insert trigger (migration 013).
 */
export function insertCertificate(db: WriteTx, c: NewCertificateRow): number {
  const info = stmt(db, INSERT_SQL).run(c.authorityId, c.profileId, c.keyId, c.serial, c.der, c.subject, c.issuer, c.sans, c.notBefore, c.notAfter, c.sha256, c.spkiSha256, c.source, c.isCa ? 1 : 0, c.createdAt)
  const id = Number(info.lastInsertRowid)
  stmt(db, 'INSERT INTO certificates_search_pending (id) VALUES (?)').run(id)
  tallyInserted(db, c)
  return id
}

const SEARCH_INSERT_SQL = 'INSERT INTO certificates_search (rowid, subject, sans) VALUES (?, ?, ?)'

/** Fills the full-text index again from the certificates table (after rows were copied in without it: a restore, a seeded store); nothing is left pending. */
export function rebuildSearchIndex(db: WriteTx): void {
  db.prepare("INSERT INTO certificates_search (certificates_search) VALUES ('rebuild')").run()
  db.prepare('DELETE FROM certificates_search_pending').run()
}

/** Certificates committed but not yet in the full-text index (search matches them on their own). */
export function pendingSearchRows(db: ReadTx): number {
  return (stmt(db, 'SELECT count(*) AS n FROM certificates_search_pending').get() as { n: number }).n
}

/** The newest certificate waiting for the full-text index (null: none); one primary-key read. */
export function newestPendingSearchRow(db: ReadTx): number | null {
  return (stmt(db, 'SELECT max(id) AS id FROM certificates_search_pending').get() as { id: number | null }).id
}

const PENDING_CHUNK = 64

/**
 * Moves pending certificates into the full-text index, oldest first, until none is left or
 * `budgetMs` has passed (checked every 64 rows); returns how many it took off the backlog. Single-row inserts, and the
 * backlog's rows deleted once at the end: a statement with a savepoint in between would make
 * FTS5 flush a segment of its own (migration 013).
 */
export function indexPendingSearchRows(db: WriteTx, budgetMs: number, clock: () => number = () => performance.now()): number {
  const start = clock()
  // LEFT JOIN: an id whose row is gone (the delete trigger removes it; this is the backstop) is dropped, not left forever.
  const next = stmt(db, 'SELECT p.id, c.id AS row_id, c.subject, c.sans FROM certificates_search_pending p LEFT JOIN certificates c ON c.id = p.id WHERE p.id > ? ORDER BY p.id LIMIT ?')
  const insert = stmt(db, SEARCH_INSERT_SQL)
  let last = 0
  let taken = 0
  for (;;) {
    const rows = next.all(last, PENDING_CHUNK) as { id: number; row_id: number | null; subject: string; sans: string }[]
    for (const r of rows) if (r.row_id !== null) insert.run(r.id, r.subject, r.sans)
    taken += rows.length
    if (rows.length > 0) last = rows[rows.length - 1]!.id
    if (rows.length < PENDING_CHUNK || clock() - start >= budgetMs) break
  }
  // Every pending id up to the last one read was read, in order.
  if (last > 0) stmt(db, 'DELETE FROM certificates_search_pending WHERE id <= ?').run(last)
  return taken
}

/** `renewal` renews `original`: linked both ways, in the transaction that records the renewal. */
export function linkRenewal(db: WriteTx, original: number, renewal: number): void {
  stmt(db, 'UPDATE certificates SET renewed_from = ? WHERE id = ?').run(original, renewal)
  stmt(db, 'UPDATE certificates SET renewed_by = ? WHERE id = ?').run(renewal, original)
}

/** A CA's certificate already carries this key (CA keys never certify an end entity). */
export function isCaKey(db: ReadTx, spkiSha256: string): boolean {
  return stmt(db, 'SELECT 1 FROM certificates WHERE spki_sha256 = ? AND is_ca = 1').get(spkiSha256) !== undefined
}

/** An end-entity certificate already carries this key (such a key never becomes a CA's). */
export function isEndEntityKey(db: ReadTx, spkiSha256: string): boolean {
  return stmt(db, 'SELECT 1 FROM certificates WHERE spki_sha256 = ? AND is_ca = 0').get(spkiSha256) !== undefined
}

/** The serial (lowercase hex) of a certificate for this key revoked for keyCompromise, if any: such a key is never certified again. */
export function compromisedKeySerial(db: ReadTx, spkiSha256: string): string | null {
  const r = stmt(db, "SELECT serial FROM certificates WHERE spki_sha256 = ? AND revocation_reason = 'keyCompromise' LIMIT 1").get(spkiSha256) as { serial: string } | undefined
  return r?.serial ?? null
}

export function getCertificate(db: ReadTx, id: number): CertificateRow | null {
  const r = stmt(db, `SELECT ${ROW_COLUMNS} FROM certificates c WHERE c.id = ?`).get(id) as Raw | undefined
  return r ? toRow(r) : null
}

export function findCertificateBySha256(db: ReadTx, sha256: string): CertificateRow | null {
  const r = db.prepare(`SELECT ${ROW_COLUMNS} FROM certificates c WHERE c.sha256 = ? LIMIT 1`).get(sha256) as Raw | undefined
  return r ? toRow(r) : null
}

/** The profiles that issued certificates for a key (a key export asks whether any blocks it). */
export function profileIdsOfKey(db: ReadTx, keyId: string): string[] {
  return (db.prepare('SELECT DISTINCT profile_id FROM certificates WHERE key_id = ? AND profile_id IS NOT NULL').all(keyId) as { profile_id: string }[]).map((r) => r.profile_id)
}

/** A deleted key's certificates keep their record, without a key in the vault. */
export function detachKeyFromCertificates(db: WriteTx, keyId: string): void {
  db.prepare('UPDATE certificates SET key_id = NULL WHERE key_id = ?').run(keyId)
}

export function serialExists(db: ReadTx, authorityId: string, serial: string): boolean {
  return stmt(db, 'SELECT 1 FROM certificates WHERE authority_id = ? AND serial = ?').get(authorityId, serial) !== undefined
}

/** What a status change returns: the tally key of the changed row. */
const CHANGED = 'RETURNING authority_id AS authorityId, profile_id AS profileId, not_after AS notAfter'
type Changed = { authorityId: string | null; profileId: string | null; notAfter: string }

export function revokeCertificate(db: WriteTx, id: number, v: { revokedAt: string; reason: string; invalidityDate: string | null }): boolean {
  const changed = stmt(db, `UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?, invalidity_date = ? WHERE id = ? AND status = 'issued' ${CHANGED}`).get(
    v.revokedAt,
    v.reason,
    v.invalidityDate,
    id
  ) as Changed | undefined
  if (changed) tallyStatusChanged(db, changed, 'issued', 'revoked')
  return changed !== undefined
}

/**
 * A hold becomes a final revocation: the reason changes, the revocation date stays the
 * hold's (RFC 5280 5.3.1: the certificate has been revoked since then). Only while on hold.
 */
export function finalizeHold(db: WriteTx, id: number, v: { reason: string; invalidityDate: string | null }): boolean {
  return stmt(db, "UPDATE certificates SET revocation_reason = ?, invalidity_date = COALESCE(?, invalidity_date) WHERE id = ? AND status = 'revoked' AND revocation_reason = 'certificateHold'").run(v.reason, v.invalidityDate, id).changes === 1
}

/** Lifts a hold: the certificate is valid again and the next CRL omits it. Only while on hold. */
export function releaseHold(db: WriteTx, id: number): boolean {
  const changed = stmt(db, `UPDATE certificates SET status = 'issued', revoked_at = NULL, revocation_reason = NULL, invalidity_date = NULL WHERE id = ? AND status = 'revoked' AND revocation_reason = 'certificateHold' ${CHANGED}`).get(id) as Changed | undefined
  if (changed) tallyStatusChanged(db, changed, 'revoked', 'issued')
  return changed !== undefined
}

export interface RevokedEntryRow {
  readonly id: number
  readonly serial: string
  readonly revokedAt: string
  readonly reason: string | null
  readonly invalidityDate: string | null
}

/**
 * A CA's revoked certificates in id order, `limit` at a time after `afterId`: what a CRL
 * lists, read in pages so a CRL of 100,000 entries never holds the main thread for long.
 */
export function revokedPage(db: ReadTx, authorityId: string, afterId: number, limit: number): RevokedEntryRow[] {
  const rows = stmt(
    db,
    "SELECT id, serial, revoked_at, revocation_reason, invalidity_date FROM certificates WHERE authority_id = ? AND status = 'revoked' AND id > ? ORDER BY id LIMIT ?"
  )
    .raw(true)
    .all(authorityId, afterId, limit) as [number, string, string, string | null, string | null][]
  return rows.map(([id, serial, revokedAt, reason, invalidityDate]) => ({ id, serial, revokedAt, reason, invalidityDate }))
}

export type SortField = 'notAfter' | 'notBefore' | 'subject' | 'createdAt' | 'serial' | 'issuer' | 'sans' | 'status' | 'profile' | 'keyHeld' | 'renewalOf' | 'renewedBy'
/**
 * What each sort orders by, as SQL over the certificates table: each list the leading columns
 * of an index (migrations 001, 003 and 010; id, the rowid, ends every index), written as the
 * index writes them so SQLite reads pages off it. Status sorts by the stored status and then
 * notAfter: expired (issued, past notAfter), valid, revoked, without a clock in the index.
 */
const SORT_KEYS: Record<SortField, readonly string[]> = {
  notAfter: ['not_after'],
  notBefore: ['not_before'],
  subject: ['subject'],
  createdAt: ['created_at'],
  serial: ['serial'],
  issuer: ['issuer'],
  sans: ['sans'],
  status: ['status', 'not_after'],
  profile: ["IFNULL(profile_id, '')"],
  keyHeld: ['(key_id IS NOT NULL)'],
  renewalOf: ['IFNULL(renewed_from, 0)'],
  renewedBy: ['IFNULL(renewed_by, 0)']
}

/** Where a page ends: the sort key of its last row and that row's id. */
export interface SortPosition {
  readonly values: readonly (string | number)[]
  readonly id: number
}

export function sortKeyCount(field: SortField): number {
  return SORT_KEYS[field].length
}

/** What the inventory filters on; bulk revocation and export select by the same fields. */
export interface CertificateFilter {
  readonly search?: string
  readonly status?: 'issued' | 'revoked' | 'expired'
  readonly authorityId?: string
  readonly profileId?: string
  /** ISO bounds for the expiring filter: notAfter in [now, until]. */
  readonly expiring?: { readonly now: string; readonly until: string }
  /** notBefore at or after / before these ISO instants (bulk revocation's --issued-after/--issued-before). */
  readonly issuedAfter?: string
  readonly issuedBefore?: string
  /** A substring of the subject only (case-insensitive), not of the SANs. */
  readonly subjectMatch?: string
  readonly now: string
}

export interface CertificateQuery extends CertificateFilter {
  readonly sort: { readonly field: SortField; readonly direction: 'asc' | 'desc' }
  readonly after?: SortPosition
  readonly limit: number
}

/** A quoted FTS5 string (the trigram tokenizer matches it as a substring). */
const ftsString = (text: string): string => `"${text.replace(/"/g, '""')}"`
const likeSubstring = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`

function whereOf(q: CertificateFilter, range?: { readonly fromId: number; readonly toId: number }): { where: string[]; args: (string | number)[] } {
  // Inside full-text subqueries too, so that a range reads only its own part of the index.
  const ftsRange = range ? ` AND rowid > ${Math.floor(range.fromId)} AND rowid <= ${Math.floor(range.toId)}` : ''
  const pendingRange = range ? ` AND p.id > ${Math.floor(range.fromId)} AND p.id <= ${Math.floor(range.toId)}` : ''
  // Rows not yet in the full-text index (migration 015) are matched on their own, folded as
  // the index folds them (search-fold.ts), so a row is found the same before and after.
  const pending = (test: string): string => `SELECT p.id FROM certificates_search_pending p JOIN certificates c ON c.id = p.id WHERE (${test})${pendingRange}`
  // An ASCII field (as many bytes as characters) folds as LIKE does, in SQLite's C; any other
  // goes through search_fold (a call into JavaScript: ~3 µs a row against ~1).
  const contains = (column: string): string => `CASE WHEN length(${column}) = length(CAST(${column} AS BLOB)) THEN ${column} LIKE ? ESCAPE '\\' ELSE instr(search_fold(${column}), ?) > 0 END`
  const where: string[] = []
  const args: (string | number)[] = []
  if (q.search) {
    // Subject and SANs: any substring (trigram index, three characters or more; LIKE below
    // that). Serial and SHA-256: a hex prefix (colons and case ignored), on their indexes.
    const parts: string[] = []
    if ([...q.search].length >= 3) {
      const folded = searchFold(q.search)
      const like = likeSubstring(folded)
      parts.push(`SELECT rowid FROM certificates_search WHERE certificates_search MATCH ?${ftsRange}`, pending(`${contains('c.subject')} OR ${contains('c.sans')}`))
      args.push(ftsString(q.search), like, folded, like, folded)
    } else {
      const like = likeSubstring(q.search)
      parts.push("SELECT id FROM certificates WHERE subject LIKE ? ESCAPE '\\' OR sans LIKE ? ESCAPE '\\'")
      args.push(like, like)
    }
    const hex = q.search.replace(/:/g, '').toLowerCase()
    if (/^[0-9a-f]{2,}$/.test(hex)) {
      parts.push('SELECT id FROM certificates WHERE serial >= ? AND serial < ?', 'SELECT id FROM certificates WHERE sha256 >= ? AND sha256 < ?')
      args.push(hex, `${hex}~`, hex, `${hex}~`)
    }
    where.push(`id IN (${parts.join(' UNION ')})`)
  }
  if (q.subjectMatch) {
    if ([...q.subjectMatch].length >= 3) {
      const folded = searchFold(q.subjectMatch)
      where.push(`id IN (SELECT rowid FROM certificates_search WHERE certificates_search MATCH ?${ftsRange} UNION ${pending(contains('c.subject'))})`)
      args.push(`subject : ${ftsString(q.subjectMatch)}`, likeSubstring(folded), folded)
    } else {
      where.push("subject LIKE ? ESCAPE '\\'")
      args.push(likeSubstring(q.subjectMatch))
    }
  }
  if (q.issuedAfter) {
    where.push('not_before >= ?')
    args.push(q.issuedAfter)
  }
  if (q.issuedBefore) {
    where.push('not_before < ?')
    args.push(q.issuedBefore)
  }
  if (q.status === 'revoked') where.push("status = 'revoked'")
  else if (q.status === 'issued') {
    where.push("status = 'issued' AND not_after >= ?")
    args.push(q.now)
  } else if (q.status === 'expired') {
    where.push("status = 'issued' AND not_after < ?")
    args.push(q.now)
  }
  if (q.authorityId) {
    where.push('authority_id = ?')
    args.push(q.authorityId)
  }
  if (q.profileId) {
    where.push('profile_id = ?')
    args.push(q.profileId)
  }
  if (q.expiring) {
    where.push("status = 'issued' AND not_after >= ? AND not_after <= ?")
    args.push(q.expiring.now, q.expiring.until)
  }
  return { where, args }
}

/**
 * What a filter without text or notBefore conditions counts, as tallies (migration 014):
 * null when it has such conditions (those are counted row by row), 'empty' when its
 * conditions contradict each other (revoked and expiring).
 */
export function tallyQueryOf(f: CertificateFilter): TallyQuery | 'empty' | null {
  if (f.search || f.subjectMatch || f.issuedAfter || f.issuedBefore) return null
  const revoked = f.status === 'revoked'
  const issued = f.status === 'issued' || f.status === 'expired' || f.expiring !== undefined
  if (revoked && issued) return 'empty'
  // notAfter bounds: valid from now on, expired before now, expiring in [now, until]; the tightest of each end.
  const lower: RangeEnd[] = []
  const upper: RangeEnd[] = []
  if (f.status === 'issued') lower.push({ at: f.now, inclusive: true })
  if (f.status === 'expired') upper.push({ at: f.now, inclusive: false })
  if (f.expiring) {
    lower.push({ at: f.expiring.now, inclusive: true })
    upper.push({ at: f.expiring.until, inclusive: true })
  }
  const tightest = (ends: RangeEnd[], later: boolean): RangeEnd | undefined =>
    ends.reduce<RangeEnd | undefined>((t, e) => (!t || (later ? e.at > t.at : e.at < t.at) || (e.at === t.at && !e.inclusive) ? e : t), undefined)
  const from = tightest(lower, true)
  const to = tightest(upper, false)
  return {
    ...(revoked ? { status: 'revoked' as const } : issued ? { status: 'issued' as const } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(f.authorityId ? { authorityId: f.authorityId } : {}),
    ...(f.profileId ? { profileId: f.profileId } : {})
  }
}

/** How many certificates the filter matches: from the tallies when it can, row by row otherwise. */
export function countCertificates(db: ReadTx, f: CertificateFilter): number {
  const tq = tallyQueryOf(f)
  if (tq === 'empty') return 0
  if (tq) return countTallied(db, tq)
  const { where, args } = whereOf(f)
  return (db.prepare(`SELECT COUNT(*) AS n FROM certificates ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...args) as { n: number }).n
}

/**
 * A page in the sort order after `q.after`, the filter's total, and where the page ends.
 * Keyset paging: "after (k1, k2, id)" is asked as seeks that each start on the index, in
 * order — same k1, k2 and a later id; same k1 and a later k2; a later k1 — because a single
 * row-value comparison seeks on k1 only and then walks every row sharing it (a key-held sort
 * at 1,000,000 rows: ~100 ms per deep page instead of under 1 ms).
 */
export function queryCertificates(db: ReadTx, q: CertificateQuery): { rows: CertificateRow[]; total: number; last: SortPosition | null } {
  const { where, args } = whereOf(q)
  const total = countCertificates(db, q)
  const keys = SORT_KEYS[q.sort.field]
  const cmp = q.sort.direction === 'asc' ? '>' : '<'
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC'
  const keyColumns = keys.map((k, i) => `${k} AS sort_key_${i}`).join(', ')
  // DER is not needed for a list page; leave it out of the read.
  const page = (extra: readonly string[], extraArgs: readonly (string | number)[], order: readonly string[], limit: number): (Raw & Record<string, string | number>)[] => {
    const all = [...where, ...extra]
    const sql = `SELECT ${LIST_COLUMNS}, ${keyColumns} FROM certificates c ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${[...order, 'id'].map((k) => `${k} ${dir}`).join(', ')} LIMIT ?`
    return db.prepare(sql).all(...args, ...extraArgs, limit) as (Raw & Record<string, string | number>)[]
  }
  let raws: (Raw & Record<string, string | number>)[]
  if (!q.after) raws = page([], [], keys, q.limit)
  else {
    const { values, id } = q.after
    if (values.length !== keys.length) throw new Error(`a ${q.sort.field} page position has ${keys.length} values`)
    raws = []
    // Seek j fixes the first j keys to the position's values and moves on the next (on id when j = all keys).
    for (let j = keys.length; j >= 0 && raws.length < q.limit; j--) {
      const same = keys.slice(0, j).map((k) => `${k} = ?`)
      const next = j === keys.length ? `id ${cmp} ?` : `${keys[j]} ${cmp} ?`
      raws.push(...page([...same, next], [...values.slice(0, j), j === keys.length ? id : values[j]!], keys.slice(j), q.limit - raws.length))
    }
  }
  const rows = raws.map((r) => toRow({ ...r, der: Buffer.alloc(0) }))
  const end = raws[raws.length - 1]
  return { rows, total, last: end ? { values: keys.map((_, i) => end[`sort_key_${i}`]!), id: end.id } : null }
}

/** One certificate of a selection: what a dry run lists and a bulk action needs. */
export interface SelectedCertificate {
  readonly id: number
  readonly authorityId: string | null
  readonly serial: string
  readonly subject: string
  readonly notAfter: string
  readonly status: 'issued' | 'revoked'
  /** Revoked with certificateHold (a bulk revocation says so and leaves it: release it, or revoke it alone for a final reason). */
  readonly onHold: boolean
}

const SELECTED_COLUMNS = "id, authority_id, serial, subject, not_after, status, revocation_reason IS 'certificateHold'"
type SelectedRaw = [number, string | null, string, string, string, 'issued' | 'revoked', 0 | 1]
const toSelected = ([id, authorityId, serial, subject, notAfter, status, held]: SelectedRaw): SelectedCertificate => ({ id, authorityId, serial, subject, notAfter, status, onHold: held === 1 })

/**
 * The certificates the filter matches with fromId < id <= toId, in id order (bulk actions
 * read a selection in id ranges and yield between them; no DER read). Full-text conditions
 * are bounded to the same range so each range costs what it holds.
 */
export function selectCertificatesInRange(db: ReadTx, f: CertificateFilter, fromId: number, toId: number): SelectedCertificate[] {
  const { where, args } = whereOf(f, { fromId, toId })
  where.push('id > ? AND id <= ?')
  args.push(fromId, toId)
  return (db.prepare(`SELECT ${SELECTED_COLUMNS} FROM certificates WHERE ${where.join(' AND ')} ORDER BY id`).raw(true).all(...args) as SelectedRaw[]).map(toSelected)
}

/** The highest certificate id (0 for an empty store). */
export function maxCertificateId(db: ReadTx): number {
  return (stmt(db, 'SELECT MAX(id) AS id FROM certificates').get() as { id: number | null }).id ?? 0
}

/** The certificates with these ids (unknown ids are left out), in id order. */
export function selectCertificatesById(db: ReadTx, ids: readonly number[]): SelectedCertificate[] {
  const out: SelectedCertificate[] = []
  const one = stmt(db, `SELECT ${SELECTED_COLUMNS} FROM certificates WHERE id = ?`)
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const r = one.raw(true).get(id) as SelectedRaw | undefined
    if (r) out.push(toSelected(r))
  }
  return out
}

/** DER of certificates by id, in the order given (bulk export). */
export function derOfCertificates(db: ReadTx, ids: readonly number[]): Map<number, Uint8Array> {
  const one = stmt(db, 'SELECT der FROM certificates WHERE id = ?')
  const out = new Map<number, Uint8Array>()
  for (const id of ids) {
    const r = one.get(id) as { der: Buffer } | undefined
    if (r) out.set(id, new Uint8Array(r.der))
  }
  return out
}

export function certificateOfAuthority(db: ReadTx, authorityId: string): CertificateRow | null {
  const a = db.prepare('SELECT cert_der FROM authorities WHERE id = ?').get(authorityId) as { cert_der: Buffer | null } | undefined
  if (!a?.cert_der) return null
  return findCertificateBySha256(db, createHashHex(a.cert_der))
}

function createHashHex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}

/**
 * Certificates whose serial is `hex` (any case, colons ignored), tolerant of leading zeros:
 * `A3F0`, `00A3F0` and `0A3F0` name the same INTEGER. Exact match on the serial index
 * (a handful of spellings), never a substring search.
 */
export function findCertificatesBySerial(db: ReadTx, hex: string, authorityId?: string): CertificateRow[] {
  const digits = hex.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '')
  if (!/^[0-9a-f]*$/.test(digits)) return []
  const even = digits.length % 2 === 1 ? `0${digits}` : digits.length === 0 ? '00' : digits
  const lower = [digits, even, `00${even}`, `0000${even}`].filter((s) => s.length > 0)
  const spellings = [...new Set([...lower, ...lower.map((s) => s.toUpperCase())])]
  const marks = spellings.map(() => '?').join(', ')
  const rows = (authorityId
    ? db.prepare(`SELECT ${ROW_COLUMNS} FROM certificates c WHERE c.serial IN (${marks}) AND c.authority_id = ? ORDER BY c.id`).all(...spellings, authorityId)
    : db.prepare(`SELECT ${ROW_COLUMNS} FROM certificates c WHERE c.serial IN (${marks}) ORDER BY c.id`).all(...spellings)) as Raw[]
  return rows.map(toRow)
}

// How many certificates each (status, expiry day, CA, profile) holds (migration 014), kept by
// the repository functions that insert a certificate or change its status, in the same
// transaction (not by a trigger: a trigger makes every certificate INSERT a statement with a
// savepoint, and the full-text index then writes a segment per row; see migration 013).
// The inventory's totals, its status filters and the dashboard's counts read these rows and
// count only the certificates of the one or two days at the ends of a range on the
// (status, not_after) index: at 1,000,000 certificates a total costs what one day holds.
import type { ReadTx, WriteTx } from './database'
import { stmt } from './statements'

/** What a tally row is keyed by: no CA or no profile is ''. */
export interface TallyKey {
  readonly authorityId: string | null
  readonly profileId: string | null
  readonly notAfter: string
}

type Status = 'issued' | 'revoked'

const ADD_SQL = `INSERT INTO certificate_tallies (status, expiry_day, authority_id, profile_id, n) VALUES (?, substr(?, 1, 10), ?, ?, ?)
  ON CONFLICT (status, expiry_day, authority_id, profile_id) DO UPDATE SET n = n + excluded.n`

function add(db: WriteTx, status: Status, k: TallyKey, delta: number): void {
  stmt(db, ADD_SQL).run(status, k.notAfter, k.authorityId ?? '', k.profileId ?? '', delta)
}

/** A certificate was inserted (status issued). */
export function tallyInserted(db: WriteTx, k: TallyKey): void {
  add(db, 'issued', k, 1)
}

/** A certificate's stored status changed (a revocation, a hold released). */
export function tallyStatusChanged(db: WriteTx, k: TallyKey, from: Status, to: Status): void {
  add(db, from, k, -1)
  add(db, to, k, 1)
}

/** Counts again from the certificates table (after rows were copied in without the tallies: a restore, a seeded store). */
export function rebuildCertificateTallies(db: WriteTx): void {
  db.prepare('DELETE FROM certificate_tallies').run()
  db.prepare(
    `INSERT INTO certificate_tallies (status, expiry_day, authority_id, profile_id, n)
     SELECT status, substr(not_after, 1, 10), IFNULL(authority_id, ''), IFNULL(profile_id, ''), COUNT(*) FROM certificates GROUP BY 1, 2, 3, 4`
  ).run()
}

/** One end of a notAfter range (ISO instants, compared as the stored strings are). */
export interface RangeEnd {
  readonly at: string
  readonly inclusive: boolean
}

/** What a counted set is: the stored status, a notAfter range, and optionally one CA and one profile. */
export interface TallyQuery {
  readonly status?: Status
  readonly from?: RangeEnd
  readonly to?: RangeEnd
  readonly authorityId?: string
  readonly profileId?: string
}

const dayOf = (iso: string): string => iso.slice(0, 10)

/**
 * The number of certificates in the set: whole days from the tallies, the first and last day
 * of the range counted on the (status, not_after) index. Exact at any instant.
 */
export function countTallied(db: ReadTx, q: TallyQuery): number {
  const statuses: Status[] = q.status ? [q.status] : ['issued', 'revoked']
  let n = 0
  for (const status of statuses) n += countOneStatus(db, status, q)
  return n
}

function countOneStatus(db: ReadTx, status: Status, q: TallyQuery): number {
  const owner: string[] = []
  const ownerArgs: string[] = []
  if (q.authorityId !== undefined) {
    owner.push('authority_id = ?')
    ownerArgs.push(q.authorityId)
  }
  if (q.profileId !== undefined) {
    owner.push('profile_id = ?')
    ownerArgs.push(q.profileId)
  }
  // Whole days strictly inside the range, from the tallies.
  const days: string[] = ['status = ?', ...owner]
  const dayArgs: string[] = [status, ...ownerArgs]
  const fromDay = q.from ? dayOf(q.from.at) : null
  const toDay = q.to ? dayOf(q.to.at) : null
  if (fromDay !== null && toDay !== null && fromDay > toDay) return 0
  if (fromDay !== null) {
    days.push('expiry_day > ?')
    dayArgs.push(fromDay)
  }
  if (toDay !== null) {
    days.push('expiry_day < ?')
    dayArgs.push(toDay)
  }
  let n = (stmt(db, `SELECT IFNULL(SUM(n), 0) AS n FROM certificate_tallies WHERE ${days.join(' AND ')}`).get(...dayArgs) as { n: number }).n
  // The end days, row by row: a day's part of the range. Bounds that are days ('YYYY-MM-DD',
  // or the day followed by 'U', after its 'T…' values) hold a whole day of stored instants.
  const rowsOf = (lower: RangeEnd, upper: RangeEnd): number =>
    (
      stmt(db, `SELECT COUNT(*) AS n FROM certificates WHERE ${['status = ?', ...owner].join(' AND ')} AND not_after ${lower.inclusive ? '>=' : '>'} ? AND not_after ${upper.inclusive ? '<=' : '<'} ?`).get(
        status,
        ...ownerArgs,
        lower.at,
        upper.at
      ) as { n: number }
    ).n
  if (q.from && q.to && fromDay === toDay) return n + rowsOf(q.from, q.to)
  if (q.from) n += rowsOf(q.from, { at: `${fromDay!}U`, inclusive: false })
  if (q.to) n += rowsOf({ at: toDay!, inclusive: true }, q.to)
  return n
}

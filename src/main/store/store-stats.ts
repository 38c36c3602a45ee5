// What the Settings screen counts: the backup's aggregate counts (backup-snapshot.ts) plus the
// certificates expired now. Every count is a COUNT(*) SQLite answers from an index: the total
// from the smallest index, revoked from certificates_authority_revoked (partial, revoked rows
// only) and expired from certificates_status_not_after (status = 'issued' AND not_after < now).
import { storeCounts, type StoreCounts } from './backup-snapshot'
import type { ReadTx } from './database'

export interface StoreStats extends StoreCounts {
  /** Issued (not revoked) certificates whose notAfter is before `now`. */
  readonly expired: number
}

/** `now`: ISO 8601 UTC, compared as stored (not_after is ISO text). */
export function storeStats(db: ReadTx, now: string): StoreStats {
  const expired = (db.prepare("SELECT COUNT(*) AS n FROM certificates WHERE status = 'issued' AND not_after < ?").get(now) as { n: number }).n
  return { ...storeCounts(db), expired }
}

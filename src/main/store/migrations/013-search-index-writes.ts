// The full-text index (migration 003) is written by insertCertificate itself, not by an
// AFTER INSERT trigger. With the trigger, every certificate INSERT was a multi-statement
// write: SQLite opened a statement savepoint for it, and FTS5 flushes its pending terms to a
// new on-disk segment at every savepoint, so each row wrote (and soon merged) a segment of
// its own. Into a store of 1,000,000 certificates that was ~0.9 ms of CPU per row (and more
// waiting on pages) against ~0.1 ms for the same row and an explicit index insert in the
// same transaction; issuance ran at 6% of its empty-store rate. The update and delete
// triggers stay (both are rare); a restore rebuilds the index after copying the rows.
import type { Migration } from './index'

export const m013SearchIndexWrites: Migration = {
  version: 13,
  name: 'search-index-writes',
  up(db) {
    db.exec('DROP TRIGGER IF EXISTS certificates_search_ai')
  }
}

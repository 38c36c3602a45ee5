// Certificate counts by stored status, expiry day (the first ten characters of notAfter), CA
// and profile (no CA or no profile: ''), for totals that do not count the table: at 1,000,000
// certificates an exact COUNT over a status filter read most of the file (p95 0.5–3 s) and
// the dashboard's 30 counts took 1.2–2 s. Kept by the certificates repository in the
// transaction of each write (store/certificate-tallies.ts); filled here from the rows.
// Also an index on (status, created_at, id): the inventory's default order within a status
// filter. Without it "revoked, newest first" sorted all 20,000 revoked rows of a 1M store for
// each page (~100 ms); with it a page is a seek (~0.3 ms). Its inserts append (created_at grows).
import type { Migration } from './index'
import type { WriteTx } from '../database'
import { rebuildCertificateTallies } from '../certificate-tallies'

export const m014CertificateTallies: Migration = {
  version: 14,
  name: 'certificate-tallies',
  up(db) {
    db.exec(`
      CREATE TABLE certificate_tallies (
        status       TEXT NOT NULL,
        expiry_day   TEXT NOT NULL,
        authority_id TEXT NOT NULL,
        profile_id   TEXT NOT NULL,
        n            INTEGER NOT NULL,
        PRIMARY KEY (status, expiry_day, authority_id, profile_id)
      ) WITHOUT ROWID;
      CREATE INDEX certificates_status_created ON certificates(status, created_at, id);
    `)
    rebuildCertificateTallies(db as WriteTx)
  }
}

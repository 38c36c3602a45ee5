// What sync keeps of the platforms' answers:
//   - certificate_chains: the chain a platform delivered with a certificate it issued
//     (issuers as DER, immediate issuer first, checked link by link before storing), so
//     exports of a certificate with no CA of this desk above it carry the platform's chain;
//   - sync_remote_objects.body: the last-seen body of a remote object where sync needs more
//     than its hash (an IoT Device Manager assignment's enrollment mapping and status).
import type { Migration } from './index'

export const m007SyncChains: Migration = {
  version: 7,
  name: 'sync-chains',
  up(db) {
    db.exec(`
      CREATE TABLE certificate_chains (
        certificate_id INTEGER NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
        position       INTEGER NOT NULL,
        der            BLOB NOT NULL,
        PRIMARY KEY (certificate_id, position)
      );
      ALTER TABLE sync_remote_objects ADD COLUMN body TEXT;
    `)
  }
}

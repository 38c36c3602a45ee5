// Certificates reach the full-text index (migration 003) behind their rows: insertCertificate
// adds the new row's id to certificates_search_pending, and the store indexes pending rows
// once writes pause (store/search-backlog.ts). Search reads pending rows by LIKE, so a
// certificate is found the moment its row commits.
//
// Why: FTS5 merges its segments as the index grows, and the merges cost more the larger the
// index is. Indexing inside each batch commit cost ~75 µs of CPU per certificate into an empty
// store and ~250 µs into a store of 1,000,000 (issuance there ran at 61–93% of its empty-store
// rate). Indexed behind the batch, in slices of a few hundred rows, the merges run while the
// operator reads the result instead of between the signatures.
//
// The delete and update triggers leave a pending row alone (it is not in the index yet: an FTS5
// 'delete' of it would corrupt the index); deleting a certificate drops its pending id too.
import type { Migration } from './index'

export const m015SearchBacklog: Migration = {
  version: 15,
  name: 'search-backlog',
  up(db) {
    db.exec(`
      CREATE TABLE certificates_search_pending (id INTEGER PRIMARY KEY);
      DROP TRIGGER IF EXISTS certificates_search_ad;
      DROP TRIGGER IF EXISTS certificates_search_au;
      CREATE TRIGGER certificates_search_ad AFTER DELETE ON certificates BEGIN
        INSERT INTO certificates_search(certificates_search, rowid, subject, sans)
          SELECT 'delete', old.id, old.subject, old.sans
          WHERE NOT EXISTS (SELECT 1 FROM certificates_search_pending WHERE id = old.id);
        DELETE FROM certificates_search_pending WHERE id = old.id;
      END;
      CREATE TRIGGER certificates_search_au AFTER UPDATE OF subject, sans ON certificates
        WHEN NOT EXISTS (SELECT 1 FROM certificates_search_pending WHERE id = old.id) BEGIN
        INSERT INTO certificates_search(certificates_search, rowid, subject, sans) VALUES ('delete', old.id, old.subject, old.sans);
        INSERT INTO certificates_search(rowid, subject, sans) VALUES (new.id, new.subject, new.sans);
      END;
    `)
  }
}

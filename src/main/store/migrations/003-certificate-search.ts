// Certificate inventory at 100,000 rows: indexes for the list's filters and sort orders
// (keyset pagination on (sort column, id)), is_ca so listing needs no DER parsing, and a
// trigram full-text index for substring search.
import type { Migration } from './index'

export const m003CertificateSearch: Migration = {
  version: 3,
  name: 'certificate-search',
  up(db) {
    db.exec(`
      ALTER TABLE certificates ADD COLUMN is_ca INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX certificates_authority_not_after ON certificates(authority_id, not_after, id);
      CREATE INDEX certificates_authority_created ON certificates(authority_id, created_at, id);
      CREATE INDEX certificates_authority_subject ON certificates(authority_id, subject, id);
      CREATE INDEX certificates_created ON certificates(created_at, id);
      CREATE INDEX certificates_subject ON certificates(subject, id);
      CREATE INDEX certificates_not_before ON certificates(not_before, id);
      CREATE INDEX certificates_serial ON certificates(serial);
      CREATE INDEX certificates_spki ON certificates(spki_sha256, is_ca);
      CREATE INDEX certificates_status_not_after ON certificates(status, not_after);
      CREATE INDEX crls_authority ON crls(authority_id, crl_number);

      -- Substring search over subject and SANs: an external-content FTS5 table with the
      -- trigram tokenizer (case-insensitive), kept in step by triggers. Serial and SHA-256 are
      -- searched by prefix on their indexes instead: random hex would make the trigram index
      -- five times as costly to write for every issued certificate.
      CREATE VIRTUAL TABLE certificates_search USING fts5(
        subject, sans, content='certificates', content_rowid='id', tokenize='trigram'
      );
      INSERT INTO certificates_search(certificates_search) VALUES ('rebuild');
      CREATE TRIGGER certificates_search_ai AFTER INSERT ON certificates BEGIN
        INSERT INTO certificates_search(rowid, subject, sans) VALUES (new.id, new.subject, new.sans);
      END;
      CREATE TRIGGER certificates_search_ad AFTER DELETE ON certificates BEGIN
        INSERT INTO certificates_search(certificates_search, rowid, subject, sans) VALUES ('delete', old.id, old.subject, old.sans);
      END;
      CREATE TRIGGER certificates_search_au AFTER UPDATE OF subject, sans ON certificates BEGIN
        INSERT INTO certificates_search(certificates_search, rowid, subject, sans) VALUES ('delete', old.id, old.subject, old.sans);
        INSERT INTO certificates_search(rowid, subject, sans) VALUES (new.id, new.subject, new.sans);
      END;
    `)
  }
}

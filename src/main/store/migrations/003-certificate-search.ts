// Certificate inventory at 100,000 rows: indexes for the list's filters and sort orders
// (keyset pagination on (sort column, id)), and is_ca so listing needs no DER parsing.
import type { Migration } from './index'

export const m003CertificateSearch: Migration = {
  version: 3,
  name: 'certificate-search',
  up(db) {
    db.exec(`
      ALTER TABLE certificates ADD COLUMN is_ca INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX certificates_authority ON certificates(authority_id, id);
      CREATE INDEX certificates_created ON certificates(created_at, id);
      CREATE INDEX certificates_subject ON certificates(subject, id);
      CREATE INDEX certificates_not_before ON certificates(not_before, id);
      CREATE INDEX certificates_serial ON certificates(serial);
      CREATE INDEX certificates_spki ON certificates(spki_sha256);
      CREATE INDEX certificates_status_not_after ON certificates(status, not_after);
      CREATE INDEX crls_authority ON crls(authority_id, crl_number);
    `)
  }
}

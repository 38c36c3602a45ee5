// The inventory's renewal links and the sort orders of its columns:
//   - renewed_from / renewed_by: the certificate a renewal replaces and the newest renewal of
//     a certificate, both ways so each end links to the other and sorts on an index. Stores
//     from before this migration recorded the link only in the audit trail
//     (certificate.issue's details.renewalOf); it is read back from there.
//   - an index per sortable column that had none, each ending in id like the keyset pages'
//     ORDER BY (column, id): a page sorted by issuer, names, profile, key held or renewal
//     costs an index seek at 1,000,000 rows, not a sort of the table. Nullable columns are
//     indexed as the expression the list orders by (IFNULL), so NULL rows page too.
import type { Migration } from './index'

export const m010CertificateRenewals: Migration = {
  version: 10,
  name: 'certificate-renewals',
  up(db) {
    db.exec(`
      ALTER TABLE certificates ADD COLUMN renewed_from INTEGER REFERENCES certificates(id) ON DELETE SET NULL;
      ALTER TABLE certificates ADD COLUMN renewed_by INTEGER REFERENCES certificates(id) ON DELETE SET NULL;
      UPDATE certificates SET renewed_from = (
        SELECT r.id FROM audit_log a JOIN certificates r ON r.id = CAST(json_extract(a.details, '$.renewalOf') AS INTEGER)
        WHERE a.action = 'certificate.issue' AND a.subject = 'certificate:' || certificates.id
        LIMIT 1
      )
      WHERE id IN (
        SELECT CAST(substr(subject, 13) AS INTEGER) FROM audit_log
        WHERE action = 'certificate.issue' AND json_extract(details, '$.renewalOf') IS NOT NULL
      );
      UPDATE certificates SET renewed_by = (SELECT MAX(r.id) FROM certificates r WHERE r.renewed_from = certificates.id)
      WHERE id IN (SELECT renewed_from FROM certificates WHERE renewed_from IS NOT NULL);
      CREATE INDEX certificates_issuer ON certificates(issuer, id);
      CREATE INDEX certificates_sans ON certificates(sans, id);
      CREATE INDEX certificates_profile_sort ON certificates(IFNULL(profile_id, ''), id);
      CREATE INDEX certificates_key_held ON certificates((key_id IS NOT NULL), id);
      CREATE INDEX certificates_renewed_from ON certificates(IFNULL(renewed_from, 0), id);
      CREATE INDEX certificates_renewed_by ON certificates(IFNULL(renewed_by, 0), id);
    `)
  }
}

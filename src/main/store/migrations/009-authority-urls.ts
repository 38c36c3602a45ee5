// The URLs a CA places in every certificate it issues (CRL distribution points, OCSP and
// caIssuers), as JSON {crlDistributionPoints, ocspUrls, caIssuersUrls}; '{}' is none.
import type { Migration } from './index'

export const m009AuthorityUrls: Migration = {
  version: 9,
  name: 'authority-urls',
  up(db) {
    db.exec(`ALTER TABLE authorities ADD COLUMN extension_urls TEXT NOT NULL DEFAULT '{}';`)
  }
}

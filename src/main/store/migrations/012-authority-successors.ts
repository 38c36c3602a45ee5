// A re-keyed CA: the new key and certificate get a row of their own under the CA's name, and
// the old row is retired (it keeps its id, its certificate and what it issued, and goes on
// signing CRLs for those). successor_id links the retired row to the CA that replaced it, so
// the screens say "replaced by", renewals move to the successor, and CRL numbers of one CA
// name stay one sequence across its keys.
import type { Migration } from './index'

export const m012AuthoritySuccessors: Migration = {
  version: 12,
  name: 'authority-successors',
  up(db) {
    db.exec('ALTER TABLE authorities ADD COLUMN successor_id TEXT REFERENCES authorities(id)')
  }
}

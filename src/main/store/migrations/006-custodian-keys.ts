// A stored key may be protected by custodians (its key-encryption key split M-of-N, see
// src/main/vault/custodians.ts): vault_keys.protection accepts 'custodians'. SQLite cannot
// change a CHECK constraint in place, so the table is rebuilt (SQLite's documented
// twelve-step procedure: it runs with foreign keys off, and their check before commit proves
// no authority or certificate lost its key row).
import type { Migration } from './index'

export const m006CustodianKeys: Migration = {
  version: 6,
  name: 'custodian-keys',
  foreignKeysOff: true,
  up(db) {
    db.exec(`
      CREATE TABLE vault_keys_006 (
        id            TEXT PRIMARY KEY,
        purpose       TEXT NOT NULL CHECK (purpose IN ('ca', 'end-entity')),
        algorithm     TEXT NOT NULL,
        spki          BLOB NOT NULL,
        spki_sha256   TEXT NOT NULL UNIQUE,
        protection    TEXT NOT NULL CHECK (protection IN ('keychain', 'passphrase', 'both', 'custodians')),
        envelope      TEXT NOT NULL,
        created_at    TEXT NOT NULL
      );
      INSERT INTO vault_keys_006 (id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at)
        SELECT id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at FROM vault_keys;
      DROP TABLE vault_keys;
      ALTER TABLE vault_keys_006 RENAME TO vault_keys;
    `)
  }
}

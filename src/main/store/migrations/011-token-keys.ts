// A CA key may live on a PKCS#11 token (src/main/vault/pkcs11): vault_keys.protection accepts
// 'pkcs11', whose row holds where the key is (module, token serial and label, key label and
// CKA_ID) and its public key, never key material. The table is rebuilt as in migration 006
// (SQLite cannot widen a CHECK in place), with foreign keys off and checked before commit.
import type { Migration } from './index'

export const m011TokenKeys: Migration = {
  version: 11,
  name: 'token-keys',
  foreignKeysOff: true,
  up(db) {
    db.exec(`
      CREATE TABLE vault_keys_011 (
        id            TEXT PRIMARY KEY,
        purpose       TEXT NOT NULL CHECK (purpose IN ('ca', 'end-entity')),
        algorithm     TEXT NOT NULL,
        spki          BLOB NOT NULL,
        spki_sha256   TEXT NOT NULL UNIQUE,
        protection    TEXT NOT NULL CHECK (protection IN ('keychain', 'passphrase', 'both', 'custodians', 'pkcs11')),
        envelope      TEXT NOT NULL,
        created_at    TEXT NOT NULL
      );
      INSERT INTO vault_keys_011 (id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at)
        SELECT id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at FROM vault_keys;
      DROP TABLE vault_keys;
      ALTER TABLE vault_keys_011 RENAME TO vault_keys;
    `)
  }
}

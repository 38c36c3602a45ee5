// The first schema: settings, the audit trail, vault keys, authorities, certificates, CRLs,
// profiles, connectors and the sync outbox. DER columns are the truth; other columns are
// views of them kept for indexing and search.
import type { Migration } from './index'

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical entry).
      CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        details   TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL UNIQUE
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- Private keys, only ever as AES-256-GCM ciphertext under a wrapped data key.
      CREATE TABLE vault_keys (
        id            TEXT PRIMARY KEY,
        purpose       TEXT NOT NULL CHECK (purpose IN ('ca', 'end-entity')),
        algorithm     TEXT NOT NULL,
        spki          BLOB NOT NULL,
        spki_sha256   TEXT NOT NULL UNIQUE,
        protection    TEXT NOT NULL CHECK (protection IN ('keychain', 'passphrase', 'both')),
        envelope      TEXT NOT NULL,
        created_at    TEXT NOT NULL
      );

      CREATE TABLE authorities (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        parent_id       TEXT REFERENCES authorities(id),
        key_id          TEXT REFERENCES vault_keys(id),
        state           TEXT NOT NULL CHECK (state IN ('active', 'pending-certificate', 'retired')),
        cert_der        BLOB,
        csr_der         BLOB,
        subject         TEXT NOT NULL,
        ski             TEXT,
        not_before      TEXT,
        not_after       TEXT,
        crl_settings    TEXT NOT NULL DEFAULT '{}',
        next_crl_number INTEGER NOT NULL DEFAULT 1,
        created_at      TEXT NOT NULL
      );

      CREATE TABLE profiles (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        sign_as_ca  INTEGER NOT NULL DEFAULT 0,
        archived    INTEGER NOT NULL DEFAULT 0,
        body        TEXT NOT NULL,
        source      TEXT,
        remote_etag TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );

      CREATE TABLE certificates (
        id            INTEGER PRIMARY KEY,
        authority_id  TEXT REFERENCES authorities(id),
        profile_id    TEXT REFERENCES profiles(id),
        key_id        TEXT REFERENCES vault_keys(id),
        serial        TEXT NOT NULL,
        der           BLOB NOT NULL,
        subject       TEXT NOT NULL,
        issuer        TEXT NOT NULL,
        sans          TEXT NOT NULL DEFAULT '',
        not_before    TEXT NOT NULL,
        not_after     TEXT NOT NULL,
        sha256        TEXT NOT NULL,
        spki_sha256   TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'revoked')),
        revoked_at    TEXT,
        revocation_reason TEXT,
        invalidity_date   TEXT,
        source        TEXT NOT NULL DEFAULT 'local',
        created_at    TEXT NOT NULL,
        UNIQUE (authority_id, serial)
      );
      CREATE INDEX certificates_not_after ON certificates(not_after);
      CREATE INDEX certificates_sha256 ON certificates(sha256);
      CREATE INDEX certificates_profile ON certificates(profile_id);

      CREATE TABLE crls (
        id           INTEGER PRIMARY KEY,
        authority_id TEXT NOT NULL REFERENCES authorities(id),
        crl_number   INTEGER NOT NULL,
        der          BLOB NOT NULL,
        this_update  TEXT NOT NULL,
        next_update  TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (authority_id, crl_number)
      );

      CREATE TABLE connectors (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        type        TEXT NOT NULL,
        base_url    TEXT NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 1,
        settings    TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL
      );

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        connector_id    TEXT NOT NULL REFERENCES connectors(id),
        action          TEXT NOT NULL,
        payload         TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT,
        result          TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );
    `)
  }
}

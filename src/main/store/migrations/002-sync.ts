// Sync bookkeeping: one row per sync run (the audit trail has the same facts, this table
// answers "when was the last run and how did it end" without scanning the chain), and the
// content hash of every remote object last pulled, so a later pull can tell the operator
// that a remote profile changed since (a conflict note) instead of overwriting silently.
import type { Migration } from './index'

export const m002Sync: Migration = {
  version: 2,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE sync_runs (
        id          TEXT PRIMARY KEY,
        connector   TEXT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        reclaimed   INTEGER NOT NULL DEFAULT 0,
        done        INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        remaining   INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE sync_remote_objects (
        connector_id   TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        remote_id      TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        local_id       TEXT,
        pulled_at      TEXT NOT NULL,
        PRIMARY KEY (connector_id, kind, remote_id)
      );

      CREATE INDEX outbox_state ON outbox(state, connector_id);
    `)
  }
}

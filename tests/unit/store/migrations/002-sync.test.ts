// Migration 002 adds sync_runs and sync_remote_objects beside the existing connectors and
// outbox, keeping their rows.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 002 (sync)', () => {
  it('keeps connectors and outbox rows and adds the run and remote-object tables', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig2-')), 'db.sqlite3'), 1)
    expect(schemaVersion(db)).toBe(1)
    const t = '2026-01-01T00:00:00.000Z'
    db.prepare("INSERT INTO connectors (id, name, type, base_url, created_at) VALUES ('c1', 'lab', 'lamassu', 'https://l.example.com', ?)").run(t)
    db.prepare("INSERT INTO outbox (connector_id, action, payload, idempotency_key, state, created_at, updated_at) VALUES ('c1', 'lamassu.profile.pull', '{}', 'k1', 'queued', ?, ?)").run(t, t)
    migrate(db, migrations, 2)
    expect(schemaVersion(db)).toBe(2)
    expect(db.prepare('SELECT name FROM connectors').all()).toEqual([{ name: 'lab' }])
    expect(db.prepare('SELECT idempotency_key, state FROM outbox').all()).toEqual([{ idempotency_key: 'k1', state: 'queued' }])
    db.prepare("INSERT INTO sync_runs (id, started_at) VALUES ('r1', ?)").run(t)
    db.prepare("INSERT INTO sync_remote_objects (connector_id, kind, remote_id, content_sha256, pulled_at) VALUES ('c1', 'lamassu.profile', 'p', 'h', ?)").run(t)
    expect(() => db.prepare("INSERT INTO sync_remote_objects (connector_id, kind, remote_id, content_sha256, pulled_at) VALUES ('nope', 'k', 'p', 'h', ?)").run(t)).toThrow(/FOREIGN KEY/)
    expect(() => db.prepare("INSERT INTO sync_remote_objects (connector_id, kind, remote_id, content_sha256, pulled_at) VALUES ('c1', 'lamassu.profile', 'p', 'h2', ?)").run(t)).toThrow(/UNIQUE|PRIMARY/)
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'").all() as { name: string }[]).map((r) => r.name)
    expect(indexes).toContain('outbox_state')
  })
})

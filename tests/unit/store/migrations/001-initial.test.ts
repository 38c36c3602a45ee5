// Migration 001 builds the first schema: the tables exist, constraints hold, and the audit
// trail refuses UPDATE and DELETE.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

function tempDb(upTo?: number) {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), upTo)
}

describe('migration 001 (initial)', () => {
  it('creates every table and sets user_version to 1', () => {
    const db = tempDb(1)
    expect(schemaVersion(db)).toBe(1)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(
      expect.arrayContaining(['settings', 'audit_log', 'vault_keys', 'authorities', 'profiles', 'certificates', 'crls', 'connectors', 'outbox'])
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('enforces one serial per authority and foreign keys', () => {
    const db = tempDb(1)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(now)
    const insert = db.prepare(
      "INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, created_at) VALUES (?, ?, x'30', 'CN=a', 'CN=Root', ?, ?, 'h', 'k', ?)"
    )
    insert.run('ca1', '01', now, now, now)
    expect(() => insert.run('ca1', '01', now, now, now)).toThrow(/UNIQUE/)
    expect(() => insert.run('nope', '02', now, now, now)).toThrow(/FOREIGN KEY/)
  })

  it('makes the audit log append-only', () => {
    const db = tempDb(1)
    db.prepare("INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (1, 't', 'a', 'x', 's', '{}', 'p', 'h')").run()
    expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/)
  })

  it('reopening an up-to-date store applies nothing twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-mig-'))
    openDatabase(join(dir, 'db.sqlite3')).close()
    const again = openDatabase(join(dir, 'db.sqlite3'))
    expect(schemaVersion(again)).toBe(migrations.at(-1)?.version)
  })

  it('numbers migrations 1, 2, 3… without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
  })
})

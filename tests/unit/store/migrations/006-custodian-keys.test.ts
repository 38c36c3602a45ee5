// Migration 006 lets vault_keys.protection say 'custodians': the table is rebuilt with the
// wider CHECK, every key row and every reference to it survives, and foreign keys are on again.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 006 (custodian keys)', () => {
  it('keeps every key row and its references and accepts custodians protection', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 5)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO vault_keys VALUES ('k1', 'ca', 'ec-p256', x'3059', 'h1', 'both', '{}', ?)").run(now)
    db.prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('ca1', 'Root', 'k1', 'active', 'CN=Root', ?)").run(now)
    expect(() => db.prepare("INSERT INTO vault_keys VALUES ('k2', 'ca', 'ec-p256', x'30', 'h2', 'custodians', '{}', ?)").run(now)).toThrow(/CHECK/)

    migrate(db, migrations, 6)
    expect(schemaVersion(db)).toBe(6)
    expect(db.prepare('SELECT id, protection, spki_sha256 FROM vault_keys').all()).toEqual([{ id: 'k1', protection: 'both', spki_sha256: 'h1' }])
    db.prepare("INSERT INTO vault_keys VALUES ('k2', 'ca', 'ec-p256', x'30', 'h2', 'custodians', '{}', ?)").run(now)
    expect(() => db.prepare("INSERT INTO vault_keys VALUES ('k3', 'ca', 'ec-p256', x'30', 'h3', 'nobody', '{}', ?)").run(now)).toThrow(/CHECK/)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(() => db.prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('ca2', 'X', 'missing', 'active', 'CN=X', ?)").run(now)).toThrow(/FOREIGN KEY/)
    expect(db.prepare("SELECT key_id FROM authorities WHERE id = 'ca1'").get()).toEqual({ key_id: 'k1' })
  })

  it('refuses to commit when a reference would dangle, leaving version 5', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 5)
    const now = new Date().toISOString()
    db.pragma('foreign_keys = OFF')
    db.prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('ca1', 'Root', 'gone', 'active', 'CN=Root', ?)").run(now)
    db.pragma('foreign_keys = ON')
    expect(() => migrate(db, migrations, 6)).toThrow(/missing rows/)
    expect(schemaVersion(db)).toBe(5)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  })
})

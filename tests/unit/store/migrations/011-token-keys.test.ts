// Migration 011 lets vault_keys.protection say 'pkcs11' (a key on a token): the table is
// rebuilt with the wider CHECK, every key row and every reference to it survives.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 011 (token keys)', () => {
  it('keeps every key row and its references and accepts pkcs11 protection', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 10)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO vault_keys VALUES ('k1', 'ca', 'ec-p256', x'3059', 'h1', 'custodians', '{}', ?)").run(now)
    db.prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('ca1', 'Root', 'k1', 'active', 'CN=Root', ?)").run(now)
    expect(() => db.prepare("INSERT INTO vault_keys VALUES ('k2', 'ca', 'ec-p256', x'30', 'h2', 'pkcs11', '{}', ?)").run(now)).toThrow(/CHECK/)

    migrate(db, migrations, 11)
    expect(schemaVersion(db)).toBe(11)
    expect(db.prepare('SELECT id, protection, spki_sha256 FROM vault_keys').all()).toEqual([{ id: 'k1', protection: 'custodians', spki_sha256: 'h1' }])
    db.prepare("INSERT INTO vault_keys VALUES ('k2', 'ca', 'ec-p256', x'30', 'h2', 'pkcs11', '{}', ?)").run(now)
    expect(() => db.prepare("INSERT INTO vault_keys VALUES ('k3', 'ca', 'ec-p256', x'30', 'h3', 'token', '{}', ?)").run(now)).toThrow(/CHECK/)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(() => db.prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('ca2', 'X', 'missing', 'active', 'CN=X', ?)").run(now)).toThrow(/FOREIGN KEY/)
    expect(db.prepare("SELECT key_id FROM authorities WHERE id = 'ca1'").get()).toEqual({ key_id: 'k1' })
  })
})

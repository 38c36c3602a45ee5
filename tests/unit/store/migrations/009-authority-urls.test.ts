// Migration 009 gives every CA the URLs it places in what it issues: existing CAs keep their
// rows and start with none ('{}'), which the repository reads back as such.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 009 (authority URLs)', () => {
  it('keeps every CA and gives each an empty URL set, which can then be set', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 8)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO authorities (id, name, state, subject, crl_settings, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', '{\"validityHours\":24}', ?)").run(now)
    expect(() => db.prepare('SELECT extension_urls FROM authorities').all()).toThrow(/no such column/)
    migrate(db, migrations, 9)
    expect(schemaVersion(db)).toBe(9)
    expect(db.prepare('SELECT id, name, crl_settings, extension_urls FROM authorities').all()).toEqual([{ id: 'ca1', name: 'Root', crl_settings: '{"validityHours":24}', extension_urls: '{}' }])
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca2', 'Sub', 'active', 'CN=Sub', ?)").run(now)
    expect(db.prepare("SELECT extension_urls FROM authorities WHERE id = 'ca2'").get()).toEqual({ extension_urls: '{}' })
    expect(() => db.prepare("UPDATE authorities SET extension_urls = NULL WHERE id = 'ca2'").run()).toThrow(/NOT NULL/)
  })
})

// Migration 012 adds authorities.successor_id (a re-keyed CA's link to the CA that replaced
// it), keeping the rows of a version-11 store; the link must name an existing authority.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrate } from '../../../../src/main/store/database'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 012 (authority successors)', () => {
  it('keeps authorities, adds successor_id (null) that must point at an authority', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 11)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('a1', 'Old', 'active', 'CN=Old', ?)").run(now)
    migrate(db, migrations, 12)
    expect(schemaVersion(db)).toBe(12)
    expect(db.prepare('SELECT id, name, state, successor_id FROM authorities').all()).toEqual([{ id: 'a1', name: 'Old', state: 'active', successor_id: null }])
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('a2', 'New', 'active', 'CN=Old', ?)").run(now)
    db.prepare("UPDATE authorities SET state = 'retired', successor_id = 'a2' WHERE id = 'a1'").run()
    expect(db.prepare("SELECT successor_id FROM authorities WHERE id = 'a1'").get()).toEqual({ successor_id: 'a2' })
    expect(() => db.prepare("UPDATE authorities SET successor_id = 'missing' WHERE id = 'a2'").run()).toThrow(/FOREIGN KEY/)
  })
})

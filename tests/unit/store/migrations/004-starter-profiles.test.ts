// Migration 004 seeds the starter profiles: created at 3, rows inserted, migrated to 4.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'
import { STARTER_PROFILE_ROWS } from '../../../../src/main/store/migrations/004-starter-profiles'
import { profileBody } from '../../../../src/shared/domain/profile'

const file = () => join(mkdtempSync(join(tmpdir(), 'pkidesk-mig4-')), 'db.sqlite3')
const STARTERS = ['code-signing', 'intermediate-ca', 'iot-device', 'smime', 'tls-client', 'tls-server']

describe('migration 004 (starter profiles)', () => {
  it('seeds the six starters into a store at version 3, each a valid profile body', () => {
    const path = file()
    const db = openDatabase(path, 3)
    expect(schemaVersion(db)).toBe(3)
    expect((db.prepare('SELECT COUNT(*) AS n FROM profiles').get() as { n: number }).n).toBe(0)
    migrate(db, migrations, 4)
    expect(schemaVersion(db)).toBe(4)
    const rows = db.prepare('SELECT id, name, sign_as_ca, source, archived, body FROM profiles ORDER BY id').all() as { id: string; name: string; sign_as_ca: number; source: string; archived: number; body: string }[]
    expect(rows.map((r) => r.id)).toEqual(STARTERS)
    for (const r of rows) {
      const body = profileBody.parse(JSON.parse(r.body))
      expect(body.name).toBe(r.name)
      expect(r.sign_as_ca).toBe(body.signAsCa ? 1 : 0)
      expect(r.source).toBe('starter')
      expect(r.archived).toBe(0)
    }
    expect(rows.find((r) => r.id === 'intermediate-ca')!.sign_as_ca).toBe(1)
    // No audit entry: the seed is part of creating the store, not an operator action.
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(0)
    db.close()
  })

  it("never overwrites an operator's profile with the same id or name, and runs once", () => {
    const path = file()
    const db = openDatabase(path, 3)
    const at = new Date().toISOString()
    const mine = JSON.stringify(profileBody.parse({ name: 'Mine' }))
    db.prepare("INSERT INTO profiles (id, name, body, created_at, updated_at) VALUES ('tls-server', 'Mine', ?, ?, ?)").run(mine, at, at)
    const other = JSON.stringify(profileBody.parse({ name: 'tls client (1 YEAR)' }))
    db.prepare("INSERT INTO profiles (id, name, body, created_at, updated_at) VALUES ('x1', 'tls client (1 YEAR)', ?, ?, ?)").run(other, at, at)
    migrate(db, migrations, 4)
    const rows = db.prepare('SELECT id, name FROM profiles ORDER BY id').all() as { id: string; name: string }[]
    expect(rows).toEqual([
      { id: 'code-signing', name: 'Code signing (3 years)' },
      { id: 'intermediate-ca', name: 'Intermediate CA (5 years)' },
      { id: 'iot-device', name: 'IoT device (30 days)' },
      { id: 'smime', name: 'S/MIME e-mail (1 year)' },
      { id: 'tls-server', name: 'Mine' },
      { id: 'x1', name: 'tls client (1 YEAR)' }
    ])
    db.prepare("DELETE FROM profiles WHERE id = 'smime'").run()
    db.close()
    const again = openDatabase(path)
    expect((again.prepare("SELECT COUNT(*) AS n FROM profiles WHERE id = 'smime'").get() as { n: number }).n).toBe(0)
    again.close()
  })

  it('writes its frozen data, not today\'s resource files or schema defaults', () => {
    const source = readFileSync(join(__dirname, '../../../../src/main/store/migrations/004-starter-profiles.ts'), 'utf8')
    expect(source).not.toMatch(/from '[^']*(resources|shared\/domain)/)
    // Known answer: the SHA-256 of the six bodies as frozen. Editing them changes what a shipped
    // migration writes; a changed starter is a new migration instead.
    expect(createHash('sha256').update(STARTER_PROFILE_ROWS.map((r) => r.body).join('\n')).digest('hex')).toBe('2a5798b6ffbced8105bc48f96c607726c91b07ec6d15d64aab7bce2ac81b1dcd')
    const db = openDatabase(file(), 3)
    migrate(db, migrations, 4)
    const rows = db.prepare('SELECT id, name, description, sign_as_ca AS signAsCa, body FROM profiles').all() as { id: string; name: string; description: string; signAsCa: number; body: string }[]
    expect(rows.map((r) => ({ ...r, signAsCa: r.signAsCa === 1 })).sort((a, b) => a.id.localeCompare(b.id))).toEqual([...STARTER_PROFILE_ROWS].sort((a, b) => a.id.localeCompare(b.id)))
    db.close()
  })
})

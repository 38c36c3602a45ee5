// Migration 005 adds the fleet indexes, and the queries they exist for use them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrate } from '../../../../src/main/store/database'
import { migrations } from '../../../../src/main/store/migrations'

const plan = (db: ReturnType<typeof openDatabase>, sql: string, ...args: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('; ')

describe('migration 005 (fleet indexes)', () => {
  it('keeps the rows of a version-4 store and makes CRL paging and notBefore filters use their indexes', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 4)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(now)
    db.prepare(
      "INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, status, revoked_at, created_at) VALUES ('ca1', '01', x'30', 'CN=a', 'CN=Root', ?, ?, 'h', 'k', 'revoked', ?, ?)"
    ).run(now, now, now, now)
    migrate(db, migrations, 5)
    expect(schemaVersion(db)).toBe(5)
    expect(db.prepare("SELECT serial, status FROM certificates WHERE authority_id = 'ca1'").all()).toEqual([{ serial: '01', status: 'revoked' }])
    expect(plan(db, "SELECT id, serial FROM certificates WHERE authority_id = ? AND status = 'revoked' AND id > ? ORDER BY id LIMIT 10", 'ca1', 0)).toContain('certificates_authority_revoked')
    expect(plan(db, 'SELECT id FROM certificates WHERE authority_id = ? AND not_before >= ? ORDER BY not_before', 'ca1', now)).toContain('certificates_authority_not_before')
  })
})

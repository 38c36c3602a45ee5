// Migration 014 creates the certificate tallies and fills them from the rows already there:
// a store upgraded with certificates counts them at once, by status, expiry day, CA and profile;
// a status filter's newest-first page is read off its index, not sorted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 014 (certificate tallies)', () => {
  it('tallies the certificates stored before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-mig14-'))
    try {
      const db = openDatabase(join(dir, 'db.sqlite3'), 13)
      const now = '2027-01-05T10:00:00.000Z'
      db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(now)
      const insert = db.prepare(
        "INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, status, created_at) VALUES (?, ?, x'3000', 'CN=a', 'CN=Root', ?, ?, ?, 'k', ?, ?)"
      )
      insert.run('ca1', '01', now, '2027-02-01T00:00:00.000Z', 'a', 'issued', now)
      insert.run('ca1', '02', now, '2027-02-01T23:59:59.999Z', 'b', 'issued', now)
      insert.run('ca1', '03', now, '2027-02-01T12:00:00.000Z', 'c', 'revoked', now)
      insert.run(null, '04', now, '2027-03-01T12:00:00.000Z', 'd', 'issued', now)
      migrate(db, migrations, 14)
      expect(schemaVersion(db)).toBe(14)
      expect(db.prepare('SELECT status, expiry_day, authority_id, profile_id, n FROM certificate_tallies ORDER BY 1, 2, 3').all()).toEqual([
        { status: 'issued', expiry_day: '2027-02-01', authority_id: 'ca1', profile_id: '', n: 2 },
        { status: 'issued', expiry_day: '2027-03-01', authority_id: '', profile_id: '', n: 1 },
        { status: 'revoked', expiry_day: '2027-02-01', authority_id: 'ca1', profile_id: '', n: 1 }
      ])
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM certificates WHERE status = 'revoked' ORDER BY created_at DESC, id DESC LIMIT 100").all() as { detail: string }[]
      expect(plan.map((p) => p.detail)).toEqual(['SEARCH certificates USING COVERING INDEX certificates_status_created (status=?)'])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// Migration 003 (certificate-search): created at 2 with rows, migrated to 3, the rows keep
// their data, get is_ca = 0, and the list's queries use the new indexes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 003 (certificate-search)', () => {
  it('adds is_ca and the list indexes without touching existing rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-mig3-'))
    try {
      const db = openDatabase(join(dir, 'db.sqlite3'), 2)
      expect(schemaVersion(db)).toBe(2)
      const now = new Date().toISOString()
      db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(now)
      db.prepare(
        "INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '01', x'3000', 'CN=a', 'CN=Root', ?, ?, 'aa', 'bb', ?)"
      ).run(now, now, now)
      migrate(db, migrations, 3)
      expect(schemaVersion(db)).toBe(3)
      const row = db.prepare('SELECT serial, subject, is_ca FROM certificates').get() as { serial: string; subject: string; is_ca: number }
      expect(row).toEqual({ serial: '01', subject: 'CN=a', is_ca: 0 })
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('certificates', 'crls')").all() as { name: string }[]).map((r) => r.name)
      expect(indexes).toEqual(expect.arrayContaining(['certificates_authority_created', 'certificates_authority_not_after', 'certificates_authority_subject', 'certificates_created', 'certificates_subject', 'certificates_serial', 'certificates_spki', 'certificates_status_not_after', 'crls_authority']))
      const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT id FROM certificates WHERE spki_sha256 = 'bb' AND is_ca = 1").all() as { detail: string }[]).map((r) => r.detail).join(' ')
      expect(plan).toContain('certificates_spki')
      const page = (db.prepare("EXPLAIN QUERY PLAN SELECT id FROM certificates ORDER BY created_at DESC, id DESC LIMIT 100").all() as { detail: string }[]).map((r) => r.detail).join(' ')
      expect(page).toContain('certificates_created')
      // The search index covers rows that existed before the migration and follows inserts, updates and deletes.
      const search = (q: string): number[] => (db.prepare('SELECT rowid FROM certificates_search WHERE certificates_search MATCH ?').all(`"${q}"`) as { rowid: number }[]).map((r) => r.rowid)
      expect(search('cn=a')).toEqual([1])
      db.prepare(
        "INSERT INTO certificates (authority_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '02', x'3000', 'CN=www.example.org', 'CN=Root', 'DNS:www.example.org', ?, ?, 'cc', 'dd', ?)"
      ).run(now, now, now)
      expect(search('EXAMPLE.ORG')).toEqual([2])
      db.prepare("UPDATE certificates SET subject = 'CN=renamed.example.net' WHERE id = 2").run()
      expect(search('renamed')).toEqual([2])
      db.prepare('DELETE FROM certificates WHERE id = 2').run()
      expect(search('renamed')).toEqual([])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// Migration 013 drops the full-text index's insert trigger: insertCertificate writes the
// index itself. Rows from before the migration stay searchable, rows inserted after it are
// found, updates and deletes still follow (their triggers stay), and a certificate INSERT is
// a single-row statement again (no trigger program in its plan).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion, type WriteTx } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'
import { indexPendingSearchRows, insertCertificate, rebuildSearchIndex } from '../../../../src/main/store/certificates-repo'

describe('migration 013 (search index writes)', () => {
  it('drops the insert trigger; insertCertificate, updates and deletes keep the index equal to the rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-mig13-'))
    try {
      const db = openDatabase(join(dir, 'db.sqlite3'), 12)
      const now = new Date().toISOString()
      db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(now)
      db.prepare(
        "INSERT INTO certificates (authority_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '01', x'3000', 'CN=before.example', 'CN=Root', 'DNS:before.example', ?, ?, 'aa', 'bb', ?)"
      ).run(now, now, now)
      migrate(db, migrations, 13)
      expect(schemaVersion(db)).toBe(13)
      const triggers = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'certificates'").all() as { name: string }[]).map((r) => r.name).sort()
      expect(triggers).toEqual(['certificates_search_ad', 'certificates_search_au'])
      // insertCertificate writes today's schema (the tallies of migration 014 too).
      migrate(db, migrations)
      const search = (q: string): number[] => (db.prepare('SELECT rowid FROM certificates_search WHERE certificates_search MATCH ? ORDER BY rowid').all(`"${q}"`) as { rowid: number }[]).map((r) => r.rowid)
      expect(search('before.example')).toEqual([1])
      const id = db.transaction(() =>
        insertCertificate(db as WriteTx, {
          authorityId: 'ca1',
          profileId: null,
          keyId: null,
          serial: '02',
          der: new Uint8Array([0x30, 0]),
          subject: 'CN=after.example',
          issuer: 'CN=Root',
          sans: 'DNS:www.after.example\nIP:192.0.2.7',
          notBefore: now,
          notAfter: now,
          sha256: 'cc',
          spkiSha256: 'dd',
          source: 'local',
          isCa: false,
          createdAt: now
        })
      )()
      // Since migration 015 the row reaches the index through the store's backlog.
      db.transaction(() => indexPendingSearchRows(db as WriteTx, 1000))()
      expect(search('AFTER.EXAMPLE')).toEqual([id])
      expect(search('192.0.2.7')).toEqual([id])
      expect(search('.example')).toEqual([1, id])
      // The index agrees with the table by FTS5's own check.
      expect(() => db.prepare("INSERT INTO certificates_search (certificates_search, rank) VALUES ('integrity-check', 1)").run()).not.toThrow()
      db.prepare('UPDATE certificates SET subject = ? WHERE id = ?').run('CN=renamed.example', id)
      expect(search('renamed')).toEqual([id])
      db.prepare('DELETE FROM certificates WHERE id = ?').run(id)
      expect(search('renamed')).toEqual([])
      // A row copied in without the index (a restore) is found after a rebuild.
      db.prepare(
        "INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '03', x'3000', 'CN=copied.example', 'CN=Root', ?, ?, 'ee', 'ff', ?)"
      ).run(now, now, now)
      expect(search('copied')).toEqual([])
      db.transaction(() => rebuildSearchIndex(db as WriteTx))()
      expect(search('copied')).toHaveLength(1)
      const program = (db.prepare("EXPLAIN INSERT INTO certificates (authority_id, serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '04', x'3000', 'CN=x', 'CN=Root', '', '', '', '', '')").all() as { opcode: string }[]).map((r) => r.opcode)
      expect(program).not.toContain('Program')
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

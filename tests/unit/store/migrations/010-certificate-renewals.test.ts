// Migration 010 links renewals both ways (read back from the audit trail of a version-9 store)
// and indexes every sortable column of the inventory.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrate } from '../../../../src/main/store/database'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 010 (certificate renewals)', () => {
  it('reads renewal links from certificate.issue entries: renewed_from on the renewal, renewed_by (the newest) on the original', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 9)
    const now = new Date().toISOString()
    const cert = db.prepare("INSERT INTO certificates (serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, source, created_at) VALUES (?, x'30', 'CN=a', 'CN=b', ?, ?, 'h', 'k', 'local', ?)")
    for (const serial of ['01', '02', '03', '04']) cert.run(serial, now, now, now)
    const audit = db.prepare("INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash) VALUES (?, 'operator', ?, ?, ?, 'p', ?)")
    audit.run(now, 'certificate.issue', 'certificate:1', JSON.stringify({ serial: '01' }), 'h1')
    audit.run(now, 'certificate.issue', 'certificate:2', JSON.stringify({ serial: '02', renewalOf: 1 }), 'h2')
    audit.run(now, 'certificate.issue', 'certificate:3', JSON.stringify({ serial: '03', renewalOf: 1 }), 'h3')
    // A renewal of a certificate the store no longer has stays unlinked.
    audit.run(now, 'certificate.issue', 'certificate:4', JSON.stringify({ serial: '04', renewalOf: 99 }), 'h4')
    audit.run(now, 'certificate.revoke', 'certificate:1', JSON.stringify({ renewalOf: 4 }), 'h5')
    migrate(db, migrations, 10)
    expect(schemaVersion(db)).toBe(10)
    expect(db.prepare('SELECT id, renewed_from, renewed_by FROM certificates ORDER BY id').all()).toEqual([
      { id: 1, renewed_from: null, renewed_by: 3 },
      { id: 2, renewed_from: 1, renewed_by: null },
      { id: 3, renewed_from: 1, renewed_by: null },
      { id: 4, renewed_from: null, renewed_by: null }
    ])
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates'").all() as { name: string }[]).map((r) => r.name)
    expect(indexes).toEqual(expect.arrayContaining(['certificates_issuer', 'certificates_sans', 'certificates_profile_sort', 'certificates_key_held', 'certificates_renewed_from', 'certificates_renewed_by']))
  })
})

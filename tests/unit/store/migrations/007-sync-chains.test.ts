// Migration 007 adds the delivered chains of certificates and the last-seen body of remote
// objects, keeping the rows of a version-6 store.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrate } from '../../../../src/main/store/database'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 007 (sync chains)', () => {
  it('keeps remote objects and certificates, adds certificate_chains (cascading) and remote object bodies', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 6)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO connectors (id, name, type, base_url, created_at) VALUES ('c1', 'lam', 'lamassu', 'https://l.example.com', ?)").run(now)
    db.prepare("INSERT INTO sync_remote_objects (connector_id, kind, remote_id, content_sha256, local_id, pulled_at) VALUES ('c1', 'lamassu.profile', 'p', 'h', 'p', ?)").run(now)
    db.prepare("INSERT INTO certificates (serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, source, created_at) VALUES ('01', x'30', 'CN=a', 'CN=b', ?, ?, 'h', 'k', 'tlm', ?)").run(now, now, now)
    migrate(db, migrations, 7)
    expect(schemaVersion(db)).toBe(7)
    expect(db.prepare('SELECT remote_id, body FROM sync_remote_objects').all()).toEqual([{ remote_id: 'p', body: null }])
    db.prepare("INSERT INTO certificate_chains (certificate_id, position, der) VALUES (1, 0, x'3001')").run()
    db.prepare('DELETE FROM certificates WHERE id = 1').run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM certificate_chains').get()).toEqual({ n: 0 })
  })
})

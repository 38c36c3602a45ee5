// Migration 008 adds recorded issuance runs (runs, run_items) to a version-7 store, keeping
// its certificates; an item points at its certificate and is cleared, not deleted, with it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../../src/main/store'
import { migrate } from '../../../../src/main/store/database'
import { migrations } from '../../../../src/main/store/migrations'

describe('migration 008 (issuance runs)', () => {
  it('keeps certificates and adds runs and run_items (cascading with the run, cleared with the certificate)', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pkidesk-mig-')), 'db.sqlite3'), 7)
    const now = new Date().toISOString()
    db.prepare("INSERT INTO certificates (serial, der, subject, issuer, not_before, not_after, sha256, spki_sha256, source, created_at) VALUES ('01', x'30', 'CN=a', 'CN=b', ?, ?, 'h', 'k', 'local', ?)").run(now, now, now)
    migrate(db, migrations, 8)
    expect(schemaVersion(db)).toBe(8)
    expect(db.prepare('SELECT serial FROM certificates').all()).toEqual([{ serial: '01' }])
    db.prepare("INSERT INTO runs (id, authority_id, total, state, created_at, updated_at) VALUES ('r1', 'ca', 2, 'running', ?, ?)").run(now, now)
    db.prepare("INSERT INTO run_items (run_id, idx, csr_pem, csr_sha256, outcome, certificate_id, serial) VALUES ('r1', 0, 'pem', 'h0', 'issued', 1, '01'), ('r1', 1, 'pem', 'h1', 'pending', NULL, NULL)").run()
    expect(() => db.prepare("UPDATE runs SET state = 'odd'").run()).toThrow(/CHECK/)
    db.prepare('DELETE FROM certificates WHERE id = 1').run()
    expect(db.prepare('SELECT idx, certificate_id FROM run_items ORDER BY idx').all()).toEqual([
      { idx: 0, certificate_id: null },
      { idx: 1, certificate_id: null }
    ])
    db.prepare("DELETE FROM runs WHERE id = 'r1'").run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM run_items').get()).toEqual({ n: 0 })
  })
})

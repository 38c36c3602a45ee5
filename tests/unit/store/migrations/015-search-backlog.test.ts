// Migration 015: certificates reach the full-text index behind their rows. A committed row is
// found by search at once (LIKE over the backlog), updates and deletes of a row still in the
// backlog leave the index intact (an FTS5 'delete' of a row it never held would corrupt it),
// indexing the backlog gives the same answers, and rows from before the migration stay found.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate, openDatabase, schemaVersion, type Db, type WriteTx } from '../../../../src/main/store'
import { migrations } from '../../../../src/main/store/migrations'
import { certificateRow, ROW_TIME } from '../certificate-row'
import { countCertificates, indexPendingSearchRows, insertCertificate, pendingSearchRows, queryCertificates, rebuildSearchIndex, type CertificateFilter } from '../../../../src/main/store/certificates-repo'

const NOW = ROW_TIME

function add(db: Db, serial: string, subject: string, sans: string): number {
  return db.transaction(() => insertCertificate(db as WriteTx, certificateRow({ serial, subject, sans })))()
}

const found = (db: Db, f: Omit<CertificateFilter, 'now'>): number[] =>
  queryCertificates(db as never, { ...f, now: NOW, sort: { field: 'serial', direction: 'asc' }, limit: 100 })
    .rows.map((r) => r.id)
    .sort((a, b) => a - b)
const inIndex = (db: Db, q: string): number[] => (db.prepare('SELECT rowid FROM certificates_search WHERE certificates_search MATCH ? ORDER BY rowid').all(`"${q}"`) as { rowid: number }[]).map((r) => r.rowid)
/** FTS5's own check; against the content table only once nothing is pending (a pending row is in the table, not yet in the index). */
const integrityCheck = (db: Db): void => {
  const againstRows = pendingSearchRows(db as never) === 0 ? 1 : 0
  db.prepare("INSERT INTO certificates_search (certificates_search, rank) VALUES ('integrity-check', ?)").run(againstRows)
}
const indexAll = (db: Db): number => db.transaction(() => indexPendingSearchRows(db as WriteTx, 10_000))()

describe('migration 015 (search backlog)', () => {
  let dir: string
  let db: Db
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-mig15-'))
    db = openDatabase(join(dir, 'db.sqlite3'), 14)
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(NOW)
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('finds a committed row before it is indexed, and the same rows after', () => {
    // At schema 14 a row was indexed in its own transaction.
    const old = Number(
      db.prepare("INSERT INTO certificates (authority_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, created_at) VALUES ('ca1', '01', x'3000', 'CN=before.example', 'CN=Root', 'DNS:before.example', ?, '2028-01-01T00:00:00.000Z', 'aa', 'bb', ?)").run(NOW, NOW).lastInsertRowid
    )
    db.prepare('INSERT INTO certificates_search (rowid, subject, sans) SELECT id, subject, sans FROM certificates').run()
    migrate(db, migrations, 15)
    expect(schemaVersion(db)).toBe(15)
    expect(pendingSearchRows(db as never)).toBe(0)
    const a = add(db, '02', 'CN=Gateway-Alpha, O=Fleet', 'DNS:alpha.fleet.example\nIP:192.0.2.7')
    const b = add(db, '03', 'CN=gateway-beta, O=Fleet', 'DNS:beta.fleet.example')
    // Case beyond ASCII: the index folds it with FTS5's own table (search-fold.ts), and so must the backlog.
    const c = add(db, '04', 'CN=ÉCOLE-capteur-1, O=ΣΊΣΥΦΟΣ', 'DNS:ｆｕｌｌ.example')
    const d = add(db, '05', 'CN=école-capteur-2, O=\u212aelvin', '')
    const e = add(db, '06', 'CN=kelvin-probe_50%', 'DNS:probe.example')
    expect(pendingSearchRows(db as never)).toBe(5)
    expect(inIndex(db, 'gateway')).toEqual([])
    const queries: Omit<CertificateFilter, 'now'>[] = [
      { search: 'GATEWAY' },
      { search: 'alpha.fleet' },
      { search: '192.0.2.7' },
      { search: '.example' },
      { search: 'ex' },
      { search: '50%' },
      { subjectMatch: 'gateway-b' },
      { subjectMatch: 'fleet.example' }, // a SAN, not the subject: no match
      { search: 'école' },
      { search: 'ÉCOLE-CAPTEUR' },
      { subjectMatch: 'École' },
      { search: 'σίσυφος' },
      { search: 'ＦＵＬＬ' },
      { search: 'kelvin' },
      { search: '\u212aELVIN' }, // the Kelvin sign folds to an ASCII k: it finds the ASCII row too
      { subjectMatch: 'PROBE_50%' },
      { search: 'be_5' }
    ]
    const expected = [[a, b], [a], [a], [old, a, b, c, e], [old, a, b, c, e], [e], [b], [], [c, d], [c, d], [c, d], [c], [c], [d, e], [d, e], [e], [e]]
    expect(queries.map((q) => found(db, q))).toEqual(expected)
    expect(queries.map((q) => countCertificates(db as never, { ...q, now: NOW }))).toEqual(expected.map((e) => e.length))
    expect(indexAll(db)).toBe(5)
    expect(pendingSearchRows(db as never)).toBe(0)
    expect(inIndex(db, 'gateway')).toEqual([a, b])
    expect(queries.map((q) => found(db, q))).toEqual(expected)
    integrityCheck(db)
  })

  it('keeps the index intact through updates and deletes of rows in the backlog and in the index', () => {
    migrate(db, migrations)
    const indexed = add(db, '01', 'CN=indexed.example', '')
    indexAll(db)
    const pending = add(db, '02', 'CN=pending.example', '')
    const doomed = add(db, '03', 'CN=doomed.example', '')
    db.prepare('UPDATE certificates SET subject = ? WHERE id = ?').run('CN=renamed-pending.example', pending)
    integrityCheck(db)
    db.prepare('UPDATE certificates SET subject = ? WHERE id = ?').run('CN=renamed-indexed.example', indexed)
    integrityCheck(db)
    db.prepare('DELETE FROM certificates WHERE id = ?').run(doomed)
    integrityCheck(db)
    expect(pendingSearchRows(db as never)).toBe(1)
    expect(found(db, { search: 'renamed' })).toEqual([indexed, pending])
    expect(found(db, { search: 'doomed' })).toEqual([])
    indexAll(db)
    integrityCheck(db)
    expect(inIndex(db, 'renamed')).toEqual([indexed, pending])
    expect(inIndex(db, 'pending.example')).toEqual([pending])
    expect(inIndex(db, 'CN=pending')).toEqual([])
    db.prepare('DELETE FROM certificates WHERE id = ?').run(pending)
    integrityCheck(db)
    expect(inIndex(db, 'renamed')).toEqual([indexed])
  })

  it('indexes the backlog oldest first within its time budget, and drops an id whose row is gone', () => {
    migrate(db, migrations)
    const ids = Array.from({ length: 200 }, (_, i) => add(db, (0x100 + i).toString(16), `CN=device-${i}.fleet`, ''))
    db.prepare('INSERT INTO certificates_search_pending (id) VALUES (?)').run(ids[ids.length - 1]! + 1000) // a stray id, no row
    let t = 0
    const clock = (): number => (t += 10) // every look at the clock is 10 ms later
    // The budget is looked at after each 64 rows: one look past it ends the slice.
    expect(db.transaction(() => indexPendingSearchRows(db as WriteTx, 5, clock))()).toBe(64)
    expect(inIndex(db, 'device-')).toEqual(ids.slice(0, 64))
    expect(pendingSearchRows(db as never)).toBe(137)
    expect(db.transaction(() => indexPendingSearchRows(db as WriteTx, 10_000))()).toBe(137)
    expect(pendingSearchRows(db as never)).toBe(0)
    expect(inIndex(db, 'device-')).toEqual(ids)
    integrityCheck(db)
  })

  it('a rebuild leaves nothing pending', () => {
    migrate(db, migrations)
    const id = add(db, '01', 'CN=restored.example', '')
    db.transaction(() => rebuildSearchIndex(db as WriteTx))()
    expect(pendingSearchRows(db as never)).toBe(0)
    expect(inIndex(db, 'restored')).toEqual([id])
  })
})

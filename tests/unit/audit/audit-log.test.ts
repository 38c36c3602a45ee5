import { afterEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { appendAudit, appendAuditEntries, auditHeadIntact, listAudit, readAuditHead, verifyAudit, verifyAuditEntries, type AuditEntry } from '../../../src/main/store/audit-log'
import { createAuditService } from '../../../src/main/services/audit-service'
import { canonicalJson } from '../../../src/shared/canonical-json'
import { tempDb, type TempDb } from '../vault/helpers'
import { createMemoryKeychain } from '../../../src/main/vault'

let t: TempDb
afterEach(() => t?.cleanup())

function seeded(n = 5): TempDb {
  t = tempDb()
  const start = Date.parse('2030-01-01T00:00:00Z')
  for (let i = 1; i <= n; i++)
    t.store.write((tx) => appendAudit(tx, { action: i % 2 ? 'ca.create' : 'cert.issue', subject: `subject-${i}`, details: { n: i, z: 'last', a: 'first' } }, new Date(start + i * 1000)))
  return t
}

/** Tampering as an attacker with the file would: drop the append-only triggers, then plain SQL. */
function tamper(sql: string, ...args: unknown[]): void {
  t.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;')
  t.db.prepare(sql).run(...args)
}

describe('audit chain', () => {
  it('hashes SHA-256(previous hash || canonical entry), independently recomputed', () => {
    seeded(3)
    const rows = t.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Record<string, string | number>[]
    let prev = '0'.repeat(64)
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev)
      const body = `{"action":${JSON.stringify(r.action)},"actor":${JSON.stringify(r.actor)},"at":${JSON.stringify(r.at)},"details":${JSON.stringify(r.details)},"seq":${r.seq},"subject":${JSON.stringify(r.subject)}}`
      expect(r.hash).toBe(createHash('sha256').update(prev).update(body).digest('hex'))
      prev = r.hash as string
    }
    expect(rows[0]!.details).toBe(canonicalJson({ a: 'first', n: 1, z: 'last' }))
    expect(verifyAudit(t.tx)).toEqual({ intact: true, entries: 3, headHash: prev })
    expect(readAuditHead(t.tx)).toEqual({ seq: 3, hash: prev })
  })

  it('the append-only triggers refuse UPDATE and DELETE', () => {
    seeded(2)
    expect(() => t.db.prepare("UPDATE audit_log SET subject = 'x' WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => t.db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/)
  })

  it('an empty trail is intact', () => {
    t = tempDb()
    expect(verifyAudit(t.tx)).toEqual({ intact: true, entries: 0, headHash: '0'.repeat(64) })
  })

  it('names the entry whose subject was edited with plain SQL', () => {
    seeded()
    tamper("UPDATE audit_log SET subject = 'someone else' WHERE seq = 3")
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 3, reason: 'entry 3 was altered after it was written' })
  })

  it('names an edited entry even when its hash was recomputed (the next entry no longer follows)', () => {
    seeded()
    const r = t.db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, string | number>
    const forged = { seq: 2, at: r.at as string, actor: r.actor as string, action: r.action as string, subject: 'forged', details: r.details as string }
    const body = canonicalJson(forged)
    const hash = createHash('sha256').update(r.prev_hash as string).update(body).digest('hex')
    tamper('UPDATE audit_log SET subject = ?, hash = ? WHERE seq = 2', 'forged', hash)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 3 })
    expect((verifyAudit(t.tx) as { reason: string }).reason).toMatch(/entry 3 does not follow entry 2/)
  })

  it('names a removed entry', () => {
    seeded()
    tamper('DELETE FROM audit_log WHERE seq = 2')
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 2, reason: 'entry 2 is missing (the next present is 3): it was removed' })
  })

  it('names reordered entries (two rows swapped)', () => {
    seeded()
    const a = t.db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, unknown>
    const b = t.db.prepare('SELECT * FROM audit_log WHERE seq = 4').get() as Record<string, unknown>
    tamper('DELETE FROM audit_log WHERE seq IN (2, 4)')
    const ins = t.db.prepare('INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    ins.run(2, b.at, b.actor, b.action, b.subject, b.details, b.prev_hash, b.hash)
    ins.run(4, a.at, a.actor, a.action, a.subject, a.details, a.prev_hash, a.hash)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 2 })
  })

  it('detects the tail being cut through the anchored head, and says how much', () => {
    seeded()
    tamper('DELETE FROM audit_log WHERE seq >= 4')
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 4, reason: 'entries 4 to 5 were removed from the end of the trail' })
  })

  it('keeps a cut tail visible after later appends, which would otherwise rewrite the anchor', () => {
    seeded()
    tamper('DELETE FROM audit_log WHERE seq >= 4')
    // The next operation appends normally: its entry chains onto entry 3 and moves the anchor.
    t.store.write((tx) => appendAudit(tx, { action: 'cert.issue', subject: 'after-the-cut' }))
    t.store.write((tx) => appendAudit(tx, { action: 'cert.issue', subject: 'later' }))
    expect(verifyAudit(t.tx)).toMatchObject({
      intact: false,
      brokenAt: 4,
      reason: 'entries 4 to 5 had been removed from the end of the trail before entry 4 was appended'
    })
    expect(auditHeadIntact(t.tx)).toMatchObject({ intact: false })
  })

  it('entries appended together are the entries appended one by one: same chain, same head, one break check', () => {
    const inputs = [1, 2, 3, 4].map((i) => ({ action: 'certificate.issue', subject: `certificate:${i}`, details: { serial: `0${i}`, z: 'last', a: 'first' } }))
    const at = new Date('2030-01-01T00:00:05Z')
    seeded(2)
    for (const input of inputs) t.store.write((tx) => appendAudit(tx, input, at))
    const oneByOne = t.db.prepare('SELECT * FROM audit_log ORDER BY seq').all()
    const headOneByOne = readAuditHead(t.tx)
    t.cleanup()
    seeded(2)
    const returned = t.store.write((tx) => appendAuditEntries(tx, inputs, at))
    expect(t.db.prepare('SELECT * FROM audit_log ORDER BY seq').all()).toEqual(oneByOne)
    expect(readAuditHead(t.tx)).toEqual(headOneByOne)
    expect(returned.map((e) => e.seq)).toEqual([3, 4, 5, 6])
    expect(returned.at(-1)!.hash).toBe(headOneByOne!.hash)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: true, entries: 6 })
    expect(t.store.write((tx) => appendAuditEntries(tx, [], at))).toEqual([])
    // A trail cut before the batch: the break is recorded once, before the batch's first entry.
    tamper('DELETE FROM audit_log WHERE seq = 6')
    t.store.write((tx) => appendAuditEntries(tx, inputs.slice(0, 2), at))
    const broken = JSON.parse((t.db.prepare("SELECT value FROM settings WHERE key = 'audit.break'").get() as { value: string }).value) as { beforeSeq: number }
    expect(broken.beforeSeq).toBe(6)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false })
  })

  it('records no break while the trail is whole', () => {
    seeded(4)
    expect(t.db.prepare("SELECT COUNT(*) AS n FROM settings WHERE key = 'audit.break'").get()).toEqual({ n: 0 })
    expect(auditHeadIntact(t.tx)).toEqual({ intact: true })
  })

  it('detects the whole trail emptied, and the head record removed', () => {
    seeded(3)
    tamper('DELETE FROM audit_log')
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 1, reason: 'all 3 entries were removed' })
    t.cleanup()
    seeded(3)
    t.db.prepare("DELETE FROM settings WHERE key = 'audit.head'").run()
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, reason: expect.stringMatching(/head record is missing/) })
  })

  it('a forged entry appended by hand (without the head) is named', () => {
    seeded(3)
    const last = t.db.prepare('SELECT hash FROM audit_log WHERE seq = 3').get() as { hash: string }
    const e = { seq: 4, at: '2030-01-02T00:00:00.000Z', actor: 'mallory', action: 'cert.revoke', subject: 's', details: '{}' }
    const hash = createHash('sha256').update(last.hash).update(canonicalJson(e)).digest('hex')
    t.db.prepare('INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(4, e.at, e.actor, e.action, e.subject, e.details, last.hash, hash)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: false, brokenAt: 4 })
  })

  it('the head is written in the transaction of the entry: a rollback leaves both unchanged', () => {
    seeded(2)
    const before = readAuditHead(t.tx)
    expect(() =>
      t.store.write((tx) => {
        appendAudit(tx, { action: 'x', subject: 'y' })
        throw new Error('rollback')
      })
    ).toThrow('rollback')
    expect(readAuditHead(t.tx)).toEqual(before)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: true, entries: 2 })
  })
})

describe('audit service', () => {
  it('lists newest first with paging and filters', () => {
    seeded(7)
    const page = listAudit(t.tx, { offset: 0, limit: 3 })
    expect(page.total).toBe(7)
    expect(page.entries.map((e) => e.seq)).toEqual([7, 6, 5])
    expect(listAudit(t.tx, { offset: 6, limit: 3 }).entries.map((e) => e.seq)).toEqual([1])
    expect(listAudit(t.tx, { offset: 0, limit: 10, action: 'cert.issue' }).entries.map((e) => e.seq)).toEqual([6, 4, 2])
    expect(listAudit(t.tx, { offset: 0, limit: 10, subject: 'ject-5' }).entries.map((e) => e.seq)).toEqual([5])
    // LIKE wildcards in the filter are literal.
    expect(listAudit(t.tx, { offset: 0, limit: 10, subject: '%' }).total).toBe(0)
  })

  it('exports JSON Lines that verify again outside the database, and whose edits are caught', () => {
    seeded(4)
    const svc = createAuditService(t.store, createMemoryKeychain(), () => new Date('2030-02-03T04:05:06Z'))
    const exp = svc.exportJsonl()
    expect(exp.fileName).toBe('pkidesk-audit-2030-02-03T04-05-06-000Z.jsonl')
    expect(exp.entries).toBe(4)
    const lines = exp.jsonl.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry)
    expect(verifyAuditEntries(entries, { seq: 4, hash: exp.headHash })).toMatchObject({ intact: true, headHash: exp.headHash })
    entries[1] = { ...entries[1]!, actor: 'mallory' }
    expect(verifyAuditEntries(entries)).toMatchObject({ intact: false, brokenAt: 2 })
    expect(verifyAuditEntries(entries.slice(0, 3), { seq: 4, hash: exp.headHash })).toMatchObject({ intact: false })
  })

  it('verify answers with a sentence for the UI', () => {
    seeded(2)
    const svc = createAuditService(t.store, createMemoryKeychain())
    expect(svc.verify()).toMatchObject({ intact: true, entries: 2, message: 'Audit trail intact: 2 entries.' })
    tamper("UPDATE audit_log SET details = '{}' WHERE seq = 1")
    expect(svc.verify()).toMatchObject({ intact: false, brokenAt: 1, message: 'Audit trail broken at entry 1: entry 1 was altered after it was written.' })
  })
})

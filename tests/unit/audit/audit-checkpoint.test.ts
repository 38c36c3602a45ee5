// The audit anchor outside the database: a checkpoint HMACed under a key the store does not
// hold. An attacker with write access to the file cuts the tail and rewrites the head (the
// in-database anchor then says "intact"); the checkpoint still catches it, with a code.
import { afterEach, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appendAudit, AUDIT_HEAD_SETTING, verifyAudit } from '../../../src/main/store/audit-log'
import { createAuditService, type AuditService } from '../../../src/main/services/audit-service'
import { AUDIT_KEYCHAIN_ACCOUNT, AUDIT_KEYCHAIN_SERVICE } from '../../../src/main/services/audit-key'
import { canonicalJson } from '../../../src/shared/canonical-json'
import { createMemoryKeychain, type MemoryKeychain } from '../../../src/main/vault'
import { tempDb, type TempDb } from '../vault/helpers'

let t: TempDb
let keychain: MemoryKeychain
let svc: AuditService
afterEach(() => t?.cleanup())

function append(n: number, from = 1): void {
  for (let i = from; i < from + n; i++) t.store.write((tx) => appendAudit(tx, { action: 'certificate.issue', subject: `certificate:${i}`, details: { n: i } }, new Date(Date.UTC(2030, 0, 1, 0, 0, i))))
}
function setup(n = 6): void {
  t = tempDb()
  keychain = createMemoryKeychain()
  svc = createAuditService(t.store, keychain, () => new Date('2030-02-01T00:00:00Z'))
  append(n)
}
async function checkpoint(keyFile?: string): Promise<string> {
  const r = await svc.checkpoint(keyFile ? { keyFile } : {})
  if (!r.ok) throw new Error(r.error.message)
  return r.value.text
}
/** What a thief with the file does: drop the triggers, delete the newest rows, point the head at the new last row. */
function cutTail(keep: number): void {
  t.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;')
  t.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(keep)
  const last = t.db.prepare('SELECT seq, hash FROM audit_log WHERE seq = ?').get(keep) as { seq: number; hash: string }
  t.db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(JSON.stringify({ seq: last.seq, hash: last.hash }), AUDIT_HEAD_SETTING)
}

describe('audit checkpoint', () => {
  it('an intact trail passes, with the entries appended since counted', async () => {
    setup()
    const text = await checkpoint()
    const cp = JSON.parse(text) as { seq: number; entries: number; headHash: string; at: string; mac: string; format: string }
    expect(cp).toMatchObject({ format: 'pkidesk-audit-checkpoint/1', seq: 6, entries: 6, at: '2030-02-01T00:00:00.000Z' })
    const head = t.db.prepare('SELECT hash FROM audit_log WHERE seq = 6').get() as { hash: string }
    expect(cp.headHash).toBe(head.hash)
    // The MAC recomputed independently, under the key the keychain holds (and the store does not).
    const key = keychain.entries.get(`${AUDIT_KEYCHAIN_SERVICE}\u0000${AUDIT_KEYCHAIN_ACCOUNT}`)!
    expect(key).toHaveLength(32)
    const body = canonicalJson({ format: cp.format, seq: cp.seq, headHash: cp.headHash, entries: cp.entries, at: cp.at })
    expect(cp.mac).toBe(createHmac('sha256', key).update(body).digest('hex'))
    const dump = JSON.stringify(t.db.prepare('SELECT * FROM settings').all())
    expect(dump).not.toContain(Buffer.from(key).toString('hex'))

    expect(await svc.verifyCheckpoint(text)).toEqual({ ok: true, value: { intact: true, checkpointSeq: 6, checkpointAt: cp.at, entries: 6, since: 0, keySource: 'the OS keychain (memory)' } })
    append(3, 7)
    expect(await svc.verifyCheckpoint(text)).toMatchObject({ ok: true, value: { checkpointSeq: 6, entries: 9, since: 3 } })
  })

  it('a cut tail with the head rewritten passes plain verify but fails against the checkpoint: AUDIT_TAIL_CUT', async () => {
    setup()
    const text = await checkpoint()
    cutTail(4)
    expect(verifyAudit(t.tx)).toMatchObject({ intact: true, entries: 4 }) // the in-database anchor is fooled
    const r = await svc.verifyCheckpoint(text)
    expect(r).toMatchObject({ ok: false, error: { code: 'AUDIT_TAIL_CUT', details: { checkpointSeq: 6, entries: 4 } } })
    expect(!r.ok && r.error.message).toMatch(/entries 5 to 6 were cut from the end/)
  })

  it('a tail cut and then re-grown to the same length is caught as rewritten: AUDIT_REWRITTEN', async () => {
    setup()
    const text = await checkpoint()
    cutTail(3)
    append(5, 100) // new, well-chained entries 4..8 over the cut
    expect(verifyAudit(t.tx)).toMatchObject({ intact: true, entries: 8 })
    expect(await svc.verifyCheckpoint(text)).toMatchObject({ ok: false, error: { code: 'AUDIT_REWRITTEN', details: { checkpointSeq: 6 } } })
  })

  it('a chain broken inside the checkpointed range is AUDIT_BROKEN', async () => {
    setup()
    const text = await checkpoint()
    t.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update')
    t.db.prepare("UPDATE audit_log SET subject = 'someone else' WHERE seq = 2").run()
    expect(await svc.verifyCheckpoint(text)).toMatchObject({ ok: false, error: { code: 'AUDIT_BROKEN', details: { brokenAt: 2 } } })
  })

  it('an edited checkpoint, or one checked with another key, is AUDIT_CHECKPOINT_FORGED', async () => {
    setup()
    const text = await checkpoint()
    cutTail(4)
    // The thief also edits the checkpoint to match the cut trail: the MAC gives it away.
    const cp = JSON.parse(text) as Record<string, unknown>
    const head = t.db.prepare('SELECT hash FROM audit_log WHERE seq = 4').get() as { hash: string }
    const edited = JSON.stringify({ ...cp, seq: 4, entries: 4, headHash: head.hash })
    expect(await svc.verifyCheckpoint(edited)).toMatchObject({ ok: false, error: { code: 'AUDIT_CHECKPOINT_FORGED', field: 'checkpoint' } })
    const other = createAuditService(t.store, createMemoryKeychain())
    await other.checkpoint() // gives the other keychain a key of its own
    expect(await other.verifyCheckpoint(text)).toMatchObject({ ok: false, error: { code: 'AUDIT_CHECKPOINT_FORGED' } })
  })

  it('a file that is not a checkpoint is one coded refusal', async () => {
    setup(1)
    for (const bad of ['', 'not json', '[]', '{"format":"other"}', JSON.stringify({ format: 'pkidesk-audit-checkpoint/1', seq: -1, entries: 0, headHash: '0'.repeat(64), at: 'x', mac: '0'.repeat(64) })]) {
      const r = await svc.verifyCheckpoint(bad)
      expect(r.ok).toBe(false)
      expect(!r.ok && r.error.code).toMatch(/^(AUDIT_CHECKPOINT_INVALID|INVALID_JSON)$/)
    }
    expect(await svc.verifyCheckpoint('x'.repeat(65 * 1024))).toMatchObject({ ok: false, error: { code: 'AUDIT_CHECKPOINT_INVALID' } })
  })

  it('no checkpoint of a trail that is already broken', async () => {
    setup()
    cutTail(4)
    t.db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(JSON.stringify({ seq: 6, hash: 'f'.repeat(64) }), AUDIT_HEAD_SETTING)
    expect(await svc.checkpoint()).toMatchObject({ ok: false, error: { code: 'AUDIT_BROKEN' } })
  })

  it('without a keychain: a coded refusal that names --key-file; a key file works and is created 0600', async () => {
    setup()
    keychain.setAvailable(false)
    const down = await svc.checkpoint()
    expect(down).toMatchObject({ ok: false, error: { code: 'AUDIT_KEY_UNAVAILABLE', field: 'keyFile' } })
    expect(!down.ok && down.error.message).toMatch(/--key-file FILE/)
    const keyFile = join(t.dir, '..', `audit-key-${process.pid}-${Date.now()}.bin`)
    try {
      const text = await checkpoint(keyFile)
      expect(statSync(keyFile).mode & 0o777).toBe(0o600)
      expect(statSync(keyFile).size).toBe(32)
      expect(await svc.verifyCheckpoint(text, { keyFile })).toMatchObject({ ok: true, value: { intact: true, keySource: `the key file ${keyFile}` } })
      cutTail(5)
      expect(await svc.verifyCheckpoint(text, { keyFile })).toMatchObject({ ok: false, error: { code: 'AUDIT_TAIL_CUT' } })
      keychain.setAvailable(true)
      expect(await svc.verifyCheckpoint(text)).toMatchObject({ ok: false, error: { code: 'AUDIT_KEY_MISSING' } })
      expect(await svc.verifyCheckpoint(text, { keyFile: `${keyFile}.missing` })).toMatchObject({ ok: false, error: { code: 'AUDIT_KEY_MISSING' } })
      writeFileSync(`${keyFile}.short`, 'short')
      expect(await svc.verifyCheckpoint(text, { keyFile: `${keyFile}.short` })).toMatchObject({ ok: false, error: { code: 'AUDIT_KEY_UNREADABLE' } })
    } finally {
      for (const f of [keyFile, `${keyFile}.short`]) rmSync(f, { force: true })
    }
  })
})

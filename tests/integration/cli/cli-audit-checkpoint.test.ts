// pkidesk audit checkpoint / audit verify --checkpoint, in process: a checkpoint written to
// "removable media" (a folder outside the data directory) with a key file, then the tail
// cut and the head rewritten with direct database access → exit 1 with AUDIT_TAIL_CUT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { runCli } from '../../../src/cli/program'
import { appendAudit, AUDIT_HEAD_SETTING } from '../../../src/main/store/audit-log'
import { openDatabase, storeOf } from '../../../src/main/store/database'

let work: string
let dataDir: string
const f = (name: string): string => join(work, name)
async function pk(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['--data-dir', dataDir, ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {} })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-checkpoint-'))
  dataDir = f('store')
  mkdirSync(f('usb'))
  expect((await pk(['audit', 'verify'])).code).toBe(0) // creates the store
  const db = openDatabase(join(dataDir, 'pkidesk.sqlite3'))
  const store = storeOf(db)
  for (let i = 1; i <= 5; i++) store.write((tx) => appendAudit(tx, { action: 'certificate.issue', subject: `certificate:${i}` }))
  db.close()
})
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk audit checkpoint', () => {
  it('writes a checkpoint, verifies against it, and catches a cut tail with a rewritten head', async () => {
    const key = f('usb/audit.key')
    const cpFile = f('usb/checkpoint.json')
    const made = await pk(['--json', 'audit', 'checkpoint', '--out', cpFile, '--key-file', key])
    expect(made.code, made.stderr).toBe(0)
    const summary = JSON.parse(made.stdout) as { entries: number; seq: number; keyCreated: boolean }
    expect(summary.keyCreated).toBe(true)
    const entries = summary.entries
    expect(JSON.parse(readFileSync(cpFile, 'utf8'))).toMatchObject({ format: 'pkidesk-audit-checkpoint/1', seq: entries, entries })

    const good = await pk(['audit', 'verify', '--checkpoint', cpFile, '--key-file', key])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toMatch(new RegExp(`entries 1 to ${entries} unchanged, 0 appended since`))
    // Refuses to replace the checkpoint without --force.
    expect((await pk(['audit', 'checkpoint', '--out', cpFile, '--key-file', key])).code).not.toBe(0)

    const db = new Database(join(dataDir, 'pkidesk.sqlite3'))
    db.exec('DROP TRIGGER audit_log_no_delete')
    db.prepare('DELETE FROM audit_log WHERE seq > ?').run(entries - 2)
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string }
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(JSON.stringify(last), AUDIT_HEAD_SETTING)
    db.close()

    expect((await pk(['audit', 'verify'])).code).toBe(0) // the in-database anchor alone is fooled
    const cut = await pk(['audit', 'verify', '--checkpoint', cpFile, '--key-file', key])
    expect(cut.code).toBe(1)
    expect(cut.stderr).toMatch(/^error\[AUDIT_TAIL_CUT\]: .*entries \d+ to \d+ were cut from the end/m)
    const noKey = await pk(['audit', 'verify', '--checkpoint', cpFile, '--key-file', f('usb/other.key')])
    expect(noKey.stderr).toMatch(/AUDIT_KEY_MISSING/)
  })
})

// The built CLI as a subprocess: help, usage errors and exit codes, the data directory, and
// the audit commands over a fresh store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCli, ROOT, runCli, type BuiltCli } from './built-cli'

let cli: BuiltCli
let work: string

beforeAll(() => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-basics-'))
}, 120_000)

afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk (built)', () => {
  it('prints help with exit 0 and never opens the store for it', async () => {
    const dataDir = join(work, 'never-created')
    const r = await runCli(cli, ['--data-dir', dataDir, 'cert', 'export', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: pkidesk cert export/)
    expect(r.stdout).toContain('--export-passphrase-file')
    expect(existsSync(dataDir)).toBe(false)
  })

  it('usage errors exit 2 with one error line on stderr', async () => {
    const r = await runCli(cli, ['cert', 'list', '--status', 'lost'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: option '--status <status>' argument 'lost' is invalid/)
  })

  it('with --json a usage error is JSON on stdout too', async () => {
    const r = await runCli(cli, ['--json', 'ca', 'show'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'MISSING_ARGUMENT', message: "missing required argument 'caId'" } })
  })

  it('takes the store from PKIDESK_DATA_DIR, and --data-dir wins over it', async () => {
    const fromEnv = join(work, 'env-store')
    const fromFlag = join(work, 'flag-store')
    expect((await runCli(cli, ['audit', 'verify'], { PKIDESK_DATA_DIR: fromEnv })).code).toBe(0)
    expect(existsSync(join(fromEnv, 'pkidesk.sqlite3'))).toBe(true)
    expect((await runCli(cli, ['--data-dir', fromFlag, 'audit', 'verify'], { PKIDESK_DATA_DIR: join(work, 'unused') })).code).toBe(0)
    expect(existsSync(join(fromFlag, 'pkidesk.sqlite3'))).toBe(true)
    expect(existsSync(join(work, 'unused'))).toBe(false)
  })

  it('audit verify and export on a fresh store', async () => {
    const dataDir = join(work, 'audit-store')
    const v = await runCli(cli, ['--data-dir', dataDir, '--json', 'audit', 'verify'])
    expect(v.code).toBe(0)
    expect(JSON.parse(v.stdout)).toMatchObject({ intact: true, entries: expect.any(Number) })
    const file = join(work, 'audit.jsonl')
    const e = await runCli(cli, ['--data-dir', dataDir, 'audit', 'export', '--out', file])
    expect(e.code).toBe(0)
    expect(e.stdout).toMatch(/^Wrote \d+ audit entries/)
    expect(existsSync(file)).toBe(true)
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('hash')
  })

  it('bin/pkidesk.js says how to build when the CLI is not built', async () => {
    const bare = join(work, 'bare')
    mkdirSync(join(bare, 'bin'), { recursive: true })
    copyFileSync(join(ROOT, 'bin', 'pkidesk.js'), join(bare, 'bin', 'pkidesk.js'))
    const r = await runCli({ dir: bare, bin: join(bare, 'bin', 'pkidesk.js'), dispose: () => undefined }, ['--help'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[NOT_BUILT\]: .*out\/main\/cli\.js is missing; run `npm run build`/)
  })

  it('an unusable data directory is an operation error naming it', async () => {
    const blocker = join(work, 'a-file')
    writeFileSync(blocker, 'x')
    const r = await runCli(cli, ['--data-dir', join(blocker, 'sub'), 'audit', 'verify'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[DATA_DIR_UNAVAILABLE\]: Cannot open the store in .*a-file\/sub/)
  })
})

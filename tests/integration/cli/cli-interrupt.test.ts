// Ctrl-C during `pkidesk issue` (the built CLI, a real SIGINT): the batch stops before its
// next signature, what was signed is stored, audited and listed, the rest is reported as
// CANCELLED with one summary line, and the exit code is 1. The store holds exactly the
// certificates the output lists, and the audit trail verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCli, runCli, type BuiltCli, type RunResult } from './built-cli'

const PASSPHRASE = 'correct horse battery staple'
const PER_FILE = 1500
let cli: BuiltCli
let work: string
const f = (name: string): string => join(work, name)
const env = { PKIDESK_PASSPHRASE: PASSPHRASE }
const bin = (args: readonly string[]): Promise<RunResult> => runCli(cli, ['--data-dir', f('store'), ...args], env)

beforeAll(async () => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-interrupt-'))
  const signer = createKeyObjectSigner('ee', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  for (const file of ['a', 'b']) {
    const pems: string[] = []
    for (let i = 0; i < PER_FILE; i++) {
      const name = `${file}${i}.interrupt.example`
      const der = await buildCsr({ subject: [[{ type: 'CN', value: name }]], sans: [{ type: 'dns', value: name }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
      if (!der.ok) throw new Error(der.error.message)
      pems.push(toPem('CERTIFICATE REQUEST', der.value))
    }
    writeFileSync(f(`${file}.csr`), pems.join(''))
  }
  const ca = await bin(['ca', 'create', '--name', 'Interrupt Root', '--subject', 'CN=Interrupt Root', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
  expect(ca.code, ca.stderr).toBe(0)
}, 180_000)
afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('Ctrl-C during pkidesk issue', { timeout: 120_000 }, () => {
  it('stops before the next signature, keeps and lists what was signed, exits 1', async () => {
    const child = spawn(process.execPath, [cli.bin, '--data-dir', f('store'), '--json', 'issue', '--ca', 'Interrupt Root', '--profile', 'tls-server', f('a.csr'), f('b.csr')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env }
    })
    let stdout = ''
    let stderr = ''
    let interrupted = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      // The first progress line means the batch is running: interrupt it as an operator would.
      if (!interrupted && /^\[\d+\/3000\]/m.test(stderr)) {
        interrupted = true
        child.kill('SIGINT')
      }
    })
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(interrupted).toBe(true)
    expect(code, stderr).toBe(1)
    expect(stderr).toContain('Interrupted: stopping before the next signature')
    const results = JSON.parse(stdout) as { ok: boolean; serial?: string; error?: { code: string } }[]
    expect(results).toHaveLength(2 * PER_FILE)
    const issued = results.filter((r) => r.ok)
    const cancelled = results.filter((r) => !r.ok && r.error?.code === 'CANCELLED')
    expect(issued.length + cancelled.length).toBe(2 * PER_FILE)
    expect(cancelled.length).toBeGreaterThan(0)
    expect(stderr).toContain(`error[CANCELLED]: Interrupted: ${cancelled.length} of ${2 * PER_FILE} requests were not attempted`)
    // The store holds exactly what the output lists (plus the CA's own certificate), and the trail is whole.
    const list = await bin(['--json', 'cert', 'list'])
    const stored = (JSON.parse(list.stdout) as { serial: string; isCa: boolean }[]).filter((c) => !c.isCa).map((c) => c.serial)
    expect(stored.sort()).toEqual(issued.map((r) => r.serial!).sort())
    const audit = await bin(['--json', 'audit', 'verify'])
    expect(audit.code, audit.stderr).toBe(0)
    expect(JSON.parse(audit.stdout)).toMatchObject({ intact: true })
  })
})

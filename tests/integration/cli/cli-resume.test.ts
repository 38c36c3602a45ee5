// A batch killed with SIGKILL mid-run (the built CLI, a real kill -9): `pkidesk runs` lists
// it as interrupted with how many of its requests were signed, and `pkidesk issue --resume`
// finishes it so that every input request has exactly one certificate and one file (checked
// with node:crypto X509Certificate and `openssl verify`), no temp file left behind. Then
// submitting one of those requests again is refused with the earlier serial until --reissue
// confirms it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCli, openssl, runCli, type BuiltCli, type RunResult } from './built-cli'

const PASSPHRASE = 'correct horse battery staple'
const TOTAL = 3000
let cli: BuiltCli
let work: string
const f = (name: string): string => join(work, name)
const env = { PKIDESK_PASSPHRASE: PASSPHRASE }
const bin = (args: readonly string[]): Promise<RunResult> => runCli(cli, ['--data-dir', f('store'), ...args], env)
const cnOf = (i: number): string => `device${i}.resume.example`

interface RunJson {
  id: string
  state: string
  total: number
  recorded: number
  issued: number
  written: number
  resumable: boolean
  outDir: string | null
}

beforeAll(async () => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-resume-'))
  mkdirSync(f('out'))
  const signers = Array.from({ length: 4 }, (_, k) => createKeyObjectSigner(`ee${k}`, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey))
  const pems: string[] = []
  for (let i = 0; i < TOTAL; i++) {
    const der = await buildCsr({ subject: [[{ type: 'CN', value: cnOf(i) }]], sans: [{ type: 'dns', value: cnOf(i) }], ca: false, hash: 'SHA-256', rsaPss: false }, signers[i % signers.length]!)
    if (!der.ok) throw new Error(der.error.message)
    pems.push(toPem('CERTIFICATE REQUEST', der.value))
  }
  // Three files of 1,000 (each under the 1 MiB CSR file limit).
  for (let k = 0; k < 3; k++) writeFileSync(f(`fleet${k}.csr`), pems.slice(k * 1000, (k + 1) * 1000).join(''))
  writeFileSync(f('one.csr'), pems[7]!)
  const ca = await bin(['ca', 'create', '--name', 'Resume Root', '--subject', 'CN=Resume Root', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
  expect(ca.code, ca.stderr).toBe(0)
}, 180_000)
afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('a batch killed with SIGKILL', { timeout: 180_000 }, () => {
  it('is listed as interrupted, and issue --resume gives every request exactly one certificate and one file', async () => {
    const child = spawn(process.execPath, [cli.bin, '--data-dir', f('store'), 'issue', '--ca', 'Resume Root', '--profile', 'tls-server', '--out', f('out'), f('fleet0.csr'), f('fleet1.csr'), f('fleet2.csr')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env }
    })
    let stderr = ''
    let killed = false
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      // The first progress line: the batch is committing slices. Kill it a moment later, as a crash would.
      if (!killed && /^\[[1-9]\d*\/3000\]/m.test(stderr)) {
        killed = true
        setTimeout(() => child.kill('SIGKILL'), 250)
      }
    })
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)))
    expect(signal, stderr).toBe('SIGKILL')

    // Listed as interrupted, with the count it reached.
    const listed = await bin(['--json', 'runs'])
    expect(listed.code, listed.stderr).toBe(0)
    const [run] = JSON.parse(listed.stdout) as RunJson[]
    expect(run).toMatchObject({ state: 'interrupted', total: TOTAL, recorded: TOTAL, resumable: true, outDir: f('out') })
    expect(run!.issued).toBeGreaterThan(0)
    expect(run!.issued).toBeLessThan(TOTAL)
    const text = await bin(['runs'])
    expect(text.stdout).toContain(`${run!.id}`)
    expect(text.stdout).toContain(`INTERRUPTED  ${run!.issued.toLocaleString('en')} of 3,000 signed`)
    expect(text.stdout).toContain(`pkidesk issue --resume ${run!.id}`)
    // What was committed before the kill is in the store; its files are on disk (or written by resume below).
    const before = readdirSync(f('out')).filter((n) => n.endsWith('.pem') && !n.startsWith('.'))
    expect(before.length).toBeLessThanOrEqual(run!.issued)

    const resumed = await bin(['issue', '--resume', run!.id])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toContain(`Run ${run!.id}: 3000 of 3000 signed (${TOTAL - run!.issued} now`)

    // Exactly one certificate per request in the store (plus the CA's own)…
    const list = await bin(['--json', 'cert', 'list'])
    expect(list.code, list.stderr).toBe(0)
    const stored = JSON.parse(list.stdout) as { serial: string; isCa: boolean }[]
    const leaves = stored.filter((c) => !c.isCa)
    expect(leaves).toHaveLength(TOTAL)
    // …and exactly one file per request, each a certificate for one request's CN, no CN twice, no temp file left.
    const names = readdirSync(f('out'))
    expect(names.filter((n) => !n.endsWith('.pem') || n.startsWith('.'))).toEqual([])
    expect(names).toHaveLength(TOTAL)
    const cns = new Set<string>()
    const serials = new Set<string>()
    for (const name of names) {
      const x = new X509Certificate(readFileSync(join(f('out'), name)))
      expect(name).toBe(`${x.serialNumber.toUpperCase()}.pem`)
      cns.add(x.subject.replace(/^CN=/, ''))
      serials.add(x.serialNumber.toUpperCase())
    }
    expect([...cns].sort()).toEqual(Array.from({ length: TOTAL }, (_, i) => cnOf(i)).sort())
    expect([...serials].sort()).toEqual(leaves.map((c) => c.serial.replace(/:/g, '').toUpperCase()).sort())
    // OpenSSL agrees that each file is signed by the CA.
    const caCert = stored.find((c) => c.isCa)!
    const exported = await bin(['cert', 'export', caCert.serial, '--format', 'pem', '--out', f('ca.pem')])
    expect(exported.code, exported.stderr).toBe(0)
    const verified = await openssl(['verify', '-CAfile', f('ca.pem'), ...names.map((n) => join(f('out'), n))])
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout.split('\n').filter((l) => l.endsWith(': OK'))).toHaveLength(TOTAL)

    const after = JSON.parse((await bin(['--json', 'runs'])).stdout) as RunJson[]
    expect(after[0]).toMatchObject({ id: run!.id, state: 'completed', issued: TOTAL, written: TOTAL, resumable: false })
    // A second resume has nothing to do and changes nothing.
    const again = await bin(['issue', '--resume', run!.id])
    expect(again.code, again.stderr).toBe(0)
    expect(readdirSync(f('out'))).toHaveLength(TOTAL)
    const audit = await bin(['--json', 'audit', 'verify'])
    expect(JSON.parse(audit.stdout)).toMatchObject({ intact: true })

    // Re-submitting one of the requests: refused with the earlier serial, issued only with --reissue.
    const x7 = [...names].map((n) => new X509Certificate(readFileSync(join(f('out'), n)))).find((x) => x.subject === `CN=${cnOf(7)}`)!
    const repeat = await bin(['issue', '--ca', 'Resume Root', '--profile', 'tls-server', f('one.csr')])
    expect(repeat.code).toBe(1)
    expect(repeat.stderr).toContain('error[CSR_ALREADY_CERTIFIED]')
    expect(repeat.stderr).toContain(x7.serialNumber.toUpperCase())
    expect(repeat.stderr).toContain('--reissue')
    const confirmed = await bin(['--json', 'issue', '--ca', 'Resume Root', '--profile', 'tls-server', '--reissue', f('one.csr')])
    expect(confirmed.code, confirmed.stderr).toBe(0)
    const [second] = JSON.parse(confirmed.stdout) as { ok: boolean; serial: string }[]
    expect(second!.ok).toBe(true)
    expect(second!.serial).not.toBe(x7.serialNumber.toUpperCase())
  })
})

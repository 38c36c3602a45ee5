// The app killed with SIGKILL mid-batch (a child process running the app's main services and
// IPC handlers, signing as the Sign screen does: one recorded run sent in chunks, each slice's
// files written into the granted output folder as it commits). After the kill, every
// certificate committed to the store has its file, byte for byte, and no file names a
// certificate that is not there; the run is listed as interrupted; resuming it gives every
// input request exactly one certificate and one file (node:crypto reads each), no temp file left,
// also when the kill fell between a commit and its file's rename (made certain by removing a
// committed certificate's file and leaving the dead writer's temp file before resuming).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createServices } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { tempDir } from '../../unit/engine/helpers'
import { openStoreFile } from '../store-file'

const TOTAL = 300
const PASSPHRASE = 'killed batch passphrase'
const tmp = tempDir('pkidesk-app-killed-')
const dataDir = tmp.path('store')
const outDir = tmp.path('out')
const cnOf = (i: number): string => `meter-${i}.grid.example`

beforeAll(async () => {
  mkdirSync(dataDir)
  mkdirSync(outDir)
  const signer = createKeyObjectSigner('ee', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const pems: string[] = []
  for (let i = 0; i < TOTAL; i++) {
    const d = await buildCsr({ subject: [[{ type: 'CN', value: cnOf(i) }]], sans: [{ type: 'dns', value: cnOf(i) }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
    if (!d.ok) throw new Error(d.error.message)
    pems.push(toPem('CERTIFICATE REQUEST', d.value))
  }
  writeFileSync(tmp.path('fleet.csr'), pems.join(''))
}, 60_000)
afterAll(() => tmp.cleanup())

/** The leaf certificates in the store, by upper-case serial. */
function storedLeaves(): Map<string, Buffer> {
  const file = openStoreFile(dataDir)
  try {
    const rows = file.db.prepare('SELECT serial, der FROM certificates WHERE is_ca = 0').all() as { serial: string; der: Buffer }[]
    return new Map(rows.map((r) => [r.serial.toUpperCase(), r.der]))
  } finally {
    file.close()
  }
}
const pemFiles = (): string[] => readdirSync(outDir).filter((n) => n.endsWith('.pem') && !n.startsWith('.'))

describe('the app killed mid-batch', { timeout: 120_000 }, () => {
  it('leaves a file for every committed certificate, and resume completes the run with one certificate and one file per request', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../fixtures/issuance/app-batch-child.ts'), dataDir, outDir, tmp.path('fleet.csr'), PASSPHRASE], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' }
    })
    let stdout = ''
    let stderr = ''
    let killed = false
    let lastChunk = -1
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      for (const m of stdout.matchAll(/^chunk (\d+)$/gm)) lastChunk = Number(m[1])
      // In the last chunk (every request is in the run's record), some of it signed: kill it as a crash would.
      const done = [...stdout.slice(stdout.lastIndexOf('chunk ')).matchAll(/^progress (\d+)$/gm)].map((m) => Number(m[1]))
      if (!killed && lastChunk === 200 && (done.at(-1) ?? 0) >= 20) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)))
    expect(signal, `${stdout.slice(-500)}\n${stderr}`).toBe('SIGKILL')

    // Every committed certificate has its file, the same certificate; no file for anything not committed.
    const committed = storedLeaves()
    expect(committed.size).toBeGreaterThan(200)
    expect(committed.size).toBeLessThan(TOTAL)
    const files = pemFiles()
    expect(files.sort()).toEqual([...committed.keys()].map((s) => `${s}.pem`).sort())
    for (const [serial, der] of committed) expect(readFileSync(join(outDir, `${serial}.pem`), 'latin1')).toBe(toPem('CERTIFICATE', der))

    // A kill between a slice's commit and its renames, made certain: one committed certificate
    // loses its file and the dead writer's half-written temp file is left in its place.
    const [gapSerial, gapDer] = [...committed][0]!
    unlinkSync(join(outDir, `${gapSerial}.pem`))
    const staleTemp = `.${gapSerial}.pem.${child.pid}.tmp`
    writeFileSync(join(outDir, staleTemp), toPem('CERTIFICATE', gapDer).slice(0, 40))

    // Listed as interrupted; resumed with the CA's passphrase, in another process.
    const services = createServices({ dataDir, keychain: createMemoryKeychain() })
    try {
      const [run] = services.runs.list(1)
      expect(run).toMatchObject({ id: 'app-killed-run', state: 'interrupted', total: TOTAL, recorded: TOTAL, issued: committed.size, resumable: true, outDir })
      const unlocked = await services.authorities.unlock(run!.authorityId, PASSPHRASE)
      expect(unlocked.ok).toBe(true)
      const resumed = await services.runs.resume(run!.id)
      if (!resumed.ok) throw new Error(resumed.error.message)
      expect(resumed.value).toMatchObject({ issued: TOTAL - committed.size, failed: 0, missing: 0, run: { state: 'completed', issued: TOTAL, written: TOTAL } })
      // The certificate whose file was lost has it again, whole; the stale temp file is gone.
      expect(readFileSync(join(outDir, `${gapSerial}.pem`), 'latin1')).toBe(toPem('CERTIFICATE', gapDer))
      expect(readdirSync(outDir)).not.toContain(staleTemp)
    } finally {
      services.close()
    }
    const leaves = storedLeaves()
    expect(leaves.size).toBe(TOTAL)
    expect(readdirSync(outDir).filter((n) => n.startsWith('.'))).toEqual([])
    const cns = pemFiles().map((name) => {
      const x = new X509Certificate(readFileSync(join(outDir, name)))
      expect(name).toBe(`${x.serialNumber.toUpperCase()}.pem`)
      expect(leaves.has(x.serialNumber.toUpperCase())).toBe(true)
      return x.subject.replace(/^CN=/, '')
    })
    expect(cns.sort()).toEqual(Array.from({ length: TOTAL }, (_, i) => cnOf(i)).sort())
  })
})

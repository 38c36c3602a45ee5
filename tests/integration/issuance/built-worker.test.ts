// Packaging: the built bundle ships the issuance worker and the store's checkpoint thread beside main/cli.js, and the built CLI
// prepares a large batch in it (a missing or broken worker would show as a warning on stderr;
// the batch would still be issued on the main thread).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { buildCli, openssl, runCli, type BuiltCli } from '../cli/built-cli'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { WORKER_MIN_ITEMS } from '../../../src/main/services/issuance/batch-scheduler'
import { CHECKPOINTER_AFTER_WRITES } from '../../../src/main/store/wal-checkpointer'

const PASSPHRASE = 'built worker passphrase'
let cli: BuiltCli
let work: string

beforeAll(() => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-built-worker-'))
}, 180_000)
afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('built issuance worker', { timeout: 180_000 }, () => {
  it('is built beside cli.js and prepares a large CLI batch', async () => {
    expect(existsSync(join(dirname(cli.bin), '..', 'out', 'main', 'issuance-worker.js'))).toBe(true)
    expect(existsSync(join(dirname(cli.bin), '..', 'out', 'main', 'wal-checkpointer.js'))).toBe(true)
    const pk = (args: string[]) => runCli(cli, ['--data-dir', join(work, 'store'), ...args], { PKIDESK_PASSPHRASE: PASSPHRASE })
    const ca = await pk(['--json', 'ca', 'create', '--name', 'Worker CA', '--subject', 'CN=Worker CA,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
    expect(ca.code, ca.stderr).toBe(0)
    const signer = createKeyObjectSigner('w', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    // Enough commits (16 rows each) to start the store's checkpoint thread as well.
    const n = Math.max(WORKER_MIN_ITEMS + 12, (CHECKPOINTER_AFTER_WRITES + 8) * 16)
    let pems = ''
    for (let i = 0; i < n; i++) {
      const r = await buildCsr({ subject: [[{ type: 'CN', value: `w${i}.example` }]], sans: [{ type: 'dns', value: `w${i}.example` }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
      if (!r.ok) throw new Error(r.error.message)
      pems += toPem('CERTIFICATE REQUEST', r.value)
    }
    writeFileSync(join(work, 'batch.csr'), pems)
    const out = join(work, 'issued')
    mkdirSync(out)
    const r = await pk(['--json', 'issue', '--ca', 'Worker CA', '--profile', 'tls-server', '--confirm-warnings', '--out', out, join(work, 'batch.csr')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/issuance worker failed/)
    // The batch's commits started the store's checkpoint thread, built beside it.
    expect(r.stderr).not.toMatch(/checkpoint thread stopped/)
    const results = JSON.parse(r.stdout) as { ok: boolean }[]
    expect(results).toHaveLength(n)
    expect(results.every((x) => x.ok)).toBe(true)
    const files = readdirSync(out)
    expect(files).toHaveLength(n)
    const caPem = await pk(['--json', 'ca', 'show', 'Worker CA'])
    writeFileSync(join(work, 'ca.pem'), (JSON.parse(caPem.stdout) as { certificatePem: string }).certificatePem)
    const v = await openssl(['verify', '-x509_strict', '-CAfile', join(work, 'ca.pem'), join(out, files[0]!)])
    expect(v.stdout + v.stderr).toContain(': OK')
  })
})

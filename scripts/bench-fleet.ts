// npm run bench (fleet part): a 100,000-entry CRL beside `openssl ca -gencrl` over the same
// entries; with --large, the 1,000,000-certificate inventory. Not a test: prints numbers,
// with the machine's load average beside each (the cores are shared).
import { execFileSync } from 'node:child_process'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { createServices, type Services } from '../src/main/services'
import type { EventSink } from '../src/shared/ipc/events'
import { createMemoryKeychain } from '../src/main/vault'
import { databaseFile, openDatabase } from '../src/main/store'
import { seedCertificates } from '../tests/harness/seed'
import { createRootCa } from '../tests/integration/issuance/root-ca'
import { buildCsr, toPem } from '../src/main/engine'
import { createKeyObjectSigner } from '../src/main/vault/signer'
import { mainThreadCpuMs, processCpuMs } from './bench-cpu'

const CRL_N = Number(process.env.BENCH_CRL_N ?? 100_000)
const REVOKE_N = Number(process.env.BENCH_REVOKE_N ?? 100_000)
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')

async function createCa(services: Services, name: string): Promise<{ id: string; der: Uint8Array }> {
  const ca = await createRootCa(services, name)
  return { id: ca.id, der: new Uint8Array(new X509Certificate(ca.pem).raw) }
}

/** Seconds of wall time and the worst event-loop delay (ms) while `body` runs. */
async function timed<T>(body: () => Promise<T>): Promise<{ value: T; seconds: number; maxDelayMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const t0 = performance.now()
  const value = await body()
  const seconds = (performance.now() - t0) / 1000
  h.disable()
  return { value, seconds, maxDelayMs: h.max / 1e6 }
}

/** `openssl ca -gencrl` over an index.txt listing the same serials and revocation times. */
function opensslGencrl(dir: string, rows: { serial: string; revokedAt: string; reason: string | null; notAfter: string }[]): number {
  const key = join(dir, 'ca.key')
  const cert = join(dir, 'ca.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=OpenSSL CRL Bench', '-days', '3650', '-out', cert], { stdio: 'ignore' })
  const utc = (iso: string): string => iso.replace(/[-:T]/g, '').slice(2, 14) + 'Z'
  const index = rows.map((r) => `R\t${utc(r.notAfter)}\t${utc(r.revokedAt)}${r.reason && r.reason !== 'unspecified' ? `,${r.reason}` : ''}\t${r.serial.toUpperCase()}\tunknown\t/CN=x`).join('\n') + '\n'
  writeFileSync(join(dir, 'index.txt'), index)
  writeFileSync(join(dir, 'crlnumber'), '01\n')
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${join(dir, 'index.txt')}\ncrlnumber = ${join(dir, 'crlnumber')}\ncertificate = ${cert}\nprivate_key = ${key}\ndefault_md = sha256\ndefault_crl_days = 7\nunique_subject = no\ncrl_extensions = ext\n[ext]\nauthorityKeyIdentifier = keyid:always\n`
  )
  const t0 = performance.now()
  execFileSync('openssl', ['ca', '-gencrl', '-batch', '-config', join(dir, 'ca.cnf'), '-out', join(dir, 'crl.pem')], { stdio: 'ignore' })
  return (performance.now() - t0) / 1000
}

async function crlBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-bench-crl-'))
  const osslDir = mkdtempSync(join(tmpdir(), 'pkidesk-bench-crl-ossl-'))
  const services = createServices({ dataDir, keychain: createMemoryKeychain() })
  try {
    const ca = await createCa(services, 'CRL Bench CA')
    seedCertificates(dataDir, { authorityId: ca.id, der: ca.der, issuer: 'CN=CRL Bench CA', count: CRL_N, revokedEvery: 1 })
    // OpenSSL's index of the same revocations, read through a connection of its own to the store file.
    const db = openDatabase(databaseFile(dataDir))
    const rows = db.prepare("SELECT serial, revoked_at AS revokedAt, revocation_reason AS reason, not_after AS notAfter FROM certificates WHERE authority_id = ? AND status = 'revoked'").all(ca.id) as {
      serial: string
      revokedAt: string
      reason: string | null
      notAfter: string
    }[]
    db.close()
    const loadBefore = load()
    const ours = await timed(() => services.certificates.generateCrl(ca.id))
    if (!ours.value.ok) throw new Error(ours.value.error.message)
    const ossl = opensslGencrl(osslDir, rows)
    const bytes = services.certificates.exportCrl(ours.value.value.id, 'der')
    const size = bytes.ok ? Buffer.from(bytes.value.base64, 'base64').length : 0
    console.log(`\nCRL of ${ours.value.value.entries.toLocaleString('en')} entries (P-256 CA; load average ${loadBefore} before, ${load()} after):`)
    console.log(`  PKI Desk crl generate (read store, build, sign, store, audit)  ${ours.seconds.toFixed(2)} s  ${(size / 1e6).toFixed(1)} MB DER  worst event-loop delay ${ours.maxDelayMs.toFixed(0)} ms`)
    console.log(`  openssl ca -gencrl (same ${rows.length.toLocaleString('en')} serials in index.txt)          ${ossl.toFixed(2)} s`)
    console.log(`  ratio PKI Desk / OpenSSL: ${(ours.seconds / ossl).toFixed(2)}x  (goal <= 1.5x; event loop never blocked > 50 ms)`)
  } finally {
    services.close()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(osslDir, { recursive: true, force: true })
  }
}

/** 100,000 revocations by filter (certificates:revokeMany): one transaction and 1,000 audit entries per slice. */
async function bulkRevokeBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-bench-revoke-'))
  const services = createServices({ dataDir, keychain: createMemoryKeychain() })
  try {
    const ca = await createCa(services, 'Revoke Bench CA')
    // revokedEvery past the count: only row 0 starts revoked, the rest are issued.
    seedCertificates(dataDir, { authorityId: ca.id, der: ca.der, issuer: 'CN=Revoke Bench CA', count: REVOKE_N + 1, revokedEvery: REVOKE_N + 2 })
    const loadBefore = load()
    const dry = await timed(() => services.bulk.revokeMany({ selection: { filter: { authorityId: ca.id, subjectMatch: 'bulk.example' } }, reason: 'keyCompromise', dryRun: true }))
    const real = await timed(() => services.bulk.revokeMany({ selection: { filter: { authorityId: ca.id, subjectMatch: 'bulk.example' } }, reason: 'keyCompromise', dryRun: false }))
    if (!dry.value.ok || !real.value.ok) throw new Error('bulk revocation failed')
    console.log(`\nBulk revocation by filter (load average ${loadBefore} before, ${load()} after):`)
    console.log(`  dry run: ${dry.value.value.matched.toLocaleString('en')} matched in ${dry.seconds.toFixed(2)} s`)
    console.log(
      `  revoke:  ${real.value.value.revoked.toLocaleString('en')} revoked with one audit entry each in ${real.seconds.toFixed(2)} s (${(real.value.value.revoked / real.seconds).toFixed(0)}/s), worst event-loop delay ${real.maxDelayMs.toFixed(0)} ms`
    )
  } finally {
    services.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const LARGE_N = Number(process.env.BENCH_LARGE_N ?? 1_000_000)
const LARGE_DIR = process.env.BENCH_LARGE_DIR ?? join(tmpdir(), `pkidesk-bench-${LARGE_N}`)
const ISSUE_N = Number(process.env.BENCH_LARGE_ISSUE_N ?? 2000)

async function makeCsrs(n: number): Promise<string[]> {
  const keys = Array.from({ length: 8 }, (_, i) => createKeyObjectSigner(`k${i}`, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey))
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const cn = `fleet${i}-${Date.now()}.large.example`
    const r = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, keys[i % keys.length]!)
    if (!r.ok) throw new Error(r.error.message)
    out.push(toPem('CERTIFICATE REQUEST', r.value))
  }
  return out
}

/** certs/s of one batch of `csrs` into the store at dataDir (a CA made for it: the memory keychain does not outlive a run), and the main thread's worst event-loop delay meanwhile. */
async function issueRate(services: Services, csrs: string[]): Promise<{ rate: number; maxDelayMs: number; cpuUsPerCert: number; mainUsPerCert: number }> {
  const ca = await createRootCa(services, `Issue Bench ${Date.now()}`)
  const items = (list: string[]) => list.map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } }))
  await services.issuance.issue({ authorityId: ca.id, profileId: null, confirmWarnings: false, items: items(csrs.slice(0, 50)) })
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const t0 = performance.now()
  const cpu0 = processCpuMs()
  const main0 = mainThreadCpuMs()
  const r = await services.issuance.issue({ authorityId: ca.id, profileId: null, confirmWarnings: false, items: items(csrs.slice(50)) })
  const seconds = (performance.now() - t0) / 1000
  const n = csrs.length - 50
  const cpuUsPerCert = ((processCpuMs() - cpu0) * 1000) / n
  const mainUsPerCert = ((mainThreadCpuMs() - main0) * 1000) / n
  h.disable()
  if (!r.ok || r.value.issued !== n) throw new Error('issuance failed')
  return { rate: n / seconds, maxDelayMs: h.max / 1e6, cpuUsPerCert, mainUsPerCert }
}

/** Milliseconds `body` takes. */
function msOf(body: () => void): number {
  const t = performance.now()
  body()
  return performance.now() - t
}

/** The longest gap between two progress events of the search index's catch-up (one slice and its commit), ms. */
function searchSliceWatch(): { emit: EventSink; longestMs(): number } {
  let last = Number.NaN
  let longest = 0
  return {
    emit: (name, payload) => {
      if (name !== 'progress' || (payload as { operationId: string }).operationId !== 'search-index') return
      const t = performance.now()
      if (!Number.isNaN(last)) longest = Math.max(longest, t - last)
      last = t
    },
    longestMs: () => longest
  }
}

/** Progress is reported from 5,000 rows (services/index.ts): below that, no slice was timed. */
const sliceMs = (w: { longestMs(): number }): string => (w.longestMs() > 0 ? w.longestMs().toFixed(0) : 'n/a')

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!

/** The 1,000,000-certificate store: built once at LARGE_DIR, reused by later runs. */
async function largeBench(): Promise<void> {
  const largeSlices = searchSliceWatch()
  let services = createServices({ dataDir: LARGE_DIR, keychain: createMemoryKeychain(), emit: largeSlices.emit })
  let closed = false
  const count = (): number => {
    const r = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 1 })
    return r.ok ? r.value.total : 0
  }
  const have = count()
  if (have < LARGE_N) {
    const t0 = performance.now()
    const ca = await createCa(services, 'Large Bench CA')
    services.close()
    seedCertificates(LARGE_DIR, { authorityId: ca.id, der: ca.der, issuer: 'CN=Large Bench CA', count: LARGE_N - have })
    services = createServices({ dataDir: LARGE_DIR, keychain: createMemoryKeychain(), emit: largeSlices.emit })
    console.log(`\nBuilt the ${LARGE_N.toLocaleString('en')}-certificate store at ${LARGE_DIR} in ${((performance.now() - t0) / 1000).toFixed(0)} s (reused by later runs; delete it to rebuild).`)
  }
  try {
    const rows = count()
    const db = openDatabase(databaseFile(LARGE_DIR))
    db.pragma('wal_checkpoint(TRUNCATE)')
    const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number)
    const sample = db.prepare('SELECT serial, sha256, subject FROM certificates WHERE id % 99991 = 7 LIMIT 10').all() as { serial: string; sha256: string; subject: string }[]
    db.close()
    console.log(`\n${rows.toLocaleString('en')} certificates (load average ${load()}): store ${(bytes / 1e9).toFixed(2)} GB, ${(bytes / rows).toFixed(0)} bytes per certificate (one real certificate's DER per row, every index and the trigram full-text index included)`)
    const base = { sort: { field: 'createdAt', direction: 'desc' }, limit: 100 } as const
    const cases: [string, (i: number) => Parameters<Services['certificates']['list']>[0]][] = [
      ['first page, newest first', () => base],
      ['search subject/SAN substring', (i) => ({ ...base, search: `host-${(i * 7919) % LARGE_N}.bulk` })],
      ['search serial prefix (12 hex)', (i) => ({ ...base, search: sample[i % sample.length]!.serial.slice(0, 12) })],
      ['search SHA-256 fingerprint prefix (16 hex, colons)', (i) => ({ ...base, search: sample[i % sample.length]!.sha256.slice(0, 16).match(/../g)!.join(':') })],
      ['status revoked', () => ({ ...base, status: 'revoked' })],
      ['status issued, by notAfter', () => ({ sort: { field: 'notAfter', direction: 'asc' }, limit: 100, status: 'issued' })],
      ['expiring within 30 days, by notAfter', () => ({ sort: { field: 'notAfter', direction: 'asc' }, limit: 100, expiringWithinDays: 30 })],
      ['by subject, descending', () => ({ sort: { field: 'subject', direction: 'desc' }, limit: 100 })],
      ['by serial, ascending', () => ({ sort: { field: 'serial', direction: 'asc' }, limit: 100 })]
    ]
    console.log('  certificates:list, 20 runs each        p50 ms   p95 ms   (rows of total)')
    for (const [label, req] of cases) {
      const times: number[] = []
      let shown = ''
      for (let i = 0; i < 20; i++) {
        const t = performance.now()
        const r = services.certificates.list(req(i))
        times.push(performance.now() - t)
        if (!r.ok) throw new Error(r.error.message)
        shown = `${r.value.items.length} of ${r.value.total.toLocaleString('en')}`
      }
      console.log(`  ${label.padEnd(52)} ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(8)}   (${shown})`)
    }
    // A deep page: 200 pages in through the cursor, then the next page timed.
    let cursor: string | null | undefined
    for (let p = 0; p < 200; p++) {
      const r = services.certificates.list({ ...base, ...(cursor ? { cursor } : {}) })
      cursor = r.ok ? r.value.nextCursor : null
    }
    const deep: number[] = []
    for (let i = 0; i < 20 && cursor; i++) {
      const t = performance.now()
      const r = services.certificates.list({ ...base, cursor })
      deep.push(performance.now() - t)
      cursor = r.ok ? r.value.nextCursor : null
    }
    console.log(`  ${'pages 201-220 (cursor)'.padEnd(52)} ${percentile(deep, 50).toFixed(1).padStart(7)} ${percentile(deep, 95).toFixed(1).padStart(8)}`)
    // The dashboard: what certificates-store's loadStats asks (certificates:expiryStats, 26 weeks).
    const dash: number[] = []
    for (let i = 0; i < 20; i++) {
      const t = performance.now()
      const r = services.certificates.expiryStats(26)
      dash.push(performance.now() - t)
      if (!r.ok) throw new Error(r.error.message)
    }
    console.log(`  ${'dashboard and expiry timeline (expiryStats, 26 weeks)'.padEnd(52)} ${percentile(dash, 50).toFixed(1).padStart(7)} ${percentile(dash, 95).toFixed(1).padStart(8)}   (goal < 200 ms)`)
    const csrs = await makeCsrs(ISSUE_N + 50)
    const emptyDir = mkdtempSync(join(tmpdir(), 'pkidesk-bench-empty-'))
    const emptySlices = searchSliceWatch()
    const empty = createServices({ dataDir: emptyDir, keychain: createMemoryKeychain(), emit: emptySlices.emit })
    const loadIssue = load()
    const intoEmpty = await issueRate(empty, csrs)
    // Each batch's rows reach the search index behind it (store/search-backlog.ts); close() indexes what is left.
    const indexEmpty = msOf(() => empty.close())
    rmSync(emptyDir, { recursive: true, force: true })
    const intoLarge = await issueRate(services, csrs.map((c) => c))
    const indexLarge = msOf(() => services.close())
    closed = true
    console.log(
      `  issuance of ${ISSUE_N} (P-256 CA): empty store ${intoEmpty.rate.toFixed(0)} certs/s, ${rows.toLocaleString('en')}-certificate store ${intoLarge.rate.toFixed(0)} certs/s (${((intoLarge.rate / intoEmpty.rate) * 100).toFixed(0)}% of empty; worst loop delay ${intoEmpty.maxDelayMs.toFixed(0)} and ${intoLarge.maxDelayMs.toFixed(0)} ms; load ${loadIssue} before, ${load()} after)`
    )
    console.log(`  CPU per certificate, all threads / main thread: ${intoEmpty.cpuUsPerCert.toFixed(0)} / ${intoEmpty.mainUsPerCert.toFixed(0)} µs into the empty store, ${intoLarge.cpuUsPerCert.toFixed(0)} / ${intoLarge.mainUsPerCert.toFixed(0)} µs into the large one`)
    console.log(
      `  then indexed for search, after each batch: ${((indexEmpty * 1000) / csrs.length).toFixed(0)} µs/cert into the empty store, ${((indexLarge * 1000) / csrs.length).toFixed(0)} µs/cert into the large one (longest slice ${sliceMs(emptySlices)} and ${sliceMs(largeSlices)} ms)`
    )
  } finally {
    if (!closed) services.close()
  }
}

async function main(): Promise<void> {
  console.log(`PKI Desk fleet benchmark: ${cpus().length} CPUs, node ${process.version}, load average ${load()}`)
  if (!process.argv.includes('--large-only')) {
    await crlBench()
    await bulkRevokeBench()
  }
  if (process.argv.includes('--large') || process.argv.includes('--large-only')) await largeBench()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})

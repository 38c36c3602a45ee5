// npm run bench (fleet part): a 100,000-entry CRL beside `openssl ca -gencrl` over the same
// entries; with --large, the 1,000,000-certificate inventory. Not a test: prints numbers,
// with the machine's load average beside each (the cores are shared).
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { createServices, type Services } from '../src/main/services'
import { createMemoryKeychain } from '../src/main/vault'
import { databaseFile, openDatabase } from '../src/main/store'
import { seedCertificates } from '../tests/harness/seed'
import { createRootCa } from '../tests/integration/issuance/root-ca'

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

async function main(): Promise<void> {
  console.log(`PKI Desk fleet benchmark: ${cpus().length} CPUs, node ${process.version}, load average ${load()}`)
  await crlBench()
  await bulkRevokeBench()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})

// npm run bench (backup part): `backup create`, `backup verify` (with the passphrase) and
// `backup restore` of a store holding BENCH_BACKUP_N certificates (100,000 by default), with
// the production KDF cost, beside OpenSSL encrypting the same database file
// (`openssl enc -aes-256-ctr -pbkdf2`, a floor: no snapshot, no manifest, no audit check).
// Not a test: prints numbers, with the machine's load average beside them (the cores are shared).
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createServices } from '../src/main/services'
import { createMemoryKeychain } from '../src/main/vault'
import { databaseFile } from '../src/main/store'
import { seedCertificates } from '../tests/harness/seed'
import { createRootCa } from '../tests/integration/issuance/root-ca'

const N = Number(process.env.BENCH_BACKUP_N ?? 100_000)
const PASS = 'bench backup passphrase, long enough'
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now()
  const value = await body()
  return { value, seconds: (performance.now() - t0) / 1000 }
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

async function main(): Promise<void> {
  console.log(`PKI Desk backup benchmark: ${cpus().length} CPUs, node ${process.version}, load average ${load()}`)
  const work = mkdtempSync(join(tmpdir(), 'pkidesk-bench-backup-'))
  const keychain = createMemoryKeychain()
  const a = createServices({ dataDir: join(work, 'a'), keychain })
  const b = createServices({ dataDir: join(work, 'b'), keychain: createMemoryKeychain() })
  try {
    const ca = await createRootCa(a, 'Backup Bench CA')
    seedCertificates(join(work, 'a'), { authorityId: ca.id, der: new Uint8Array(new X509Certificate(ca.pem).raw), issuer: 'CN=Backup Bench CA', count: N, revokedEvery: 50 })
    const dbBytes = statSync(databaseFile(join(work, 'a'))).size
    const out = join(work, 'store.pkibackup')
    const loadBefore = load()
    const created = await timed(async () => must(await a.backup.create({ out, secret: { kind: 'passphrase', passphrase: PASS } })))
    const verified = await timed(async () => must(await a.backup.verify(out, { passphrase: PASS })))
    const restored = await timed(async () => must(await b.backup.restore({ file: out, passphrase: PASS, protection: 'keychain' })))
    const t0 = performance.now()
    execFileSync('openssl', ['enc', '-aes-256-ctr', '-pbkdf2', '-iter', '600000', '-pass', `pass:${PASS}`, '-in', databaseFile(join(work, 'a')), '-out', join(work, 'db.enc')])
    const ossl = (performance.now() - t0) / 1000
    console.log(`\nBackup of a store with ${created.value.counts.certificates?.toLocaleString('en')} certificates (${(dbBytes / 1e6).toFixed(1)} MB database; load average ${loadBefore} before, ${load()} after):`)
    console.log(`  backup create (online snapshot, re-seal keys, AEAD, scrypt)  ${created.seconds.toFixed(2)} s  ${(created.value.bytes / 1e6).toFixed(1)} MB file`)
    console.log(`  backup verify (with the passphrase: decrypt, check all)      ${verified.seconds.toFixed(2)} s`)
    console.log(`  backup restore (new store, re-seal, audit chain verified)    ${restored.seconds.toFixed(2)} s  (${restored.value.counts.certificates?.toLocaleString('en')} certificates back)`)
    console.log(`  openssl enc -aes-256-ctr -pbkdf2 of the database file        ${ossl.toFixed(2)} s`)
    console.log(`  ratio create / OpenSSL: ${(created.seconds / ossl).toFixed(2)}x  (goal: seconds, not minutes)`)
  } finally {
    a.close()
    b.close()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})

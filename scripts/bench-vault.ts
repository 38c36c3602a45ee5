// npm run bench:vault: what the vault and the audit trail cost. Not a test: prints numbers.
//   create/unlock with the production scrypt cost (N=2^17, r=8, p=1), signatures per second
//   through a Signer, audit appends (one transaction) and a full chain verification.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase, storeOf } from '../src/main/store/database'
import { appendAudit, verifyAudit } from '../src/main/store/audit-log'
import { createMemoryKeychain, createVault } from '../src/main/vault'

const AUDIT_N = Number(process.env.BENCH_AUDIT_N ?? 100_000)
const SIGN_N = Number(process.env.BENCH_SIGN_N ?? 2000)

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-bench-vault-'))
  const db = openDatabase(join(dir, 'pkidesk.sqlite'))
  try {
    const store = storeOf(db)
    const vault = createVault({ store, keychain: createMemoryKeychain() })
    const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`
    for (const spec of ['ec-p256', 'rsa-3072', 'ed25519'] as const) {
      let t = performance.now()
      const p = await vault.prepareKey({ spec, purpose: 'ca', protection: 'passphrase', passphrase: 'bench passphrase' })
      if (!p.ok) throw new Error(p.error.message)
      store.write((tx) => vault.saveKey(tx, p.value))
      const created = ms(t)
      vault.lock(p.value.keyId)
      t = performance.now()
      const u = await vault.unlock(p.value.keyId, { passphrase: 'bench passphrase' })
      if (!u.ok) throw new Error(u.error.message)
      const unlocked = ms(t)
      const s = vault.signer(p.value.keyId)
      if (!s.ok) throw new Error(s.error.message)
      t = performance.now()
      for (let i = 0; i < SIGN_N; i++) await s.value.sign(Buffer.from(`tbs ${i}`), { hash: 'SHA-256' })
      const perSec = (SIGN_N / ((performance.now() - t) / 1000)).toFixed(0)
      console.log(`${spec.padEnd(9)} create+seal ${created.padStart(8)}  unlock ${unlocked.padStart(8)}  ${perSec} signatures/s`)
    }
    let t = performance.now()
    store.write((tx) => {
      for (let i = 0; i < AUDIT_N; i++) appendAudit(tx, { action: 'cert.issue', subject: `serial:${i}`, details: { profile: 'tls-server', i } })
    })
    console.log(`audit: ${AUDIT_N} appends in ${ms(t)}`)
    t = performance.now()
    const v = store.read(verifyAudit)
    console.log(`audit: verify ${v.entries} entries in ${ms(t)} (${v.intact ? 'intact' : 'BROKEN'})`)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})

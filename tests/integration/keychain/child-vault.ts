// Run in a fresh node process (via tsx) by the keychain tests: opens the store, builds a vault
// over the real keychain backend and does one thing, printing a JSON result on stdout.
//   tsx child-vault.ts '{"db":"…","op":"sign","keyId":"…","passphrase":"…","data":"base64"}'
import { openDatabase, storeOf } from '../../../src/main/store/database'
import { createNapiKeychain, createVault } from '../../../src/main/vault'
import type { KeyProtection, KeySpec } from '../../../src/shared/domain/keys'

interface Command {
  readonly db: string
  readonly op: 'sign' | 'create' | 'status'
  readonly keyId?: string
  readonly passphrase?: string
  readonly data?: string
  readonly spec?: KeySpec
  readonly protection?: KeyProtection
}

async function main(): Promise<unknown> {
  const cmd = JSON.parse(process.argv[2] ?? '{}') as Command
  const db = openDatabase(cmd.db)
  try {
    const vault = createVault({ store: storeOf(db), keychain: createNapiKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
    switch (cmd.op) {
      case 'status':
        return { ok: true, value: await vault.keychainStatus() }
      case 'create': {
        const p = await vault.prepareKey({ spec: cmd.spec ?? 'ec-p256', purpose: 'ca', protection: cmd.protection ?? 'keychain', ...(cmd.passphrase ? { passphrase: cmd.passphrase } : {}) })
        if (!p.ok) return p
        storeOf(db).write((tx) => vault.saveKey(tx, p.value))
        return { ok: true, value: { keyId: p.value.keyId } }
      }
      case 'sign': {
        const keyId = cmd.keyId ?? ''
        const u = await vault.unlock(keyId, cmd.passphrase === undefined ? {} : { passphrase: cmd.passphrase })
        if (!u.ok) return u
        const s = vault.signer(keyId)
        if (!s.ok) return s
        const sig = await s.value.sign(Buffer.from(cmd.data ?? '', 'base64'), { hash: 'SHA-256' })
        return { ok: true, value: { signature: Buffer.from(sig).toString('base64') } }
      }
    }
  } finally {
    db.close()
  }
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`)
    process.exit(1)
  }
)

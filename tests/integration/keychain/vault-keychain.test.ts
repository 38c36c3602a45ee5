// Against a real Secret Service (gnome-keyring in a private D-Bus session): run with
// `npm run test:keychain` (scripts/with-secret-service.sh). Each case ends in a clear error or
// a signature checked by OpenSSL — never a silent fallback to a weaker protection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { AsyncEntry } from '@napi-rs/keyring'
import { openDatabase, storeOf, type Db } from '../../../src/main/store/database'
import { createNapiKeychain, createVault, KEYCHAIN_SERVICE, type PreparedKey } from '../../../src/main/vault'
import type { KeyProtection } from '../../../src/shared/domain/keys'
import { findPrivateKey, opensslVerify } from '../../unit/vault/key-search'

const root = resolve(__dirname, '../../..')
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const child = join(__dirname, 'child-vault.ts')
const PASS = 'keychain test passphrase'
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 }

interface ChildResult {
  ok: boolean
  value?: { signature?: string; keyId?: string; available?: boolean; message?: string }
  error?: { code: string; message: string }
}

function runChild(command: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ChildResult {
  const r = spawnSync(tsx, [child, JSON.stringify(command)], { env, encoding: 'utf8', timeout: 60_000 })
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult
}

const noDbusEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env.DBUS_SESSION_BUS_ADDRESS
  return env
}

let dir: string
let dbFile: string
let db: Db
const keys = new Map<KeyProtection, { prepared: PreparedKey; privateKey: KeyObject }>()

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS || !process.env.PKIDESK_TEST_HOME)
    throw new Error('these tests need a private Secret Service: run them with `npm run test:keychain`')
  dir = mkdtempSync(join(tmpdir(), 'pkidesk-keychain-'))
  dbFile = join(dir, 'pkidesk.sqlite')
  db = openDatabase(dbFile)
  const vault = createVault({ store: storeOf(db), keychain: createNapiKeychain(), scrypt: SCRYPT })
  expect((await vault.keychainStatus()).available).toBe(true)
  for (const protection of ['keychain', 'passphrase', 'both'] as const) {
    const p = await vault.prepareKey({ spec: 'ec-p256', purpose: 'ca', protection, ...(protection === 'keychain' ? {} : { passphrase: PASS }) })
    if (!p.ok) throw new Error(p.error.message)
    storeOf(db).write((tx) => vault.saveKey(tx, p.value))
    // The only way out of the vault: an encrypted PKCS#8 export; opened here to know what to search for.
    const exp = await vault.exportEncryptedPkcs8(p.value.keyId, 'export passphrase', 'modern')
    if (!exp.ok) throw new Error(exp.error.message)
    keys.set(protection, { prepared: p.value, privateKey: createPrivateKey({ key: Buffer.from(exp.value), format: 'der', type: 'pkcs8', passphrase: 'export passphrase' }) })
  }
})

afterAll(() => {
  if (db?.open) db.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function checkSignature(spki: Uint8Array, data: Buffer, signatureB64: string): void {
  const sig = Buffer.from(signatureB64, 'base64')
  expect(verify('sha256', data, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), sig)).toBe(true)
  expect(opensslVerify(spki, data, sig)).toBe(true)
}

describe('keys protected by the real Secret Service', () => {
  it('stores one random 32-byte secret per keychain-protected key, under the PKI Desk service', async () => {
    for (const protection of ['keychain', 'both'] as const) {
      const { prepared } = keys.get(protection)!
      const secret = await new AsyncEntry(KEYCHAIN_SERVICE, `key:${prepared.keyId}`, { linux: { store: 'secret-service' } }).getSecret()
      expect(secret?.length).toBe(32)
    }
    const { prepared } = keys.get('passphrase')!
    expect(await new AsyncEntry(KEYCHAIN_SERVICE, `key:${prepared.keyId}`, { linux: { store: 'secret-service' } }).getSecret()).toBeNull()
  })

  it.each(['keychain', 'passphrase', 'both'] as const)('a new process unlocks the %s key and signs; node:crypto and OpenSSL verify', (protection) => {
    const { prepared } = keys.get(protection)!
    const data = randomBytes(100)
    const r = runChild({ db: dbFile, op: 'sign', keyId: prepared.keyId, data: data.toString('base64'), ...(protection === 'keychain' ? {} : { passphrase: PASS }) })
    expect(r.error).toBeUndefined()
    checkSignature(prepared.spki, data, r.value!.signature!)
  })

  it('a wrong passphrase is refused by name, for passphrase and both', () => {
    for (const protection of ['passphrase', 'both'] as const) {
      const r = runChild({ db: dbFile, op: 'sign', keyId: keys.get(protection)!.prepared.keyId, data: '', passphrase: 'wrong passphrase!' })
      expect(r.ok).toBe(false)
      expect(r.error!.code).toBe('PASSPHRASE_WRONG')
      expect(r.error!.message).toMatch(/passphrase is wrong/)
    }
  })

  it('without D-Bus: keychain keys fail closed with the fix; passphrase keys still work', () => {
    for (const protection of ['keychain', 'both'] as const) {
      const r = runChild({ db: dbFile, op: 'sign', keyId: keys.get(protection)!.prepared.keyId, data: '', passphrase: PASS }, noDbusEnv())
      expect(r.ok).toBe(false)
      expect(r.error!.code).toBe('KEYCHAIN_UNAVAILABLE')
      // An existing keychain key cannot switch protection: the fix is to bring the keychain back.
      expect(r.error!.message).toBe(
        'no D-Bus session is running, so the Secret Service cannot be reached: this key is kept in the keychain and cannot be opened without it; start the Secret Service (gnome-keyring) and unlock your login keyring, then try again'
      )
    }
    const created = runChild({ db: dbFile, op: 'create', protection: 'keychain' }, noDbusEnv())
    expect(created.error?.code).toBe('KEYCHAIN_UNAVAILABLE')
    // A new key can choose another protection, and the message says so.
    expect(created.error?.message).toMatch(/choose passphrase protection/)
    const status = runChild({ db: dbFile, op: 'status' }, noDbusEnv())
    expect(status.value).toMatchObject({ available: false })
    expect(status.value!.message).toMatch(/choose passphrase protection/)
    const data = randomBytes(32)
    const pass = runChild({ db: dbFile, op: 'sign', keyId: keys.get('passphrase')!.prepared.keyId, data: data.toString('base64'), passphrase: PASS }, noDbusEnv())
    checkSignature(keys.get('passphrase')!.prepared.spki, data, pass.value!.signature!)
    // Nothing was written by the failed create.
    expect(db.prepare('SELECT COUNT(*) AS n FROM vault_keys').get()).toEqual({ n: 3 })
  })

  it('the database file and its WAL hold no private key in any decodable form', () => {
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter(existsSync)
    expect(files).toContain(`${dbFile}-wal`)
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)))
    expect(bytes.length).toBeGreaterThan(0)
    for (const [protection, { privateKey, prepared }] of keys) {
      expect({ protection, found: findPrivateKey(bytes, privateKey) }).toEqual({ protection, found: [] })
      // The public key is there (so the search reads the right bytes), the private key is not.
      expect(bytes.includes(Buffer.from(prepared.spki))).toBe(true)
    }
    // Positive control: the same search finds a key that is stored in the clear.
    const { privateKey } = keys.get('keychain')!
    const planted = Buffer.concat([bytes, Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }))])
    expect(findPrivateKey(planted, privateKey)).toContain('PKCS#8 PEM')
    // And after a checkpoint folds the WAL into the main file.
    db.pragma('wal_checkpoint(TRUNCATE)')
    const main = readFileSync(dbFile)
    for (const { privateKey } of keys.values()) expect(findPrivateKey(main, privateKey)).toEqual([])
  })

  it('a deleted keychain entry is named, with no fallback, for keychain and both', async () => {
    for (const protection of ['keychain', 'both'] as const) {
      const { prepared } = keys.get(protection)!
      // Deleted outside PKI Desk, with the Secret Service's own tool.
      execFileSync('secret-tool', ['clear', 'service', KEYCHAIN_SERVICE, 'username', `key:${prepared.keyId}`])
      expect(await new AsyncEntry(KEYCHAIN_SERVICE, `key:${prepared.keyId}`, { linux: { store: 'secret-service' } }).getSecret()).toBeNull()
      const r = runChild({ db: dbFile, op: 'sign', keyId: prepared.keyId, data: '', passphrase: PASS })
      expect(r.ok).toBe(false)
      expect(r.error!.code).toBe('KEYCHAIN_ENTRY_MISSING')
      expect(r.error!.message).toMatch(/has no entry "key:.*restore that entry from a keychain backup/)
    }
  })

  it('a locked keyring fails closed with the fix (in a Secret Service of its own, so the shared one stays unlocked)', () => {
    // A second private session (scripts/with-secret-service.sh nests): its login collection is
    // locked over D-Bus, then a fresh process asks the vault for a keychain-protected key.
    const lockedDb = join(dir, 'locked.sqlite')
    openDatabase(lockedDb).close()
    const lock = 'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null'
    const r = spawnSync('sh', [join(root, 'scripts', 'with-secret-service.sh'), 'sh', '-c', `${lock} && exec "$0" "$1" "$2"`, tsx, child, JSON.stringify({ db: lockedDb, op: 'create', protection: 'keychain' })], {
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(r.status, r.stderr).toBe(0)
    const created = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult
    expect(created.ok).toBe(false)
    expect(created.error!.code).toBe('KEYCHAIN_UNAVAILABLE')
    expect(created.error!.message).toMatch(/^the Secret Service keyring is locked .*: unlock your login keyring .* or choose passphrase protection$/)
  })

  it('the shared keyring is still usable after the locked case', async () => {
    expect((await createNapiKeychain().status()).available).toBe(true)
  })
})

// The vault and audit services through the IPC handler table (schema-validated dispatch),
// over createServices with an in-memory keychain: what the renderer and the CLI see.
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { openStoreFile, type StoreFile } from '../store-file'
import { appendAudit } from '../../../src/main/store/audit-log'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { DataDomain } from '../../../src/shared/ipc/events'
import { PASS, TEST_SCRYPT } from '../../unit/vault/helpers'

let dir: string
let services: Services
let file: StoreFile | null = null
let baseline = 0
afterEach(() => {
  file?.close()
  file = null
  services?.close()
  rmSync(dir, { recursive: true, force: true })
})

function setup(clock?: { t: number }) {
  dir = mkdtempSync(join(tmpdir(), 'pkidesk-vault-svc-'))
  const changed: DataDomain[] = []
  const keychain = createMemoryKeychain()
  services = createServices({
    dataDir: dir,
    keychain,
    scrypt: TEST_SCRYPT,
    emit: (name, payload) => {
      if (name === 'changed') changed.push((payload as { domain: DataDomain }).domain)
    },
    ...(clock ? { now: () => new Date(clock.t) } : {})
  })
  // createServices may write entries of its own (starter profiles): look only past them.
  file = openStoreFile(dir)
  baseline = (file.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log').get() as { n: number }).n
  const handlers = createHandlers(services)
  const call = async <T = Record<string, unknown>>(channel: string, req: unknown = {}): Promise<T> => {
    const r = await dispatch(handlers, channel, req)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.value as T
  }
  const callRaw = (channel: string, req: unknown = {}) => dispatch(handlers, channel, req)
  return { keychain, changed, call, callRaw }
}

async function createCaKey(protection: 'keychain' | 'passphrase' | 'both') {
  const keys = services.vault
  const p = await keys.prepareKey({ spec: 'ec-p256', purpose: 'ca', protection, ...(protection === 'keychain' ? {} : { passphrase: PASS }) })
  if (!p.ok) throw new Error(p.error.message)
  file!.store.write((tx) => {
    keys.saveKey(tx, p.value)
    appendAudit(tx, { action: 'ca.create', subject: p.value.keyId })
  })
  return p.value
}

const actions = () => (file!.db.prepare('SELECT action, subject, details FROM audit_log WHERE seq > ? ORDER BY seq').all(baseline) as { action: string; subject: string; details: string }[])

describe('vault:* channels', () => {
  it('status, lock, unlock with a passphrase, lockAll — each unlock, failed unlock and lock audited', async () => {
    const { call, callRaw, changed } = setup()
    const key = await createCaKey('passphrase')
    const status = await call<{ keys: { keyId: string; unlocked: boolean; locksAt: string | null }[]; autoLockMinutes: number }>('vault:status')
    expect(status.autoLockMinutes).toBe(15)
    expect(status.keys).toEqual([expect.objectContaining({ keyId: key.keyId, unlocked: true, protection: 'passphrase', spec: 'ec-p256', purpose: 'ca' })])
    expect(await call('vault:lock', { keyId: key.keyId })).toMatchObject({ unlocked: false, locksAt: null })
    const wrong = await callRaw('vault:unlock', { keyId: key.keyId, passphrase: 'not it at all' })
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'passphrase' })
    // Shown beside the field of the CA or certificate being unlocked: no internal key id.
    expect(!wrong.ok && wrong.error.message).not.toContain(key.keyId)
    const missing = await callRaw('vault:unlock', { keyId: 'nope' })
    expect(!missing.ok && missing.error.code).toBe('KEY_NOT_FOUND')
    expect(await call('vault:unlock', { keyId: key.keyId, passphrase: PASS })).toMatchObject({ unlocked: true, locksAt: expect.any(String) })
    expect(await call('vault:lockAll')).toEqual({ locked: 1 })
    expect(actions().map((a) => [a.action, a.details])).toEqual([
      ['ca.create', '{}'],
      ['vault.lock', '{"reason":"explicit"}'],
      // The failed attempt is on the trail too.
      ['vault.unlock-failed', '{"code":"PASSPHRASE_WRONG"}'],
      ['vault.unlock', '{}'],
      ['vault.lock', '{"reason":"explicit"}']
    ])
    expect(changed).toContain('vault')
    expect((await call<{ intact: boolean }>('audit:verify')).intact).toBe(true)
  })

  it('keychainStatus reports the fix when the keychain is down, and unlock fails closed', async () => {
    const { call, callRaw, keychain } = setup()
    const key = await createCaKey('keychain')
    services.vault.lock(key.keyId)
    keychain.setAvailable(false)
    expect(await call('vault:keychainStatus')).toEqual({ available: false, backend: 'memory', message: 'no Secret Service is running: start gnome-keyring or choose passphrase protection' })
    const r = await callRaw('vault:unlock', { keyId: key.keyId })
    expect(!r.ok && r.error.code).toBe('KEYCHAIN_UNAVAILABLE')
    expect(services.vault.isUnlocked(key.keyId)).toBe(false)
  })

  it('follows autoLockMinutes from settings, and onSystemLock locks everything', async () => {
    const clock = { t: Date.parse('2030-01-01T00:00:00Z') }
    setup(clock)
    services.settings.update({ autoLockMinutes: 5 })
    const a = await createCaKey('keychain')
    const b = await createCaKey('both')
    clock.t += 4 * 60_000
    expect(services.vault.isUnlocked(a.keyId)).toBe(true)
    clock.t += 60_000
    expect(services.vault.isUnlocked(a.keyId)).toBe(false)
    await services.vault.unlock(a.keyId)
    await services.vault.unlock(b.keyId, PASS)
    services.onSystemLock?.()
    expect(services.vault.status().keys.every((k) => !k.unlocked)).toBe(true)
    expect(actions().filter((x) => x.action === 'vault.lock').map((x) => JSON.parse(x.details).reason)).toEqual(['idle', 'idle', 'system', 'system'])
  })
})

describe('key export and delete are audited', () => {
  it('exports encrypted PKCS#8 (≥ 12 characters) and records it; a refused export records nothing', async () => {
    setup()
    const key = await createCaKey('keychain')
    const short = await services.vault.exportKey(key.keyId, 'too short', 'modern')
    expect(!short.ok && short.error.code).toBe('PASSPHRASE_TOO_SHORT')
    expect(actions().some((a) => a.action === 'vault.export')).toBe(false)
    const r = await services.vault.exportKey(key.keyId, 'export passphrase', 'modern', 'escrow')
    if (!r.ok) throw new Error(r.error.message)
    // OpenSSL-compatible: node:crypto (OpenSSL underneath) opens it with the passphrase.
    const opened = createPrivateKey({ key: Buffer.from(r.value), format: 'der', type: 'pkcs8', passphrase: 'export passphrase' })
    expect(Buffer.from(createPublicKey(opened).export({ type: 'spki', format: 'der' })).equals(Buffer.from(key.spki))).toBe(true)
    const last = actions().at(-1)!
    expect(last).toMatchObject({ action: 'vault.export', subject: `key:${key.keyId}` })
    expect(JSON.parse(last.details)).toEqual({ preset: 'modern', reason: 'escrow', spkiSha256: key.spkiSha256 })
  })

  it('deletes an end-entity key with its keychain entry and audits it; a CA key in use is refused', async () => {
    const { keychain, call } = setup()
    const keys = services.vault
    const p = await keys.prepareKey({ spec: 'ed25519', purpose: 'end-entity', protection: 'keychain' })
    if (!p.ok) throw new Error(p.error.message)
    file!.store.write((tx) => keys.saveKey(tx, p.value))
    expect(keychain.entries.size).toBe(1)
    expect(await call('vault:deleteKey', { keyId: p.value.keyId })).toEqual({ keyId: p.value.keyId, deleted: true })
    expect(keys.key(p.value.keyId)).toBeNull()
    expect(keychain.entries.size).toBe(0)
    expect(actions().map((a) => a.action)).toEqual(['vault.lock', 'vault.delete'])
    expect(JSON.parse(actions().at(-1)!.details)).toMatchObject({ purpose: 'end-entity', spec: 'ed25519' })

    const ca = await createCaKey('keychain')
    file!.db
      .prepare("INSERT INTO authorities (id, name, key_id, state, subject, created_at) VALUES ('a1', 'Root', ?, 'pending-certificate', 'CN=Root', '2030-01-01')")
      .run(ca.keyId)
    const before = actions().length
    const refused = await services.vault.deleteKey(ca.keyId)
    expect(!refused.ok && refused.error.code).toBe('IN_USE')
    expect(actions().length).toBe(before)
    expect(keys.key(ca.keyId)).not.toBeNull()
    expect(keychain.entries.size).toBe(1)
  })
})

describe('audit:* channels', () => {
  it('list pages newest first; export returns JSON Lines; verify names a tampered row', async () => {
    const { call } = setup()
    for (let i = 0; i < 5; i++) file!.store.write((tx) => appendAudit(tx, { action: 'profile.create', subject: `svc-test-${i}` }))
    const b = baseline
    const page = await call<{ total: number; entries: { seq: number }[] }>('audit:list', { limit: 2, offset: 1 })
    expect(page.total).toBe(b + 5)
    expect(page.entries.map((e) => e.seq)).toEqual([b + 4, b + 3])
    const filtered = await call<{ total: number; entries: { subject: string }[] }>('audit:list', { subject: 'svc-test-3' })
    expect(filtered.entries.map((e) => e.subject)).toEqual(['svc-test-3'])
    const exp = await call<{ jsonl: string; entries: number }>('audit:export')
    expect(exp.entries).toBe(b + 5)
    expect(exp.jsonl.trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual(Array.from({ length: b + 5 }, (_, i) => i + 1))
    file!.db.exec('DROP TRIGGER audit_log_no_update')
    file!.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?").run(b + 2)
    expect(await call('audit:verify')).toMatchObject({
      intact: false,
      brokenAt: b + 2,
      message: `Audit trail broken at entry ${b + 2}: entry ${b + 2} was altered after it was written.`
    })
  })
})

describe('the service over a real store with the keychain down', () => {
  let dir: string
  let services: Services
  let file: StoreFile
  const keychain = createMemoryKeychain()

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-svc-'))
    services = createServices({ dataDir: join(dir, 'store'), keychain, scrypt: { N: 2 ** 14, r: 8, p: 1 } })
    file = openStoreFile(join(dir, 'store'))
  })
  afterAll(() => {
    file?.close()
    services?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  describe('an existing keychain key when the keychain is down', () => {
    it('says to start the Secret Service and unlock the keyring, not to choose passphrase protection', async () => {
      const ca = await services.authorities.create({
        name: 'Keychain Root',
        parentId: null,
        subject: [[{ type: 'CN', value: 'Keychain Root' }]],
        keySpec: 'ec-p256',
        protection: 'keychain',
        validityDays: 365,
        pathLength: null,
        nameConstraints: null,
        signature: { hash: 'SHA-256', rsaPss: false },
        crlDistributionPoints: [],
        ocspUrls: [],
        caIssuersUrls: []
      })
      expect(ca.ok, JSON.stringify(ca)).toBe(true)
      if (!ca.ok) return
      services.vault.lockAll()
      keychain.setAvailable(false)
      try {
        const r = await services.authorities.unlock(ca.value.id)
        expect(r.ok).toBe(false)
        if (r.ok) return
        expect(r.error.code).toBe('KEYCHAIN_UNAVAILABLE')
        expect(r.error.message).not.toMatch(/choose passphrase protection/)
        expect(r.error.message).toMatch(/this key is kept in the keychain .*start the Secret Service \(gnome-keyring\) and unlock your login keyring/)
      } finally {
        keychain.setAvailable(true)
      }
    })
  })
})

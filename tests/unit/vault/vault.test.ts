import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPublicKey, generateKeyPairSync, verify, createPrivateKey } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryKeychain, createVault, type VaultInternals } from '../../../src/main/vault'
import { keySpec, type KeyProtection } from '../../../src/shared/domain/keys'
import { decryptPrivateKeyInfo } from '../../../src/main/engine/pkcs12'
import { PASS, TEST_SCRYPT, tempDb, type TempDb } from './helpers'
import { findPrivateKey, opensslVerify } from './key-search'

let t: TempDb
afterEach(() => t?.cleanup())

function setup(opts: { now?: () => Date; idle?: number } = {}) {
  t = tempDb()
  const keychain = createMemoryKeychain()
  const events: string[] = []
  const vault = createVault({
    store: t.store,
    keychain,
    scrypt: TEST_SCRYPT,
    idleLockMinutes: opts.idle ?? 15,
    ...(opts.now ? { now: opts.now } : {}),
    onEvent: (e) => events.push(e.type === 'locked' ? `locked:${e.reason}` : 'unlocked')
  })
  return { vault, keychain, events }
}

async function create(vault: VaultInternals, protection: KeyProtection, spec: (typeof keySpec.options)[number] = 'ec-p256') {
  const prepared = await vault.prepareKey({ spec, purpose: 'ca', protection, ...(protection === 'keychain' ? {} : { passphrase: PASS }) })
  if (!prepared.ok) throw new Error(prepared.error.message)
  t.store.write((tx) => vault.saveKey(tx, prepared.value))
  return prepared.value
}

async function signAndVerify(vault: VaultInternals, keyId: string, spki: Uint8Array) {
  const s = vault.signer(keyId)
  if (!s.ok) throw new Error(s.error.message)
  const data = Buffer.from('tbs bytes')
  const sig = await s.value.sign(data, { hash: 'SHA-256' })
  const pub = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })
  const alg = pub.asymmetricKeyType === 'ed25519' || pub.asymmetricKeyType === 'ed448' ? null : 'sha256'
  // Two independent checks: node:crypto and the OpenSSL command line.
  return verify(alg, data, { key: pub, dsaEncoding: 'der' }, sig) && opensslVerify(spki, data, sig)
}

describe('vault key generation', () => {
  it.each(keySpec.options.filter((s) => s !== 'rsa-8192'))('generates, seals and signs with %s', async (spec) => {
    const { vault } = setup()
    const key = await create(vault, 'keychain', spec)
    expect(key.spec).toBe(spec)
    expect(vault.get(key.keyId)?.spkiSha256).toBe(key.spkiSha256)
    expect(await signAndVerify(vault, key.keyId, key.spki)).toBe(true)
  })

  it('generates rsa-8192 (the slowest spec) once', async () => {
    const { vault } = setup()
    const key = await create(vault, 'passphrase', 'rsa-8192')
    expect(createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength).toBe(8192)
  })

  it('signs RSASSA-PSS (salt = hash length) when asked; OpenSSL verifies with PSS', async () => {
    const { vault } = setup()
    const key = await create(vault, 'keychain', 'rsa-2048')
    const s = vault.signer(key.keyId)
    if (!s.ok) throw new Error(s.error.message)
    const data = Buffer.from('pss tbs')
    const sig = await s.value.sign(data, { hash: 'SHA-384', rsaPss: true })
    const pub = createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' })
    expect(verify('sha384', data, { key: pub, padding: 6, saltLength: 48 }, sig)).toBe(true)
    expect(verify('sha384', data, { key: pub, padding: 1 }, sig)).toBe(false) // not PKCS#1 v1.5
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-pss-'))
    try {
      writeFileSync(join(dir, 'pub.pem'), pub.export({ type: 'spki', format: 'pem' }))
      writeFileSync(join(dir, 'data'), data)
      writeFileSync(join(dir, 'sig'), sig)
      const out = execFileSync('openssl', ['dgst', '-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'data')], { encoding: 'utf8' })
      expect(out).toMatch(/Verified OK/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the database file holds no private key in any decodable form (RSA, EC, EdDSA; every protection)', async () => {
    const { vault } = setup()
    const made: { keyId: string; spki: Uint8Array }[] = []
    for (const [spec, protection] of [['rsa-2048', 'keychain'], ['ec-p521', 'passphrase'], ['ed448', 'both'], ['ed25519', 'keychain']] as const)
      made.push(await create(vault, protection, spec))
    const bytes = Buffer.concat([t.file, `${t.file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)))
    for (const k of made) {
      const exp = await vault.exportEncryptedPkcs8(k.keyId, 'export passphrase', 'modern')
      if (!exp.ok) throw new Error(exp.error.message)
      const priv = createPrivateKey({ key: Buffer.from(exp.value), format: 'der', type: 'pkcs8', passphrase: 'export passphrase' })
      expect(findPrivateKey(bytes, priv)).toEqual([])
      expect(bytes.includes(Buffer.from(k.spki))).toBe(true)
      expect(findPrivateKey(Buffer.concat([bytes, priv.export({ type: 'pkcs8', format: 'der' })]), priv)).toContain('PKCS#8 DER')
    }
  })

  it('refuses a passphrase shorter than 12 characters', async () => {
    const { vault } = setup()
    const r = await vault.prepareKey({ spec: 'ec-p256', purpose: 'ca', protection: 'passphrase', passphrase: 'short' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'PASSPHRASE_TOO_SHORT', field: 'passphrase' })
  })

  it('fails closed when the keychain is unavailable, for keychain and both', async () => {
    const { vault, keychain } = setup()
    keychain.setAvailable(false)
    for (const protection of ['keychain', 'both'] as const) {
      const r = await vault.prepareKey({ spec: 'ec-p256', purpose: 'ca', protection, passphrase: PASS })
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('KEYCHAIN_UNAVAILABLE')
        expect(r.error.message).toMatch(/choose passphrase protection/)
      }
    }
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM vault_keys').get()).toEqual({ n: 0 })
  })
})

describe('lock and unlock', () => {
  it.each(['keychain', 'passphrase', 'both'] as const)('a %s key is locked in a new vault and unlocks with its secrets', async (protection) => {
    const { vault, keychain } = setup()
    const key = await create(vault, protection)
    expect(vault.isUnlocked(key.keyId)).toBe(true)
    // A second vault over the same store: keys start locked.
    const again = createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT })
    expect(again.isUnlocked(key.keyId)).toBe(false)
    const locked = again.signer(key.keyId)
    expect(locked.ok).toBe(false)
    if (!locked.ok) expect(locked.error.code).toBe('VAULT_LOCKED')
    if (protection !== 'keychain') {
      const missing = await again.unlock(key.keyId, {})
      expect(!missing.ok && missing.error.code).toBe('PASSPHRASE_REQUIRED')
      const wrong = await again.unlock(key.keyId, { passphrase: 'not the passphrase' })
      expect(!wrong.ok && wrong.error.code).toBe('PASSPHRASE_WRONG')
    }
    const r = await again.unlock(key.keyId, protection === 'keychain' ? {} : { passphrase: PASS })
    expect(r).toEqual({ ok: true, value: undefined })
    expect(await signAndVerify(again, key.keyId, key.spki)).toBe(true)
  })

  it('a keychain key whose entry was deleted does not unlock, and says how to fix it', async () => {
    const { vault, keychain } = setup()
    const key = await create(vault, 'both')
    vault.lock(key.keyId)
    for (const k of [...keychain.entries.keys()]) (keychain.entries as Map<string, Uint8Array>).delete(k)
    expect(keychain.entries.size).toBe(0)
    const r = await vault.unlock(key.keyId, { passphrase: PASS })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('KEYCHAIN_ENTRY_MISSING')
      expect(r.error.message).toMatch(/restore that entry/)
    }
  })

  it('locks after the idle timeout, on lock() and on lockAll(), and a held Signer stops working', async () => {
    let clock = new Date('2030-01-01T00:00:00Z').getTime()
    const { vault, events } = setup({ now: () => new Date(clock), idle: 15 })
    const a = await create(vault, 'passphrase')
    const b = await create(vault, 'passphrase')
    const signer = vault.signer(a.keyId)
    if (!signer.ok) throw new Error('locked')
    clock += 14 * 60_000
    await signer.value.sign(Buffer.from('x'), { hash: 'SHA-256' }) // use refreshes the idle timer
    clock += 14 * 60_000
    expect(vault.isUnlocked(a.keyId)).toBe(true)
    expect(vault.isUnlocked(b.keyId)).toBe(false) // 28 minutes unused
    clock += 60_000
    expect(vault.isUnlocked(a.keyId)).toBe(false)
    await expect(signer.value.sign(Buffer.from('x'), { hash: 'SHA-256' })).rejects.toThrow(/VAULT_LOCKED/)
    await vault.unlock(a.keyId, { passphrase: PASS })
    await vault.unlock(b.keyId, { passphrase: PASS })
    vault.lock(a.keyId)
    expect(vault.isUnlocked(a.keyId)).toBe(false)
    vault.lockAll()
    expect(vault.isUnlocked(b.keyId)).toBe(false)
    expect(events).toEqual(['locked:idle', 'locked:idle', 'unlocked', 'unlocked', 'locked:explicit', 'locked:system'])
  })

  it('locks by itself when the idle time passes with no use at all (timer, not only on access)', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') })
    try {
      const { vault, events } = setup({ idle: 1 })
      await create(vault, 'keychain')
      await vi.advanceTimersByTimeAsync(59_000)
      expect(events).toEqual([])
      await vi.advanceTimersByTimeAsync(2_000)
      expect(events).toEqual(['locked:idle'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses an envelope moved to another row (ciphertext is bound to its key id)', async () => {
    const { vault, keychain } = setup()
    const a = await create(vault, 'passphrase')
    const b = await create(vault, 'passphrase')
    const envA = (t.db.prepare('SELECT envelope FROM vault_keys WHERE id = ?').get(a.keyId) as { envelope: string }).envelope
    const moved = JSON.stringify({ ...JSON.parse(envA), keyId: b.keyId })
    t.db.prepare('UPDATE vault_keys SET envelope = ? WHERE id = ?').run(moved, b.keyId)
    const fresh = createVault({ store: t.store, keychain })
    const r = await fresh.unlock(b.keyId, { passphrase: PASS })
    expect(r.ok).toBe(false)
  })

  it('refuses a row relabelled to a weaker protection', async () => {
    const { vault, keychain } = setup()
    const a = await create(vault, 'both')
    t.db.prepare("UPDATE vault_keys SET protection = 'passphrase' WHERE id = ?").run(a.keyId)
    const fresh = createVault({ store: t.store, keychain })
    const r = await fresh.unlock(a.keyId, { passphrase: PASS })
    expect(!r.ok && r.error.code).toBe('VAULT_ENVELOPE_INVALID')
  })
})

describe('checkSecrets (the passphrase asked again before a CA key leaves the vault)', () => {
  it.each(['passphrase', 'both'] as const)('a %s key: the right passphrase passes, a wrong or missing one fails, even while it is unlocked; a locked key stays locked', async (protection) => {
    const { vault, events } = setup()
    const key = await create(vault, protection)
    expect(vault.isUnlocked(key.keyId)).toBe(true)
    const wrong = await vault.checkSecrets(key.keyId, { passphrase: 'not the passphrase' })
    expect(!wrong.ok && wrong.error.code).toBe('PASSPHRASE_WRONG')
    expect(!(await vault.checkSecrets(key.keyId, {})).ok).toBe(true)
    expect(vault.isUnlocked(key.keyId)).toBe(true) // a failed re-check does not lock it either
    expect(await vault.checkSecrets(key.keyId, { passphrase: PASS })).toEqual({ ok: true, value: { custodians: [] } })
    vault.lock(key.keyId)
    expect((await vault.checkSecrets(key.keyId, { passphrase: PASS })).ok).toBe(true)
    expect(vault.isUnlocked(key.keyId)).toBe(false)
    expect(events).toEqual(['locked:explicit']) // neither an unlock nor a lock was told
  })

  it('a keychain key passes with no secret while its keychain entry opens it, and fails once the entry is replaced', async () => {
    const { vault, keychain } = setup()
    const key = await create(vault, 'keychain')
    expect((await vault.checkSecrets(key.keyId, {})).ok).toBe(true)
    const [account] = [...keychain.entries.keys()]
    ;(keychain.entries as Map<string, Uint8Array>).set(account!, new Uint8Array(32).fill(7))
    const r = await vault.checkSecrets(key.keyId, {})
    expect(!r.ok && r.error.code).toBe('KEYCHAIN_ENTRY_MISMATCH')
  })
})

describe('the envelope binds the key purpose', () => {
  const envelopeOf = (keyId: string): { v: number } & Record<string, unknown> =>
    JSON.parse((t.db.prepare('SELECT envelope FROM vault_keys WHERE id = ?').get(keyId) as { envelope: string }).envelope) as { v: number }

  it.each([
    ['ca', 'end-entity'],
    ['end-entity', 'ca']
  ] as const)('a %s key whose row is relabelled %s does not open', async (purpose, relabelled) => {
    const { vault, keychain } = setup()
    const prepared = await vault.prepareKey({ spec: 'ec-p256', purpose, protection: 'passphrase', passphrase: PASS })
    if (!prepared.ok) throw new Error(prepared.error.message)
    t.store.write((tx) => vault.saveKey(tx, prepared.value))
    expect(envelopeOf(prepared.value.keyId).v).toBe(2)
    t.db.prepare('UPDATE vault_keys SET purpose = ? WHERE id = ?').run(relabelled, prepared.value.keyId)
    const r = await createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT }).unlock(prepared.value.keyId, { passphrase: PASS })
    expect(!r.ok && r.error).toMatchObject({ code: 'VAULT_ENVELOPE_INVALID' })
    // Put back, it opens: the purpose (not the passphrase) was what failed.
    t.db.prepare('UPDATE vault_keys SET purpose = ? WHERE id = ?').run(purpose, prepared.value.keyId)
    expect((await createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT }).unlock(prepared.value.keyId, { passphrase: PASS })).ok).toBe(true)
  })

  it('a version 2 envelope relabelled version 1 does not open (no downgrade to the unbound AADs)', async () => {
    const { vault, keychain } = setup()
    const key = await create(vault, 'keychain')
    t.db.prepare('UPDATE vault_keys SET envelope = ? WHERE id = ?').run(JSON.stringify({ ...envelopeOf(key.keyId), v: 1 }), key.keyId)
    const r = await createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT }).unlock(key.keyId, {})
    expect(r.ok).toBe(false)
  })

  describe('envelopes written before the purpose was bound (frozen fixture)', () => {
    interface FixtureRow {
      id: string
      purpose: 'ca' | 'end-entity'
      algorithm: string
      spki: string
      spki_sha256: string
      protection: string
      envelope: string
      created_at: string
    }
    const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/vault/legacy-envelopes-v1.json'), 'utf8')) as { rows: FixtureRow[] }
    const insert = (row: FixtureRow, purpose = row.purpose): void => {
      t.db
        .prepare('INSERT INTO vault_keys (id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.id, purpose, row.algorithm, Buffer.from(row.spki, 'base64'), row.spki_sha256, row.protection, row.envelope, row.created_at)
    }

    it.each(fixture.rows.map((r) => [r.purpose, r] as const))('a version 1 %s key opens and signs, is re-sealed as version 2 on that open, and the upgraded row binds its purpose', async (_purpose, row) => {
      expect((JSON.parse(row.envelope) as { v: number }).v).toBe(1)
      const { vault, keychain } = setup()
      insert(row)
      const wrong = await vault.unlock(row.id, { passphrase: 'not the passphrase' })
      expect(!wrong.ok && wrong.error.code).toBe('PASSPHRASE_WRONG')
      expect(envelopeOf(row.id).v).toBe(1) // a failed open changes nothing
      expect(await vault.unlock(row.id, { passphrase: PASS })).toEqual({ ok: true, value: undefined })
      expect(await signAndVerify(vault, row.id, Buffer.from(row.spki, 'base64'))).toBe(true)
      const upgraded = envelopeOf(row.id)
      expect(upgraded.v).toBe(2)
      // Same KEK: the same passphrase (and scrypt salt) opens the upgraded envelope in a fresh vault.
      expect((upgraded.kek as { scrypt: unknown }).scrypt).toEqual((JSON.parse(row.envelope) as { kek: { scrypt: unknown } }).kek.scrypt)
      const fresh = createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT })
      expect((await fresh.unlock(row.id, { passphrase: PASS })).ok).toBe(true)
      expect(await signAndVerify(fresh, row.id, Buffer.from(row.spki, 'base64'))).toBe(true)
      t.db.prepare('UPDATE vault_keys SET purpose = ? WHERE id = ?').run(row.purpose === 'ca' ? 'end-entity' : 'ca', row.id)
      const moved = await createVault({ store: t.store, keychain, scrypt: TEST_SCRYPT }).unlock(row.id, { passphrase: PASS })
      expect(!moved.ok && moved.error.code).toBe('VAULT_ENVELOPE_INVALID')
    })

    it('a version 1 envelope still refuses another row (its AAD always named the key id)', async () => {
      const { vault } = setup()
      const [a, b] = fixture.rows as [FixtureRow, FixtureRow]
      insert(b)
      insert({ ...a, id: 'moved-here', envelope: JSON.stringify({ ...(JSON.parse(a.envelope) as object), keyId: 'moved-here' }) })
      expect((await vault.unlock('moved-here', { passphrase: PASS })).ok).toBe(false)
    })
  })
})

describe('import, export, delete', () => {
  const pass = 'import file passphrase'
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const files: [string, Uint8Array, string | undefined][] = [
    ['PKCS#8 PEM', Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' })), undefined],
    ['PKCS#8 DER', privateKey.export({ type: 'pkcs8', format: 'der' }), undefined],
    ['encrypted PKCS#8 PEM', Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: pass })), pass],
    ['encrypted PKCS#8 DER', privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: pass }), pass],
    ['traditional EC PEM', Buffer.from(privateKey.export({ type: 'sec1', format: 'pem' })), undefined],
    ['traditional encrypted RSA PEM', Buffer.from(rsa.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: pass })), pass]
  ]

  it.each(files)('imports %s', async (_name, data, filePassphrase) => {
    const { vault } = setup()
    const r = await vault.prepareImport({ data, purpose: 'end-entity', protection: 'passphrase', passphrase: PASS, ...(filePassphrase ? { filePassphrase } : {}) })
    if (!r.ok) throw new Error(r.error.message)
    const expected = createPublicKey(createPrivateKey(filePassphrase ? { key: Buffer.from(data), passphrase: filePassphrase, format: Buffer.from(data).includes('-----') ? 'pem' : 'der', type: 'pkcs8' } : { key: Buffer.from(data), format: Buffer.from(data).includes('-----') ? 'pem' : 'der', type: 'pkcs8' }))
    expect(Buffer.from(r.value.spki).equals(expected.export({ type: 'spki', format: 'der' }))).toBe(true)
  })

  it('names the file passphrase when it is missing or wrong, and refuses a duplicate', async () => {
    const { vault } = setup()
    const enc = files[2]![1]
    const missing = await vault.prepareImport({ data: enc, purpose: 'ca', protection: 'passphrase', passphrase: PASS })
    expect(!missing.ok && missing.error).toMatchObject({ code: 'PASSPHRASE_REQUIRED', field: 'filePassphrase' })
    const wrong = await vault.prepareImport({ data: enc, filePassphrase: 'nope nope nope', purpose: 'ca', protection: 'passphrase', passphrase: PASS })
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'filePassphrase' })
    const first = await vault.prepareImport({ data: files[0]![1], purpose: 'ca', protection: 'passphrase', passphrase: PASS })
    if (!first.ok) throw new Error(first.error.message)
    t.store.write((tx) => vault.saveKey(tx, first.value))
    const dup = await vault.prepareImport({ data: files[1]![1], purpose: 'ca', protection: 'passphrase', passphrase: PASS })
    expect(!dup.ok && dup.error.code).toBe('KEY_EXISTS')
  })

  it('exports encrypted PKCS#8 only with a passphrase of at least 12 characters, and OpenSSL opens it', async () => {
    const { vault } = setup()
    const key = await create(vault, 'keychain', 'ed25519')
    const short = await vault.exportEncryptedPkcs8(key.keyId, 'elevenchars', 'modern')
    expect(!short.ok && short.error).toMatchObject({ code: 'PASSPHRASE_TOO_SHORT', field: 'exportPassphrase' })
    const exp = await vault.exportEncryptedPkcs8(key.keyId, 'twelve chars', 'modern')
    if (!exp.ok) throw new Error(exp.error.message)
    const opened = createPrivateKey({ key: Buffer.from(exp.value), format: 'der', type: 'pkcs8', passphrase: 'twelve chars' })
    expect(Buffer.from(createPublicKey(opened).export({ type: 'spki', format: 'der' })).equals(Buffer.from(key.spki))).toBe(true)
    const dec = await decryptPrivateKeyInfo(exp.value, 'twelve chars')
    expect(dec.ok).toBe(true)
    vault.lock(key.keyId)
    const locked = await vault.exportEncryptedPkcs8(key.keyId, 'twelve chars', 'modern')
    expect(!locked.ok && locked.error.code).toBe('VAULT_LOCKED')
  })

  it.each(['modern', 'legacy'] as const)('a %s export opens with the OpenSSL command line', async (preset) => {
    const { vault } = setup()
    const key = await create(vault, 'passphrase', 'ec-p384')
    const exp = await vault.exportEncryptedPkcs8(key.keyId, 'export passphrase', preset)
    if (!exp.ok) throw new Error(exp.error.message)
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-p8-'))
    try {
      writeFileSync(join(dir, 'k.p8'), exp.value)
      const pem = execFileSync('openssl', ['pkey', '-inform', 'DER', '-in', join(dir, 'k.p8'), '-passin', 'pass:export passphrase', '-pubout'], { encoding: 'utf8' })
      expect(Buffer.from(createPublicKey(pem).export({ type: 'spki', format: 'der' })).equals(Buffer.from(key.spki))).toBe(true)
      expect(() => execFileSync('openssl', ['pkey', '-inform', 'DER', '-in', join(dir, 'k.p8'), '-passin', 'pass:wrong passphrase', '-pubout'], { stdio: 'ignore' })).toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('deletes a key and its keychain entry; discardKey removes the entry of an unsaved key', async () => {
    const { vault, keychain } = setup()
    const key = await create(vault, 'keychain')
    expect(keychain.entries.size).toBe(1)
    const r = await vault.deleteKey(key.keyId)
    expect(r.ok).toBe(true)
    expect(vault.get(key.keyId)).toBeNull()
    expect(vault.isUnlocked(key.keyId)).toBe(false)
    expect(keychain.entries.size).toBe(0)
    const prepared = await vault.prepareKey({ spec: 'ec-p256', purpose: 'end-entity', protection: 'keychain' })
    if (!prepared.ok) throw new Error(prepared.error.message)
    expect(keychain.entries.size).toBe(1)
    await vault.discardKey(prepared.value)
    expect(keychain.entries.size).toBe(0)
  })

  it('keeps the keychain entry when the transaction that deleted the row rolls back', async () => {
    const { vault, keychain } = setup()
    const key = await create(vault, 'keychain')
    let pending: Promise<unknown> | null = null
    expect(() =>
      t.store.write(() => {
        pending = vault.deleteKey(key.keyId)
        throw new Error('rollback')
      })
    ).toThrow('rollback')
    await pending
    expect(vault.get(key.keyId)).not.toBeNull()
    expect(keychain.entries.size).toBe(1)
    const fresh = createVault({ store: t.store, keychain })
    expect((await fresh.unlock(key.keyId, {})).ok).toBe(true)
  })
})

describe('PFX import (files made by OpenSSL)', () => {
  function opensslPfx(extra: string[]): { pfx: Buffer; spki: Buffer; cert: Buffer } {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-pfx-'))
    try {
      const key = join(dir, 'key.pem')
      const cert = join(dir, 'cert.pem')
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=pfx test', '-days', '1'], { stdio: 'ignore' })
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', join(dir, 'x.p12'), '-passout', 'pass:pfx password 1', ...extra], { stdio: 'ignore' })
      const spki = createPublicKey(readFileSync(key)).export({ type: 'spki', format: 'der' })
      const certDer = Buffer.from(readFileSync(cert, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')
      return { pfx: readFileSync(join(dir, 'x.p12')), spki, cert: certDer }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it.each([
    ['modern (PBES2/AES-256)', []],
    ['legacy (3DES, SHA-1 MAC)', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']]
  ])('imports a %s PFX: key sealed, certificate returned', async (_name, extra) => {
    const { vault } = setup()
    const made = opensslPfx(extra as string[])
    const r = await vault.preparePfxImport({ data: made.pfx, pfxPassword: 'pfx password 1', purpose: 'end-entity', protection: 'passphrase', passphrase: PASS })
    if (!r.ok) throw new Error(r.error.message)
    expect(Buffer.from(r.value.key!.spki).equals(made.spki)).toBe(true)
    expect(r.value.certificates.map((c) => Buffer.from(c).toString('hex'))).toEqual([made.cert.toString('hex')])
    t.store.write((tx) => vault.saveKey(tx, r.value.key!))
    expect(await signAndVerify(vault, r.value.key!.keyId, r.value.key!.spki)).toBe(true)
  })

  it('names a wrong PFX password', async () => {
    const { vault } = setup()
    const made = opensslPfx([])
    const r = await vault.preparePfxImport({ data: made.pfx, pfxPassword: 'wrong password', purpose: 'end-entity', protection: 'passphrase', passphrase: PASS })
    expect(!r.ok && r.error).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'pfxPassword' })
  })
})

describe('scrypt costs', () => {
  it('refuses costs the envelope reader would refuse, so no key is sealed that could never be opened', () => {
    t = tempDb()
    expect(() => createVault({ store: t.store, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 12, r: 8, p: 1 } })).toThrow(/N 2\^14–2\^22/)
    expect(() => createVault({ store: t.store, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })).not.toThrow()
  })
})

// The vault: keys generated or imported here are sealed (envelope.ts) before they reach the
// store, unlocked into KeyObjects held only in this process's memory, and used only through
// a Signer. Keys start locked; an unlocked key locks itself after `idleLockMinutes` without
// use, on lock()/lockAll(), and never falls back to a weaker protection than its row names.
// A key on a PKCS#11 token (protection 'pkcs11', pkcs11/token-store.ts) is the sibling: its
// row holds where the key is, unlocking logs the token in, locking logs it out, and the same
// idle and system locks apply; its private half never reaches this process.
// Sealing and the key-encryption keys live in key-encryption.ts; this file keeps the key
// sessions (what is unlocked, for how long) and the operations over them.
import { createHash, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { AppFailure, fail, ok, type AppError, type Result } from '../../shared/errors'
import { keySpec, type KeyProtection } from '../../shared/domain/keys'
import type { Store, WriteTx } from '../store/database'
import { detachKeyFromCertificates } from '../store/certificates-repo'
import {
  deleteVaultKey,
  findVaultKeyBySpkiSha256,
  getVaultKey,
  insertVaultKey,
  listVaultKeys,
  updateVaultKeyEnvelope,
  vaultKeyReferences,
  type VaultKeyRow
} from '../store/vault-keys-repo'
import { DEFAULT_SCRYPT, open, parseEnvelope, scryptCost, seal as sealBytes, sealEnvelope, type Sealed, type ScryptParams } from './envelope'
import { MAX_CUSTODIANS, custodianNames, splitKek, type CustodianInput } from './custodians'
import { KEYCHAIN_SERVICE, type KeychainBackend } from './keychain'
import { generatePrivateKey, parsePrivateKey, specOf, spkiOf } from './key-material'
import { signWithKeyObject, type Signer } from './signer'
import { exportEncryptedPrivateKey, importPfx, readKeyFile } from './pkcs12-bridge'
import type { KeyPurpose, KeyRef, KeySecrets, PfxExportPreset, PreparedKey, Vault, KeychainStatus } from './vault'
import { createKeyEncryption, toRef } from './key-encryption'
import { createTokenKeyStore, tokenKeyRefSchema, toAppError, type OpenTokenKey, type TokenKeyRef, type TokenKeyStore } from './pkcs11/token-store'

export const MIN_PASSPHRASE_LENGTH = 12

export type LockReason = 'explicit' | 'idle' | 'system' | 'shutdown' | 'deleted'

export type VaultEvent =
  | { readonly type: 'unlocked'; readonly keyId: string; readonly custodians?: readonly string[]; readonly token?: { readonly serial: string; readonly label: string; readonly ckaId: string } }
  | { readonly type: 'locked'; readonly keyId: string; readonly reason: LockReason }
  /** A passphrase or keychain entry did not open the key (an attempt an auditor wants to see). */
  | { readonly type: 'unlock-failed'; readonly keyId: string; readonly code: string }

export interface VaultOptions {
  readonly store: Store
  readonly keychain: KeychainBackend
  readonly now?: () => Date
  /** Minutes without use before an unlocked key locks itself; a function to follow settings. */
  readonly idleLockMinutes?: number | (() => number)
  /** scrypt cost for new passphrase-protected keys (existing keys keep their stored parameters). */
  readonly scrypt?: ScryptParams
  /** Told of every unlock, failed unlock and lock (the vault service audits them and notifies the renderer). */
  readonly onEvent?: (event: VaultEvent) => void
  /** Where token keys live (default: the PKCS#11 store over pkcs11js). */
  readonly tokens?: TokenKeyStore
}

export interface VaultInternals extends Vault {
  /** When an unlocked key will lock itself, or null when it is locked. */
  locksAt(keyId: string): Date | null
  /** Every key, or those of one purpose. */
  list(purpose?: 'ca' | 'end-entity'): KeyRef[]
  /** Unlocked key ids. */
  unlockedIds(): string[]
  /**
   * The synchronous half of deleteKey: removes the row (call it inside the transaction that
   * audits the deletion) and returns the step that removes the keychain entry after commit.
   */
  deleteKeyRow(tx: WriteTx, keyId: string): Result<() => Promise<Result<void>>>
  /** Locks every key; `reason` is what the audit entries say (default: 'system', the OS locked). */
  lockAll(reason?: LockReason): void
  /** The idle-lock minutes changed (settings update): read them again and reschedule. */
  idleLockChanged(): void
  /**
   * The key's PKCS#8 sealed (AES-256-GCM, `aad`) under a backup's key-wrap key. The key is
   * taken from memory when unlocked, else opened with `secrets` (a keychain-only key needs
   * none) without being unlocked.
   */
  sealForBackup(keyId: string, wrapKey: Uint8Array, aad: string, secrets: KeySecrets): Promise<Result<{ sealed: Sealed; custodians: string[] }>>
  /**
   * For a restore: opens a key sealed by sealForBackup (it must match `spkiSha256`, the
   * backed-up row's public key) and seals it under `protection` on this machine. `write`
   * replaces row `keyId`'s protection and envelope (call it in the restore's transaction,
   * once the row is there); `discard` removes the keychain entry made for it when that
   * transaction does not commit.
   */
  rewrapFromBackup(keyId: string, purpose: KeyPurpose, spkiSha256: string, sealed: Sealed, wrapKey: Uint8Array, aad: string, protection: KeyProtection, secrets: KeySecrets): Promise<Result<RowChange>>
  /** Whether a sealed backup key opens and matches `spkiSha256` (backup verify). */
  checkBackupKey(sealed: Sealed, wrapKey: Uint8Array, aad: string, spkiSha256: string): boolean
  /**
   * Moves key `keyId` to M-of-N custodian protection (or replaces its custodians): `present`
   * opens it under its current protection (for a custodian key: at least M current
   * custodians). `write` replaces the row (in the caller's transaction); `finish` removes the
   * replaced keychain entries after commit, `discard` the new ones if it did not commit.
   */
  setCustodians(keyId: string, threshold: number, custodians: readonly CustodianInput[], present: KeySecrets): Promise<Result<RowChange & { previous: string[]; present: string[] }>>
  /** The custodians of a custodian-protected key, or null. */
  custodiansOf(keyId: string): { threshold: number; names: string[] } | null
}

/** A row rewrite prepared by the vault: the keychain work is done, the row waits for the caller's transaction. */
export interface RowChange {
  write(tx: WriteTx): void
  finish(): Promise<void>
  discard(): Promise<void>
}

/** A key held for signing: decrypted in memory, or open on its token (never both). */
type Held = { readonly key: KeyObject; readonly token: null } | { readonly key: null; readonly token: OpenTokenKey }

interface Unlocked {
  readonly held: Held
  readonly ref: KeyRef
  lastUsed: number
  timer: NodeJS.Timeout | null
}

interface Pending {
  readonly held: Held
  readonly ref: KeyRef
  readonly keychainAccount: string | null
  readonly preparedAt: number
}

/** A prepared key neither saved nor discarded within this time is dropped from memory. */
const PENDING_TTL_MS = 30 * 60_000
/** A key's purpose in a sentence ("is a CA key", "is an end-entity key"). */
const PURPOSE_WORDS: Readonly<Record<KeyPurpose, string>> = { ca: 'a CA key', 'end-entity': 'an end-entity key' }

const lockedError = (keyId: string): AppError => ({
  code: 'VAULT_LOCKED',
  message: `Key ${keyId} is locked: unlock it with its keychain entry or passphrase and try again.`,
  field: 'keyId'
})


function checkPassphrase(protection: KeyProtection, passphrase: string | undefined): Result<void> {
  if (protection === 'keychain') return ok(undefined)
  if (passphrase === undefined || passphrase.length === 0)
    return fail('PASSPHRASE_REQUIRED', `${protection === 'both' ? 'keychain + passphrase' : 'passphrase'} protection needs a passphrase: enter one of at least ${MIN_PASSPHRASE_LENGTH} characters`, 'passphrase')
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
    return fail('PASSPHRASE_TOO_SHORT', `The passphrase has ${[...passphrase].length} characters: use at least ${MIN_PASSPHRASE_LENGTH}.`, 'passphrase')
  return ok(undefined)
}

/** A token key is never exported, backed up or re-wrapped: it cannot leave the token. */
function notExportable(keyId: string): Result<never> {
  return fail('PKCS11_KEY_NOT_EXPORTABLE', `Key ${keyId} is held on a PKCS#11 token and never leaves it: it cannot be exported or copied; back up the token with its vendor's tools.`, 'keyId')
}

/** The KeySpec of a public key (SPKI DER). */
function specOfSpki(spki: Uint8Array): Result<KeyRef['spec']> {
  try {
    return specOf(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }))
  } catch {
    return fail('CERTIFICATE_CORRUPT', 'The certificate\'s public key cannot be read.', 'certificate')
  }
}

export function createVault(options: VaultOptions): VaultInternals {
  const { store, keychain } = options
  const now = options.now ?? (() => new Date())
  const scryptParams = options.scrypt ?? DEFAULT_SCRYPT
  // A key sealed with costs the envelope reader refuses could never be opened again.
  if (!scryptCost.safeParse(scryptParams).success)
    throw new Error(`scrypt parameters ${JSON.stringify(scryptParams)} are outside what a key envelope may hold (N 2^14–2^22, r 1–32, p 1–16)`)
  // Cached: every signature checks it, and reading the settings each time cost a batch about
  // as much as the signature itself. idleLockChanged() (on a settings update) clears it.
  let idleCache: number | null = null
  const idleMs = (): number => {
    if (idleCache === null) {
      const m = typeof options.idleLockMinutes === 'function' ? options.idleLockMinutes() : (options.idleLockMinutes ?? 15)
      idleCache = Math.max(1, m) * 60_000
    }
    return idleCache
  }
  const tokens = options.tokens ?? createTokenKeyStore()
  // The key-encryption side: sealing under a fresh KEK, deriving it again from the keychain, a
  // passphrase or custodians, and opening a row's envelope (key-encryption.ts).
  const { accountFor, keychainUnavailableCheck, sealUnder, custodianKeychain, keychainAccountsOf, removeAccounts, openRow } = createKeyEncryption({ store, keychain, scrypt: scryptParams })
  const unlocked = new Map<string, Unlocked>()
  const pending = new Map<string, Pending>()
  const emit = (e: VaultEvent): void => {
    try {
      options.onEvent?.(e)
    } catch {
      // A listener's failure (e.g. the store closing at shutdown) must not keep a key unlocked.
    }
  }

  function lockInternal(keyId: string, reason: LockReason): boolean {
    const u = unlocked.get(keyId)
    if (!u) return false
    if (u.timer) clearTimeout(u.timer)
    unlocked.delete(keyId)
    // A token key: the token logs out when this was its last unlocked key.
    if (u.held.token) tokens.close(u.held.token)
    // A KeyObject cannot be wiped from JS; dropping the last reference lets OpenSSL free
    // (and clear) the key when it is collected.
    emit({ type: 'locked', keyId, reason })
    return true
  }

  function schedule(u: Unlocked): void {
    if (u.timer) clearTimeout(u.timer)
    const remaining = u.lastUsed + idleMs() - now().getTime()
    u.timer = setTimeout(() => {
      u.timer = null
      if (live(u.ref.keyId)) schedule(u)
    }, Math.max(1000, Math.min(remaining, 2 ** 31 - 1)))
    u.timer.unref()
  }

  /** The unlocked entry if it has not idled out (locking it if it has). */
  function live(keyId: string): Unlocked | null {
    const u = unlocked.get(keyId)
    if (!u) return null
    if (now().getTime() - u.lastUsed >= idleMs()) {
      lockInternal(keyId, 'idle')
      return null
    }
    return u
  }

  function hold(ref: KeyRef, held: Held): void {
    const existing = unlocked.get(ref.keyId)
    if (existing?.timer) clearTimeout(existing.timer)
    const u: Unlocked = { held, ref, lastUsed: now().getTime(), timer: null }
    unlocked.set(ref.keyId, u)
    schedule(u)
  }

  /** Seals a parsed key under a fresh KEK of the chosen protection. */
  async function seal(key: KeyObject, purpose: KeyPurpose, protection: KeyProtection, secrets: KeySecrets): Promise<Result<PreparedKey>> {
    for (const [id, p] of pending) if (now().getTime() - p.preparedAt > PENDING_TTL_MS) pending.delete(id)
    const pass = checkPassphrase(protection, secrets.passphrase)
    if (!pass.ok) return pass
    const spec = specOf(key)
    if (!spec.ok) return spec
    const keyId = randomUUID()
    const { spki, spkiSha256 } = spkiOf(key)
    if (store.read((tx) => findVaultKeyBySpkiSha256(tx, spkiSha256)) || [...pending.values()].some((p) => p.ref.spkiSha256 === spkiSha256))
      return fail('KEY_EXISTS', 'This private key is already in the vault: use the existing key instead of importing it again.', 'data')
    const sealed = await sealUnder(key, keyId, purpose, spkiSha256, protection, secrets, accountFor(keyId))
    if (!sealed.ok) return sealed
    const ref: KeyRef = { keyId, spec: spec.value, purpose, protection, spki, spkiSha256 }
    pending.set(keyId, { held: { key, token: null }, ref, keychainAccount: sealed.value.keychainAccount, preparedAt: now().getTime() })
    return ok({ ...ref, protection, envelope: JSON.stringify(sealed.value.envelope) })
  }

  /**
   * The key's KeyObject, from memory when it is unlocked, else opened with `secrets` without
   * unlocking it (nothing is held afterwards and no unlock event is told).
   */
  async function keyObjectFor(keyId: string, secrets: KeySecrets): Promise<Result<{ key: KeyObject; row: VaultKeyRow; custodians: string[] }>> {
    const row = store.read((tx) => getVaultKey(tx, keyId))
    if (!row) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')
    if (row.protection === 'pkcs11') return notExportable(keyId)
    const current = live(keyId)
    if (current?.held.key) return ok({ key: current.held.key, row, custodians: [] })
    const opened = await openRow(row, secrets)
    if (!opened.ok) return opened
    return ok({ key: opened.value.key, row, custodians: opened.value.custodians })
  }

  /** A token key's reference, from its row. */
  function tokenRefOf(row: VaultKeyRow): Result<TokenKeyRef> {
    let parsed: unknown
    try {
      parsed = JSON.parse(row.envelope)
    } catch {
      parsed = null
    }
    const ref = tokenKeyRefSchema.safeParse(parsed)
    return ref.success ? ok(ref.data) : fail('VAULT_ENVELOPE_INVALID', `Key ${row.id}'s token reference is damaged: restore the database from a backup.`)
  }

  /** A token key as a prepared vault key (its row holds the reference, not the key). */
  function prepareToken(open: OpenTokenKey, spec: KeyRef['spec'], purpose: KeyRef['purpose']): Result<PreparedKey> {
    const spkiSha256 = createHash('sha256').update(open.spki).digest('hex')
    if (store.read((tx) => findVaultKeyBySpkiSha256(tx, spkiSha256)) || [...pending.values()].some((p) => p.ref.spkiSha256 === spkiSha256)) {
      tokens.close(open)
      return fail('KEY_EXISTS', 'This token key is already a key of this store: use the CA that holds it.', 'keyLabel')
    }
    const keyId = randomUUID()
    const ref: KeyRef = { keyId, spec, purpose, protection: 'pkcs11', spki: open.spki, spkiSha256 }
    pending.set(keyId, { held: { key: null, token: open }, ref, keychainAccount: null, preparedAt: now().getTime() })
    return ok({ ...ref, protection: 'pkcs11', envelope: JSON.stringify(open.ref) })
  }

  const vault: VaultInternals = {
    async prepareKey(input) {
      const spec = keySpec.safeParse(input.spec)
      if (!spec.success) return fail('KEY_SPEC_INVALID', `Unknown key algorithm "${String(input.spec)}": choose one of ${keySpec.options.join(', ')}.`, 'spec')
      const pass = checkPassphrase(input.protection, input.passphrase)
      if (!pass.ok) return pass
      if (input.protection !== 'passphrase') {
        const kc = await keychainUnavailableCheck()
        if (!kc.ok) return kc
      }
      const key = await generatePrivateKey(spec.data)
      return seal(key, input.purpose, input.protection, input)
    },

    tokens: (module) => tokens.tokens(module),
    moduleInfo: (module) => tokens.about(module),
    tokenKeys: (module, token, pin) => tokens.keys({ module, token }, pin),

    async prepareTokenKey(input) {
      const spec = keySpec.safeParse(input.spec)
      if (!spec.success) return fail('KEY_SPEC_INVALID', `Unknown key algorithm "${String(input.spec)}": choose one of ${keySpec.options.join(', ')}.`, 'spec')
      const open = await tokens.generate({ module: input.module, token: input.token, keyLabel: input.keyLabel, spec: spec.data, pin: input.pin })
      if (!open.ok) return open
      return prepareToken(open.value, spec.data, input.purpose)
    },

    async prepareTokenAdopt(input) {
      const spec = specOfSpki(input.expectedSpki)
      if (!spec.ok) return spec
      const open = await tokens.adopt(
        { module: input.module, token: input.token, pin: input.pin, ...(input.keyLabel !== undefined ? { keyLabel: input.keyLabel } : {}), ...(input.ckaId !== undefined ? { ckaId: input.ckaId } : {}) },
        input.expectedSpki
      )
      if (!open.ok) return open
      return prepareToken(open.value, spec.value, input.purpose)
    },

    tokenKeyOf(keyId) {
      const row = store.read((tx) => getVaultKey(tx, keyId))
      if (row?.protection !== 'pkcs11') return null
      const ref = tokenRefOf(row)
      return ref.ok ? ref.value : null
    },

    async prepareImport(input) {
      const parsed = await readKeyFile(input.data, input.filePassphrase)
      if (!parsed.ok) return parsed
      return seal(parsed.value, input.purpose, input.protection, input)
    },

    async preparePfxImport(input) {
      const parsed = await importPfx(input.data, input.pfxPassword)
      if (!parsed.ok) return parsed
      const { pkcs8, certificates } = parsed.value
      if (!pkcs8) return ok({ key: null, certificates })
      const key = parsePrivateKey(pkcs8, undefined)
      pkcs8.fill(0)
      if (!key.ok) return fail('KEY_UNREADABLE', 'The PFX holds a private key PKI Desk cannot read: re-export it with a PKCS#8 key.', 'data')
      const prepared = await seal(key.value, input.purpose, input.protection, input)
      if (!prepared.ok) return prepared
      return ok({ key: prepared.value, certificates })
    },

    saveKey(tx, prepared) {
      const p = pending.get(prepared.keyId)
      if (!p) throw new AppFailure({ code: 'VAULT_KEY_NOT_PREPARED', message: `Key ${prepared.keyId} was not prepared by this vault or was already saved: prepare it again.` })
      insertVaultKey(tx, {
        id: prepared.keyId,
        purpose: prepared.purpose,
        algorithm: prepared.spec,
        spki: prepared.spki,
        spkiSha256: prepared.spkiSha256,
        protection: prepared.protection,
        envelope: prepared.envelope,
        createdAt: now().toISOString()
      })
      pending.delete(prepared.keyId)
      hold(p.ref, p.held)
    },

    async discardKey(prepared) {
      const p = pending.get(prepared.keyId)
      pending.delete(prepared.keyId)
      // Saved after all (the caller's transaction committed): not ours to remove.
      if (store.read((tx) => getVaultKey(tx, prepared.keyId))) return
      if (p?.keychainAccount) await keychain.deleteSecret(KEYCHAIN_SERVICE, p.keychainAccount)
      // A key generated on the token for a CA that was not created goes from the token too; an adopted one stays.
      if (p?.held.token) {
        if (p.held.token.ref.generated) tokens.destroy(p.held.token)
        else tokens.close(p.held.token)
      }
    },

    findBySpkiSha256(spkiSha256) {
      const row = store.read((tx) => findVaultKeyBySpkiSha256(tx, spkiSha256))
      return row ? toRef(row) : null
    },

    get(keyId) {
      const row = store.read((tx) => getVaultKey(tx, keyId))
      return row ? toRef(row) : null
    },

    list(purpose) {
      return store.read((tx) => listVaultKeys(tx, purpose ? { purpose } : {})).map(toRef)
    },

    unlockedIds() {
      return [...unlocked.keys()].filter((id) => live(id) !== null)
    },

    async unlock(keyId, secrets) {
      const row = store.read((tx) => getVaultKey(tx, keyId))
      if (!row) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')
      const ref = toRef(row)
      const current = live(keyId)
      if (current) {
        current.lastUsed = now().getTime()
        schedule(current)
        return ok(undefined)
      }
      if (row.protection === 'pkcs11') {
        const tokenRef = tokenRefOf(row)
        if (!tokenRef.ok) return tokenRef
        // The PIN is the token's user PIN; the app asks for it where it asks for a passphrase.
        const open = await tokens.open(tokenRef.value, secrets.pin ?? secrets.passphrase ?? '', row.spki)
        if (!open.ok) {
          if (open.error.code === 'PKCS11_PIN_INCORRECT' || open.error.code === 'PKCS11_PIN_LOCKED' || open.error.code === 'PKCS11_KEY_MISMATCH') emit({ type: 'unlock-failed', keyId, code: open.error.code })
          return open
        }
        hold(ref, { key: null, token: open.value })
        emit({ type: 'unlocked', keyId, token: { serial: tokenRef.value.tokenSerial, label: tokenRef.value.tokenLabel, ckaId: tokenRef.value.ckaId } })
        return ok(undefined)
      }
      const opened = await openRow(row, secrets)
      if (!opened.ok) {
        // A wrong passphrase or replaced keychain entry is an attempt the trail keeps (custodian sittings are audited by the service).
        if (opened.error.code === 'PASSPHRASE_WRONG' || opened.error.code === 'KEYCHAIN_ENTRY_MISMATCH') emit({ type: 'unlock-failed', keyId, code: opened.error.code })
        return opened
      }
      hold(ref, { key: opened.value.key, token: null })
      emit({ type: 'unlocked', keyId, ...(opened.value.custodians.length ? { custodians: opened.value.custodians } : {}) })
      return ok(undefined)
    },

    async checkSecrets(keyId, secrets) {
      const row = store.read((tx) => getVaultKey(tx, keyId))
      if (!row) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')
      if (row.protection === 'pkcs11') return notExportable(keyId)
      const opened = await openRow(row, secrets)
      return opened.ok ? ok({ custodians: opened.value.custodians }) : opened
    },

    lock(keyId) {
      lockInternal(keyId, 'explicit')
    },

    lockAll(reason: LockReason = 'system') {
      for (const id of [...unlocked.keys()]) lockInternal(id, reason)
    },

    idleLockChanged() {
      idleCache = null
      for (const u of unlocked.values()) schedule(u)
    },

    isUnlocked(keyId) {
      return live(keyId) !== null
    },

    locksAt(keyId) {
      const u = live(keyId)
      return u ? new Date(u.lastUsed + idleMs()) : null
    },

    signer(keyId) {
      const u = live(keyId)
      if (!u) return { ok: false, error: lockedError(keyId) }
      const { ref } = u
      const token = u.held.token
      const signer: Signer = {
        keyId,
        spec: ref.spec,
        publicKeySpki: ref.spki,
        ...(token ? { origin: { store: 'pkcs11' as const, tokenSerial: token.origin.tokenSerial, tokenLabel: token.origin.tokenLabel, tokenKeyId: token.origin.ckaId } } : {}),
        // Looks the key up at every call, so a lock between signer() and sign() is honoured.
        sign: async (data, signOptions) => {
          const cur = live(keyId)
          if (!cur) throw new AppFailure(lockedError(keyId))
          cur.lastUsed = now().getTime()
          schedule(cur)
          if (cur.held.key) return signWithKeyObject(cur.held.key, data, signOptions)
          try {
            return await cur.held.token.sign(data, signOptions)
          } catch (e) {
            const error = toAppError(e)
            // The token is gone: the key is locked (its session cannot sign again).
            if (error.code === 'PKCS11_SESSION_LOST') lockInternal(keyId, 'system')
            throw new AppFailure(error)
          }
        }
      }
      return ok(signer)
    },

    async exportEncryptedPkcs8(keyId, exportPassphrase, preset: PfxExportPreset) {
      if ([...exportPassphrase].length < MIN_PASSPHRASE_LENGTH)
        return fail('PASSPHRASE_TOO_SHORT', `The export passphrase has ${[...exportPassphrase].length} characters: use at least ${MIN_PASSPHRASE_LENGTH}.`, 'exportPassphrase')
      const row = store.read((tx) => getVaultKey(tx, keyId))
      if (!row) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')
      if (row.protection === 'pkcs11') return notExportable(keyId)
      const u = live(keyId)
      if (!u?.held.key) return { ok: false, error: lockedError(keyId) }
      u.lastUsed = now().getTime()
      return exportEncryptedPrivateKey(u.held.key, exportPassphrase, preset)
    },

    deleteKeyRow(tx, keyId) {
      const row = getVaultKey(tx, keyId)
      if (!row) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')
      const refs = vaultKeyReferences(tx, keyId)
      if (refs.authorities > 0)
        return fail('IN_USE', `Key ${keyId} belongs to an authority: retire the authority instead of deleting its key.`, 'keyId')
      const kc = row.protection === 'pkcs11' ? undefined : parseEnvelope(row.envelope)?.kek.keychain
      // A key pair PKI Desk generated on a token for a CA that is undone (a pending CA
      // discarded) goes from the token too, while its session can still reach it; an adopted
      // key, or one whose token is locked, stays on the token.
      const u = unlocked.get(keyId)
      const generated = u?.held.token?.ref.generated ? u.held.token : null
      // Certificates keep their record; they just no longer have a key in the vault.
      detachKeyFromCertificates(tx, keyId)
      deleteVaultKey(tx, keyId)
      if (generated) {
        if (u?.timer) clearTimeout(u.timer)
        unlocked.delete(keyId)
        emit({ type: 'locked', keyId, reason: 'deleted' })
      } else lockInternal(keyId, 'deleted')
      return ok(async () => {
        // Only once the row is really gone (the caller's transaction committed).
        const kept = store.read((t) => getVaultKey(t, keyId)) !== null
        if (generated) {
          if (kept) tokens.close(generated)
          else tokens.destroy(generated)
        }
        if (kept || !kc) return ok(undefined)
        const removed = await keychain.deleteSecret(kc.service, kc.account)
        if (!removed.ok)
          return fail('KEYCHAIN_UNAVAILABLE', `Key ${keyId} was deleted from the vault but its keychain entry "${kc.account}" was not removed (${removed.error.message}); remove it by hand.`)
        return ok(undefined)
      })
    },

    async deleteKey(keyId) {
      // The row goes in a transaction of its own (callers that audit the deletion use deleteKeyRow inside theirs).
      const r = store.write((tx) => vault.deleteKeyRow(tx, keyId))
      if (!r.ok) return r
      // Let that transaction finish before touching the keychain.
      await new Promise<void>((resolve) => setImmediate(resolve))
      return r.value()
    },

    keychainStatus(): Promise<KeychainStatus> {
      return keychain.status()
    },

    async sealForBackup(keyId, wrapKey, aad, secrets) {
      const got = await keyObjectFor(keyId, secrets)
      if (!got.ok) return got
      const pkcs8 = got.value.key.export({ type: 'pkcs8', format: 'der' })
      try {
        return ok({ sealed: sealBytes(wrapKey, pkcs8, aad), custodians: got.value.custodians })
      } finally {
        pkcs8.fill(0)
      }
    },

    checkBackupKey(sealed, wrapKey, aad, spkiSha256) {
      const pkcs8 = open(wrapKey, sealed, aad)
      if (!pkcs8) return false
      const parsed = parsePrivateKey(pkcs8, undefined)
      pkcs8.fill(0)
      return parsed.ok && spkiOf(parsed.value).spkiSha256 === spkiSha256
    },

    async rewrapFromBackup(keyId, purpose, spkiSha256, sealed, wrapKey, aad, protection, secrets) {
      const pass = checkPassphrase(protection, secrets.passphrase)
      if (!pass.ok) return pass
      const pkcs8 = open(wrapKey, sealed, aad)
      if (!pkcs8) return fail('BACKUP_KEY_INVALID', `Key ${keyId} in the backup does not open under the backup key: the backup was altered.`, 'keyId')
      const parsed = parsePrivateKey(pkcs8, undefined)
      pkcs8.fill(0)
      if (!parsed.ok || spkiOf(parsed.value).spkiSha256 !== spkiSha256)
        return fail('BACKUP_KEY_INVALID', `Key ${keyId} in the backup does not match its public key in the backed-up store: the backup was altered.`, 'keyId')
      const account = `${accountFor(keyId)}:restored:${randomUUID()}`
      const resealed = await sealUnder(parsed.value, keyId, purpose, spkiSha256, protection, secrets, account)
      if (!resealed.ok) return resealed
      const created = resealed.value.keychainAccount
      return ok({
        write: (tx) => {
          // The envelope binds `purpose`: the restored row must carry the same one, or the key would never open.
          const restored = getVaultKey(tx, keyId)
          if (restored && restored.purpose !== purpose)
            throw new AppFailure({ code: 'BACKUP_KEY_INVALID', message: `Key ${keyId} is ${PURPOSE_WORDS[restored.purpose]} in the backed-up store but ${PURPOSE_WORDS[purpose]} in its manifest: the backup was altered.`, field: 'keyId' })
          updateVaultKeyEnvelope(tx, keyId, protection, JSON.stringify(resealed.value.envelope))
        },
        finish: async () => undefined,
        discard: async () => {
          if (created) await removeAccounts([created])
        }
      })
    },

    async setCustodians(keyId, threshold, custodians, present) {
      if (!Number.isInteger(threshold) || threshold < 2)
        return fail('CUSTODIANS_INVALID', `The threshold is ${threshold}: at least 2 custodians must be needed to unlock (use passphrase protection for one person)`, 'threshold')
      if (custodians.length < threshold || custodians.length > MAX_CUSTODIANS)
        return fail('CUSTODIANS_INVALID', `${custodians.length} custodians cannot carry a threshold of ${threshold}: name at least ${threshold} and at most ${MAX_CUSTODIANS}`, 'custodians')
      const names = custodians.map((c) => c.name.trim())
      if (names.some((n) => n.length === 0)) return fail('CUSTODIANS_INVALID', 'Every custodian needs a name: the audit trail records who was present.', 'custodians')
      const dup = names.find((n, i) => names.indexOf(n) !== i)
      if (dup !== undefined) return fail('CUSTODIANS_INVALID', `Custodian "${dup}" is named twice: give each custodian their own name.`, 'custodians')
      for (const c of custodians) {
        const short = checkPassphrase('passphrase', c.passphrase)
        if (!short.ok) return fail(short.error.code, `Custodian ${c.name.trim()}'s passphrase is refused. ${short.error.message}`, 'custodians')
      }
      if (custodians.some((c) => c.keychain)) {
        const kc = await keychainUnavailableCheck()
        if (!kc.ok) return kc
      }
      if (store.read((tx) => getVaultKey(tx, keyId))?.protection === 'pkcs11')
        return fail('PKCS11_KEY_NOT_EXPORTABLE', 'This CA key is on a token: its PIN protects it; custodians split a vault key only.', 'keyId')
      const got = await keyObjectFor(keyId, present)
      if (!got.ok) return got
      const { row } = got.value
      const before = parseEnvelope(row.envelope)
      const previous = before?.kek.custodians ? custodianNames(before.kek.custodians) : []
      const kek = randomBytes(32)
      const buffers: Buffer[] = [kek]
      try {
        const parts = await splitKek(keyId, kek, threshold, custodians.map((c, i) => ({ ...c, name: names[i]! })), scryptParams, custodianKeychain)
        if (!parts.ok) {
          await removeAccounts(parts.created)
          return fail('KEYCHAIN_UNAVAILABLE', parts.message, 'custodians')
        }
        const pkcs8 = got.value.key.export({ type: 'pkcs8', format: 'der' })
        buffers.push(pkcs8)
        const envelope = sealEnvelope({ keyId, purpose: row.purpose, spkiSha256: row.spkiSha256, pkcs8, kek, source: 'custodians', custodians: parts.split })
        return ok({
          previous,
          present: got.value.custodians,
          write: (tx) => updateVaultKeyEnvelope(tx, keyId, 'custodians', JSON.stringify(envelope)),
          finish: () => removeAccounts(keychainAccountsOf(before)),
          discard: () => removeAccounts(parts.created)
        })
      } finally {
        for (const b of buffers) b.fill(0)
      }
    },

    custodiansOf(keyId) {
      const row = store.read((tx) => getVaultKey(tx, keyId))
      if (!row || row.protection !== 'custodians') return null
      const split = parseEnvelope(row.envelope)?.kek.custodians
      return split ? { threshold: split.threshold, names: custodianNames(split) } : null
    }
  }
  return vault
}

// Vault use cases for the renderer and the CLI: status, unlock, lock, export and delete; and
// the narrow port the other services get (VaultPort): find a key, sign with it, create or
// remove a key row inside their own transaction. No service holds the vault itself.
// Unlocks and locks (explicit, idle, OS lock) are audited through the vault's event hook;
// export and delete append their entries in the transaction of what they change.
import { attempt, fail, ok, unwrap, type AppError, type Result } from '../../shared/errors'
import type { VaultKeyStateDto, KeychainStatusDto } from '../../shared/ipc/vault'
import type { EventSink } from '../../shared/ipc/events'
import { tokenKeyStays, type Pkcs11ModuleInfo, type Pkcs11TokenDto, type TokenKeyPlace } from '../../shared/domain/pkcs11'
import type { Store, WriteTx } from '../store/database'
import { appendAudit } from '../store/audit-log'
import {
  createVault,
  type CustodianInput,
  type CustodianSecret,
  type ImportKeyInput,
  type ImportPfxInput,
  type KeychainBackend,
  type KeyRef,
  type KeySecrets,
  type PfxExportPreset,
  type PreparedKey,
  type PrepareKeyInput,
  type PrepareTokenAdoptInput,
  type PrepareTokenKeyInput,
  type TokenKeyListing,
  type TokenKeyRef,
  type Signer,
  type VaultEvent,
  type VaultInternals,
  type LockReason,
  type ScryptParams
} from '../vault'

/**
 * What the other services may ask of the vault. Keys are named by id; their bytes never
 * leave it. A new key is prepared (generated or imported, sealed) first, then its row is
 * written with `saveKey` inside the caller's transaction, beside the record that uses it.
 */
export interface VaultPort {
  /** The key with this id, or null. */
  key(keyId: string): KeyRef | null
  /** The key that holds this public key (SHA-256 of its SPKI), or null. */
  keyForPublicKey(spkiSha256: string): KeyRef | null
  isUnlocked(keyId: string): boolean
  /** The key's protection and lock state (as the vault screen shows it), or null. */
  keyState(keyId: string): VaultKeyStateDto | null
  /** A Signer for an unlocked key; VAULT_LOCKED otherwise. */
  signer(keyId: string): Result<Signer>
  prepareKey(input: PrepareKeyInput): Promise<Result<PreparedKey>>
  prepareImport(input: ImportKeyInput): Promise<Result<PreparedKey>>
  /** A key pair generated on a PKCS#11 token (sensitive, never extractable, sign only); saved like any prepared key. */
  prepareTokenKey(input: PrepareTokenKeyInput): Promise<Result<PreparedKey>>
  /** A key already on a token (by label or CKA_ID), checked against the certificate's public key. */
  prepareTokenAdopt(input: PrepareTokenAdoptInput): Promise<Result<PreparedKey>>
  /** The tokens in a PKCS#11 module's slots (label, serial, manufacturer, free space, PIN state). */
  tokens(module: string): Promise<Result<Pkcs11TokenDto[]>>
  /** Loads a PKCS#11 module (C_Initialize) and what it says of itself (C_GetInfo), or why it cannot be loaded. */
  moduleInfo(module: string): Promise<Result<Pkcs11ModuleInfo>>
  /** The private keys on a token (label, id, type), listed after logging in with its user PIN. */
  tokenKeys(module: string, token: string, pin: string): Promise<Result<TokenKeyListing[]>>
  /** Where a token key is (module, token, key label and id); null for a vault key. */
  tokenKeyOf(keyId: string): TokenKeyRef | null
  /** The same, as the screens show it (token label and serial, key label and id); null for a vault key. */
  tokenKeyPlace(keyId: string): TokenKeyPlace | null
  /** A PFX's key (if any) prepared, its certificates as DER. */
  preparePfxImport(input: ImportPfxInput): Promise<Result<{ key: PreparedKey | null; certificates: Uint8Array[] }>>
  /** Writes the prepared key's row in the caller's transaction; the key is unlocked after. */
  saveKey(tx: WriteTx, prepared: PreparedKey): void
  /** A prepared key that will not be saved: its keychain entry goes. */
  discardKey(prepared: PreparedKey): Promise<void>
  /**
   * Removes a key row in the caller's transaction (which audits it) and returns the step
   * that removes its keychain entry once that transaction committed.
   */
  removeKeyRow(tx: WriteTx, keyId: string): Result<() => Promise<Result<void>>>
  unlock(keyId: string, passphrase?: string, custodians?: readonly CustodianSecret[], options?: UnlockOptions): Promise<Result<VaultKeyStateDto>>
  /** Whether the user PIN of the token holding this key is remembered in the OS keychain (false for a vault key, or when the keychain does not answer). */
  pinRemembered(keyId: string): Promise<boolean>
  /** Removes the remembered PIN of the token holding this key from the keychain (audited); false when none was there. */
  forgetPin(keyId: string): Promise<Result<boolean>>
  /** The custodians of a custodian-protected key (threshold and names), or null. */
  custodiansOf(keyId: string): { threshold: number; names: string[] } | null
  /**
   * Splits the key's KEK between `custodians` (any `threshold` of them unlock it), opening it
   * with `present`: its passphrase today, or at least `threshold` of its current custodians.
   * Audited with the old and new names and who was present.
   */
  setCustodians(keyId: string, threshold: number, custodians: readonly CustodianInput[], present: KeySecrets): Promise<Result<{ threshold: number; names: string[] }>>
  lock(keyId: string): Result<VaultKeyStateDto>
  withUnlocked<T>(keyId: string, passphrase: string | undefined, field: string, body: () => Promise<Result<T>>): Promise<Result<T>>
  /**
   * Asks the key's own secrets again before something irreversible (a CA key leaving the
   * vault), even when the key is unlocked: the passphrase (or the custodians present) must
   * open its envelope now; a keychain-only key's explicit confirmation is the call itself and
   * its keychain entry must still open it. A refusal is audited (`vault.confirm-failed`,
   * with `why`); `field` is where the caller asked for the passphrase. What confirmed it, for
   * the caller's audit entry.
   */
  confirmSecrets(keyId: string, secrets: KeySecrets, why: string, field: string): Promise<Result<KeyConfirmation>>
  exportKey(keyId: string, exportPassphrase: string, preset: PfxExportPreset, reason?: string): Promise<Result<Uint8Array>>
  deleteKey(keyId: string): Promise<Result<void>>
}

export interface VaultService extends VaultPort {
  status(keyIds?: readonly string[]): { keys: VaultKeyStateDto[]; autoLockMinutes: number }
  keychainStatus(): Promise<KeychainStatusDto>
  /**
   * Unlocks with the keychain entry, `passphrase`, or — for a custodian-protected key — the
   * custodians present. Every custodian unlock and every failed custodian attempt is audited
   * with the names of the custodians whose shares opened. A key on a token unlocks with the PIN
   * given, or without one with the PIN remembered in the OS keychain (`rememberPin`: keep the
   * PIN given there once the token took it); a remembered PIN the token refuses is removed from
   * the keychain (PKCS11_PIN_FORGOTTEN, with what the token says of the tries left).
   */
  unlock(keyId: string, passphrase?: string, custodians?: readonly CustodianSecret[], options?: UnlockOptions): Promise<Result<VaultKeyStateDto>>
  lock(keyId: string): Result<VaultKeyStateDto>
  /**
   * Runs `body` with `keyId` unlocked. A key already unlocked stays as it is; a locked one is
   * unlocked (with its keychain entry, or `passphrase`) for `body` only and locked again after,
   * both audited. A failed unlock names `field` (where the caller asked for the passphrase).
   */
  withUnlocked<T>(keyId: string, passphrase: string | undefined, field: string, body: () => Promise<Result<T>>): Promise<Result<T>>
  /** Every unlocked key; `reason` defaults to 'explicit' (the operator asked). */
  lockAll(reason?: LockReason): { locked: number }
  /**
   * EncryptedPrivateKeyInfo DER under `exportPassphrase` (≥ 12 characters) for the caller to
   * write to a file the operator chose; audited. Never returned over IPC.
   */
  exportKey(keyId: string, exportPassphrase: string, preset: PfxExportPreset, reason?: string): Promise<Result<Uint8Array>>
  /** Deletes a key no authority uses; certificates keep their record, without a key. Audited. */
  deleteKey(keyId: string): Promise<Result<void>>
  /** When an unlocked key locks itself (idle), or null when it is locked. */
  locksAt(keyId: string): Date | null
  /** The auto-lock minutes changed (a settings update): the vault reads them again. */
  idleLockChanged(): void
  /** The backup service's port: keys sealed under a backup key, checked and re-sealed on a restore. */
  readonly backupKeys: BackupKeysPort
}

export interface UnlockOptions {
  /** A token key: keep the PIN given in the OS keychain once the token accepted it (the operator chose so). */
  readonly rememberPin?: boolean
}

/** The keychain service under which a token's user PIN is remembered, one entry per token (module and serial). */
export const TOKEN_PIN_SERVICE = 'PKI Desk token PIN'
const pinAccount = (ref: TokenKeyRef): string => `${ref.tokenSerial} ${ref.module}`

/** What a token's refusal says of the tries left, for the message that a remembered PIN was forgotten. */
function triesLeft(details: Readonly<Record<string, unknown>> | undefined): string {
  if (details?.finalTry === true) return 'one try is left before the PIN locks'
  if (details?.countLow === true) return 'the token reports few tries left'
  return 'the token does not say how many tries are left'
}

/** What confirmed a key operation: the protection whose secret was given again, and the custodians present. */
export interface KeyConfirmation {
  readonly with: 'keychain' | 'passphrase' | 'both' | 'custodians'
  readonly custodians?: readonly string[]
}

export type BackupKeysPort = Pick<VaultInternals, 'sealForBackup' | 'checkBackupKey' | 'rewrapFromBackup' | 'keychainStatus'>

/** A token key reference as the screens show it. */
export function placeOf(ref: TokenKeyRef | null): TokenKeyPlace | null {
  return ref ? { module: ref.module, tokenLabel: ref.tokenLabel, tokenSerial: ref.tokenSerial, keyLabel: ref.keyLabel, keyId: ref.ckaId } : null
}

/** The refusal of an export that would carry a token key (PKCS11_KEY_NOT_EXPORTABLE), naming the token. */
export function tokenKeyNotExportable(place: TokenKeyPlace, what: string, field: string): Result<never> {
  const why = tokenKeyStays(place)
  return fail('PKCS11_KEY_NOT_EXPORTABLE', `${what} cannot carry its private key: ${why} (a token key is generated non-extractable). Export the certificate alone, without the key.`, field)
}

export interface VaultServiceOptions {
  readonly store: Store
  readonly keychain: KeychainBackend
  readonly emit: EventSink
  readonly now: () => Date
  readonly autoLockMinutes: () => number
  readonly scrypt?: ScryptParams
}

export function createVaultService(options: VaultServiceOptions): VaultService {
  const { store, emit, now } = options
  const onEvent = (e: VaultEvent): void => {
    if (!store.open) return
    store.write((tx) =>
      appendAudit(
        tx,
        e.type === 'unlocked'
          ? { action: 'vault.unlock', subject: `key:${e.keyId}`, ...(e.custodians ? { details: { custodians: e.custodians } } : e.token ? { details: { tokenSerial: e.token.serial, tokenLabel: e.token.label, tokenKeyId: e.token.ckaId } } : {}) }
          : e.type === 'unlock-failed'
            ? { action: 'vault.unlock-failed', subject: `key:${e.keyId}`, details: { code: e.code } }
            : { action: 'vault.lock', subject: `key:${e.keyId}`, details: { reason: e.reason } },
        now()
      )
    )
    if (e.type !== 'unlock-failed') emit('changed', { domain: 'vault' })
    emit('changed', { domain: 'audit' })
  }
  /** A refused custodian sitting: who matched, how many passphrases fitted no share, why. */
  const auditCustodianFailure = (keyId: string, action: string, error: AppError): void => {
    const d = error.details ?? {}
    store.write((tx) =>
      appendAudit(tx, { action, subject: `key:${keyId}`, details: { code: error.code, custodians: d.custodians ?? [], unmatched: d.unmatched ?? 0 } }, now())
    )
    emit('changed', { domain: 'audit' })
  }
  const keys = createVault({
    store,
    keychain: options.keychain,
    now,
    idleLockMinutes: options.autoLockMinutes,
    onEvent,
    ...(options.scrypt ? { scrypt: options.scrypt } : {})
  })

  const state = (ref: KeyRef): VaultKeyStateDto => {
    const locksAt = keys.locksAt(ref.keyId)
    return {
      keyId: ref.keyId,
      spec: ref.spec,
      purpose: ref.purpose,
      protection: ref.protection,
      spkiSha256: ref.spkiSha256,
      unlocked: locksAt !== null,
      locksAt: locksAt?.toISOString() ?? null
    }
  }
  const notFound = (keyId: string): Result<never> => fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')

  const auditPin = (keyId: string, action: 'vault.pin-remember' | 'vault.pin-forget', token: TokenKeyRef, why?: string): void => {
    store.write((tx) => appendAudit(tx, { action, subject: `key:${keyId}`, details: { tokenSerial: token.tokenSerial, tokenLabel: token.tokenLabel, ...(why ? { why } : {}) } }, now()))
    emit('changed', { domain: 'audit' })
  }
  async function forgetTokenPin(keyId: string, token: TokenKeyRef, why: string): Promise<Result<boolean>> {
    const gone = await options.keychain.deleteSecret(TOKEN_PIN_SERVICE, pinAccount(token))
    if (gone.ok && gone.value) auditPin(keyId, 'vault.pin-forget', token, why)
    return gone
  }
  /** A token key: the PIN given (kept in the keychain when asked), or the remembered one (forgotten when refused). */
  async function unlockToken(ref: KeyRef, pin: string | undefined, remember: boolean): Promise<Result<VaultKeyStateDto>> {
    const token = keys.tokenKeyOf(ref.keyId)
    if (!token) return fail('VAULT_ENVELOPE_INVALID', `Key ${ref.keyId}'s token reference is damaged: restore the database from a backup.`)
    if (pin) {
      if (remember) {
        // Checked before the token is logged in: the operator asked for both, not for one silently.
        const kc = await options.keychain.status()
        // The keychain's message ends with advice for a new vault key ("or choose passphrase protection"): keep its cause only.
        const cause = kc.message.replace(/:[^:]*choose passphrase protection.*$/i, '').replace(/[.\s]+$/, '')
        if (!kc.available)
          return fail('KEYCHAIN_UNAVAILABLE', `The PIN cannot be remembered: ${cause}. Start the OS keychain (e.g. gnome-keyring) and try again, or unlock without remembering the PIN.`, 'rememberPin')
      }
      const r = await keys.unlock(ref.keyId, { pin })
      if (!r.ok) return r
      if (remember) {
        const kept = await options.keychain.setSecret(TOKEN_PIN_SERVICE, pinAccount(token), new TextEncoder().encode(pin))
        if (!kept.ok) return { ok: false, error: { ...kept.error, message: `The CA is unlocked, but its PIN was not remembered: ${kept.error.message}`, field: 'rememberPin' } }
        auditPin(ref.keyId, 'vault.pin-remember', token)
      }
      return ok(state(ref))
    }
    const got = await options.keychain.getSecret(TOKEN_PIN_SERVICE, pinAccount(token))
    const remembered = got.ok && got.value !== null ? new TextDecoder().decode(got.value) : null
    if (remembered === null) {
      const r = await keys.unlock(ref.keyId, {})
      return r.ok ? ok(state(ref)) : r
    }
    const r = await keys.unlock(ref.keyId, { pin: remembered })
    if (r.ok) return ok(state(ref))
    if (r.error.code !== 'PKCS11_PIN_INCORRECT' && r.error.code !== 'PKCS11_PIN_LOCKED') return r
    await forgetTokenPin(ref.keyId, token, r.error.code)
    return r.error.code === 'PKCS11_PIN_LOCKED'
      ? { ok: false, error: { ...r.error, message: `${r.error.message} The PIN remembered in the OS keychain was removed from it.` } }
      : fail('PKCS11_PIN_FORGOTTEN', `The token refused the PIN remembered in the OS keychain (${triesLeft(r.error.details)}), so it was removed from the keychain: enter the token's user PIN.`, 'pin', r.error.details)
  }

  const service: VaultService = {
    key: (keyId) => keys.get(keyId),
    keyForPublicKey: (spkiSha256) => keys.findBySpkiSha256(spkiSha256),
    isUnlocked: (keyId) => keys.isUnlocked(keyId),
    keyState: (keyId) => {
      const ref = keys.get(keyId)
      return ref ? state(ref) : null
    },
    locksAt: (keyId) => keys.locksAt(keyId),
    signer: (keyId) => keys.signer(keyId),
    prepareKey: (input) => keys.prepareKey(input),
    prepareImport: (input) => keys.prepareImport(input),
    prepareTokenKey: (input) => keys.prepareTokenKey(input),
    prepareTokenAdopt: (input) => keys.prepareTokenAdopt(input),
    tokens: (module) => keys.tokens(module),
    moduleInfo: (module) => keys.moduleInfo(module),
    tokenKeys: (module, token, pin) => keys.tokenKeys(module, token, pin),
    tokenKeyOf: (keyId) => keys.tokenKeyOf(keyId),
    tokenKeyPlace: (keyId) => placeOf(keys.tokenKeyOf(keyId)),
    preparePfxImport: (input) => keys.preparePfxImport(input),
    saveKey: (tx, prepared) => keys.saveKey(tx, prepared),
    discardKey: (prepared) => keys.discardKey(prepared),
    removeKeyRow: (tx, keyId) => keys.deleteKeyRow(tx, keyId),
    custodiansOf: (keyId) => keys.custodiansOf(keyId),
    idleLockChanged: () => keys.idleLockChanged(),
    backupKeys: {
      sealForBackup: (...args) => keys.sealForBackup(...args),
      checkBackupKey: (...args) => keys.checkBackupKey(...args),
      rewrapFromBackup: (...args) => keys.rewrapFromBackup(...args),
      keychainStatus: () => keys.keychainStatus()
    },
    status(keyIds) {
      let refs: KeyRef[]
      if (keyIds) refs = keyIds.map((id) => keys.get(id)).filter((r): r is KeyRef => r !== null)
      else {
        const unlockedIds = new Set(keys.unlockedIds())
        refs = keys.list().filter((r) => r.purpose === 'ca' || unlockedIds.has(r.keyId))
      }
      return { keys: refs.map(state), autoLockMinutes: options.autoLockMinutes() }
    },
    keychainStatus: () => keys.keychainStatus(),
    async pinRemembered(keyId) {
      const token = keys.tokenKeyOf(keyId)
      if (!token) return false
      const got = await options.keychain.getSecret(TOKEN_PIN_SERVICE, pinAccount(token))
      return got.ok && got.value !== null
    },
    async forgetPin(keyId) {
      const token = keys.tokenKeyOf(keyId)
      if (!token) return fail('KEY_NOT_FOUND', `Key ${keyId} is not on a PKCS#11 token: it has no token PIN to forget.`, 'keyId')
      const gone = await forgetTokenPin(keyId, token, 'asked')
      return gone
    },
    async unlock(keyId, passphrase, custodians, unlockOptions) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      if (ref.protection === 'pkcs11') return unlockToken(ref, passphrase, unlockOptions?.rememberPin === true)
      const r = await keys.unlock(keyId, { ...(passphrase === undefined ? {} : { passphrase }), ...(custodians ? { custodians } : {}) })
      if (!r.ok) {
        if (ref.protection === 'custodians') auditCustodianFailure(keyId, 'vault.unlock-failed', r.error)
        return r
      }
      return ok(state(ref))
    },
    async setCustodians(keyId, threshold, custodians, present) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      const change = await keys.setCustodians(keyId, threshold, custodians, present)
      if (!change.ok) {
        if (ref.protection === 'custodians') auditCustodianFailure(keyId, 'vault.custodians-failed', change.error)
        return change
      }
      const names = custodians.map((c) => c.name.trim())
      const written = await attempt(() =>
        store.write((tx) => {
          change.value.write(tx)
          appendAudit(
            tx,
            {
              action: 'vault.custodians',
              subject: `key:${keyId}`,
              details: {
                threshold,
                custodians: names,
                keychain: custodians.filter((c) => c.keychain).map((c) => c.name.trim()),
                previous: ref.protection === 'custodians' ? change.value.previous : ref.protection,
                present: change.value.present
              }
            },
            now()
          )
        })
      )
      if (!written.ok) {
        await change.value.discard()
        return written
      }
      await change.value.finish()
      emit('changed', { domain: 'vault' })
      emit('changed', { domain: 'audit' })
      return ok({ threshold, names })
    },
    lock(keyId) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      keys.lock(keyId)
      return ok(state(ref))
    },
    async withUnlocked(keyId, passphrase, field, body) {
      if (keys.locksAt(keyId) !== null) return body()
      const u = await service.unlock(keyId, passphrase)
      if (!u.ok) return { ok: false, error: { ...u.error, field: u.error.field === 'passphrase' || !u.error.field ? field : u.error.field } }
      try {
        return await body()
      } finally {
        keys.lock(keyId)
      }
    },
    async confirmSecrets(keyId, secrets, why, field) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      // What a confirmation guards (an export) never happens to a key on a token.
      if (ref.protection === 'pkcs11') return fail('PKCS11_KEY_NOT_EXPORTABLE', `The key is held on a PKCS#11 token and never leaves it, so ${why} cannot include it.`, field)
      const needsPassphrase = ref.protection === 'passphrase' || ref.protection === 'both'
      const checked: Result<{ custodians: string[] }> =
        needsPassphrase && !secrets.passphrase
          ? fail('PASSPHRASE_REQUIRED', `The key's passphrase is needed again for ${why}, even while it is unlocked: enter it.`, field)
          : await keys.checkSecrets(keyId, secrets)
      if (!checked.ok) {
        store.write((tx) => appendAudit(tx, { action: 'vault.confirm-failed', subject: `key:${keyId}`, details: { code: checked.error.code, why } }, now()))
        emit('changed', { domain: 'audit' })
        return { ok: false, error: { ...checked.error, field: checked.error.field === 'passphrase' || !checked.error.field ? field : checked.error.field } }
      }
      return ok({ with: ref.protection, ...(checked.value.custodians.length ? { custodians: checked.value.custodians } : {}) })
    },
    lockAll(reason = 'explicit') {
      const n = keys.unlockedIds().length
      keys.lockAll(reason)
      return { locked: n }
    },
    async exportKey(keyId, exportPassphrase, preset, reason) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      const der = await keys.exportEncryptedPkcs8(keyId, exportPassphrase, preset)
      if (!der.ok) return der
      store.write((tx) =>
        appendAudit(tx, { action: 'vault.export', subject: `key:${keyId}`, details: { preset, spkiSha256: ref.spkiSha256, ...(reason ? { reason } : {}) } }, now())
      )
      emit('changed', { domain: 'audit' })
      return der
    },
    async deleteKey(keyId) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
      const removed = await attempt(() =>
        store.write((tx) => {
          const finish = unwrap(keys.deleteKeyRow(tx, keyId))
          appendAudit(tx, { action: 'vault.delete', subject: `key:${keyId}`, details: { purpose: ref.purpose, spec: ref.spec, spkiSha256: ref.spkiSha256 } }, now())
          return finish
        })
      )
      if (!removed.ok) return removed
      emit('changed', { domain: 'vault' })
      emit('changed', { domain: 'audit' })
      return removed.value()
    }
  }
  return service
}

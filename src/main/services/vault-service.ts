// Vault use cases for the renderer and the CLI: status, unlock, lock, export and delete.
// Unlocks and locks (explicit, idle, OS lock) are audited through the vault's event hook;
// export and delete append their entries in the transaction of what they change.
import { attempt, fail, ok, unwrap, type AppError, type Result } from '../../shared/errors'
import type { VaultKeyStateDto, KeychainStatusDto } from '../../shared/ipc/vault'
import type { EventSink } from '../../shared/ipc/events'
import type { Store } from '../store/database'
import { appendAudit } from '../store/audit-log'
import { createVault, type CustodianInput, type CustodianSecret, type KeychainBackend, type KeyRef, type KeySecrets, type PfxExportPreset, type VaultEvent, type VaultInternals, type LockReason, type ScryptParams } from '../vault'

export interface VaultService {
  /** The vault itself, for other services (prepareKey/saveKey/signer). */
  readonly keys: VaultInternals
  status(keyIds?: readonly string[]): { keys: VaultKeyStateDto[]; autoLockMinutes: number }
  keychainStatus(): Promise<KeychainStatusDto>
  /**
   * Unlocks with the keychain entry, `passphrase`, or — for a custodian-protected key — the
   * custodians present. Every custodian unlock and every failed custodian attempt is audited
   * with the names of the custodians whose shares opened.
   */
  unlock(keyId: string, passphrase?: string, custodians?: readonly CustodianSecret[]): Promise<Result<VaultKeyStateDto>>
  /**
   * Splits the key's KEK between `custodians` (any `threshold` of them unlock it), opening it
   * with `present`: its passphrase today, or at least `threshold` of its current custodians.
   * Audited with the old and new names and who was present.
   */
  setCustodians(keyId: string, threshold: number, custodians: readonly CustodianInput[], present: KeySecrets): Promise<Result<{ threshold: number; names: string[] }>>
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
          ? { action: 'vault.unlock', subject: `key:${e.keyId}`, ...(e.custodians ? { details: { custodians: e.custodians } } : {}) }
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
  const notFound = (keyId: string): Result<never> => fail('KEY_NOT_FOUND', `no key ${keyId} in the vault: pick an existing key`, 'keyId')

  const service: VaultService = {
    keys,
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
    async unlock(keyId, passphrase, custodians) {
      const ref = keys.get(keyId)
      if (!ref) return notFound(keyId)
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

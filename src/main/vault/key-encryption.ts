// The vault's key-encryption keys (KEKs): a key is sealed (envelope.ts) under a fresh KEK made
// from a keychain secret, a passphrase (scrypt), both, or custodian shares (custodians.ts); to
// open it the KEK is derived again from exactly what its envelope names, never a weaker
// factor. No key is held here: create-vault.ts keeps the unlocked keys and their sessions.
import { randomBytes, type KeyObject } from 'node:crypto'
import { fail, ok, type AppError, type Result } from '../../shared/errors'
import { keySpec, type KeyProtection } from '../../shared/domain/keys'
import type { Store } from '../store/database'
import { replaceVaultKeyEnvelope, type VaultKeyRow } from '../store/vault-keys-repo'
import { combineKeks, ENVELOPE_VERSION, openEnvelope, parseEnvelope, scryptKey, sealEnvelope, type Envelope, type ScryptParams } from './envelope'
import { custodianNames, openCustodianKek, type CustodianKeychain } from './custodians'
import { KEYCHAIN_SERVICE, keychainMessageForExistingKey, type KeychainBackend } from './keychain'
import { parsePrivateKey, spkiOf } from './key-material'
import type { KeyPurpose, KeyRef, KeySecrets } from './vault'

export interface KeyEncryptionOptions {
  readonly store: Store
  readonly keychain: KeychainBackend
  readonly scrypt: ScryptParams
}

/** A vault key row's reference (what callers may know of a key). */
export function toRef(row: VaultKeyRow): KeyRef {
  return {
    keyId: row.id,
    spec: keySpec.parse(row.algorithm),
    purpose: row.purpose,
    protection: row.protection,
    spki: row.spki,
    spkiSha256: row.spkiSha256
  }
}

export function createKeyEncryption({ store, keychain, scrypt: scryptParams }: KeyEncryptionOptions) {
  const accountFor = (keyId: string): string => `key:${keyId}`

  async function keychainUnavailableCheck(): Promise<Result<void>> {
    const st = await keychain.status()
    return st.available ? ok(undefined) : fail('KEYCHAIN_UNAVAILABLE', st.message, 'protection')
  }

  /**
   * Seals `key` under a fresh KEK of the chosen protection, as row `keyId`. `account` is the
   * keychain entry to create ('keychain'/'both'); a restored key gets a fresh one so that the
   * machine's original store (restored beside it) keeps its own entry.
   */
  async function sealUnder(
    key: KeyObject,
    keyId: string,
    purpose: KeyPurpose,
    spkiSha256: string,
    protection: KeyProtection,
    secrets: KeySecrets,
    account: string
  ): Promise<Result<{ envelope: Envelope; keychainAccount: string | null }>> {
    const buffers: Buffer[] = []
    try {
      let keychainSecret: Buffer | null = null
      let keychainInfo: Envelope['kek']['keychain']
      let passKey: Buffer | null = null
      let scryptInfo: Envelope['kek']['scrypt']
      if (protection === 'keychain' || protection === 'both') {
        keychainSecret = randomBytes(32)
        buffers.push(keychainSecret)
        keychainInfo = { backend: keychain.name, service: KEYCHAIN_SERVICE, account }
        const stored = await keychain.setSecret(keychainInfo.service, keychainInfo.account, keychainSecret)
        if (!stored.ok) return fail('KEYCHAIN_UNAVAILABLE', stored.error.message, 'protection')
        // Read it back: a keychain that accepts writes but cannot return them would strand the key.
        const back = await keychain.getSecret(keychainInfo.service, keychainInfo.account)
        if (!back.ok || !back.value || !Buffer.from(back.value).equals(keychainSecret)) {
          await keychain.deleteSecret(keychainInfo.service, keychainInfo.account)
          return fail('KEYCHAIN_UNAVAILABLE', back.ok ? `the ${keychain.name} did not return the secret just stored: check the keychain or choose passphrase protection` : back.error.message, 'protection')
        }
        Buffer.from(back.value.buffer, back.value.byteOffset, back.value.byteLength).fill(0)
      }
      if (protection === 'passphrase' || protection === 'both') {
        const salt = randomBytes(16)
        passKey = await scryptKey(secrets.passphrase ?? '', salt, scryptParams)
        buffers.push(passKey)
        scryptInfo = { salt: salt.toString('base64'), ...scryptParams }
      }
      const kek = protection === 'both' ? combineKeks(keychainSecret!, passKey!) : (keychainSecret ?? passKey)!
      buffers.push(kek)
      const pkcs8 = key.export({ type: 'pkcs8', format: 'der' })
      buffers.push(pkcs8)
      const envelope = sealEnvelope({ keyId, purpose, spkiSha256, pkcs8, kek, source: protection, keychain: keychainInfo, scrypt: scryptInfo })
      return ok({ envelope, keychainAccount: keychainInfo?.account ?? null })
    } finally {
      for (const b of buffers) b.fill(0)
    }
  }

  const custodianKeychain: CustodianKeychain = {
    name: keychain.name,
    service: KEYCHAIN_SERVICE,
    async put(account, secret) {
      const r = await keychain.setSecret(KEYCHAIN_SERVICE, account, secret)
      return r.ok ? { ok: true } : { ok: false, message: r.error.message }
    },
    async get(account) {
      const r = await keychain.getSecret(KEYCHAIN_SERVICE, account)
      return r.ok ? r.value : null
    },
    async remove(account) {
      await keychain.deleteSecret(KEYCHAIN_SERVICE, account)
    }
  }

  /** The keychain entries an envelope names (its own, and its custodians'), to remove when it is replaced. */
  const keychainAccountsOf = (env: Envelope | null): string[] => [
    ...(env?.kek.keychain ? [env.kek.keychain.account] : []),
    ...(env?.kek.custodians?.parts.flatMap((p) => (p.keychain ? [p.keychain.account] : [])) ?? [])
  ]

  async function removeAccounts(accounts: readonly string[]): Promise<void> {
    for (const a of accounts) await keychain.deleteSecret(KEYCHAIN_SERVICE, a)
  }

  /** Opens a row's envelope with `secrets`: the key, and the custodians whose shares were used. */
  async function openRow(row: VaultKeyRow, secrets: KeySecrets): Promise<Result<{ key: KeyObject; custodians: string[] }>> {
    const keyId = row.id
    const ref = toRef(row)
    const env = parseEnvelope(row.envelope)
    if (!env || env.keyId !== keyId)
      return fail('VAULT_ENVELOPE_INVALID', `Key ${keyId}'s stored envelope is damaged: restore the database from a backup.`)
    const kek = await deriveKek(ref, env, secrets)
    if (!kek.ok) return kek
    const opened = openEnvelope(env, row.purpose, row.spkiSha256, kek.value.kek)
    try {
      if ('failure' in opened) {
        if (opened.failure === 'kek') return { ok: false, error: openFailure(ref, kek.value.custodians) }
        return fail('VAULT_ENVELOPE_INVALID', `Key ${keyId}'s ciphertext does not match its row (its id, purpose or public key was altered): restore the database from a backup.`)
      }
      const parsed = parsePrivateKey(opened.pkcs8, undefined)
      if (!parsed.ok) return fail('VAULT_ENVELOPE_INVALID', `Key ${keyId} decrypted to something that is not a private key: restore the database from a backup.`)
      if (spkiOf(parsed.value).spkiSha256 !== row.spkiSha256)
        return fail('VAULT_ENVELOPE_INVALID', `Key ${keyId} does not match its stored public key: restore the database from a backup.`)
      if (env.v < ENVELOPE_VERSION) upgradeEnvelope(row, env, opened.pkcs8, kek.value.kek)
      return ok({ key: parsed.value, custodians: kek.value.custodians })
    } finally {
      if ('pkcs8' in opened) opened.pkcs8.fill(0)
      kek.value.kek.fill(0)
    }
  }

  /**
   * A version 1 envelope (its AADs do not name the purpose) that just opened is re-sealed as
   * version 2 under the same KEK, binding the purpose its row has now. The KEK, and so the
   * keychain entry, scrypt salt and custodian shares, stay as they are: only the wrapped DEK
   * and the ciphertext change. The row is replaced only if it still holds the envelope that
   * opened (compare-and-swap); if the write fails (a read-only store) the key stays version 1
   * and opens as before.
   */
  function upgradeEnvelope(row: VaultKeyRow, env: Envelope, pkcs8: Uint8Array, kek: Uint8Array): void {
    const upgraded = sealEnvelope({
      keyId: row.id,
      purpose: row.purpose,
      spkiSha256: row.spkiSha256,
      pkcs8,
      kek,
      source: env.kek.source,
      ...(env.kek.keychain ? { keychain: env.kek.keychain } : {}),
      ...(env.kek.scrypt ? { scrypt: env.kek.scrypt } : {}),
      ...(env.kek.custodians ? { custodians: env.kek.custodians } : {})
    })
    try {
      store.write((tx) => replaceVaultKeyEnvelope(tx, row.id, row.envelope, JSON.stringify(upgraded)))
    } catch {
      // Not upgraded this time; a version 1 envelope remains readable.
    }
  }

  async function openCustodians(ref: KeyRef, env: Envelope, secrets: KeySecrets): Promise<Result<{ kek: Buffer; custodians: string[] }>> {
    const split = env.kek.custodians
    if (!split) return fail('VAULT_ENVELOPE_INVALID', `Key ${ref.keyId}'s envelope names no custodians: restore the database from a backup.`)
    const offered = secrets.custodians ?? []
    const need = `${split.threshold} of its ${split.parts.length} custodians (${custodianNames(split).join(', ')})`
    if (offered.length === 0) return fail('CUSTODIANS_REQUIRED', `Key ${ref.keyId} needs ${need}: each enters their passphrase in one sitting.`, 'custodians')
    const r = await openCustodianKek(ref.keyId, split, offered, custodianKeychain)
    if (r.ok) return ok({ kek: Buffer.from(r.kek), custodians: r.custodians })
    const details = { custodians: r.custodians, unmatched: r.unmatched.length, threshold: split.threshold }
    const named = r.unmatched.filter((u) => u.name !== undefined).map((u) => u.name)
    if (r.reason === 'keychain')
      return fail('KEYCHAIN_ENTRY_MISSING', `A custodian share of key ${ref.keyId} is also held in the ${keychain.name}, which has no entry for it on this machine: unlock on the machine that holds it, or replace that custodian.`, 'custodians', details)
    if (r.reason === 'unmatched')
      return fail(
        'CUSTODIAN_PASSPHRASE_WRONG',
        `${r.unmatched.length === 1 ? 'one passphrase' : `${r.unmatched.length} passphrases`}${named.length ? ` (given as ${named.join(', ')})` : ''} opened no custodian's share of key ${ref.keyId}${r.custodians.length ? `; ${r.custodians.join(', ')} matched` : ''}: it needs ${need}; check the passphrases and try again`,
        'custodians',
        details
      )
    return fail('CUSTODIANS_TOO_FEW', `Only ${r.custodians.length} of the ${split.threshold} custodians needed were present (${r.custodians.join(', ') || 'none'}): key ${ref.keyId} needs ${need}.`, 'custodians', details)
  }

  /** Derives the KEK named by the envelope; every missing factor is a clear failure, never a fallback. */
  async function deriveKek(ref: KeyRef, env: Envelope, secrets: KeySecrets): Promise<Result<{ kek: Buffer; custodians: string[] }>> {
    const source = env.kek.source
    if (source !== ref.protection)
      return fail('VAULT_ENVELOPE_INVALID', `Key ${ref.keyId}'s stored protection does not match its envelope: the row was altered; restore the database from a backup.`)
    if (source === 'custodians') return openCustodians(ref, env, secrets)
    let keychainSecret: Buffer | null = null
    let passKey: Buffer | null = null
    try {
      if (source === 'passphrase' || source === 'both') {
        if (!secrets.passphrase) return fail('PASSPHRASE_REQUIRED', 'The key is protected by a passphrase: enter it to unlock the key.', 'passphrase')
        if (!env.kek.scrypt) return fail('VAULT_ENVELOPE_INVALID', `Key ${ref.keyId}'s envelope has no passphrase parameters: restore the database from a backup.`)
      }
      if (source === 'keychain' || source === 'both') {
        const kc = env.kek.keychain
        if (!kc) return fail('VAULT_ENVELOPE_INVALID', `Key ${ref.keyId}'s envelope names no keychain entry: restore the database from a backup.`)
        const got = await keychain.getSecret(kc.service, kc.account)
        if (!got.ok) return fail('KEYCHAIN_UNAVAILABLE', keychainMessageForExistingKey(got.error.message))
        if (!got.value)
          return fail(
            'KEYCHAIN_ENTRY_MISSING',
            `The ${keychain.name} has no entry "${kc.account}" (service "${kc.service}") for key ${ref.keyId}: restore that entry from a keychain backup; without it the key cannot be unlocked.`
          )
        keychainSecret = Buffer.from(got.value)
        got.value.fill(0)
      }
      if (env.kek.scrypt && (source === 'passphrase' || source === 'both')) {
        const s = env.kek.scrypt
        passKey = await scryptKey(secrets.passphrase ?? '', Buffer.from(s.salt, 'base64'), { N: s.N, r: s.r, p: s.p })
      }
      if (source === 'both') return ok({ kek: combineKeks(keychainSecret!, passKey!), custodians: [] })
      const kek = (keychainSecret ?? passKey)!
      // Ownership passes to the caller, who zeroes it.
      if (kek === keychainSecret) keychainSecret = null
      else passKey = null
      return ok({ kek, custodians: [] })
    } finally {
      keychainSecret?.fill(0)
      passKey?.fill(0)
    }
  }

  // Shown beside the passphrase field of whatever the operator is unlocking: no key id (the
  // operator knows the CA or certificate, not the vault's id for its key).
  function openFailure(ref: KeyRef, custodians: readonly string[]): AppError {
    switch (ref.protection) {
      case 'custodians':
        return {
          code: 'VAULT_ENVELOPE_INVALID',
          message: `The shares of ${custodians.join(', ')} opened but do not recover key ${ref.keyId}'s key-encryption key: the row was altered; restore the database from a backup.`,
          details: { custodians }
        }
      case 'passphrase':
        return { code: 'PASSPHRASE_WRONG', message: 'The passphrase is wrong: check it and try again.', field: 'passphrase' }
      case 'both':
        return {
          code: 'PASSPHRASE_WRONG',
          message: 'The key did not open: the passphrase is wrong or its keychain entry was replaced. Check the passphrase, then the keychain entry.',
          field: 'passphrase'
        }
      case 'keychain':
        return {
          code: 'KEYCHAIN_ENTRY_MISMATCH',
          message: 'The keychain entry of this key does not open it (it was replaced): restore the original entry from a keychain backup.'
        }
      case 'pkcs11':
        return { code: 'VAULT_ENVELOPE_INVALID', message: `Key ${ref.keyId} is on a token and has no envelope to open: the row was altered; restore the database from a backup.` }
    }
  }

  return { accountFor, keychainUnavailableCheck, sealUnder, custodianKeychain, keychainAccountsOf, removeAccounts, openRow }
}

export type KeyEncryption = ReturnType<typeof createKeyEncryption>

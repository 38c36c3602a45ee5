// The vault's contract. Everything that touches private key bytes or the OS keychain lives
// under src/main/vault; the rest of the app holds key ids and asks for a Signer.
//
// Key creation is split so the caller can commit the key row in the same transaction as
// the record that uses it (an authority, an end-entity certificate) and its audit entry:
//   const prepared = await vault.prepareKey(...)        // async: generate, encrypt, keychain
//   store.write((tx) => { vault.saveKey(tx, prepared); insertAuthority(tx, ...); appendAudit(tx, ...) })
//   // on failure: await vault.discardKey(prepared)      // removes its keychain entry
import type { Result } from '../../shared/errors'
import type { KeyProtection, KeySpec, StoredKeyProtection } from '../../shared/domain/keys'
import type { Signer } from './signer'
import type { WriteTx } from '../store/database'
import type { CustodianSecret } from './custodians'
import type { Pkcs11ModuleInfo, Pkcs11TokenDto } from '../../shared/domain/pkcs11'
import type { TokenKeyListing, TokenKeyRef } from './pkcs11/token-store'

export type KeyPurpose = 'ca' | 'end-entity'

export interface KeyRef {
  readonly keyId: string
  readonly spec: KeySpec
  readonly purpose: KeyPurpose
  readonly protection: StoredKeyProtection
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array
  /** SHA-256 of the SPKI, lowercase hex: the same key is found by it wherever it appears. */
  readonly spkiSha256: string
}

/** A key generated or imported and encrypted (or made on a token), not yet in the store. Holds no plaintext. */
export interface PreparedKey extends KeyRef {
  readonly protection: KeyProtection | 'pkcs11'
  /** The sealed key (JSON), or for a token key where it is on the token (no key material). */
  readonly envelope: string
}

export interface KeySecrets {
  /** Needed for 'passphrase' and 'both' protection. */
  readonly passphrase?: string
  /** For 'custodians' protection: at least the threshold of them, in one sitting. */
  readonly custodians?: readonly CustodianSecret[]
  /** For a key on a PKCS#11 token: the token's user PIN (else `passphrase` is taken as the PIN). */
  readonly pin?: string
}

/** Where a token key is made or found: the module (shared library) path and the token's label. */
export interface TokenKeyLocation {
  readonly module: string
  readonly token: string
  readonly pin: string
  readonly purpose: KeyPurpose
}

export interface PrepareTokenKeyInput extends TokenKeyLocation {
  readonly spec: KeySpec
  /** CKA_LABEL of the new key pair. */
  readonly keyLabel: string
}

export interface PrepareTokenAdoptInput extends TokenKeyLocation {
  readonly keyLabel?: string
  /** CKA_ID, hex. */
  readonly ckaId?: string
  /** The certificate's public key: the token key must be this one. */
  readonly expectedSpki: Uint8Array
}

export interface PrepareKeyInput extends KeySecrets {
  readonly spec: KeySpec
  readonly purpose: KeyPurpose
  readonly protection: KeyProtection
}

export interface ImportKeyInput extends KeySecrets {
  /** PEM or DER: PKCS#8, encrypted PKCS#8, or traditional RSA/EC PEM. */
  readonly data: Uint8Array
  /** The password of an encrypted key file. */
  readonly filePassphrase?: string
  readonly purpose: KeyPurpose
  readonly protection: KeyProtection
}

export interface ImportPfxInput extends KeySecrets {
  readonly data: Uint8Array
  readonly pfxPassword: string
  readonly purpose: KeyPurpose
  readonly protection: KeyProtection
}

export type PfxExportPreset = 'modern' | 'legacy'

export interface KeychainStatus {
  readonly available: boolean
  readonly backend: string
  /** One sentence with the fix when unavailable. */
  readonly message: string
}

export interface Vault {
  prepareKey(input: PrepareKeyInput): Promise<Result<PreparedKey>>
  prepareImport(input: ImportKeyInput): Promise<Result<PreparedKey>>
  /** Generates a key pair on a PKCS#11 token (non-extractable, sensitive, sign only); the token stays logged in. */
  prepareTokenKey(input: PrepareTokenKeyInput): Promise<Result<PreparedKey>>
  /** A key already on a token, by label or id, checked against the certificate's public key. */
  prepareTokenAdopt(input: PrepareTokenAdoptInput): Promise<Result<PreparedKey>>
  /** The tokens in a module's slots. */
  tokens(module: string): Promise<Result<Pkcs11TokenDto[]>>
  /** Loads the module (C_Initialize) and what it says of itself (C_GetInfo); PKCS11_MODULE_UNLOADABLE says what to do. */
  moduleInfo(module: string): Promise<Result<Pkcs11ModuleInfo>>
  /** The private keys on a token (label, id, type), listed after logging in with its user PIN. */
  tokenKeys(module: string, token: string, pin: string): Promise<Result<TokenKeyListing[]>>
  /** Where a token key is (module, token, label, id), or null for a vault key. */
  tokenKeyOf(keyId: string): TokenKeyRef | null
  /** Parses a PFX; its key (if any) comes back prepared, its certificates as DER. */
  preparePfxImport(input: ImportPfxInput): Promise<Result<{ key: PreparedKey | null; certificates: Uint8Array[] }>>
  /** Writes the prepared key's row in the caller's transaction. Leaves the key unlocked. */
  saveKey(tx: WriteTx, prepared: PreparedKey): void
  discardKey(prepared: PreparedKey): Promise<void>
  /** The key id that holds this public key, if the vault has one. */
  findBySpkiSha256(spkiSha256: string): KeyRef | null
  get(keyId: string): KeyRef | null
  unlock(keyId: string, secrets: KeySecrets): Promise<Result<void>>
  /**
   * Re-checks `secrets` against the key's envelope without unlocking it: an unlocked key is
   * opened again from its row (its copy in memory proves nothing about who is asking), and
   * nothing is held afterwards. A keychain-only key needs no secret: its keychain entry must
   * still open it. The custodians whose shares opened, for the audit entry.
   */
  checkSecrets(keyId: string, secrets: KeySecrets): Promise<Result<{ custodians: string[] }>>
  lock(keyId: string): void
  lockAll(): void
  isUnlocked(keyId: string): boolean
  /** A Signer for an unlocked key; VAULT_LOCKED otherwise. */
  signer(keyId: string): Result<Signer>
  /** EncryptedPrivateKeyInfo (DER) under `exportPassphrase` (≥ 12 characters), for PFX or PKCS#8 export. */
  exportEncryptedPkcs8(keyId: string, exportPassphrase: string, preset: PfxExportPreset): Promise<Result<Uint8Array>>
  /** Removes the key row (in a transaction of its own) and then its keychain entry. */
  deleteKey(keyId: string): Promise<Result<void>>
  keychainStatus(): Promise<KeychainStatus>
}

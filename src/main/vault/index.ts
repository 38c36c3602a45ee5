// The vault's public surface: everything else in the app imports from here.
export type { Vault, KeyRef, PreparedKey, KeySecrets, PrepareKeyInput, ImportKeyInput, ImportPfxInput, PfxExportPreset, KeychainStatus, KeyPurpose } from './vault'
export type { Signer, SignOptions } from './signer'
export type { KeychainBackend } from './keychain'
export { KEYCHAIN_SERVICE } from './keychain'
export { createVault, MIN_PASSPHRASE_LENGTH, type VaultOptions, type VaultInternals, type VaultEvent, type LockReason } from './create-vault'
export { createNapiKeychain } from './napi-keychain'
export { createMemoryKeychain, type MemoryKeychain } from './memory-keychain'
export { DEFAULT_SCRYPT, type ScryptParams } from './envelope'

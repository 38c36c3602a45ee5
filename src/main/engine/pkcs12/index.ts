// PKCS#12 and password-based encryption of PKCS#8 keys: pure functions over bytes. The vault
// calls encrypt/decryptPrivateKeyInfo so private key bytes are handled only at vault/ call sites.
import 'reflect-metadata'
export { encryptPrivateKeyInfo, decryptPrivateKeyInfo, pbeEncrypt, pbeDecrypt, pkcs12Kdf, type PbePreset, MODERN_ITERATIONS, LEGACY_ITERATIONS } from './pbe'
export { buildPfx, parsePfx, type BuildPfxInput, type ParsedPfx, type PfxKeyBag } from './pfx'

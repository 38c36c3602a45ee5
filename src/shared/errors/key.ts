// Codes about private keys: the vault, the keychain, passphrases and PKCS#12/PBE containers.
import type { Catalog } from './catalog'

export const keyErrors = {
  KEY_NOT_FOUND: 'No key has this id in the vault.',
  KEY_NOT_HELD: "PKI Desk does not hold this certificate's private key.",
  KEY_EXISTS: 'This private key is already in the vault.',
  KEY_SPEC_INVALID: 'The key algorithm is not one PKI Desk can generate.',
  KEY_UNREADABLE: 'The file does not hold a private key PKI Desk can read.',
  VAULT_LOCKED: 'The key is locked; unlock it first.',
  VAULT_ENVELOPE_INVALID: "A key's stored protection does not match its envelope: the store was altered.",
  VAULT_KEY_NOT_PREPARED: 'The key was not prepared by this vault or was already saved.',
  KEYCHAIN_UNAVAILABLE: "The system keychain (Secret Service) is not reachable; start and unlock it.",
  KEYCHAIN_ENTRY_MISSING: "The keychain has no entry for the key; restore it from a keychain backup.",
  KEYCHAIN_ENTRY_MISMATCH: 'The keychain entry does not open the key (it was replaced).',
  PRIVATE_KEY_EXPORT_BLOCKED: 'The certificate was issued under a profile that blocks private key export; the key stays in PKI Desk (export without it).',
  PASSPHRASE_REQUIRED: 'A passphrase or password is needed and none was given.',
  PASSPHRASE_WRONG: 'The passphrase or password does not open the key or file.',
  PASSPHRASE_TOO_SHORT: 'The passphrase is shorter than the minimum.',
  PFX_CORRUPT: 'The file is not a PKCS#12 (PFX/P12) file, or it is damaged.',
  PFX_UNSUPPORTED: 'The PFX uses a protection PKI Desk does not support.',
  PFX_NO_KEY: 'The PFX holds no private key.',
  PFX_MULTIPLE_KEYS: 'The PFX holds more than one private key.',
  PBE_CORRUPT: 'The encryption parameters of an encrypted key or PFX are damaged.',
  PBE_UNSUPPORTED: 'The password-based encryption scheme is not supported.'
} as const satisfies Catalog

export type KeyErrorCode = keyof typeof keyErrors

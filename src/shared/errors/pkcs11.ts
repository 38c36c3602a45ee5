// Codes about CA keys held on PKCS#11 tokens and HSMs (src/main/vault/pkcs11): the module,
// the token, the user PIN, the key object, its mechanisms and the session it signs on.
import type { Catalog } from './catalog'

export const pkcs11Errors = {
  PKCS11_MODULE_UNLOADABLE: 'The PKCS#11 module (shared library) cannot be loaded or initialised.',
  PKCS11_TOKEN_ABSENT: 'No token with this label or serial is present in any slot of the module.',
  PKCS11_PIN_INCORRECT: "The token refused the user PIN (the message says whether its tries are running low).",
  PKCS11_PIN_LOCKED: 'The user PIN of the token is locked after too many wrong tries; the token\'s security officer must unblock it.',
  PKCS11_PIN_REQUIRED: 'A key on a token needs the user PIN and none was given.',
  PKCS11_KEY_NOT_FOUND: 'The token holds no private key with this label or id.',
  PKCS11_KEY_MISMATCH: "The token's key is not the key of the CA certificate.",
  PKCS11_KEY_EXISTS: 'The token already holds a key with this label.',
  PKCS11_MECHANISM_UNSUPPORTED: 'The token does not offer the signature or key-generation mechanism this key needs.',
  PKCS11_SESSION_LOST: 'The session with the token ended (token removed, module unloaded): nothing more was signed.',
  PKCS11_KEY_NOT_EXPORTABLE: 'A key held on a token never leaves it: it cannot be exported or backed up.',
  PKCS11_MODULE_LISTED: 'This PKCS#11 module is already in the list (added, or found at its usual path).',
  PKCS11_MODULES_TOO_MANY: 'The most PKCS#11 modules that can be added are added already.',
  PKCS11_MODULE_NOT_ADDED: 'This PKCS#11 module was not added in Settings (it is found at its usual path or named in PKIDESK_PKCS11_MODULES), so it cannot be removed there.',
  PKCS11_MODULE_IN_USE: "A CA's key is on a token of this PKCS#11 module: it is not removed while that CA uses it.",
  PKCS11_PIN_FORGOTTEN: 'The token refused the PIN remembered in the OS keychain; it was removed from the keychain and the PIN must be entered again.',
  PKCS11_FAILED: 'The token reported an error for a PKCS#11 call.'
} as const satisfies Catalog

export type Pkcs11ErrorCode = keyof typeof pkcs11Errors

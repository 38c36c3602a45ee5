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
  PKCS11_FAILED: 'The token reported an error for a PKCS#11 call.'
} as const satisfies Catalog

export type Pkcs11ErrorCode = keyof typeof pkcs11Errors

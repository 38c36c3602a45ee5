// Key algorithms PKI Desk generates, imports and signs with, and how a stored key is protected.
import { z } from 'zod'
import { LIMITS } from '../limits'

export const keySpec = z.enum(['rsa-2048', 'rsa-3072', 'rsa-4096', 'rsa-8192', 'ec-p256', 'ec-p384', 'ec-p521', 'ed25519', 'ed448'])
export type KeySpec = z.infer<typeof keySpec>

export const keyProtection = z.enum(['keychain', 'passphrase', 'both'])
export type KeyProtection = z.infer<typeof keyProtection>

/**
 * How a stored key is protected: one of the protections a key is created with, or
 * 'custodians' (its key-encryption key split M-of-N between named custodians, each holding
 * a share under their own passphrase), which an existing key is moved to; or 'pkcs11' (the
 * key is on a PKCS#11 token, unlocked with its user PIN, and never leaves it).
 */
export const storedKeyProtection = z.enum([...keyProtection.options, 'custodians', 'pkcs11'])
export type StoredKeyProtection = z.infer<typeof storedKeyProtection>

/** A passphrase or file password as any request carries it: at most LIMITS.passphraseChars characters. */
export const passphraseText = z.string().max(LIMITS.passphraseChars, `at most ${LIMITS.passphraseChars} characters`)

export const signatureHash = z.enum(['SHA-256', 'SHA-384', 'SHA-512'])
export type SignatureHash = z.infer<typeof signatureHash>

export type KeyFamily = 'rsa' | 'ec' | 'ed25519' | 'ed448'

/** ECDSA curve → the only hash it signs with (Mozilla Root Store Policy 5.1.2 pairing). */
export const CURVE_HASH: Readonly<Record<string, SignatureHash>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }
export const SPEC_CURVE: Readonly<Partial<Record<KeySpec, string>>> = { 'ec-p256': 'P-256', 'ec-p384': 'P-384', 'ec-p521': 'P-521' }

/**
 * Why a key of this spec has no hash choice, for a form that offers one: an ECDSA key signs
 * with its curve's hash, EdDSA hashes internally. Null for RSA (any of SHA-256/384/512).
 */
export function fixedHashOf(spec: KeySpec): { readonly hash: SignatureHash | null; readonly reason: string } | null {
  const curve = SPEC_CURVE[spec]
  if (curve) return { hash: CURVE_HASH[curve]!, reason: `A ${curve} key always signs with ${CURVE_HASH[curve]!}.` }
  if (spec === 'ed25519' || spec === 'ed448') return { hash: null, reason: `${spec === 'ed25519' ? 'Ed25519' : 'Ed448'} hashes internally; there is no hash to choose.` }
  return null
}

export function keyFamily(spec: KeySpec): KeyFamily {
  if (spec.startsWith('rsa-')) return 'rsa'
  if (spec.startsWith('ec-')) return 'ec'
  return spec === 'ed25519' ? 'ed25519' : 'ed448'
}

/** The shortest passphrase a vault key (or an exported key file) may have, in characters. */
export const MIN_PASSPHRASE_LENGTH = 12

const KEY_FAMILY_NAMES: Readonly<Record<string, string>> = { rsa: 'RSA', ec: 'EC', ed25519: 'Ed25519', ed448: 'Ed448' }

/** A key family as prose writes it: RSA, EC, Ed25519, Ed448. */
export function keyFamilyName(family: string): string {
  return KEY_FAMILY_NAMES[family] ?? family.toUpperCase()
}

/** A public key as the app and the CLI print it: "RSA 2048 bits", "EC P-256", "Ed25519". */
export function publicKeyText(key: { readonly family: string; readonly size?: number | null; readonly curve?: string | null }): string {
  if (key.curve) return `${keyFamilyName(key.family)} ${key.curve}`
  if (key.family === 'ed25519' || key.family === 'ed448') return keyFamilyName(key.family)
  return `${keyFamilyName(key.family)} ${key.size ?? '?'} bits`
}

/** "an RSA key", "an EC key", "an Ed25519 key": every family name is read starting with a vowel sound. */
export function aKeyOf(family: string): string {
  return `an ${keyFamilyName(family)} key`
}

/** A key spec as people write it: "RSA 2048", "ECDSA P-256", "Ed25519" (the app and the CLI). */
export function keySpecLabel(spec: string | null | undefined): string {
  if (!spec) return '—'
  const [family, size] = spec.split('-')
  if (family === 'rsa') return `RSA ${size}`
  if (family === 'ec') return `ECDSA ${size?.toUpperCase().replace('P', 'P-')}`
  return spec === 'ed25519' ? 'Ed25519' : spec === 'ed448' ? 'Ed448' : spec
}

/** How a key is protected, in words ("both" is jargon: it is the keychain and a passphrase). */
export function protectionLabel(protection: string | null | undefined): string {
  switch (protection) {
    case 'keychain':
      return 'OS keychain'
    case 'passphrase':
      return 'passphrase'
    case 'both':
      return 'keychain + passphrase'
    case 'custodians':
      return 'custodians (M of N)'
    case 'pkcs11':
      return 'PKCS#11 token'
    default:
      return 'no key held'
  }
}

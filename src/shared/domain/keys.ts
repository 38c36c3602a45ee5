// Key algorithms PKI Desk generates, imports and signs with, and how a stored key is protected.
import { z } from 'zod'

export const keySpec = z.enum(['rsa-2048', 'rsa-3072', 'rsa-4096', 'rsa-8192', 'ec-p256', 'ec-p384', 'ec-p521', 'ed25519', 'ed448'])
export type KeySpec = z.infer<typeof keySpec>

export const keyProtection = z.enum(['keychain', 'passphrase', 'both'])
export type KeyProtection = z.infer<typeof keyProtection>

export const signatureHash = z.enum(['SHA-256', 'SHA-384', 'SHA-512'])
export type SignatureHash = z.infer<typeof signatureHash>

export type KeyFamily = 'rsa' | 'ec' | 'ed25519' | 'ed448'

export function keyFamily(spec: KeySpec): KeyFamily {
  if (spec.startsWith('rsa-')) return 'rsa'
  if (spec.startsWith('ec-')) return 'ec'
  return spec === 'ed25519' ? 'ed25519' : 'ed448'
}

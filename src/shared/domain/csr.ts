// What a parsed certificate signing request shows the operator (and the CLI's `csr inspect`).
import { z } from 'zod'
import { distinguishedName, generalName, keyUsageName } from './names'

export const publicKeyInfo = z.object({
  /** rsa, ec, ed25519, ed448 */
  family: z.enum(['rsa', 'ec', 'ed25519', 'ed448']),
  /** RSA modulus bits, EC field bits, 256 for Ed25519, 456 for Ed448. */
  size: z.number().int(),
  /** P-256, P-384, P-521 for EC keys. */
  curve: z.string().optional(),
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
  sha256: z.string()
})
export type PublicKeyInfo = z.infer<typeof publicKeyInfo>

export const requestedExtension = z.object({
  oid: z.string(),
  name: z.string(),
  critical: z.boolean()
})

export const csrInfo = z.object({
  subject: distinguishedName,
  /** RFC 4514-style string for display. */
  subjectText: z.string(),
  sans: z.array(generalName),
  requestedKeyUsage: z.array(keyUsageName).optional(),
  requestedExtKeyUsage: z.array(z.string()).optional(),
  requestedExtensions: z.array(requestedExtension),
  publicKey: publicKeyInfo,
  signatureAlgorithm: z.string(),
  signatureValid: z.boolean()
})
export type CsrInfo = z.infer<typeof csrInfo>

/**
 * A well-formed request PKI Desk will not sign (DSA, secp256k1, an unknown key or signature
 * algorithm), described so the operator sees what it is before the refusal.
 */
export const csrDescription = z.object({
  subject: distinguishedName,
  subjectText: z.string(),
  sans: z.array(generalName),
  requestedExtensions: z.array(requestedExtension),
  /** The key in words: "DSA 2048 bits", "EC secp256k1". */
  key: z.string(),
  signatureAlgorithm: z.string(),
  /** Whether the signature verifies; null where the stack cannot check it. */
  signatureValid: z.boolean().nullable()
})
export type CsrDescription = z.infer<typeof csrDescription>

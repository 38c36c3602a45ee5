// Certificate authorities as they cross IPC: what the operator sees of a CA held in the app.
// Never key material: a CA names its vault key by id and says whether it is unlocked.
import { z } from 'zod'
import { errorCodeSchema } from '../errors/schema'
import { distinguishedName } from './names'
import { keyProtection, keySpec, passphraseText, signatureHash, storedKeyProtection } from './keys'
import { extensionUrls } from './extension-urls'
import { tokenKeyPlace } from './pkcs11'

export const authorityState = z.enum(['active', 'pending-certificate', 'retired'])
export type AuthorityState = z.infer<typeof authorityState>

/** How this CA's CRLs are made. */
export const crlSettings = z.object({
  /** nextUpdate = thisUpdate + this many hours. */
  validityHours: z.number().int().min(1).max(24 * 366),
  /** Signature hash of the CRL (RSA keys sign PKCS#1 v1.5 unless rsaPss). */
  hash: signatureHash,
  rsaPss: z.boolean()
})
export type CrlSettings = z.infer<typeof crlSettings>

export const DEFAULT_CRL_SETTINGS: CrlSettings = { validityHours: 168, hash: 'SHA-256', rsaPss: false }

export const authoritySummary = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  state: authorityState,
  subjectText: z.string(),
  selfSigned: z.boolean(),
  keyId: z.string().nullable(),
  keySpec: keySpec.nullable(),
  keyProtection: storedKeyProtection.nullable(),
  /** For a key held by custodians: how many must be present, and who they are (the unlock form has a field each). */
  custodians: z.object({ threshold: z.number().int(), names: z.array(z.string()) }).nullable().optional(),
  /** For a key on a PKCS#11 token: which token and which key object (it never leaves the token). */
  token: tokenKeyPlace.nullable().optional(),
  /** The vault holds the key and it is unlocked: the CA can sign now. */
  unlocked: z.boolean(),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  /** Subject key identifier, lowercase hex. */
  ski: z.string().nullable(),
  pathLength: z.number().int().nullable(),
  /** The certificates row of this CA's own certificate, when it has one. */
  certificateId: z.number().int().nullable(),
  crlSettings,
  nextCrlNumber: z.number().int(),
  /** URLs placed in every certificate the CA issues, unless the profile sets its own of that kind. */
  urls: extensionUrls,
  createdAt: z.string(),
  /** The CA's own certificate is revoked (by its parent, here): it issues nothing more, but still signs CRLs. */
  revoked: z.boolean().optional(),
  /** When and why its certificate was revoked (set with `revoked`). */
  revokedAt: z.string().nullable().optional(),
  revocationReason: z.string().nullable().optional(),
  /** Whether the CA may issue now, and if not, the coded reason (AUTHORITY_REVOKED, AUTHORITY_EXPIRED, …). */
  canIssue: z.boolean().optional(),
  cannotIssueReason: z.object({ code: errorCodeSchema, message: z.string() }).nullable().optional(),
  /** The CA certificate's serial, uppercase hex (read from its DER). */
  serial: z.string().nullable().optional(),
  /** SHA-256 of the CA certificate's DER, lowercase hex. */
  sha256: z.string().nullable().optional(),
  /** The issuer's name as the certificate carries it (for an external parent, the only word of it here). */
  issuerText: z.string().nullable().optional(),
  /** Name constraints of the CA certificate (read from its DER), each as "DNS example.com", or null when it has none. */
  nameConstraints: z.object({ critical: z.boolean(), permitted: z.array(z.string()), excluded: z.array(z.string()) }).nullable().optional(),
  /** A retired (re-keyed) CA: the CA that replaced it under its name. */
  successorId: z.string().nullable().optional(),
  /** A retired CA: the latest notAfter of what it issued — its CRLs matter until then. */
  crlsNeededUntil: z.string().nullable().optional()
})
export type AuthoritySummary = z.infer<typeof authoritySummary>

export const authorityDetail = authoritySummary.extend({
  /** The CA certificate, PEM (null while its certificate is pending). */
  certificatePem: z.string().nullable(),
  /** The pending CSR for an external parent, PEM. */
  csrPem: z.string().nullable(),
  /** Chain from this CA up to its root, subjects only. */
  chain: z.array(z.object({ authorityId: z.string().nullable(), subjectText: z.string() }))
})
export type AuthorityDetail = z.infer<typeof authorityDetail>

/**
 * The name forms a CA's name constraints (RFC 5280 4.2.1.10) take here: `dns` a host or domain
 * (`example.com` is it and every name below it, `.example.com` only the names below), `ip` a CIDR
 * range (`10.0.0.0/8`, `2001:db8::/32`), `email` a mailbox (`a@example.com`), a host
 * (`example.com`) or a domain (`.example.com`), `uri` the host of a URI (`example.com`,
 * `.example.com`), `dn` a directory name as text (`O=Example,C=DE`: it and every name below it).
 */
export const nameConstraintType = z.enum(['dns', 'ip', 'email', 'uri', 'dn'])
export type NameConstraintType = z.infer<typeof nameConstraintType>
export const nameConstraintBase = z.object({ type: nameConstraintType, value: z.string().trim().min(1).max(1024) })
export type NameConstraintBase = z.infer<typeof nameConstraintBase>
/** Subtrees per list a new CA may carry: enough for any real hierarchy, and a bound on the work of every check. */
export const MAX_NAME_CONSTRAINTS = 64
export const nameConstraintsInput = z.object({
  permitted: z.array(nameConstraintBase).max(MAX_NAME_CONSTRAINTS),
  excluded: z.array(nameConstraintBase).max(MAX_NAME_CONSTRAINTS)
})
export type NameConstraintsInput = z.infer<typeof nameConstraintsInput>

/**
 * The hash a new CA certificate (or CSR) is signed with. An ECDSA signing key (the parent's, or
 * a root's own) decides it: P-256→SHA-256, P-384→SHA-384, P-521→SHA-512; a different value here
 * gives way to that pairing (recorded in the audit entry). Ed25519/Ed448 sign without a hash.
 */
export const caSignatureInput = z.object({ hash: signatureHash, rsaPss: z.boolean() })

/** A new CA: a self-signed root (no parentId) or an intermediate signed by a CA held in the app. */
export const createAuthorityInput = z.object({
  name: z.string().trim().min(1).max(200),
  parentId: z.string().nullable(),
  subject: distinguishedName.min(1),
  keySpec,
  protection: keyProtection,
  /** Protects the new key when protection is 'passphrase' or 'both' (at least 12 characters). */
  passphrase: passphraseText.optional(),
  validityDays: z.number().int().min(1).max(365 * 50),
  /** ISO date; the current time when omitted. */
  notBefore: z.string().datetime().optional(),
  pathLength: z.number().int().min(0).max(16).nullable(),
  nameConstraints: nameConstraintsInput.nullable(),
  signature: caSignatureInput,
  crlDistributionPoints: z.array(z.string().url()).default([]),
  ocspUrls: z.array(z.string().url()).default([]),
  caIssuersUrls: z.array(z.string().url()).default([])
})
export type CreateAuthorityInput = z.infer<typeof createAuthorityInput>

/** An intermediate whose parent is outside the app: generate its key and CSR now, import its certificate later. */
export const createAuthorityCsrInput = z.object({
  name: z.string().trim().min(1).max(200),
  subject: distinguishedName.min(1),
  keySpec,
  protection: keyProtection,
  passphrase: passphraseText.optional(),
  signature: caSignatureInput
})
export type CreateAuthorityCsrInput = z.infer<typeof createAuthorityCsrInput>

/**
 * Renew a CA: the same key, subject and extensions, a new certificate from now for
 * `validityDays` (the current certificate's length when omitted), signed by its parent (the
 * parent's successor when that was re-keyed) or, for a root, by itself.
 */
export const renewAuthorityInput = z.object({
  authorityId: z.string().min(1),
  validityDays: z.number().int().min(1).max(365 * 50).optional(),
  /** The hash of the new certificate's signature; the signing key's pairing when omitted (SHA-256 for RSA). */
  signature: caSignatureInput.optional()
})
export type RenewAuthorityInput = z.infer<typeof renewAuthorityInput>

/**
 * Re-key a CA: a new key and certificate under the same name, subject and extensions. The old
 * CA is retired (renamed "NAME (key N)"): it issues nothing more and goes on signing CRLs for
 * what it issued.
 */
export const rekeyAuthorityInput = renewAuthorityInput.extend({
  keySpec,
  protection: keyProtection,
  /** Protects the new key when protection is 'passphrase' or 'both' (at least 12 characters). */
  passphrase: passphraseText.optional()
})
export type RekeyAuthorityInput = z.infer<typeof rekeyAuthorityInput>

/** Bytes from a file: PEM text or base64 of DER (or of any binary file such as a PFX). */
export const fileInput = z.object({
  encoding: z.enum(['pem', 'base64']),
  data: z.string().max(8 * 1024 * 1024)
})
export type FileInput = z.infer<typeof fileInput>

export const importAuthorityInput = z.object({
  name: z.string().trim().min(1).max(200),
  source: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('pem'),
      /** The CA certificate (and optionally its chain). */
      certificate: fileInput,
      /** The private key: PKCS#8, encrypted PKCS#8 or traditional PEM. */
      key: fileInput,
      keyPassword: passphraseText.optional()
    }),
    z.object({ kind: z.literal('pfx'), pfx: fileInput, pfxPassword: passphraseText })
  ]),
  protection: keyProtection,
  passphrase: passphraseText.optional()
})
export type ImportAuthorityInput = z.infer<typeof importAuthorityInput>

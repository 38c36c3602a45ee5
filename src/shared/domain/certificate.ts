// Certificates, CRLs and exports as they cross IPC. The stored DER is the truth; every field
// here is a view of it. Never key material: `hasKey` only says the vault holds one.
import { z } from 'zod'
import { distinguishedName, generalName } from './names'
import { publicKeyInfo } from './csr'
import { storedKeyProtection } from './keys'
import { tokenKeyPlace } from './pkcs11'

export const certificateStatus = z.enum(['issued', 'revoked', 'expired'])
export type CertificateStatus = z.infer<typeof certificateStatus>

/** RFC 5280 5.3.1 CRLReason names (value 7 is unused). */
export const revocationReason = z.enum([
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise'
])
export type RevocationReason = z.infer<typeof revocationReason>

/**
 * The reasons `certificates:revoke` accepts. removeFromCRL belongs in delta CRLs only
 * (RFC 5280 5.3.1) and is refused (REVOCATION_REASON_NOT_ALLOWED); the enum keeps it to read
 * older records. certificateHold is the one reversible reason: `certificates:release` lifts
 * it (the next CRL omits the certificate), or a revoke with a final reason makes it permanent.
 */
export const ACCEPTED_REVOCATION_REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise'
]

/** The other end of a renewal: the certificate's id and serial (lowercase hex). */
export const renewalLink = z.object({ id: z.number().int(), serial: z.string() })
export type RenewalLink = z.infer<typeof renewalLink>

export const certificateSummary = z.object({
  id: z.number().int(),
  authorityId: z.string().nullable(),
  profileId: z.string().nullable(),
  /** Lowercase hex, even length. */
  serial: z.string(),
  subjectText: z.string(),
  commonName: z.string(),
  issuerText: z.string(),
  sans: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  /** 'expired' is derived from notAfter for an unrevoked certificate. */
  status: certificateStatus,
  revokedAt: z.string().nullable(),
  revocationReason: revocationReason.nullable(),
  /** SHA-256 of the DER, lowercase hex. */
  sha256: z.string(),
  /** The vault holds this certificate's private key (the app generated it). */
  hasKey: z.boolean(),
  isCa: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
  /** The certificate this one renews (made by Renew or `cert renew`), and the newest renewal of this one. */
  renewalOf: renewalLink.nullable(),
  renewedBy: renewalLink.nullable()
})
export type CertificateSummary = z.infer<typeof certificateSummary>

/** One decoded extension: its name and what it says, line by line, in words. */
export const extensionView = z.object({
  oid: z.string(),
  name: z.string(),
  critical: z.boolean(),
  lines: z.array(z.string())
})
export type ExtensionView = z.infer<typeof extensionView>

export const certificateView = z.object({
  version: z.number().int(),
  serial: z.string(),
  subject: distinguishedName,
  subjectText: z.string(),
  issuer: distinguishedName,
  issuerText: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  signatureAlgorithm: z.string(),
  publicKey: publicKeyInfo,
  sans: z.array(generalName),
  extensions: z.array(extensionView),
  fingerprints: z.object({ sha256: z.string(), sha1: z.string() }),
  selfSigned: z.boolean(),
  isCa: z.boolean(),
  pem: z.string()
})
export type CertificateView = z.infer<typeof certificateView>

export const chainLink = z.object({
  certificateId: z.number().int().nullable(),
  authorityId: z.string().nullable(),
  subjectText: z.string(),
  sha256: z.string()
})

export const certificateDetail = certificateSummary.extend({
  view: certificateView,
  invalidityDate: z.string().nullable(),
  /** The profile that issued it when that profile blocks private key export (no PFX with the key, no key export); else null. */
  keyExportBlockedBy: z.string().nullable(),
  /** Issuers from the immediate one up to the root (the certificate itself excluded). */
  chain: z.array(chainLink),
  /** The vault's key for this certificate, when it holds one: how it is protected and whether it is unlocked now. */
  heldKey: z
    .object({ keyId: z.string(), protection: storedKeyProtection, unlocked: z.boolean(), locksAt: z.string().nullable(), token: tokenKeyPlace.nullable().optional() })
    .nullable()
})
export type CertificateDetail = z.infer<typeof certificateDetail>

export const exportFormat = z.enum(['pem', 'der', 'pem-chain', 'p7b-der', 'p7b-pem', 'pfx-modern', 'pfx-legacy'])
export type ExportFormat = z.infer<typeof exportFormat>

export const exportedFile = z.object({
  fileName: z.string(),
  mediaType: z.string(),
  /** The file's bytes, base64. */
  base64: z.string(),
  /** PFX only: whether the file carries a private key. */
  containsKey: z.boolean()
})
export type ExportedFile = z.infer<typeof exportedFile>

export const crlSummary = z.object({
  id: z.number().int(),
  authorityId: z.string(),
  crlNumber: z.number().int(),
  thisUpdate: z.string(),
  nextUpdate: z.string(),
  entries: z.number().int(),
  sha256: z.string(),
  createdAt: z.string()
})
export type CrlSummary = z.infer<typeof crlSummary>

// The frozen description of a certificate to be signed: the output of policy evaluation and
// the only input of the TBS builder (besides the issuer and a Signer). Every value is
// explicit; the builder chooses nothing silently. Derived values are computed by the
// builder and documented there: serial (16 random bytes, positive), SKI (SHA-1 of the
// subject public key bits, RFC 5280 4.2.1.2 method 1), AKI (= the issuer's SKI).
import type { CsrInfo } from '../../shared/domain/csr'
import type { DistinguishedName, GeneralName, KeyUsageName } from '../../shared/domain/names'
import type { SignatureHash } from '../../shared/domain/keys'
import type { NameConstraintBase } from '../../shared/domain/authority'

export interface RawExtension {
  readonly oid: string
  readonly critical: boolean
  /** The extnValue contents, DER. */
  readonly value: Uint8Array
}

/** A CSR after parsing and proof-of-possession check: the DTO plus the bytes the engine needs. */
export interface ParsedCsr extends CsrInfo {
  readonly der: Uint8Array
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array
  /** Every extension of the extensionRequest attribute, as requested. */
  readonly extensions: readonly RawExtension[]
}

export interface CertificateTemplate {
  readonly subject: DistinguishedName
  readonly subjectPublicKeySpki: Uint8Array
  readonly notBefore: Date
  readonly notAfter: Date
  readonly signature: { readonly hash: SignatureHash; readonly rsaPss: boolean }
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical: boolean }
  readonly keyUsage?: { readonly usages: readonly KeyUsageName[]; readonly critical: boolean }
  readonly extendedKeyUsage?: { readonly oids: readonly string[]; readonly critical: boolean }
  readonly subjectAltName?: { readonly names: readonly GeneralName[]; readonly critical: boolean }
  readonly crlDistributionPoints?: readonly string[]
  readonly authorityInfoAccess?: { readonly ocsp: readonly string[]; readonly caIssuers: readonly string[] }
  readonly certificatePolicies?: readonly { readonly oid: string; readonly cps?: string }[]
  /** Critical always (RFC 5280 4.2.1.10 MUST). */
  readonly nameConstraints?: { readonly permitted: readonly NameConstraintBase[]; readonly excluded: readonly NameConstraintBase[] }
  /** Extensions copied from the CSR by honor_extensions, after policy allowed them. */
  readonly additionalExtensions?: readonly RawExtension[]
  /**
   * A CA's renewal or re-key: the extensions of the certificate it follows, byte for byte
   * (ca-successor.ts), for the OIDs this template does not set itself.
   */
  readonly carriedOver?: readonly RawExtension[]
}

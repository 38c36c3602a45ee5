// The inputs and outputs of policy evaluation. Plain data only: the issuance service reads the
// issuer from the store and passes what matters here.
import type { Finding, PreviewRow } from '../../../shared/domain/profile'
import type { KeyFamily } from '../../../shared/domain/keys'
import type { ExtensionUrls } from '../../../shared/domain/extension-urls'
import type { CertificateTemplate } from '../template'
import type { AuthorityConstraints } from './name-constraints'

export interface IssuerContext {
  /** The issuing CA certificate's notAfter: the ceiling of every certificate it signs. */
  readonly notAfter: Date
  readonly notBefore?: Date
  /** The issuer key's family: decides whether the signature hash and RSA-PSS apply. */
  readonly keyFamily: KeyFamily
  /** ECDSA issuers: the curve (P-256, P-384, P-521), which decides the signature hash. */
  readonly curve?: string
  /** The issuer's own basicConstraints: cA and pathLenConstraint. */
  readonly isCa?: boolean
  readonly pathLength?: number
  /** The URLs the issuing CA places in what it issues: each kind unless the profile sets its own (the preview names the CA). */
  readonly urls?: Readonly<ExtensionUrls> & { readonly authorityName: string }
  /** The name constraints of the issuer and every CA above it, read from their certificates (issuer first). */
  readonly nameConstraints?: readonly AuthorityConstraints[]
}

export interface EvaluationContext {
  /** Issuance time: notBefore, and the reference for every date rule. */
  readonly now: Date
  /** Absent only when the certificate is self-signed (a new root): no ceiling then. */
  readonly issuer?: IssuerContext
}

export interface Evaluation {
  /**
   * The certificate the profile allows for this request. Always built (the preview shows it),
   * but it may be signed only when `findings` holds no error and every warning was confirmed.
   */
  readonly template: CertificateTemplate
  readonly findings: readonly Finding[]
  /** Field by field: what was requested, what the certificate will contain, and why they differ. */
  readonly preview: readonly PreviewRow[]
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error')
}

export function warningsOf(findings: readonly Finding[]): readonly Finding[] {
  return findings.filter((f) => f.severity === 'warning')
}

// The built-in minimal profile (used when an issuance names no profile). Pure: the issuance
// service runs it on the main thread for small batches and in its worker pool for large ones.
import type { SignatureHash } from '../../../shared/domain/keys'
import type { Finding, OperatorInput } from '../../../shared/domain/profile'
import type { EvaluationContext } from '../policy'
import type { CertificateTemplate, ParsedCsr } from '../template'
import { pairedHash, signingHashFor } from '../signing-rules'

/** Turns a verified CSR and the operator's input into a template, or findings that block it. */
export type TemplateProducer = (csr: ParsedCsr, input: OperatorInput, ctx: EvaluationContext) => { template: CertificateTemplate; findings: readonly Finding[] }

const DAY = 86_400_000

/**
 * A TLS server certificate for the CSR's subject and SANs, 90 days, SHA-256,
 * digitalSignature (+ keyEncipherment for RSA), serverAuth, capped at the issuer's notAfter
 * (rejected beyond it).
 */
export const minimalProfile: TemplateProducer = (csr, input, ctx) => {
  const findings: Finding[] = []
  const notBefore = ctx.now
  const requested = input.notAfter ? new Date(input.notAfter) : new Date(notBefore.getTime() + 90 * DAY)
  if (ctx.issuer && requested > ctx.issuer.notAfter)
    findings.push({ code: 'VALIDITY_BEYOND_ISSUER', severity: 'error', field: 'validity', message: `Validity: notAfter is after the CA's notAfter ${ctx.issuer.notAfter.toISOString()}; choose an earlier date.` })
  const sans = input.sans.length ? input.sans : csr.sans
  // An ECDSA issuer decides the hash (P-256→SHA-256, P-384→SHA-384, P-521→SHA-512); an
  // operator's explicit conflicting choice is refused rather than silently replaced.
  const issuerKey = ctx.issuer ? { family: ctx.issuer.keyFamily, ...(ctx.issuer.curve ? { curve: ctx.issuer.curve } : {}) } : null
  const asked = input.signatureHash as SignatureHash | undefined
  let hash: SignatureHash = asked ?? (issuerKey ? pairedHash(issuerKey) : null) ?? 'SHA-256'
  if (!['SHA-256', 'SHA-384', 'SHA-512'].includes(hash))
    findings.push({ code: 'SIGNATURE_HASH_REFUSED', severity: 'error', field: 'signature', message: `Signature: ${hash} is refused; use SHA-256, SHA-384 or SHA-512.` })
  else if (issuerKey) {
    const decision = signingHashFor(issuerKey, hash, asked !== undefined)
    if (!decision.ok) findings.push({ code: decision.code, severity: 'error', field: 'signature', message: decision.message })
    else hash = decision.hash
  }
  if (csr.subject.length === 0 && sans.length === 0)
    findings.push({ code: 'SUBJECT_EMPTY', severity: 'error', field: 'subject', message: 'Subject: the request has neither a subject nor a SAN.' })
  const template: CertificateTemplate = {
    subject: csr.subject,
    subjectPublicKeySpki: csr.spki,
    notBefore,
    notAfter: requested,
    signature: { hash: ['SHA-256', 'SHA-384', 'SHA-512'].includes(hash) ? hash : 'SHA-256', rsaPss: false },
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: csr.publicKey.family === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'], critical: true },
    extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1'], critical: false },
    ...(sans.length ? { subjectAltName: { names: sans, critical: csr.subject.length === 0 } } : {})
  }
  return { template, findings }
}

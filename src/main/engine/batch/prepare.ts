// Batch issuance, the pure part: everything between a CSR's PEM and the TBS bytes to sign,
// with no key, no store and no I/O, so it can run in a worker thread. Per item:
//   read the CSR and verify its proof of possession → policy `evaluate` (the stored
//   profile, or the built-in minimal profile) → only a template evaluate sealed → template checks → lean TBS encoding (new random
//   serial) → `lintTbs` over the exact TBS bytes → the row's text fields.
// The issuance service then, on the main thread and in this order: refuses a CA's key or an
// end entity's key for a CA certificate (store lookups), applies `refusal`, asks the vault's
// Signer for the signature and commits the row with its audit entry.
// Mirrors buildCertificate (certificate-builder.ts) up to the signature; tests hold the two
// paths to the same checks.
import type { AppError, ErrorCode } from '../../../shared/errors'
import type { KeySpec, SignatureHash } from '../../../shared/domain/keys'
import type { Finding, OperatorInput, ProfileBody } from '../../../shared/domain/profile'
import type { Signer } from '../signer'
import { checkTemplate, newSerial, type IssuerInfo } from '../certificate-builder'
import { readCsrInput } from '../csr'
import { dnToText, generalNameText, NameError } from '../names'
import { evaluate, hasErrors, isEvaluated, lintTbs, lintView, warningsOf, type EvaluationContext, type IssuerContext } from '../policy'
import { encodeTbsLean } from '../tbs-lean'
import { MINIMAL_PROFILE } from './minimal-profile'
import { leanTbsLintView } from './tbs-lint-view'

/** What every item of one batch shares. Plain data: it is posted to worker threads. */
export interface BatchContext {
  /** Issuance time in ms, whole seconds (notBefore, and the reference of every date rule). */
  readonly nowMs: number
  /** The stored profile, or null for the built-in minimal profile (MINIMAL_PROFILE, evaluated the same way). */
  readonly profile: (ProfileBody & { readonly archived: boolean }) | null
  readonly confirmWarnings: boolean
  /** Policy's view of the issuing CA, read from its certificate (issuerContextFromCertificate). */
  readonly issuerContext: IssuerContext
  /** The builder's view of the issuing CA (subject DER, SKI, notAfter). */
  readonly issuer: IssuerInfo
  /** The CA key's spec and public key: enough to check a template, never the private key. */
  readonly signerKeyId: string
  readonly signerSpec: KeySpec
  readonly signerSpki: Uint8Array
}

export interface BatchJob {
  readonly index: number
  readonly csrPem: string
  readonly input: OperatorInput
}

/** Ready to sign: the TBS DER and the certificate row's fields derived from it. */
export interface PreparedTbs {
  readonly tbs: Uint8Array
  /** signatureAlgorithm AlgorithmIdentifier DER (outer and inner are the same). */
  readonly algorithm: Uint8Array
  readonly hash: SignatureHash
  readonly rsaPss: boolean
  /** Lowercase hex, 32 digits. */
  readonly serial: string
  readonly subjectText: string
  readonly sansText: string
  readonly notBefore: string
  readonly notAfter: string
  readonly isCa: boolean
}

export type PreparedItem =
  /** The item is not a single readable, verified CSR: nothing else applies. */
  | { readonly ok: false; readonly index: number; readonly error: AppError }
  | {
      readonly ok: true
      readonly index: number
      readonly spkiSha256: string
      /** The template asks for basicConstraints cA TRUE (the key must not be an end entity's). */
      readonly signAsCa: boolean
      /** The first refusal after the store checks (policy, template, TBS lint), or null. */
      readonly refusal: AppError | null
      readonly tbs: PreparedTbs | null
    }

export function findingsError(code: ErrorCode, findings: readonly Finding[]): AppError {
  const first = findings[0]
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''
  return { code, message: `${first?.message ?? 'The profile refused this request.'}${more}`, ...(first ? { field: first.field } : {}), details: { findings } }
}

function wholeSecondsIso(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString()
}

/** A Signer-shaped view of the CA key for checkTemplate; it cannot sign. */
function checkOnlySigner(ctx: BatchContext): Signer {
  return {
    keyId: ctx.signerKeyId,
    spec: ctx.signerSpec,
    publicKeySpki: ctx.signerSpki,
    sign: () => Promise.reject(new Error('batch preparation never signs'))
  }
}

/** Prepares the items of one batch slice (see the file comment). Never throws for one bad item. */
export function prepareBatch(ctx: BatchContext, jobs: readonly BatchJob[]): PreparedItem[] {
  const profile = ctx.profile ?? MINIMAL_PROFILE
  const evaluation: EvaluationContext = { now: new Date(ctx.nowMs), issuer: ctx.issuerContext }
  const signer = checkOnlySigner(ctx)
  const lintOptions = { issuerNotAfter: ctx.issuer.notAfter, level: profile.lintLevel, ...(profile.maxValidityDays !== undefined ? { maxValidityDays: profile.maxValidityDays } : {}) }
  return jobs.map((job) => prepareOne(job, ctx, profile, evaluation, signer, lintOptions))
}

function prepareOne(
  job: BatchJob,
  ctx: BatchContext,
  profile: ProfileBody & { readonly archived: boolean },
  evaluation: EvaluationContext,
  signer: Signer,
  lintOptions: Parameters<typeof lintTbs>[1]
): PreparedItem {
  const { index } = job
  const items = readCsrInput(new Uint8Array(Buffer.from(job.csrPem, 'utf8')))
  if (!items.ok) return { ok: false, index, error: items.error }
  if (items.value.length !== 1)
    return { ok: false, index, error: { code: 'CSR_NOT_SINGLE', message: `Item ${index + 1} holds ${items.value.length} requests: give exactly one request per item.`, field: `items.${index}.csrPem` } }
  const item = items.value[0]!
  if (!item.ok) return { ok: false, index, error: item.error }
  const csr = item.csr
  const base = { ok: true as const, index, spkiSha256: csr.publicKey.sha256 }
  let signAsCa = false
  try {
    const { template: t, findings } = evaluate(profile, csr, job.input, evaluation)
    signAsCa = t.basicConstraints?.ca ?? false
    const refuse = (refusal: AppError): PreparedItem => ({ ...base, signAsCa, refusal, tbs: null })
    // One policy path: nothing but a template evaluate produced is ever encoded.
    if (!isEvaluated(t)) return refuse({ code: 'POLICY_NOT_EVALUATED', message: `Item ${index + 1}: its template did not come from the profile's policy evaluation, so it is not signed. This is a defect; report it.` })
    if (hasErrors(findings)) return refuse(findingsError('POLICY_REFUSED', findings.filter((f) => f.severity === 'error')))
    const warnings = warningsOf(findings)
    if (warnings.length && !ctx.confirmWarnings) return refuse(findingsError('POLICY_WARNINGS_UNCONFIRMED', warnings))
    const checked = checkTemplate(t, ctx.issuer, signer)
    if (!checked.ok) return refuse(checked.error)
    const serial = newSerial()
    let encoded: ReturnType<typeof encodeTbsLean>
    try {
      encoded = encodeTbsLean(t, ctx.issuer, ctx.signerSpec, serial)
    } catch (e) {
      if (e instanceof NameError) return refuse({ code: 'TEMPLATE_INVALID', message: e.message })
      throw e
    }
    // What is linted is exactly what will be signed (read by the lean DER reader; the
    // reference reader for any shape it does not read).
    const view = leanTbsLintView(encoded.tbs)
    const lintErrors = (view ? lintView(view, lintOptions) : lintTbs(encoded.tbs, lintOptions)).filter((f) => f.severity === 'error')
    if (lintErrors.length) return refuse(findingsError('LINT_REFUSED', lintErrors))
    return {
      ...base,
      signAsCa,
      refusal: null,
      tbs: {
        tbs: encoded.tbs,
        algorithm: encoded.algorithm,
        hash: t.signature.hash,
        rsaPss: t.signature.rsaPss,
        serial: Buffer.from(serial).toString('hex'),
        subjectText: dnToText(t.subject),
        sansText: (t.subjectAltName?.names ?? []).map(generalNameText).join('\n'),
        notBefore: wholeSecondsIso(t.notBefore),
        notAfter: wholeSecondsIso(t.notAfter),
        isCa: signAsCa
      }
    }
  } catch (e) {
    return { ...base, signAsCa, refusal: { code: 'INTERNAL', message: `Item ${index + 1} could not be prepared: ${e instanceof Error ? e.message : String(e)}` }, tbs: null }
  }
}

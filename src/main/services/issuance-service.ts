// Issuance: CSR intake (inspect), CSR generation with a vault key, and batch issuance.
//
// A batch runs in chunks: each item is parsed and verified, turned into a template by the
// profile (policy `evaluate`) or the built-in minimal profile, signed through the CA's
// Signer; then the chunk's certificate rows and one audit entry per certificate commit in
// ONE transaction (an item is all there or not at all). Between chunks the event loop runs
// (progress events; the main process never blocks for long).
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { fail, ok, type AppError, type Result } from '../../shared/errors'
import type { EventSink } from '../../shared/ipc/events'
import type { CsrInspectItem } from '../../shared/ipc/csr'
import type { IssueItemResult, IssueRequest } from '../../shared/ipc/certificates'
import type { CsrInfo } from '../../shared/domain/csr'
import type { DistinguishedName, GeneralName } from '../../shared/domain/names'
import type { KeyProtection, KeySpec, SignatureHash } from '../../shared/domain/keys'
import { profileBody, type Finding, type OperatorInput } from '../../shared/domain/profile'
import { inTransaction, type Db } from '../store/database'
import { appendAudit } from '../store/audit-log'
import { insertCertificate, isCaKey, isEndEntityKey, serialExists, type NewCertificateRow } from '../store/certificates-repo'
import { buildCertificate, buildCsr, dnToText, generalNameText, readCsrInput, readPublicKey, toPem, type CertificateTemplate, type IssuerInfo, type ParsedCsr } from '../engine'
import { evaluate, hasErrors, warningsOf, type EvaluationContext } from '../engine/policy'
import type { VaultService } from './vault-service'
import type { AuthoritiesService } from './authorities-service'
import { fileBytes, sha256Hex } from './certificate-records'

/** Turns a verified CSR and the operator's input into a template, or findings that block it. */
export type TemplateProducer = (csr: ParsedCsr, input: OperatorInput, ctx: EvaluationContext) => { template: CertificateTemplate; findings: readonly Finding[] }

export interface IssuanceService {
  inspect(file: { encoding: 'pem' | 'base64'; data: string }): Result<{ items: CsrInspectItem[] }>
  generateCsr(input: { subject: DistinguishedName; sans: GeneralName[]; keySpec: KeySpec; protection: KeyProtection; passphrase?: string; hash: SignatureHash }): Promise<Result<{ keyId: string; pem: string; csr: CsrInfo }>>
  issue(request: IssueRequest): Promise<Result<{ operationId: string; issued: number; failed: number; results: IssueItemResult[] }>>
}

const DAY = 86_400_000
/** At most this many prepared certificates per slice. */
export const ISSUE_CHUNK = 500
/** Commit when this many certificates are ready… */
export const COMMIT_AT = 25
/** …or when this long has passed since the last commit. */
export const COMMIT_EVERY_MS = 50
/** Work at most this long before committing and yielding to the event loop. */
export const SLICE_MS = 10

function csrInfoOf(c: ParsedCsr): CsrInfo {
  return {
    subject: c.subject,
    subjectText: c.subjectText,
    sans: c.sans,
    ...(c.requestedKeyUsage ? { requestedKeyUsage: c.requestedKeyUsage } : {}),
    ...(c.requestedExtKeyUsage ? { requestedExtKeyUsage: c.requestedExtKeyUsage } : {}),
    requestedExtensions: c.requestedExtensions,
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm,
    signatureValid: c.signatureValid
  }
}

/**
 * The built-in minimal profile (used when no profile is chosen): a TLS server certificate
 * for the CSR's subject and SANs, 90 days, SHA-256, digitalSignature (+ keyEncipherment for
 * RSA), serverAuth, capped at the issuer's notAfter (rejected beyond it).
 */
export const minimalProfile: TemplateProducer = (csr, input, ctx) => {
  const findings: Finding[] = []
  const notBefore = ctx.now
  const requested = input.notAfter ? new Date(input.notAfter) : new Date(notBefore.getTime() + 90 * DAY)
  if (ctx.issuer && requested > ctx.issuer.notAfter)
    findings.push({ code: 'VALIDITY_BEYOND_ISSUER', severity: 'error', field: 'validity', message: `Validity: notAfter is after the CA's notAfter ${ctx.issuer.notAfter.toISOString()}; choose an earlier date.` })
  const sans = input.sans.length ? input.sans : csr.sans
  const hash = (input.signatureHash as SignatureHash | undefined) ?? 'SHA-256'
  if (!['SHA-256', 'SHA-384', 'SHA-512'].includes(hash))
    findings.push({ code: 'SIGNATURE_HASH_REFUSED', severity: 'error', field: 'signature', message: `Signature: ${hash} is refused; use SHA-256, SHA-384 or SHA-512.` })
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

export function createIssuanceService(db: Db, vault: VaultService, authorities: AuthoritiesService, emit: EventSink, now: () => Date): IssuanceService {
  const keys = vault.keys

  /** WIRE: the profile → template step. A stored profile goes through policy `evaluate`. */
  function producerFor(profileId: string | null): Result<TemplateProducer> {
    if (profileId === null) return ok(minimalProfile)
    const row = db.prepare('SELECT body, archived FROM profiles WHERE id = ?').get(profileId) as { body: string; archived: number } | undefined
    if (!row) return fail('PROFILE_NOT_FOUND', `No profile ${profileId}: choose one from the list.`, 'profileId')
    const parsed = profileBody.safeParse(JSON.parse(row.body))
    if (!parsed.success) return fail('PROFILE_INVALID', `Profile ${profileId} cannot be read; open it in the profile editor and save it again.`, 'profileId')
    const body = { ...parsed.data, archived: row.archived === 1 }
    return ok((csr, input, ctx) => evaluate(body, csr, input, ctx))
  }

  /** Keys the vault holds, by SPKI SHA-256, found by caKeyReuse (saves a second lookup per item). */
  const heldKeys = new Map<string, string>()
  /** CA keys never certify an end entity. */
  function caKeyReuse(spkiSha256: string): boolean {
    const k = keys.findBySpkiSha256(spkiSha256)
    if (k?.purpose === 'ca') return true
    if (k) heldKeys.set(spkiSha256, k.keyId)
    return isCaKey(db, spkiSha256)
  }

  return {
    inspect(file) {
      const items = readCsrInput(fileBytes(file))
      if (!items.ok) return items
      return ok({
        items: items.value.map((i) =>
          i.ok ? { ok: true as const, index: i.index, csr: csrInfoOf(i.csr), pem: toPem('CERTIFICATE REQUEST', i.csr.der) } : { ok: false as const, index: i.index, error: { code: i.error.code, message: i.error.message } }
        )
      })
    },

    async generateCsr(input) {
      const prepared = await keys.prepareKey({ spec: input.keySpec, purpose: 'end-entity', protection: input.protection, ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}) })
      if (!prepared.ok) return prepared
      const key = prepared.value
      // The key row commits first: the vault signs only with a saved key.
      inTransaction(db, () => {
        keys.saveKey(key)
        appendAudit(db, { action: 'csr.generate', subject: `key:${key.keyId}`, details: { spec: key.spec, spkiSha256: key.spkiSha256, subject: dnToText(input.subject) } }, now())
      })
      emit('changed', { domain: 'vault' })
      const signer = keys.signer(key.keyId)
      if (!signer.ok) return signer
      const der = await buildCsr({ subject: input.subject, sans: input.sans, ca: false, hash: input.hash, rsaPss: false }, signer.value)
      if (!der.ok) return der
      const parsed = readCsrInput(der.value)
      const first = parsed.ok ? parsed.value[0] : undefined
      if (!first?.ok) return fail('INTERNAL', 'The generated request did not verify.')
      return ok({ keyId: key.keyId, pem: toPem('CERTIFICATE REQUEST', der.value), csr: csrInfoOf(first.csr) })
    },

    async issue(request) {
      const operationId = request.operationId ?? randomUUID()
      heldKeys.clear()
      const ca = authorities.requireActive(request.authorityId)
      if (!ca.ok) return ca
      const { row: caRow, issuer } = ca.value
      if (!caRow.keyId) return fail('AUTHORITY_NO_KEY', `"${caRow.name}" has no key in this app and cannot sign.`, 'authorityId')
      const signerR = keys.signer(caRow.keyId)
      if (!signerR.ok) return fail('AUTHORITY_LOCKED', `"${caRow.name}" is locked: unlock it and issue again.`, 'authorityId')
      const signer = signerR.value
      const producer = producerFor(request.profileId)
      if (!producer.ok) return producer
      const produce = producer.value
      const caKey = readPublicKey(signer.publicKeySpki)
      const ctx = (): EvaluationContext => ({
        now: new Date(Math.floor(now().getTime() / 1000) * 1000),
        issuer: { notAfter: issuer.notAfter, keyFamily: caKey.ok ? caKey.value.family : 'rsa', isCa: true }
      })
      const total = request.items.length
      const results: IssueItemResult[] = new Array(total)
      const label = `Issuing ${total} certificate${total === 1 ? '' : 's'} with ${caRow.name}`
      emit('progress', { operationId, done: 0, total, label, finished: false })
      // Time slices: prepare items (parse, verify, evaluate, sign) for up to SLICE_MS, commit
      // what is ready in one transaction, report progress, then let the event loop run.
      let ready: { index: number; row: NewCertificateRow; subjectText: string }[] = []
      const commit = (): void => {
        if (!ready.length) return
        const batch = ready
        ready = []
        inTransaction(db, () => {
          for (const item of batch) {
            if (serialExists(db, caRow.id, item.row.serial)) {
              results[item.index] = { ok: false, index: item.index, error: { code: 'SERIAL_COLLISION', message: 'The random serial collided with an existing one; issue this request again.' } }
              continue
            }
            const id = insertCertificate(db, item.row)
            appendAudit(
              db,
              { action: 'certificate.issue', subject: `certificate:${id}`, details: { authorityId: caRow.id, profileId: request.profileId, serial: item.row.serial, sha256: item.row.sha256, subject: item.subjectText, operationId } },
              now()
            )
            results[item.index] = { ok: true, index: item.index, certificateId: id, serial: item.row.serial, subjectText: item.subjectText }
          }
        })
      }
      let index = 0
      let lastCommit = performance.now()
      while (index < total) {
        const sliceStart = performance.now()
        const c = ctx()
        do {
          const item = request.items[index]!
          const r = await prepareOne(item.csrPem, item.input, c, index)
          if (!r.ok) results[index] = { ok: false, index, error: r.error }
          else ready.push({ index, row: r.value.row, subjectText: r.value.subjectText })
          index++
        } while (index < total && ready.length < ISSUE_CHUNK && performance.now() - sliceStart < SLICE_MS)
        // Commit in batches (fewer, larger transactions), but never hold prepared work for long.
        if (index === total || ready.length >= COMMIT_AT || performance.now() - lastCommit > COMMIT_EVERY_MS) {
          commit()
          lastCommit = performance.now()
          emit('progress', { operationId, done: index, total, label, finished: index === total })
        }
        if (index < total) await new Promise<void>((r) => setImmediate(r))
      }
      const issued = results.filter((r) => r.ok).length
      if (issued) {
        emit('changed', { domain: 'certificates' })
        emit('changed', { domain: 'audit' })
      }
      return ok({ operationId, issued, failed: total - issued, results })

      async function prepareOne(csrPem: string, input: OperatorInput, c: EvaluationContext, index: number): Promise<Result<{ row: NewCertificateRow; subjectText: string }>> {
        const items = readCsrInput(new Uint8Array(Buffer.from(csrPem, 'utf8')))
        if (!items.ok) return items
        if (items.value.length !== 1) return fail('CSR_COUNT', `Item ${index + 1} must hold exactly one request (it holds ${items.value.length}).`, `items.${index}.csrPem`)
        const item = items.value[0]!
        if (!item.ok) return { ok: false, error: item.error }
        const csr = item.csr
        if (caKeyReuse(csr.publicKey.sha256)) return fail('CSR_KEY_IS_CA_KEY', 'The request carries the key of a CA: a CA key must never be certified for an end entity.', `items.${index}.csrPem`)
        const evaluation = produce(csr, input, c)
        // Key separation is not a policy choice: checked before the profile's findings.
        if (evaluation.template.basicConstraints?.ca && (isEndEntityKey(db, csr.publicKey.sha256) || keys.findBySpkiSha256(csr.publicKey.sha256)?.purpose === 'end-entity'))
          return fail('CSR_KEY_USED_BY_END_ENTITY', 'The request carries a key already used by an end entity: a CA needs a key of its own; ask for a CSR with a new key.', `items.${index}.csrPem`)
        const errors = evaluation.findings.filter((f) => f.severity === 'error')
        if (hasErrors(evaluation.findings)) return { ok: false, error: findingsError('POLICY_REFUSED', errors) }
        const warnings = warningsOf(evaluation.findings)
        if (warnings.length && !request.confirmWarnings) return { ok: false, error: findingsError('POLICY_WARNINGS_UNCONFIRMED', warnings) }
        const built = await buildCertificate(evaluation.template, issuer as IssuerInfo, signer)
        if (!built.ok) return built
        const t = evaluation.template
        const subjectText = dnToText(t.subject)
        return ok({
          subjectText,
          row: {
            authorityId: caRow.id,
            profileId: request.profileId,
            keyId: heldKeys.get(csr.publicKey.sha256) ?? null,
            serial: built.value.serial,
            der: built.value.der,
            subject: subjectText,
            issuer: caRow.subject,
            sans: (t.subjectAltName?.names ?? []).map(generalNameText).join('\n'),
            notBefore: wholeSecondsIso(t.notBefore),
            notAfter: wholeSecondsIso(t.notAfter),
            sha256: sha256Hex(built.value.der),
            spkiSha256: csr.publicKey.sha256,
            source: 'local',
            isCa: t.basicConstraints?.ca ?? false,
            createdAt: now().toISOString()
          }
        })
      }
    }
  }
}

function wholeSecondsIso(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString()
}

function findingsError(code: string, findings: readonly Finding[]): AppError {
  const first = findings[0]
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''
  return { code, message: `${first?.message ?? 'The profile refused this request.'}${more}`, ...(first ? { field: first.field } : {}), details: { findings } }
}

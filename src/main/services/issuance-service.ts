// Issuance: batch issuance of CSRs under a profile by a CA. (Reading and generating CSRs is
// the CSR service's; when each item is prepared, finished and committed is the batch
// scheduler's, issuance/batch-scheduler.ts.)
//
// The pure work per item (read the CSR and verify its proof of possession, policy
// `evaluate` or the minimal profile, template checks, lean TBS encoding, `lintTbs` over the
// exact TBS, the row's text fields: engine/batch/prepare.ts) runs in the worker pool for
// large batches, on the main thread for small ones. This service then, per item and in
// order: refuses a CA's key (and an end entity's key for a CA certificate), applies the
// prepared refusal, signs through the vault's Signer (the key never leaves the vault; P-256
// signing costs ~15 µs) and queues the row. Each commit writes what is ready in ONE
// transaction, each certificate row with its serial and audit entry (an item is all there
// or not at all), and reports progress.
import { createPublicKey, randomUUID, X509Certificate } from 'node:crypto'
import { AppFailure, fail, ok, type AppError, type Result } from '../../shared/errors'
import { ownTrue } from '../../shared/safe-json'
import type { EventSink } from '../../shared/ipc/events'
import type { IssueItemError, IssueItemResult, IssueRequest, IssueResponse } from '../../shared/ipc/certificates'
import { mergeOperatorInput, profileBody, type Finding, type ProfileBody } from '../../shared/domain/profile'
import type { Store } from '../store/database'
import { appendAuditEntries, type AuditInput } from '../store/audit-log'
import { keySeparation } from '../engine/signing-rules'
import { getProfileRow } from '../store/profiles-repo'
import { authorityChain } from '../store/authorities-repo'
import { compromisedKeySerial, insertCertificate, isCaKey, isEndEntityKey, linkRenewal, serialExists, type NewCertificateRow } from '../store/certificates-repo'
import { signedEnvelope } from '../engine/der'
import { issuerContextFromChain, type IssuerContext } from '../engine/policy'
import type { BatchContext, BatchJob, PreparedItem } from '../engine/batch'
import type { VaultPort } from './vault-service'
import type { AuthoritiesService } from './authorities-service'
import { issuerUrlsOf, sha256Hex, signedBy } from './certificate-records'
import type { PreparePool } from './issuance-workers/pool'
import { createBatchScheduler } from './issuance/batch-scheduler'
import { openRun, type RunJoin, type RunOutput } from './issuance/run-recorder'

export { MINIMAL_PROFILE, MINIMAL_PROFILE_NAME } from '../engine/batch'

export interface IssuanceService {
  /**
   * `record.renewalOf`: the certificate this batch renews, written into each issue's audit
   * entry. `record.output`: write each certificate's PEM into this folder as its slice commits
   * (the CLI's --out). `record.resume`: sign these items of a recorded run again (runs service).
   */
  issue(request: IssueRequest, record?: IssueRecord): Promise<Result<IssueResponse>>
  /**
   * Asks the running batch `operationId` to stop: items not yet signed are returned as
   * CANCELLED, what was signed is committed. False when no such batch is running.
   */
  cancel(operationId: string): boolean
  /** A call of this process is signing run `runId` now. */
  runActive(runId: string): boolean
}

export interface IssueRecord {
  readonly renewalOf?: number
  readonly output?: RunOutput
  readonly resume?: { readonly runId: string; readonly indices: readonly number[] }
}

export interface IssuanceOptions {
  /** The worker pool large batches are prepared in (services/index.ts makes one per Services and closes it). */
  readonly pool: PreparePool
  /** Batches of at least this many items use the worker pool (tests force either path). */
  readonly workerMinItems?: number
  /**
   * Awaited before each item is signed. Only the renderer test harness sets it, to make a run
   * slow enough to watch its progress and cancel it; the app and the CLI never do.
   */
  readonly pace?: () => Promise<void>
}

/** An item's refusal as it crosses IPC: code, message, field, and a profile's findings when it gave them. */
function itemError(e: AppError): IssueItemError {
  const findings = e.details?.findings as Finding[] | undefined
  return { code: e.code, message: e.message, ...(e.field !== undefined ? { field: e.field } : {}), ...(Array.isArray(findings) ? { details: { findings } } : {}) }
}

const CANCELLED: IssueItemError = { code: 'CANCELLED', message: 'The run was cancelled before this request was signed; nothing was issued for it. Sign it again to issue it.' }

export function createIssuanceService(store: Store, vault: VaultPort, authorities: AuthoritiesService, emit: EventSink, now: () => Date, options: IssuanceOptions): IssuanceService {
  const scheduler = createBatchScheduler({
    pool: options.pool,
    ...(options.workerMinItems !== undefined ? { workerMinItems: options.workerMinItems } : {}),
    ...(options.pace ? { pace: options.pace } : {})
  })
  /** Running batches by operation id, with the flag `cancel` sets. */
  const running = new Map<string, { cancelled: boolean; runId: string | null }>()

  /** The stored profile's body (policy `evaluate` runs over it), or null for the minimal profile. */
  function profileFor(profileId: string | null): Result<BatchContext['profile']> {
    if (profileId === null) return ok(null)
    const row = store.read((tx) => getProfileRow(tx, profileId))
    if (!row) return fail('PROFILE_NOT_FOUND', `No profile ${profileId}: choose one from the list.`, 'profileId')
    const parsed = profileBody.safeParse(JSON.parse(row.body))
    if (!parsed.success) return fail('PROFILE_INVALID', `Profile ${profileId} cannot be read; open it in the profile editor and save it again.`, 'profileId')
    const body: ProfileBody & { archived: boolean } = { ...parsed.data, archived: row.archived }
    return ok(body)
  }

  /** One batch, start to end: checks, then prepare → sign → commit slices; stops early once `control` is cancelled or a signature fails. */
  async function issueBatch(request: IssueRequest, operationId: string, control: { readonly cancelled: boolean; runId: string | null }, record: IssueRecord): Promise<Result<IssueResponse>> {
    const renewalOf = record.renewalOf
    // A CA whose own certificate is revoked, expired, not yet valid, or that is retired or
    // pending signs nothing (it may still publish CRLs).
    const ca = authorities.requireIssuing(request.authorityId)
    if (!ca.ok) return ca
    const { row: caRow, issuer, certDer } = ca.value
    if (!caRow.keyId) return fail('AUTHORITY_NO_KEY', `"${caRow.name}" has no key in this app and cannot sign.`, 'authorityId')
    const signerR = vault.signer(caRow.keyId)
    if (!signerR.ok) return fail('AUTHORITY_LOCKED', `"${caRow.name}" is locked: unlock it and issue again.`, 'authorityId')
    const signer = signerR.value
    // A CA key on a token: every certificate's audit entry names the token and key that signed it.
    const onToken = signedBy(signer)
    // The key that will sign must be the key the CA certificate certifies (a swapped key
    // record would otherwise store certificates no client can verify). Once per batch: both
    // SPKIs normalised by OpenSSL and compared as bytes.
    if (!sameSigningKey(signer.publicKeySpki, certDer))
      return fail('AUTHORITY_KEY_MISMATCH', `The key the vault holds for "${caRow.name}" is not the key its certificate certifies, so nothing was signed: the store's key record was changed; restore the store from a backup or import the CA again with its own key.`, 'authorityId')
    const profile = profileFor(request.profileId)
    if (!profile.ok) return profile
    // Policy sees the issuer as its certificate says: validity window (notBefore too), key
    // family, cA and pathLenConstraint (a pathLen 0 CA signs no CA certificate), and the name
    // constraints of every CA of its chain.
    let issuerContext: IssuerContext
    try {
      issuerContext = { ...issuerContextFromChain(store.read((tx) => authorityChain(tx, caRow.id))), urls: issuerUrlsOf(caRow) }
    } catch (e) {
      return fail('AUTHORITY_CERTIFICATE_UNREADABLE', `The certificate of "${caRow.name}" cannot be read (${e instanceof Error ? e.message : String(e)}); import it again.`, 'authorityId')
    }
    const contextAt = (): BatchContext => ({
      nowMs: Math.floor(now().getTime() / 1000) * 1000,
      profile: profile.value,
      confirmWarnings: ownTrue(request, 'confirmWarnings'),
      issuerContext,
      issuer,
      signerKeyId: signer.keyId,
      signerSpec: signer.spec,
      signerSpki: signer.publicKeySpki
    })
    const total = request.items.length
    const results: IssueItemResult[] = new Array(total)
    // The run's record: its items are pending before anything is signed.
    const join: RunJoin = record.resume
      ? { kind: 'resume', id: record.resume.runId, indices: record.resume.indices }
      : request.run && request.run.first > 0
        ? { kind: 'chunk', id: request.run.id, first: request.run.first }
        : { kind: 'new', id: request.run?.id ?? `run-${randomUUID().slice(0, 13)}`, total: request.run?.total ?? total, first: 0 }
    const run = openRun({ store, request, join, output: record.output ?? null, nowIso: now().toISOString() })
    control.runId = run.id
    const label = `Issuing ${total} certificate${total === 1 ? '' : 's'} with ${caRow.name}`
    emit('progress', { operationId, done: 0, total, label, finished: false })

    // Store checks per key, cached for the batch; a committed CA row clears the cache.
    interface KeyState {
      readonly caKey: boolean
      readonly heldKeyId: string | null
      readonly heldEndEntity: boolean
      /** Serial of a certificate for this key revoked for keyCompromise. */
      readonly compromisedBy: string | null
    }
    const keyChecks = new Map<string, KeyState>()
    const keyCheck = (spkiSha256: string): KeyState => {
      let c = keyChecks.get(spkiSha256)
      if (!c) {
        c = store.read((tx): KeyState => {
          const k = vault.keyForPublicKey(spkiSha256)
          return {
            caKey: k?.purpose === 'ca' || isCaKey(tx, spkiSha256),
            heldKeyId: k && k.purpose !== 'ca' ? k.keyId : null,
            heldEndEntity: k?.purpose === 'end-entity',
            compromisedBy: compromisedKeySerial(tx, spkiSha256)
          }
        })
        keyChecks.set(spkiSha256, c)
      }
      return c
    }
    /** Set when signing failed (the CA was locked mid-run): the run stops as if cancelled, with this reason. */
    let stopped: AppError | null = null
    const halted = (): boolean => control.cancelled || stopped !== null

    let ready: { index: number; row: NewCertificateRow }[] = []
    let finished = false
    const commit = (done: number, maxRows: number): void => {
      const batch = ready.slice(0, maxRows)
      ready = ready.slice(batch.length)
      if (batch.length) {
        const committed: { index: number; certificateId: number; serial: string; der: Uint8Array }[] = []
        store.write((tx) => {
          const audit: AuditInput[] = []
          for (const item of batch) {
            if (serialExists(tx, caRow.id, item.row.serial)) {
              const error = { code: 'SERIAL_COLLISION' as const, message: 'The random serial collided with an existing one; issue this request again.' }
              results[item.index] = { ok: false, index: item.index, error }
              run.refused(item.index, error.code, error.message)
              continue
            }
            const id = insertCertificate(tx, item.row)
            if (renewalOf !== undefined) linkRenewal(tx, renewalOf, id)
            audit.push({ action: 'certificate.issue', subject: `certificate:${id}`, details: { authorityId: caRow.id, profileId: request.profileId, serial: item.row.serial, sha256: item.row.sha256, subject: item.row.subject, operationId, ...(renewalOf !== undefined ? { renewalOf } : {}), ...onToken } })
            results[item.index] = { ok: true, index: item.index, certificateId: id, serial: item.row.serial, subjectText: item.row.subject }
            committed.push({ index: item.index, certificateId: id, serial: item.row.serial, der: item.row.der })
          }
          // One audit entry per certificate, chained in the order of the rows.
          appendAuditEntries(tx, audit, now())
          run.committed(tx, committed)
        })
        // What is committed is on disk before the next slice is signed.
        for (const [index, w] of run.writeFiles(committed)) {
          const r = results[index]
          if (r?.ok) results[index] = w.ok ? { ...r, file: w.path } : { ...r, fileError: w.message }
        }
        if (batch.some((b) => b.row.isCa)) keyChecks.clear()
      }
      if (finished) return
      finished = (done === total || halted()) && ready.length === 0
      emit('progress', { operationId, done, total, label, finished })
    }

    /** The main thread's part of one prepared item: store checks, signature, row. */
    const finish = async (p: PreparedItem): Promise<void> => {
      const refuse = (error: AppError): void => {
        results[p.index] = { ok: false, index: p.index, error: itemError(error) }
        run.refused(p.index, error.code, error.message)
      }
      if (!p.ok) return refuse(p.error)
      const keyState = keyCheck(p.spkiSha256)
      // Key separation is not a policy choice: checked before the profile's findings. A CA
      // key may be re-certified as a CA (cross-certificate, re-issue), never as an end entity.
      const separation = keySeparation(
        { keyIsCa: keyState.caKey, keyIsEndEntity: p.signAsCa && (keyState.heldEndEntity || store.read((tx) => isEndEntityKey(tx, p.spkiSha256))), certifyAsCa: p.signAsCa },
        `items.${p.index}.csrPem`
      )
      if (!separation.ok) return refuse(separation.error)
      // A key once reported compromised is never certified again, whatever the profile says.
      if (keyState.compromisedBy)
        return refuse({
          code: 'KEY_COMPROMISED',
          message: `This request's public key is on certificate ${keyState.compromisedBy.toUpperCase()}, revoked for keyCompromise: it must not be certified again; the requester needs a new key and CSR.`,
          field: `items.${p.index}.csrPem`
        })
      if (p.refusal || !p.tbs) return refuse(p.refusal ?? { code: 'INTERNAL', message: 'The item was neither prepared nor refused.' })
      const t = p.tbs
      // The same request certified before by this CA and profile, that certificate still valid: asked, not assumed.
      const earlier = request.confirmResubmission === false ? run.earlier(p.index, now().toISOString()) : null
      if (earlier)
        return refuse({
          code: 'CSR_ALREADY_CERTIFIED',
          message: `This request was already certified by "${caRow.name}" with this profile: certificate ${earlier.serial.toUpperCase()} is valid until ${earlier.notAfter.slice(0, 10)}. Confirm re-submission to issue a second certificate for it, or revoke the first.`,
          field: `items.${p.index}.csrPem`
        })
      let signature: Uint8Array
      try {
        signature = await signer.sign(t.tbs, { hash: t.hash, rsaPss: t.rsaPss })
      } catch (e) {
        // The CA key was locked mid-run (auto-lock, Lock all, the OS locking) or failed: the run
        // stops here, keeping and reporting what it already signed.
        stopped =
          e instanceof AppFailure && e.error.code === 'VAULT_LOCKED'
            ? { code: 'AUTHORITY_LOCKED', message: `"${caRow.name}" was locked during the run; unlock it and sign the remaining requests again.`, field: 'authorityId' }
            : e instanceof AppFailure && e.error.code.startsWith('PKCS11_')
              ? // The token went away (or refused): its code, and that what was signed before is kept.
                { code: e.error.code, message: `${e.error.message} The run stopped before this request; the certificates signed before it are kept.`, field: 'authorityId' }
              : { code: 'SIGNING_FAILED', message: `The key of "${caRow.name}" could not sign (${e instanceof Error ? e.message : String(e)}); nothing was issued for this request.` }
        return refuse(stopped)
      }
      const der = signedEnvelope(t.tbs, t.algorithm, signature)
      run.signed(p.index, t.serial, t.notAfter)
      ready.push({
        index: p.index,
        row: {
          authorityId: caRow.id,
          profileId: request.profileId,
          keyId: keyState.heldKeyId,
          serial: t.serial,
          der,
          subject: t.subjectText,
          issuer: caRow.subject,
          sans: t.sansText,
          notBefore: t.notBefore,
          notAfter: t.notAfter,
          sha256: sha256Hex(der),
          spkiSha256: p.spkiSha256,
          source: 'local',
          isCa: t.isCa,
          createdAt: now().toISOString()
        }
      })
    }

    await scheduler.run({
      total,
      context: contextAt,
      jobs(from, to) {
        const out: BatchJob[] = []
        for (let i = from; i < to; i++) out.push({ index: i, csrPem: request.items[i]!.csrPem, input: mergeOperatorInput(request.input, request.items[i]!.input) })
        return out
      },
      finish,
      ready: () => ready.length,
      commit,
      halted,
      holdCommits: () => store.holdCommits()
    })

    // Read through a cast: TypeScript does not see `finish` (called by the scheduler) set it.
    const stoppedBy = stopped as AppError | null
    let issued = 0
    let cancelled = 0
    const unanswered: { index: number; code: string; message: string }[] = []
    for (let i = 0; i < total; i++) {
      const r = results[i]
      if (r?.ok) issued++
      else if (!r) {
        // Only a run that stopped early leaves items unanswered.
        const error: IssueItemError = stoppedBy
          ? { code: 'NOT_ATTEMPTED', message: `Not attempted: the run stopped at an earlier request (${stoppedBy.message})` }
          : control.cancelled
            ? CANCELLED
            : { code: 'INTERNAL', message: 'The item was neither signed nor refused.' }
        results[i] = { ok: false, index: i, error }
        unanswered.push({ index: i, code: error.code, message: error.message })
        if (error === CANCELLED) cancelled++
      }
    }
    run.close(unanswered, stopped ? 'stopped' : control.cancelled && cancelled ? 'cancelled' : 'done', now().toISOString())
    if (issued) {
      emit('changed', { domain: 'certificates' })
      emit('changed', { domain: 'audit' })
    }
    emit('changed', { domain: 'runs' })
    return ok({ operationId, runId: run.id, issued, failed: total - issued - cancelled, cancelled, results })
  }

  return {
    runActive(runId) {
      for (const c of running.values()) if (c.runId === runId) return true
      return false
    },

    cancel(operationId) {
      const run = running.get(operationId)
      if (!run) return false
      run.cancelled = true
      return true
    },

    async issue(request, record = {}) {
      const operationId = request.operationId ?? randomUUID()
      if (running.has(operationId)) return fail('OPERATION_ID_IN_USE', `A signing run with operation id ${operationId} is still in progress: use another id.`, 'operationId')
      const control: { cancelled: boolean; runId: string | null } = { cancelled: false, runId: null }
      running.set(operationId, control)
      try {
        return await issueBatch(request, operationId, control, record)
      } finally {
        running.delete(operationId)
      }
    }
  }
}

/** True when `spki` (DER SubjectPublicKeyInfo) is the public key of the certificate `certDer`. */
function sameSigningKey(spki: Uint8Array, certDer: Uint8Array): boolean {
  try {
    const signerKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' })
    const certKey = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' })
    return signerKey.equals(certKey)
  } catch {
    return false
  }
}

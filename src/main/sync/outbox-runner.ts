// The outbox runner: the only code that sends queued actions. One run:
//   1. takes the run lock (./run-lock.ts): one live run per data directory. Holding it, every
//      item still `running` belongs to a run that died, so it goes back to the queue at once
//      ("1 item of an interrupted run resumed") with its idempotency key unchanged;
//   2. takes the due items oldest first; for each, commits `running` (+1 attempt) BEFORE
//      the first byte leaves, so a crash leaves evidence, then executes it;
//   3. commits the outcome together with its local effects and audit entry:
//      - done;
//      - a transient failure (timeout, refused or reset connection, DNS, TLS-less network
//        errors, 408, 429, 5xx) never ends the item: it stays queued with an exponential
//        backoff that carries across runs (base × 2^(attempts−1), capped at the ceiling; a
//        Retry-After is a floor). A short backoff of a 5xx/429 is waited out within the run
//        (at most `inRunRetries` times); a transport failure leaves the connector alone for
//        the rest of the run;
//      - a permanent refusal (validation 4xx, auth, conflict, not found, TLS, a body PKI Desk
//        does not understand) fails the item; `sync retry` puts it back;
//      - queued without spending an attempt while the platform is still working on it (a
//        TLM request awaiting approval).
//   Items that are backing off are listed in the report as waiting, with their next attempt.
// A connector whose credential is refused, or which cannot be reached, is skipped for the
// rest of the run: its other items stay queued, untouched.
import { randomUUID } from 'node:crypto'
import { AppFailure, type AppError } from '../../shared/errors'
import type { ConnectorSettingsDto, ConnectorType, OutboxAction, RunItemOutcome, SyncRunReportDto } from '../../shared/domain/sync'
import { ACTION_CONNECTOR, connectorSettingsDto, connectorType, outboxAction } from '../../shared/domain/sync'
import { appendAudit } from '../store/audit-log'
import type { Store } from '../store/database'
import type { ConnectorRow, ConnectorsRepo } from '../store/connectors-repo'
import type { OutboxRepo, OutboxRow } from '../store/outbox-repo'
import { parseJsonOr, type ConnectorContext, type ExecOutcome, type LocalEffect } from './connector'
import { driverFor } from './connectors'
import type { CredentialStore } from './credentials'
import { localError, type SyncError } from './errors'
import { createHttpClient, type HttpClient } from './http'
import { acquireRunLock, type LockHolder } from './run-lock'
import { apiBaseUrl } from './urls'
import type { Result } from '../../shared/errors'

export interface RunnerOptions {
  /** The first backoff after a transient failure; it doubles with each further attempt. */
  readonly backoffBaseMs: number
  /** The ceiling of the backoff. */
  readonly backoffMaxMs: number
  /** Backoffs up to this long are waited out within the run; longer ones leave the item for a later run. */
  readonly inRunWaitLimitMs: number
  /** How many times one run retries an item after a 5xx/429 before leaving it for a later run. */
  readonly inRunRetries: number
  readonly pickup: { readonly attempts: number; readonly intervalMs: number }
  readonly sleep: (ms: number) => Promise<void>
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
  inRunWaitLimitMs: 5_000,
  inRunRetries: 2,
  pickup: { attempts: 3, intervalMs: 2000 },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

export const DEFAULT_TIMEOUT_MS = 30_000

/** The wait before attempt `attempts + 1` after a transient failure of attempt `attempts`. */
export function backoffMs(attempts: number, o: Pick<RunnerOptions, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)))
}

/** Errors that say nothing about the item, only that the platform could not be reached: stop calling it this run. */
const TRANSPORT_CODES = new Set(['REMOTE_TIMEOUT', 'REMOTE_CONNECTION_REFUSED', 'REMOTE_HOST_NOT_FOUND', 'REMOTE_NETWORK_ERROR'])

export interface StoredResult {
  readonly summary?: string
  readonly result?: Readonly<Record<string, unknown>>
  readonly notes?: readonly string[]
  readonly progress?: Readonly<Record<string, unknown>>
}

export function parseStoredResult(text: string | null): StoredResult {
  if (!text) return {}
  try {
    const v = JSON.parse(text) as unknown
    return typeof v === 'object' && v !== null ? (v as StoredResult) : {}
  } catch {
    return {}
  }
}

export function connectorSettings(row: ConnectorRow): ConnectorSettingsDto {
  const raw = parseJsonOr(row.settings, {})
  const parsed = connectorSettingsDto.partial().safeParse(raw)
  return { timeoutMs: DEFAULT_TIMEOUT_MS, ...(parsed.success ? parsed.data : {}) }
}

export interface RunnerDeps {
  readonly store: Store
  readonly connectors: ConnectorsRepo
  readonly outbox: OutboxRepo
  readonly credentials: CredentialStore
  readonly now: () => Date
  readonly options: RunnerOptions
  /** The run lock file beside the database; null for an in-memory database (one process only). */
  readonly lockFile: string | null
  /** Applies an item's local effects inside its completion transaction; may throw AppFailure. Returns notes. */
  readonly applyEffects: (connector: ConnectorRow, effects: readonly LocalEffect[]) => readonly string[]
  readonly onProgress?: (done: number, total: number, label: string) => void
}

export interface RunRequest {
  readonly connectorId?: string
  readonly connectorName?: string
  readonly itemIds?: readonly number[]
}

type Prepared = { readonly ok: true; readonly ctx: ConnectorContext; readonly row: ConnectorRow } | { readonly ok: false; readonly reason: string }

function errorJson(e: SyncError): string {
  return JSON.stringify(e)
}

function fromAppError(e: AppError): SyncError {
  return { code: e.code, message: e.message, retryable: false }
}

/** The HTTP client of one connector: its API base (./urls.ts), timeout, CA bundle and credential header. */
export function connectorClient(row: ConnectorRow, settings: ConnectorSettingsDto, credential: string): Result<HttpClient> {
  const type = row.type as ConnectorType
  return createHttpClient({
    baseUrl: apiBaseUrl(type, row.baseUrl, type === 'paloalto' ? settings.basePath : undefined),
    timeoutMs: settings.timeoutMs,
    ...(settings.caBundlePem ? { caBundlePem: settings.caBundlePem } : {}),
    headers: driverFor(type).authHeaders(credential)
  })
}

/** What a driver gets for one connector: its client, settings, waits and what this connector remembers. */
export function connectorContext(row: ConnectorRow, settings: ConnectorSettingsDto, http: HttpClient, options: Pick<RunnerOptions, 'sleep' | 'pickup'>, connectors: ConnectorsRepo): ConnectorContext {
  return {
    http,
    id: row.id,
    name: row.name,
    type: row.type as ConnectorType,
    settings,
    sleep: options.sleep,
    pickup: options.pickup,
    rememberedHash: (kind, remoteId) => connectors.remoteObject(row.id, kind, remoteId)?.contentSha256 ?? null,
    rememberedRemoteId: (kind, localId) => connectors.remoteObjectByLocal(row.id, kind, localId)?.remoteId ?? null
  }
}

/** The sentence for a run that finds the lock held by a live run. */
export function lockHeldMessage(holder: LockHolder): string {
  return holder.pid
    ? `A sync run of process ${holder.pid}${holder.host ? ` on ${holder.host}` : ''} (since ${holder.since}) is still working on the outbox; wait for it to finish, then run the sync again.`
    : 'Another sync run is starting on this outbox; wait a moment and run the sync again.'
}

export type RunOutcome = { readonly ok: true; readonly report: SyncRunReportDto } | { readonly ok: false; readonly holder: LockHolder }

export async function runOutbox(deps: RunnerDeps, req: RunRequest): Promise<RunOutcome> {
  const lock = deps.lockFile ? acquireRunLock(deps.lockFile) : { ok: true as const, release: () => undefined, tookOverFrom: null }
  if (!lock.ok) return { ok: false, holder: lock.holder }
  try {
    return { ok: true, report: await runLocked(deps, req, lock.tookOverFrom) }
  } finally {
    lock.release()
  }
}

async function runLocked(deps: RunnerDeps, req: RunRequest, deadHolder: LockHolder | null): Promise<SyncRunReportDto> {
  const { store, outbox, connectors, options } = deps
  const iso = () => deps.now().toISOString()
  const runId = randomUUID()
  const startedAt = iso()

  // 1. Holding the lock, every `running` item is a dead run's: back to the queue now.
  let reclaimed = 0
  store.write((tx) => {
    const staleIds = outbox.list({ states: ['running'], limit: 100_000 }).map((item) => item.id)
    reclaimed = outbox.reclaim(staleIds, startedAt)
    outbox.startRun({ id: runId, connector: req.connectorName ?? null, startedAt })
    appendAudit(
      tx,
      {
        action: 'sync.run.start',
        subject: `sync-run:${runId}`,
        details: { connector: req.connectorName ?? null, reclaimed: staleIds, ...(deadHolder ? { interruptedRun: { pid: deadHolder.pid, since: deadHolder.since } } : {}) }
      },
      deps.now()
    )
  })

  // 2. Due items, oldest first; the ones backing off are reported as waiting.
  const filter = { ...(req.connectorId ? { connectorId: req.connectorId } : {}), ...(req.itemIds ? { ids: req.itemIds } : {}) }
  const due = outbox.due(startedAt, filter)
  const waiting = outbox.waiting(startedAt, filter)
  const prepared = new Map<string, Prepared>()
  const blocked = new Map<string, string>()
  const clients: HttpClient[] = []
  const report: SyncRunReportDto['items'] = []

  const prepare = async (connectorId: string): Promise<Prepared> => {
    const cached = prepared.get(connectorId)
    if (cached) return cached
    const row = connectors.byId(connectorId)
    let p: Prepared
    if (!row) p = { ok: false, reason: 'its connector no longer exists' }
    else if (!row.enabled) p = { ok: false, reason: `connector ${row.name} is disabled; enable it to send its items` }
    else {
      const settings = connectorSettings(row)
      const type = row.type as ConnectorType
      const cred = connectorType.safeParse(type).success ? await deps.credentials.get(row.id, row.name, settings.credentialEnv) : null
      if (!cred) p = { ok: false, reason: `connector ${row.name} has an unknown type ${row.type}` }
      else if (!cred.ok) p = { ok: false, reason: cred.error.message }
      else {
        const http = connectorClient(row, settings, cred.value)
        if (!http.ok) p = { ok: false, reason: http.error.message }
        else {
          clients.push(http.value)
          p = { ok: true, row, ctx: connectorContext(row, settings, http.value, options, connectors) }
        }
      }
    }
    prepared.set(connectorId, p)
    return p
  }

  const record = (item: OutboxRow, outcome: RunItemOutcome, attempts: number, message: string, connectorName: string, notes: readonly string[] = []) => {
    report.push({ id: item.id, action: outboxAction.parse(item.action), connectorName, outcome, attempts, message, notes: [...notes] })
  }

  try {
    let index = 0
    for (const item of due) {
      index++
      const conn = connectors.byId(item.connectorId)
      const connectorName = conn?.name ?? item.connectorId
      deps.onProgress?.(index - 1, due.length, `${connectorName}: ${item.action}`)
      const blockReason = blocked.get(item.connectorId)
      if (blockReason) {
        record(item, 'skipped', item.attempts, `left in the queue: ${blockReason}`, connectorName)
        continue
      }
      const p = await prepare(item.connectorId)
      if (!p.ok) {
        blocked.set(item.connectorId, p.reason)
        record(item, 'skipped', item.attempts, `left in the queue: ${p.reason}`, connectorName)
        continue
      }
      const driver = driverFor(p.ctx.type)
      const action = item.action as OutboxAction
      const payload = parseJsonOr(item.payload, null)
      const stored = parseStoredResult(item.result)
      // Notes written when the item was planned (what the conversion could not carry) stay with it.
      const plannedNotes = stored.notes ?? []
      let progress = stored.progress ?? null

      // 3. Attempts of this item within the run.
      for (let inRun = 0; ; inRun++) {
        const claimedAt = iso()
        if (!outbox.claim(item.id, claimedAt)) {
          record(item, 'skipped', item.attempts, 'another run took this item', connectorName)
          break
        }
        const attempts = outbox.get(item.id)?.attempts ?? item.attempts + 1
        // Every request refreshes the item's heartbeat (updated_at): when it was last seen working.
        const ctx: ConnectorContext = {
          ...p.ctx,
          http: {
            origin: p.ctx.http.origin,
            request: (r) => {
              outbox.touch(item.id, iso())
              return p.ctx.http.request(r)
            },
            close: () => p.ctx.http.close()
          }
        }
        let outcome: ExecOutcome
        try {
          outcome =
            ACTION_CONNECTOR[action] === p.ctx.type
              ? await driver.execute(ctx, action, payload, progress)
              : { kind: 'error', error: localError('SYNC_ACTION_UNSUPPORTED', `Outbox item ${item.id} is a ${action} action, which a ${p.ctx.type} connector does not run; discard it.`) }
        } catch (e) {
          outcome = { kind: 'error', error: localError('SYNC_ITEM_INVALID', `Outbox item ${item.id} could not be executed: ${e instanceof Error ? e.message : String(e)}.`) }
        }
        const now = iso()
        if (outcome.kind === 'done') {
          const applied = commitDone(deps, p.row, item, outcome, now, plannedNotes)
          if (applied.ok) record(item, 'done', attempts, outcome.summary, connectorName, applied.notes)
          else record(item, 'failed', attempts, applied.error.message, connectorName, plannedNotes)
          break
        }
        if (outcome.kind === 'pending') {
          store.write((tx) => {
            outbox.finish(item.id, 'queued', {
              now,
              lastError: null,
              result: JSON.stringify({ summary: outcome.summary, progress: outcome.progress, notes: plannedNotes }),
              nextAttemptAt: null,
              attempts: attempts - 1
            })
            appendAudit(tx, { action: 'sync.item.pending', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, summary: outcome.summary } }, deps.now())
          })
          record(item, 'pending', attempts - 1, outcome.summary, connectorName, plannedNotes)
          break
        }
        // An error.
        const error = outcome.error
        progress = outcome.progress ?? progress
        const resultText = progress || plannedNotes.length ? JSON.stringify({ ...(progress ? { progress } : {}), ...(plannedNotes.length ? { notes: plannedNotes } : {}) }) : null
        if (!error.retryable) {
          store.write((tx) => {
            outbox.finish(item.id, 'failed', { now, lastError: errorJson(error), result: resultText, nextAttemptAt: null })
            appendAudit(
              tx,
              { action: 'sync.item.failed', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, attempts, code: error.code, httpStatus: error.httpStatus ?? null } },
              deps.now()
            )
          })
          record(item, 'failed', attempts, `${error.message} The item failed; fix the cause, then \`pkidesk sync retry ${item.id}\` (or Retry in the outbox) queues it again.`, connectorName, plannedNotes)
          if (error.httpStatus === 401 || error.httpStatus === 403 || error.code === 'REMOTE_TLS_FAILED')
            blocked.set(item.connectorId, `an earlier item of connector ${connectorName} failed with ${error.code}`)
          break
        }
        // Transient: queued again with a backoff; the platform's Retry-After, when it gave one, is a floor.
        const wait = Math.max(backoffMs(attempts, options), (error.retryAfterSeconds ?? 0) * 1000)
        const next = new Date(deps.now().getTime() + wait).toISOString()
        store.write((tx) => {
          outbox.finish(item.id, 'queued', { now, lastError: errorJson(error), result: resultText, nextAttemptAt: next })
          appendAudit(
            tx,
            { action: 'sync.item.retry', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, attempts, code: error.code, nextAttemptAt: next } },
            deps.now()
          )
        })
        const transport = TRANSPORT_CODES.has(error.code)
        if (transport || wait > options.inRunWaitLimitMs || inRun >= options.inRunRetries) {
          record(item, 'requeued', attempts, `${error.message} Still queued; next attempt from ${next} (\`pkidesk sync retry ${item.id}\` tries it at the next run regardless).`, connectorName)
          blocked.set(item.connectorId, transport ? `connector ${connectorName} could not be reached (${error.code})` : `connector ${connectorName} is backing off after ${error.code}`)
          break
        }
        await options.sleep(wait)
        // Make the item due again for the immediate retry within this run.
        outbox.makeDue(item.id)
      }
    }
  } finally {
    for (const c of clients) await c.close().catch(() => undefined)
  }
  for (const item of waiting) {
    const lastError = parseJsonOr(item.lastError ?? '', null) as { code?: unknown } | null
    record(
      item,
      'waiting',
      item.attempts,
      `backing off after ${typeof lastError?.code === 'string' ? lastError.code : 'a transient failure'}; next attempt from ${item.nextAttemptAt} (\`pkidesk sync retry ${item.id}\` makes it due now)`,
      connectors.byId(item.connectorId)?.name ?? item.connectorId
    )
  }

  const finishedAt = iso()
  const done = report.filter((r) => r.outcome === 'done').length
  const failed = report.filter((r) => r.outcome === 'failed').length
  const remaining = outbox.countByState(req.connectorId).queued
  store.write((tx) => {
    outbox.finishRun({ id: runId, finishedAt, reclaimed, done, failed, remaining })
    appendAudit(
      tx,
      { action: 'sync.run.finish', subject: `sync-run:${runId}`, details: { connector: req.connectorName ?? null, done, failed, remaining, items: report.map((r) => ({ id: r.id, outcome: r.outcome })) } },
      deps.now()
    )
  })
  deps.onProgress?.(due.length, due.length, 'sync finished')
  return { runId, startedAt, finishedAt, connector: req.connectorName ?? null, reclaimed, items: report, done, failed, remaining }
}

function commitDone(deps: RunnerDeps, connector: ConnectorRow, item: OutboxRow, outcome: Extract<ExecOutcome, { kind: 'done' }>, now: string, plannedNotes: readonly string[]) {
  const { store, outbox } = deps
  let notes: string[] = []
  try {
    store.write((tx) => {
      const effectNotes = deps.applyEffects(connector, outcome.effects ?? [])
      notes = [...plannedNotes, ...(outcome.notes ?? []), ...effectNotes]
      outbox.finish(item.id, 'done', { now, lastError: null, result: JSON.stringify({ summary: outcome.summary, result: outcome.result, notes }), nextAttemptAt: null })
      appendAudit(
        tx,
        { action: 'sync.item.done', subject: `outbox:${item.id}`, details: { connector: connector.name, action: item.action, summary: outcome.summary, notes } },
        deps.now()
      )
    })
    return { ok: true as const, notes }
  } catch (e) {
    // The remote side succeeded but the local side refused: record it as failed with the reason,
    // keeping the remote answer so the operator can see what exists remotely.
    const error: SyncError =
      e instanceof AppFailure ? fromAppError(e.error) : localError('SYNC_LOCAL_APPLY_FAILED', `The remote action succeeded but its local result could not be saved: ${e instanceof Error ? e.message : String(e)}.`)
    store.write((tx) => {
      outbox.finish(item.id, 'failed', { now, lastError: errorJson(error), result: JSON.stringify({ summary: outcome.summary, result: outcome.result, notes: plannedNotes }), nextAttemptAt: null })
      appendAudit(tx, { action: 'sync.item.failed', subject: `outbox:${item.id}`, details: { connector: connector.name, action: item.action, code: error.code, remoteDone: true } }, deps.now())
    })
    return { ok: false as const, error }
  }
}

// The outbox runner: the only code that sends queued actions. One run:
//   1. puts back in the queue every `running` item whose run died (not touched for longer
//      than its connector's timeout plus a grace period: the app quit or was killed);
//   2. takes the due items oldest first; for each, commits `running` (+1 attempt) BEFORE
//      the first byte leaves, so a crash leaves evidence, then executes it;
//   3. commits the outcome together with its local effects and audit entry: done; queued
//      again after a retryable failure (429, 5xx, timeout, network) with exponential
//      backoff, waited out within the run while it is short; failed after maxAttempts or
//      at once on any other 4xx; queued without spending an attempt while the platform
//      is still working on it (a TLM request awaiting approval).
// A connector whose credential is refused, or which cannot be reached after its retries,
// is skipped for the rest of the run: its other items stay queued, untouched.
import { randomUUID } from 'node:crypto'
import { AppFailure, type AppError } from '../../shared/errors'
import type { ConnectorSettingsDto, ConnectorType, OutboxAction, RunItemOutcome, SyncRunReportDto } from '../../shared/domain/sync'
import { connectorSettingsDto, outboxAction } from '../../shared/domain/sync'
import { appendAudit } from '../store/audit-log'
import { inTransaction, type Db } from '../store/database'
import type { ConnectorRow, ConnectorsRepo } from '../store/connectors-repo'
import type { OutboxRepo, OutboxRow } from '../store/outbox-repo'
import { parseJsonOr, type ConnectorContext, type ExecOutcome, type LocalEffect } from './connector'
import { drivers } from './connectors'
import type { CredentialStore } from './credentials'
import { localError, type SyncError } from './errors'
import { createHttpClient, type HttpClient } from './http'

export interface RunnerOptions {
  readonly maxAttempts: number
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  /** Backoffs up to this long are waited out within the run; longer ones leave the item for a later run. */
  readonly inRunWaitLimitMs: number
  /** Added to a connector's timeout before a silent `running` item is declared dead. */
  readonly staleGraceMs: number
  readonly pickup: { readonly attempts: number; readonly intervalMs: number }
  readonly sleep: (ms: number) => Promise<void>
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  maxAttempts: 4,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  inRunWaitLimitMs: 10_000,
  staleGraceMs: 5_000,
  pickup: { attempts: 3, intervalMs: 2000 },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

export const DEFAULT_TIMEOUT_MS = 30_000

export function backoffMs(attempt: number, o: Pick<RunnerOptions, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, attempt - 1))
}

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
  readonly db: Db
  readonly connectors: ConnectorsRepo
  readonly outbox: OutboxRepo
  readonly credentials: CredentialStore
  readonly now: () => Date
  readonly options: RunnerOptions
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

export async function runOutbox(deps: RunnerDeps, req: RunRequest): Promise<SyncRunReportDto> {
  const { db, outbox, connectors, options } = deps
  const iso = () => deps.now().toISOString()
  const runId = randomUUID()
  const startedAt = iso()

  // 1. Reclaim items of runs that died, each judged by its own connector's timeout.
  let reclaimed = 0
  inTransaction(db, () => {
    const byConnector = new Map<string, number>()
    for (const c of connectors.list()) byConnector.set(c.id, connectorSettings(c).timeoutMs)
    const running = outbox.list({ states: ['running'], limit: 100_000 })
    const nowMs = deps.now().getTime()
    const staleIds = running
      .filter((item) => item.updatedAt < new Date(nowMs - (byConnector.get(item.connectorId) ?? DEFAULT_TIMEOUT_MS) - options.staleGraceMs).toISOString())
      .map((item) => item.id)
    reclaimed = outbox.reclaim(staleIds, startedAt)
    outbox.startRun({ id: runId, connector: req.connectorName ?? null, startedAt })
    appendAudit(db, { action: 'sync.run.start', subject: `sync-run:${runId}`, details: { connector: req.connectorName ?? null, reclaimed: staleIds } }, deps.now())
  })

  // 2. Due items, oldest first.
  const due = outbox.due(startedAt, { ...(req.connectorId ? { connectorId: req.connectorId } : {}), ...(req.itemIds ? { ids: req.itemIds } : {}) })
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
      const driver = drivers[type]
      const cred = await deps.credentials.get(row.id, row.name, settings.credentialEnv)
      if (!driver) p = { ok: false, reason: `connector ${row.name} has an unknown type ${row.type}` }
      else if (!cred.ok) p = { ok: false, reason: cred.error.message }
      else {
        const http = createHttpClient({
          baseUrl: row.baseUrl,
          timeoutMs: settings.timeoutMs,
          ...(settings.caBundlePem ? { caBundlePem: settings.caBundlePem } : {}),
          headers: driver.authHeaders(cred.value)
        })
        if (!http.ok) p = { ok: false, reason: http.error.message }
        else {
          clients.push(http.value)
          p = {
            ok: true,
            row,
            ctx: {
              http: http.value,
              id: row.id,
              name: row.name,
              type,
              settings,
              sleep: options.sleep,
              pickup: options.pickup,
              rememberedHash: (kind, remoteId) => connectors.remoteObject(row.id, kind, remoteId)?.contentSha256 ?? null
            }
          }
        }
      }
    }
    prepared.set(connectorId, p)
    return p
  }

  const record = (item: OutboxRow, outcome: RunItemOutcome, attempts: number, message: string, connectorName: string) => {
    report.push({ id: item.id, action: outboxAction.parse(item.action), connectorName, outcome, attempts, message })
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
      const driver = drivers[p.ctx.type]
      const action = item.action as OutboxAction
      const payload = parseJsonOr(item.payload, null)
      let progress = parseStoredResult(item.result).progress ?? null

      // 3. Attempts of this item within the run.
      for (;;) {
        const claimedAt = iso()
        if (!outbox.claim(item.id, claimedAt)) {
          record(item, 'skipped', item.attempts, 'another run took this item', connectorName)
          break
        }
        const attempts = outbox.get(item.id)?.attempts ?? item.attempts + 1
        // Every request refreshes the item's heartbeat, so only a dead run's items look stale.
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
          outcome = await driver.execute(ctx, action, payload, progress)
        } catch (e) {
          outcome = { kind: 'error', error: localError('SYNC_ITEM_INVALID', `Outbox item ${item.id} could not be executed: ${e instanceof Error ? e.message : String(e)}.`) }
        }
        const now = iso()
        if (outcome.kind === 'done') {
          const applied = commitDone(deps, p.row, item, outcome, now)
          if (applied.ok) record(item, 'done', attempts, outcome.summary, connectorName)
          else record(item, 'failed', attempts, applied.error.message, connectorName)
          break
        }
        if (outcome.kind === 'pending') {
          inTransaction(db, () => {
            outbox.finish(item.id, 'queued', {
              now,
              lastError: null,
              result: JSON.stringify({ summary: outcome.summary, progress: outcome.progress }),
              nextAttemptAt: null,
              attempts: attempts - 1
            })
            appendAudit(db, { action: 'sync.item.pending', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, summary: outcome.summary } }, deps.now())
          })
          record(item, 'pending', attempts - 1, outcome.summary, connectorName)
          break
        }
        // An error.
        const error = outcome.error
        progress = outcome.progress ?? progress
        const resultText = progress ? JSON.stringify({ progress }) : null
        const giveUp = !error.retryable || attempts >= options.maxAttempts
        if (giveUp) {
          inTransaction(db, () => {
            outbox.finish(item.id, 'failed', { now, lastError: errorJson(error), result: resultText, nextAttemptAt: null })
            appendAudit(
              db,
              { action: 'sync.item.failed', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, attempts, code: error.code, httpStatus: error.httpStatus ?? null } },
              deps.now()
            )
          })
          record(item, 'failed', attempts, error.retryable ? `gave up after ${attempts} attempts: ${error.message}` : error.message, connectorName)
          if (error.httpStatus === 401 || error.httpStatus === 403 || error.code === 'REMOTE_TLS_FAILED' || error.retryable)
            blocked.set(item.connectorId, `an earlier item of connector ${connectorName} failed with ${error.code}`)
          break
        }
        // The platform's Retry-After, when it gave one, is a floor under our own backoff.
        const wait = Math.max(backoffMs(attempts, options), (error.retryAfterSeconds ?? 0) * 1000)
        const next = new Date(deps.now().getTime() + wait).toISOString()
        inTransaction(db, () => {
          outbox.finish(item.id, 'queued', { now, lastError: errorJson(error), result: resultText, nextAttemptAt: next })
          appendAudit(
            db,
            { action: 'sync.item.retry', subject: `outbox:${item.id}`, details: { run: runId, connector: connectorName, action, attempts, code: error.code, nextAttemptAt: next } },
            deps.now()
          )
        })
        if (wait > options.inRunWaitLimitMs) {
          record(item, 'requeued', attempts, `${error.message} Retrying after ${next}.`, connectorName)
          blocked.set(item.connectorId, `connector ${connectorName} is backing off after ${error.code}`)
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

  const finishedAt = iso()
  const done = report.filter((r) => r.outcome === 'done').length
  const failed = report.filter((r) => r.outcome === 'failed').length
  const remaining = outbox.countByState(req.connectorId).queued
  inTransaction(db, () => {
    outbox.finishRun({ id: runId, finishedAt, reclaimed, done, failed, remaining })
    appendAudit(
      db,
      { action: 'sync.run.finish', subject: `sync-run:${runId}`, details: { connector: req.connectorName ?? null, done, failed, remaining, items: report.map((r) => ({ id: r.id, outcome: r.outcome })) } },
      deps.now()
    )
  })
  deps.onProgress?.(due.length, due.length, 'sync finished')
  return { runId, startedAt, finishedAt, connector: req.connectorName ?? null, reclaimed, items: report, done, failed, remaining }
}

function commitDone(deps: RunnerDeps, connector: ConnectorRow, item: OutboxRow, outcome: Extract<ExecOutcome, { kind: 'done' }>, now: string) {
  const { db, outbox } = deps
  try {
    inTransaction(db, () => {
      const effectNotes = deps.applyEffects(connector, outcome.effects ?? [])
      const notes = [...(outcome.notes ?? []), ...effectNotes]
      outbox.finish(item.id, 'done', { now, lastError: null, result: JSON.stringify({ summary: outcome.summary, result: outcome.result, notes }), nextAttemptAt: null })
      appendAudit(
        db,
        { action: 'sync.item.done', subject: `outbox:${item.id}`, details: { connector: connector.name, action: item.action, summary: outcome.summary, notes } },
        deps.now()
      )
    })
    return { ok: true as const }
  } catch (e) {
    // The remote side succeeded but the local side refused: record it as failed with the reason,
    // keeping the remote answer so the operator can see what exists remotely.
    const error: SyncError =
      e instanceof AppFailure ? fromAppError(e.error) : localError('SYNC_LOCAL_APPLY_FAILED', `The remote action succeeded but its local result could not be saved: ${e instanceof Error ? e.message : String(e)}.`)
    inTransaction(db, () => {
      outbox.finish(item.id, 'failed', { now, lastError: errorJson(error), result: JSON.stringify({ summary: outcome.summary, result: outcome.result }), nextAttemptAt: null })
      appendAudit(db, { action: 'sync.item.failed', subject: `outbox:${item.id}`, details: { connector: connector.name, action: item.action, code: error.code, remoteDone: true } }, deps.now())
    })
    return { ok: false as const, error }
  }
}

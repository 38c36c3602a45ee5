// The outbox, offline-first: every remote action is first written here (enqueue) and only
// `run` sends anything. This service is generic — enqueue, run, status, outbox, retry and
// discard; what a platform accepts, the body it sends and how it sends it belong to its
// driver (../sync/connectors/*), connector administration to ./connectors-service.ts.
// Used by the IPC handlers and by the CLI:
//   sync run|status|retry|discard → run, status, outbox, retry, discard
//   profile pull --connector      → pullProfiles (enqueue a pull and run just that item)
//   profile push ID               → pushProfile            (enqueue)
//   remote request                → requestCertificate     (enqueue)
//   remote assign-auth-cert       → assignAuthCert         (enqueue)
//   remote generate               → generateOnFirewall     (enqueue)
import { randomUUID } from 'node:crypto'
import { canonicalJson } from '../../shared/canonical-json'
import { AppFailure, assertNever, fail, ok, type Result } from '../../shared/errors'
import {
  ACTION_CONNECTOR,
  CONNECTOR_TYPE_LABELS,
  connectorType as connectorTypeSchema,
  outboxAction,
  type EnqueueRequestDto,
  type OutboxAction,
  type OutboxItemDto,
  type OutboxState,
  type PaloAltoScopeDto,
  type RegisteredValueDto,
  type SyncErrorDto,
  type SyncRunReportDto,
  type SyncStatusDto
} from '../../shared/domain/sync'
import type { EventSink } from '../../shared/ipc/events'
import { appendAudit } from '../store/audit-log'
import { createConnectorsRepo, type ConnectorRow } from '../store/connectors-repo'
import type { Store } from '../store/database'
import { createOutboxRepo, type OutboxRow } from '../store/outbox-repo'
import { connectorByName } from './connectors-service'
import { contentHash, parseJsonOr, type EnqueueKind, type LocalEffect, type Planned, type PlanPorts } from '../sync/connector'
import { driverFor } from '../sync/connectors'
import { IOT_ASSIGNMENT_KIND, parseRegisteredValuePairs } from '../sync/connectors/digicert-iot'
import { createCredentialStore, type CredentialBackend } from '../sync/credentials'
import { unavailableCertificateBridge, unavailableProfileBridge, type CertificateBridge, type ProfileBridge } from '../sync/local-bridge'
import { connectorSettings, DEFAULT_RUNNER_OPTIONS, lockHeldMessage, parseStoredResult, runOutbox, type RunnerOptions } from '../sync/outbox-runner'

export interface SyncServiceDeps {
  readonly store: Store
  /** The vault's KeychainBackend (the OS keychain; an in-memory one in tests). */
  readonly keychain: CredentialBackend
  readonly emit?: EventSink
  readonly now?: () => Date
  readonly profiles?: ProfileBridge
  readonly certificates?: CertificateBridge
  /** Where `credentialEnv` variables are read (process.env by default). */
  readonly env?: NodeJS.ProcessEnv
  readonly runner?: Partial<RunnerOptions>
  /** The run lock file; by default beside the database file (none for an in-memory database). */
  readonly lockFile?: string | null
}

export interface SyncService {
  /** Writes one remote action to the outbox, as its connector's driver plans it; never goes online. */
  enqueue(request: EnqueueRequestDto): Promise<Result<OutboxItemDto>>
  /** Enqueues a profile pull and runs just that item (an explicit sync). */
  pullProfiles(connector: string, filters?: readonly string[]): Promise<Result<SyncRunReportDto>>
  pushProfile(profileId: string, connector: string): Promise<Result<OutboxItemDto>>
  deleteRemoteProfile(connector: string, remoteId: string, confirm: string): Promise<Result<OutboxItemDto>>
  /** The CSR as PEM text (`csrPem`) or as the CSR file's bytes, PEM or DER (`csr`). */
  requestCertificate(input: {
    connector: string
    remoteProfileId: string
    seatId: string
    csrPem?: string
    csr?: string | Uint8Array
    validityDays?: number
  }): Promise<Result<OutboxItemDto>>
  assignAuthCert(input: {
    connector: string
    serial: string
    enrollmentProfileId: string
    startDate?: string
    endDate?: string
    usageLimit?: number
    registeredValues?: readonly RegisteredValueDto[]
  }): Promise<Result<OutboxItemDto>>
  generateOnFirewall(input: { connector: string; profileId: string; scope: PaloAltoScopeDto; certificateName?: string; commonName?: string }): Promise<Result<OutboxItemDto>>
  /** Executes due items (all, one connector's, or the given ids). The only way items reach the network. */
  run(request?: { connector?: string; itemIds?: readonly number[] }): Promise<Result<SyncRunReportDto>>
  /** True while a run of this process is under way. */
  isRunning(): boolean
  status(): SyncStatusDto
  outbox(filter?: { connector?: string; states?: readonly OutboxState[]; limit?: number }): Result<OutboxItemDto[]>
  retry(id: number): Result<OutboxItemDto>
  discard(id: number): Result<{ discarded: number }>
  /** `--registered-value field=value` strings → registered values (array fields gather repeats). */
  parseRegisteredValues(pairs: readonly string[]): Result<RegisteredValueDto[]>
}

/** What each operator request asks of a platform, for the refusal of a connector that does not take it. */
const REQUEST_VERB: Readonly<Record<EnqueueKind, string>> = {
  'profile-pull': 'pull profiles',
  'profile-push': 'take pushed profiles',
  'profile-delete': 'delete remote profiles',
  'certificate-request': 'issue certificates from a CSR',
  'assign-auth-cert': 'take authentication certificates',
  generate: 'generate certificates'
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { store } = deps
  const now = deps.now ?? (() => new Date())
  const emit: EventSink = deps.emit ?? (() => undefined)
  const connectors = createConnectorsRepo(store)
  const outbox = createOutboxRepo(store)
  const credentials = createCredentialStore(deps.keychain, deps.env ?? process.env)
  const profiles = deps.profiles ?? unavailableProfileBridge
  const certificates = deps.certificates ?? unavailableCertificateBridge
  const options: RunnerOptions = { ...DEFAULT_RUNNER_OPTIONS, ...deps.runner }
  let running = false
  // One live run per data directory (../sync/run-lock.ts): the lock file sits beside the database.
  const lockFile = deps.lockFile !== undefined ? deps.lockFile : store.file && store.file !== ':memory:' ? `${store.file}.sync-lock` : null

  const iso = () => now().toISOString()

  function itemDto(row: OutboxRow): OutboxItemDto {
    const conn = connectors.byId(row.connectorId)
    const action = outboxAction.parse(row.action)
    const payload = parseJsonOr(row.payload, null)
    const stored = parseStoredResult(row.result)
    let lastError: SyncErrorDto | null = null
    if (row.lastError) {
      try {
        lastError = JSON.parse(row.lastError) as SyncErrorDto
      } catch {
        lastError = { code: 'UNKNOWN', message: row.lastError, retryable: false }
      }
    }
    return {
      id: row.id,
      connectorId: row.connectorId,
      connectorName: conn?.name ?? row.connectorId,
      action,
      summary: driverFor(ACTION_CONNECTOR[action]).describe(action, payload),
      idempotencyKey: row.idempotencyKey,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      lastError,
      resultSummary: stored.summary ?? null,
      notes: [...(stored.notes ?? [])],
      createdAt: row.createdAt,
      updatedAt: row.updatedAt
    }
  }

  const findConnector = (name: string): Result<ConnectorRow> => connectorByName(connectors, name)

  /** Writes a planned item; the same pending action and payload is one item (enqueueing twice is a no-op). */
  function writeItem(row: ConnectorRow, planned: Planned<OutboxAction>): OutboxRow {
    const text = canonicalJson(planned.payload)
    const { action } = planned
    return store.write((tx) => {
      const existing = outbox.findPending(row.id, action, text)
      if (existing) return existing
      const inserted = outbox.insert({
        connectorId: row.id,
        action,
        payload: text,
        idempotencyKey: `${action}:${randomUUID()}`,
        now: iso(),
        ...(planned.notes.length ? { result: JSON.stringify({ notes: planned.notes }) } : {})
      })
      appendAudit(
        tx,
        {
          action: 'sync.enqueue',
          subject: `outbox:${inserted.id}`,
          details: { connector: row.name, action, summary: driverFor(ACTION_CONNECTOR[action]).describe(action, planned.payload), notes: planned.notes.length }
        },
        now()
      )
      return inserted
    })
  }

  function ports(row: ConnectorRow, csrBytes?: Uint8Array): PlanPorts {
    return {
      connector: { id: row.id, name: row.name, settings: connectorSettings(row) },
      profiles,
      certificates,
      rememberedByLocal: (kind, localId) => connectors.remoteObjectByLocal(row.id, kind, localId),
      ...(csrBytes ? { csrBytes } : {})
    }
  }

  /** The remembered-object kind a pull of this platform keeps its profiles under. */
  const pulledKind = (platform: 'lamassu' | 'digicert-tlm') => (platform === 'lamassu' ? 'lamassu.profile' : 'tlm.profile')

  function applyEffects(connector: ConnectorRow, effects: readonly LocalEffect[]): string[] {
    const notes: string[] = []
    for (const effect of effects) {
      switch (effect.kind) {
        case 'profiles-pulled': {
          // Each remote profile converts on its own: one that does not is skipped and named, the others land.
          const kind = pulledKind(effect.platform)
          let skipped = 0
          for (const profile of effect.profiles) {
            const remembered = connectors.remoteObject(connector.id, kind, profile.remoteId)
            const hash = contentHash(profile.body)
            const remoteChanged = remembered !== null && remembered.contentSha256 !== hash
            if (remoteChanged) notes.push(`remote profile ${profile.remoteId} changed since the last pull (${remembered.pulledAt})`)
            if (remembered && !remoteChanged && remembered.localId) continue
            const imported = profiles.importPulled({ platform: effect.platform, connectorName: connector.name, profile, existingLocalId: remembered?.localId ?? null, remoteChanged })
            if (!imported.ok) {
              skipped++
              notes.push(`skipped remote profile ${profile.remoteId} ("${profile.name}"): ${imported.error.message}`)
              continue
            }
            notes.push(...imported.value.notes.map((n) => `${profile.remoteId}: ${n}`))
            connectors.rememberRemoteObject({ connectorId: connector.id, kind, remoteId: profile.remoteId, contentSha256: hash, localId: imported.value.localId, pulledAt: iso() })
          }
          if (skipped) notes.push(`${skipped} of ${effect.profiles.length} remote profiles skipped; the others were saved`)
          break
        }
        case 'remote-object-pushed': {
          const prev = connectors.remoteObject(connector.id, effect.objectKind, effect.remoteId)
          connectors.rememberRemoteObject({
            connectorId: connector.id,
            kind: effect.objectKind,
            remoteId: effect.remoteId,
            contentSha256: contentHash(effect.body),
            localId: effect.localId ?? prev?.localId ?? null,
            pulledAt: iso()
          })
          break
        }
        case 'certificate-issued': {
          const r = certificates.importIssued({ der: effect.der, issuers: effect.issuers, source: connector.name })
          if (!r.ok) throw new AppFailure(r.error)
          notes.push(`certificate ${effect.remoteSerial} added to the inventory (source ${connector.name}) with a chain of ${effect.issuers.length}`, ...r.value.notes)
          break
        }
        case 'iot-assignment': {
          const a = effect.assignment
          connectors.rememberRemoteObject({
            connectorId: connector.id,
            kind: IOT_ASSIGNMENT_KIND,
            remoteId: a.id,
            contentSha256: contentHash(a),
            localId: a.serial,
            pulledAt: iso(),
            body: JSON.stringify(a)
          })
          break
        }
        default:
          assertNever(effect, 'local effect')
      }
    }
    return notes
  }

  async function enqueue(request: EnqueueRequestDto, csrBytes?: Uint8Array): Promise<Result<OutboxItemDto>> {
    const found = findConnector(request.connector)
    if (!found.ok) return found
    const row = found.value
    const type = connectorTypeSchema.parse(row.type)
    const driver = driverFor(type)
    if (!driver.requests.includes(request.kind)) {
      const takers = connectorTypeSchema.options.filter((t) => driverFor(t).requests.includes(request.kind)).map((t) => CONNECTOR_TYPE_LABELS[t])
      return fail(
        'SYNC_UNSUPPORTED_FOR_CONNECTOR',
        `Connector ${row.name} is a ${CONNECTOR_TYPE_LABELS[type]} connector, which cannot ${REQUEST_VERB[request.kind]}; use a ${takers.join(' or ')} connector.`,
        'connector'
      )
    }
    const planned = driver.plan(request, ports(row, csrBytes))
    if (!planned.ok) return planned
    const item = writeItem(row, planned.value)
    emit('changed', { domain: 'sync' })
    return ok(itemDto(item))
  }

  /** Items every run starts with (a driver's refresh of what it remembers, e.g. IoT assignment status). */
  function enqueueRefreshes(connectorId?: string): void {
    for (const row of connectors.list()) {
      if (!row.enabled || (connectorId && row.id !== connectorId)) continue
      const type = connectorTypeSchema.safeParse(row.type)
      if (!type.success) continue
      const driver = driverFor(type.data)
      if (!driver.refresh) continue
      const items = driver.refresh((kind) =>
        connectors.remoteObjects(row.id, kind).map((o) => ({ remoteId: o.remoteId, localId: o.localId, contentSha256: o.contentSha256, pulledAt: o.pulledAt, body: parseJsonOr(o.body ?? '', null) }))
      )
      for (const planned of items) writeItem(row, planned)
    }
  }

  async function run(request: { connector?: string; itemIds?: readonly number[] } = {}): Promise<Result<SyncRunReportDto>> {
    let connectorId: string | undefined
    if (request.connector) {
      const found = findConnector(request.connector)
      if (!found.ok) return found
      connectorId = found.value.id
    }
    if (running) return fail('SYNC_ALREADY_RUNNING', 'A sync is already running in this window; wait for it to finish.')
    running = true
    const operationId = randomUUID()
    try {
      if (!request.itemIds) enqueueRefreshes(connectorId)
      const outcome = await runOutbox(
        {
          store,
          connectors,
          outbox,
          credentials,
          now,
          options,
          lockFile,
          applyEffects,
          onProgress: (done, total, label) => emit('progress', { operationId, done, total, label, finished: false })
        },
        { ...(connectorId ? { connectorId, connectorName: request.connector } : {}), ...(request.itemIds ? { itemIds: request.itemIds } : {}) }
      )
      if (!outcome.ok) return fail('SYNC_ALREADY_RUNNING', lockHeldMessage(outcome.holder))
      const report = outcome.report
      emit('progress', { operationId, done: report.items.length, total: report.items.length, label: 'sync finished', finished: true })
      return ok(report)
    } finally {
      running = false
      emit('changed', { domain: 'sync' })
      emit('changed', { domain: 'profiles' })
      emit('changed', { domain: 'certificates' })
    }
  }

  return {
    enqueue: (request) => enqueue(request),

    async pullProfiles(connector, filters) {
      const item = await enqueue({ kind: 'profile-pull', connector, ...(filters?.length ? { filters: [...filters] } : {}) })
      if (!item.ok) return item
      return run({ connector, itemIds: [item.value.id] })
    },
    pushProfile: (profileId, connector) => enqueue({ kind: 'profile-push', connector, profileId }),
    deleteRemoteProfile: (connector, remoteId, confirm) => enqueue({ kind: 'profile-delete', connector, remoteId, confirm }),
    requestCertificate: (input) => {
      const csr = input.csr ?? input.csrPem
      if (csr === undefined) return Promise.resolve(fail('MISSING_INPUT', 'Give the CSR to request a certificate for.', 'csr'))
      return enqueue(
        {
          kind: 'certificate-request',
          connector: input.connector,
          remoteProfileId: input.remoteProfileId,
          seatId: input.seatId,
          csrPem: typeof csr === 'string' ? csr : '',
          ...(input.validityDays ? { validityDays: input.validityDays } : {})
        },
        typeof csr === 'string' ? undefined : csr
      )
    },
    assignAuthCert: (input) =>
      enqueue({
        kind: 'assign-auth-cert',
        connector: input.connector,
        serial: input.serial,
        enrollmentProfileId: input.enrollmentProfileId,
        ...(input.startDate ? { startDate: input.startDate } : {}),
        ...(input.endDate ? { endDate: input.endDate } : {}),
        ...(input.usageLimit !== undefined ? { usageLimit: input.usageLimit } : {}),
        ...(input.registeredValues ? { registeredValues: [...input.registeredValues] } : {})
      }),
    generateOnFirewall: (input) =>
      enqueue({
        kind: 'generate',
        connector: input.connector,
        profileId: input.profileId,
        scope: input.scope,
        ...(input.certificateName ? { certificateName: input.certificateName } : {}),
        ...(input.commonName ? { commonName: input.commonName } : {})
      }),

    run,
    isRunning: () => running,

    status() {
      const last = outbox.lastRun()
      return {
        running,
        counts: outbox.countByState(),
        lastRun: last
          ? {
              runId: last.id,
              startedAt: last.startedAt,
              finishedAt: last.finishedAt ?? last.startedAt,
              connector: last.connector,
              reclaimed: last.reclaimed,
              done: last.done,
              failed: last.failed,
              remaining: last.remaining
            }
          : null,
        nextAttemptAt: outbox.waiting(iso()).reduce<string | null>((min, r) => (r.nextAttemptAt && (!min || r.nextAttemptAt < min) ? r.nextAttemptAt : min), null)
      }
    },

    outbox(filter = {}) {
      let connectorId: string | undefined
      if (filter.connector) {
        const found = findConnector(filter.connector)
        if (!found.ok) return found
        connectorId = found.value.id
      }
      return ok(
        outbox
          .list({ ...(connectorId ? { connectorId } : {}), ...(filter.states ? { states: filter.states } : {}), ...(filter.limit ? { limit: filter.limit } : {}) })
          .map(itemDto)
      )
    },

    retry(id) {
      const row = outbox.get(id)
      if (!row) return fail('OUTBOX_ITEM_NOT_FOUND', `There is no outbox item ${id}.`, 'id')
      const backingOff = row.state === 'queued' && row.nextAttemptAt !== null
      if (row.state !== 'failed' && !backingOff)
        return fail('OUTBOX_ITEM_NOT_RETRYABLE', `Outbox item ${id} is ${row.state}${row.state === 'queued' ? ' and due' : ''}; only failed items and items backing off can be retried.`, 'id')
      store.write((tx) => {
        outbox.requeue(id, iso())
        appendAudit(tx, { action: 'sync.item.requeue', subject: `outbox:${id}`, details: { previousError: row.lastError ? ((JSON.parse(row.lastError) as { code?: string }).code ?? null) : null } }, now())
      })
      emit('changed', { domain: 'sync' })
      return ok(itemDto(outbox.get(id) as OutboxRow))
    },

    discard(id) {
      const row = outbox.get(id)
      if (!row) return fail('OUTBOX_ITEM_NOT_FOUND', `There is no outbox item ${id}.`, 'id')
      if (row.state === 'running' || row.state === 'done')
        return fail('OUTBOX_ITEM_NOT_DISCARDABLE', `Outbox item ${id} is ${row.state}; only queued or failed items can be discarded.`, 'id')
      store.write((tx) => {
        outbox.remove(id)
        appendAudit(tx, { action: 'sync.item.discard', subject: `outbox:${id}`, details: { action: row.action, state: row.state } }, now())
      })
      emit('changed', { domain: 'sync' })
      return ok({ discarded: id })
    },

    parseRegisteredValues: parseRegisteredValuePairs
  }
}


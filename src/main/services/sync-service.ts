// Sync with remote CA platforms, offline-first. Connectors are configured here (their
// credentials go to the OS keychain); every remote action is first written to the outbox
// (enqueue) and only `run` sends anything. Networking is off unless a run or a connection
// test is under way; both are audited. Used by the IPC handlers and by the CLI:
//   connector add|list|test   → addConnector, listConnectors, testConnector
//   sync run|status           → run, status (outbox, retry, discard for the outbox screen)
//   profile pull --connector  → pullProfiles (enqueue a pull and run just that item)
//   profile push ID           → pushProfile            (enqueue)
//   remote request            → requestCertificate     (enqueue)
//   remote assign-auth-cert   → assignAuthCert         (enqueue)
//   remote generate           → generateOnFirewall     (enqueue)
import { randomUUID, X509Certificate } from 'node:crypto'
import { readCsrInput, toPem as derToPem } from '../engine'
import { findCertificateBySha256, getCertificate, insertCertificate, queryCertificates } from '../store/certificates-repo'
import { recordFromDer, sha256Hex } from './certificate-records'
import { normSerial } from '../sync/connectors/digicert-tlm'
import { canonicalJson } from '../../shared/canonical-json'
import { AppFailure, assertNever, fail, ok, type Result } from '../../shared/errors'
import {
  ACTION_CONNECTOR,
  connectorSettingsDto,
  connectorType as connectorTypeSchema,
  CONNECTOR_TYPE_LABELS,
  iotCertificateField,
  outboxAction,
  type ConnectorDto,
  type ConnectorSettingsDto,
  type ConnectorTestDto,
  type ConnectorType,
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
import { contentHash, parseJsonOr, type LocalEffect } from '../sync/connector'
import { drivers } from '../sync/connectors'
import { checkCertCentralBody } from '../sync/connectors/digicert-certcentral'
import { buildIotAssignBody } from '../sync/connectors/digicert-iot'
import { lamassuFilter } from '../sync/connectors/lamassu'
import { buildPaloAltoBody } from '../sync/connectors/paloalto'
import { createCredentialStore, type CredentialBackend } from '../sync/credentials'
import { checkBaseUrl } from '../sync/http'
import { unavailableCertificateBridge, unavailableProfileBridge, type CertificateBridge, type ProfileBridge } from '../sync/local-bridge'
import { connectorClient, connectorSettings, DEFAULT_RUNNER_OPTIONS, DEFAULT_TIMEOUT_MS, lockHeldMessage, parseStoredResult, runOutbox, type RunnerOptions } from '../sync/outbox-runner'
import { storedBaseUrl } from '../sync/urls'

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

export interface AddConnectorInput {
  readonly name: string
  readonly type: ConnectorType
  readonly baseUrl: string
  /** Stored in the OS keychain. The CLI's --credential-env VAR passes process.env[VAR] here, or sets settings.credentialEnv to read it at each run. */
  readonly credential?: string
  readonly settings?: Partial<ConnectorSettingsDto>
  readonly enabled?: boolean
}

export interface UpdateConnectorInput {
  readonly name: string
  readonly baseUrl?: string
  readonly credential?: string | null
  readonly settings?: Partial<ConnectorSettingsDto>
  readonly enabled?: boolean
}

export interface SyncService {
  listConnectors(): Promise<ConnectorDto[]>
  addConnector(input: AddConnectorInput): Promise<Result<ConnectorDto>>
  updateConnector(input: UpdateConnectorInput): Promise<Result<ConnectorDto>>
  removeConnector(name: string, options?: { discardQueued?: boolean }): Promise<Result<{ removed: string }>>
  /** One authenticated read (or a reachability check); audited. Goes online. */
  testConnector(name: string): Promise<Result<ConnectorTestDto>>
  /** Writes one remote action to the outbox; never goes online. */
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
  status(): SyncStatusDto
  outbox(filter?: { connector?: string; states?: readonly OutboxState[]; limit?: number }): Result<OutboxItemDto[]>
  retry(id: number): Result<OutboxItemDto>
  discard(id: number): Result<{ discarded: number }>
  /** `--registered-value field=value` strings → registered values (array fields gather repeats). */
  parseRegisteredValues(pairs: readonly string[]): Result<RegisteredValueDto[]>
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** The settings as the schema allows them (the IPC layer checks too; the CLI comes straight here). */
function checkSettings(settings: ConnectorSettingsDto): Result<ConnectorSettingsDto> {
  const parsed = connectorSettingsDto.safeParse(settings)
  if (parsed.success) return ok(parsed.data)
  const issue = parsed.error.issues[0]
  const field = issue?.path.map(String).join('.') ?? ''
  return fail(
    field === 'credentialEnv' ? 'CONNECTOR_CREDENTIAL_ENV_REFUSED' : 'CONNECTOR_SETTINGS_INVALID',
    `The connector setting ${field || 'settings'} is invalid: ${issue?.message ?? 'invalid'}.`,
    `settings.${field}`
  )
}

function checkCaBundle(pem: string): Result<void> {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) return fail('CONNECTOR_CA_BUNDLE_INVALID', 'The CA bundle holds no PEM certificate; give one or more -----BEGIN CERTIFICATE----- blocks.', 'caBundlePem')
  for (const [i, b] of blocks.entries()) {
    try {
      const c = new X509Certificate(b)
      if (!c.ca) return fail('CONNECTOR_CA_BUNDLE_INVALID', `Certificate ${i + 1} of the CA bundle (${c.subject.replace(/\n/g, ', ')}) is not a CA certificate.`, 'caBundlePem')
    } catch {
      return fail('CONNECTOR_CA_BUNDLE_INVALID', `Certificate ${i + 1} of the CA bundle does not parse; give PEM certificates only.`, 'caBundlePem')
    }
  }
  return ok(undefined)
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
  // One live run per data directory (./sync/run-lock.ts): the lock file sits beside the database.
  const lockFile = deps.lockFile !== undefined ? deps.lockFile : store.file && store.file !== ':memory:' ? `${store.file}.sync-lock` : null

  const iso = () => now().toISOString()

  async function toDto(row: ConnectorRow): Promise<ConnectorDto> {
    const settings = connectorSettings(row)
    const counts = outbox.countByState(row.id)
    return {
      id: row.id,
      name: row.name,
      type: connectorTypeSchema.parse(row.type),
      baseUrl: row.baseUrl,
      enabled: row.enabled,
      settings,
      hasCredential: await credentials.has(row.id, settings.credentialEnv),
      createdAt: row.createdAt,
      queued: counts.queued + counts.running,
      failed: counts.failed
    }
  }

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
      summary: drivers[ACTION_CONNECTOR[action]].describe(action, payload),
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

  function findConnector(name: string): Result<ConnectorRow> {
    const row = connectors.byName(name)
    return row ? ok(row) : fail('CONNECTOR_NOT_FOUND', `There is no connector named "${name}"; see "connector list".`, 'connector')
  }

  function requireType(row: ConnectorRow, allowed: readonly ConnectorType[], what: string): Result<ConnectorType> {
    const type = row.type as ConnectorType
    if (allowed.includes(type)) return ok(type)
    return fail(
      'SYNC_UNSUPPORTED_FOR_CONNECTOR',
      `Connector ${row.name} is a ${CONNECTOR_TYPE_LABELS[type] ?? row.type} connector, which cannot ${what}; use a ${allowed.map((t) => CONNECTOR_TYPE_LABELS[t]).join(' or ')} connector.`,
      'connector'
    )
  }

  function writeItem(row: ConnectorRow, action: OutboxAction, payload: unknown): OutboxItemDto {
    const text = canonicalJson(payload)
    const item = store.write((tx) => {
      const existing = outbox.findPending(row.id, action, text)
      if (existing) return existing
      const inserted = outbox.insert({ connectorId: row.id, action, payload: text, idempotencyKey: `${action}:${randomUUID()}`, now: iso() })
      appendAudit(
        tx,
        { action: 'sync.enqueue', subject: `outbox:${inserted.id}`, details: { connector: row.name, action, summary: drivers[ACTION_CONNECTOR[action]].describe(action, payload) } },
        now()
      )
      return inserted
    })
    emit('changed', { domain: 'sync' })
    return itemDto(item)
  }

  function applyEffects(connector: ConnectorRow, effects: readonly LocalEffect[]): string[] {
    const notes: string[] = []
    for (const effect of effects) {
      switch (effect.kind) {
        case 'profiles-pulled': {
          const kind = `${effect.platform === 'lamassu' ? 'lamassu' : 'tlm'}.profile`
          for (const profile of effect.profiles) {
            const remembered = connectors.remoteObject(connector.id, kind, profile.remoteId)
            const hash = contentHash(profile.body)
            const remoteChanged = remembered !== null && remembered.contentSha256 !== hash
            if (remoteChanged) notes.push(`remote profile ${profile.remoteId} changed since the last pull (${remembered.pulledAt})`)
            if (remembered && !remoteChanged && remembered.localId) continue
            const imported = profiles.importPulled({ platform: effect.platform, connectorName: connector.name, profile, existingLocalId: remembered?.localId ?? null, remoteChanged })
            if (!imported.ok) throw new AppFailure(imported.error)
            if (imported.value.note) notes.push(imported.value.note)
            connectors.rememberRemoteObject({ connectorId: connector.id, kind, remoteId: profile.remoteId, contentSha256: hash, localId: imported.value.localId, pulledAt: iso() })
          }
          break
        }
        case 'remote-object-pushed': {
          const prev = connectors.remoteObject(connector.id, effect.objectKind, effect.remoteId)
          connectors.rememberRemoteObject({
            connectorId: connector.id,
            kind: effect.objectKind,
            remoteId: effect.remoteId,
            contentSha256: contentHash(effect.body),
            localId: prev?.localId ?? null,
            pulledAt: iso()
          })
          break
        }
        case 'certificate-issued': {
          const r = certificates.importIssued({ pem: effect.pem, chainPems: effect.chainPems, source: connector.name })
          if (!r.ok) throw new AppFailure(r.error)
          notes.push(`certificate ${effect.remoteSerial} added to the inventory (source ${connector.name})`)
          break
        }
        default:
          assertNever(effect, 'local effect')
      }
    }
    return notes
  }

  /** `csrBytes` lets the CLI hand over a DER CSR file unchanged; the IPC request carries PEM text. */
  async function enqueue(request: EnqueueRequestDto, csrBytes?: Uint8Array): Promise<Result<OutboxItemDto>> {
    const found = findConnector(request.connector)
    if (!found.ok) return found
    const row = found.value
    switch (request.kind) {
      case 'profile-pull': {
        const type = requireType(row, ['lamassu', 'digicert-tlm'], 'pull profiles')
        if (!type.ok) return type
        if (type.value === 'digicert-tlm') {
          if (request.filters?.length) return fail('SYNC_FILTERS_UNSUPPORTED', 'DigiCert TLM profile lists take no filters; pull without them.', 'filters')
          return ok(writeItem(row, 'tlm.profile.pull', {}))
        }
        for (const f of request.filters ?? []) {
          if (!lamassuFilter.safeParse(f).success)
            return fail('SYNC_INVALID_FILTER', `The filter "${f}" must look like field[op]value, e.g. sign_as_ca[eq]=true (ops eq ne ct nc lt le gt ge, or *_ic).`, 'filters')
        }
        return ok(writeItem(row, 'lamassu.profile.pull', request.filters?.length ? { filters: [...request.filters] } : {}))
      }
      case 'profile-push': {
        const type = requireType(row, ['lamassu', 'digicert-certcentral'], 'take pushed profiles')
        if (!type.ok) return type
        if (type.value === 'lamassu') {
          const body = profiles.toLamassu(request.profileId)
          if (!body.ok) return body
          if (typeof body.value.id !== 'string' || !body.value.id) return fail('SYNC_INVALID_PROFILE', 'The converted Lamassu profile has no id.', 'profileId')
          return ok(writeItem(row, 'lamassu.profile.push', { localProfileId: request.profileId, profile: body.value }))
        }
        const account = connectorSettings(row).certCentral
        if (!account)
          return fail(
            'CERTCENTRAL_ACCOUNT_MISSING',
            `Connector ${row.name} has no CertCentral account settings (accountId, divisionId, organizationName, productType); set them on the connector first.`,
            'settings.certCentral'
          )
        const converted = profiles.toCertCentral(request.profileId)
        if (!converted.ok) return converted
        const checked = checkCertCentralBody({ ...account, ...converted.value })
        if (!checked.ok) return checked
        return ok(writeItem(row, 'certcentral.profile.create', { localProfileId: request.profileId, body: checked.value }))
      }
      case 'profile-delete': {
        const type = requireType(row, ['lamassu'], 'delete remote profiles')
        if (!type.ok) return type
        if (request.confirm !== request.remoteId)
          return fail('SYNC_CONFIRMATION_MISMATCH', `To delete remote profile "${request.remoteId}" type its id exactly as confirmation; got "${request.confirm}".`, 'confirm')
        return ok(writeItem(row, 'lamassu.profile.delete', { remoteId: request.remoteId }))
      }
      case 'certificate-request': {
        const type = requireType(row, ['digicert-tlm'], 'issue certificates from a CSR')
        if (!type.ok) return type
        const items = readCsrInput(csrBytes ?? new TextEncoder().encode(request.csrPem))
        if (!items.ok) return fail(items.error.code, items.error.message, 'csrPem')
        if (items.value.length !== 1) return fail('CSR_NOT_SINGLE', `The CSR file holds ${items.value.length} requests; give exactly one.`, 'csrPem')
        const first = items.value[0] as (typeof items.value)[number]
        if (!first.ok) return fail(first.error.code, first.error.message, 'csrPem')
        const csrPem = derToPem('CERTIFICATE REQUEST', first.csr.der)
        return ok(
          writeItem(row, 'tlm.certificate.request', {
            profileId: request.remoteProfileId,
            seatId: request.seatId,
            csrPem,
            ...(request.validityDays ? { validityDays: request.validityDays } : {})
          })
        )
      }
      case 'assign-auth-cert': {
        const type = requireType(row, ['digicert-iot'], 'take authentication certificates')
        if (!type.ok) return type
        const cert = certificates.findBySerial(request.serial)
        if (!cert.ok) return cert
        const body = buildIotAssignBody({
          pem: cert.value.pem,
          ...(request.startDate ? { startDate: request.startDate } : {}),
          ...(request.endDate ? { endDate: request.endDate } : {}),
          ...(request.usageLimit !== undefined ? { usageLimit: request.usageLimit } : {}),
          ...(request.registeredValues ? { registeredValues: request.registeredValues } : {})
        })
        if (!body.ok) return body
        return ok(writeItem(row, 'iot.auth-cert.assign', { enrollmentProfileId: request.enrollmentProfileId, serial: cert.value.serial, body: body.value }))
      }
      case 'generate': {
        const type = requireType(row, ['paloalto'], 'generate certificates')
        if (!type.ok) return type
        const fields = profiles.toPaloAlto(request.profileId)
        if (!fields.ok) return fields
        const body = buildPaloAltoBody(
          {
            ...fields.value,
            ...(request.certificateName ? { certificateName: request.certificateName } : {}),
            ...(request.commonName ? { commonName: request.commonName } : {})
          },
          request.scope
        )
        if (!body.ok) return body
        return ok(writeItem(row, 'paloalto.certificate.generate', { localProfileId: request.profileId, body: body.value }))
      }
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
    async listConnectors() {
      return Promise.all(connectors.list().map(toDto))
    },

    async addConnector(input) {
      if (!NAME_PATTERN.test(input.name))
        return fail('CONNECTOR_NAME_INVALID', 'A connector name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.', 'name')
      const type = connectorTypeSchema.safeParse(input.type)
      if (!type.success) return fail('CONNECTOR_TYPE_INVALID', `The type must be one of ${connectorTypeSchema.options.join(', ')}.`, 'type')
      if (connectors.byName(input.name)) return fail('CONNECTOR_NAME_TAKEN', `A connector named "${input.name}" already exists; choose another name.`, 'name')
      const url = checkBaseUrl(input.baseUrl)
      if (!url.ok) return url
      const checked = checkSettings({ timeoutMs: DEFAULT_TIMEOUT_MS, ...input.settings })
      if (!checked.ok) return checked
      const settings = checked.value
      if (settings.caBundlePem) {
        const ca = checkCaBundle(settings.caBundlePem)
        if (!ca.ok) return ca
      }
      const id = randomUUID()
      if (input.credential) {
        const put = await credentials.put(id, input.credential)
        if (!put.ok) return put
      }
      try {
        store.write((tx) => {
          connectors.insert({
            id,
            name: input.name,
            type: type.data,
            baseUrl: storedBaseUrl(url.value),
            enabled: input.enabled ?? true,
            settings: JSON.stringify(settings),
            createdAt: iso()
          })
          appendAudit(
            tx,
            {
              action: 'connector.add',
              subject: `connector:${input.name}`,
              details: { type: type.data, baseUrl: url.value.origin + url.value.pathname, credential: input.credential ? 'keychain' : settings.credentialEnv ? `env:${settings.credentialEnv}` : 'none', caBundle: Boolean(settings.caBundlePem) }
            },
            now()
          )
        })
      } catch (e) {
        if (input.credential) await credentials.remove(id)
        throw e
      }
      emit('changed', { domain: 'sync' })
      return ok(await toDto(connectors.byId(id) as ConnectorRow))
    },

    async updateConnector(input) {
      const found = findConnector(input.name)
      if (!found.ok) return found
      const row = found.value
      let baseUrl = row.baseUrl
      if (input.baseUrl !== undefined) {
        const url = checkBaseUrl(input.baseUrl)
        if (!url.ok) return url
        baseUrl = storedBaseUrl(url.value)
      }
      const checked = checkSettings({ ...connectorSettings(row), ...input.settings })
      if (!checked.ok) return checked
      const settings = checked.value
      // A credential goes only to the origin it was given for: a new origin needs it again
      // (a new keychain credential, or the environment variable named again in this update).
      const originChanged = new URL(baseUrl).origin !== new URL(row.baseUrl).origin
      const credentialRenewed = input.credential !== undefined || (settings.credentialEnv !== undefined && input.settings?.credentialEnv !== undefined)
      if (originChanged && !credentialRenewed && (settings.credentialEnv !== undefined || (await credentials.has(row.id))))
        return fail(
          'CONNECTOR_CREDENTIAL_REQUIRED',
          `The new URL's origin ${new URL(baseUrl).origin} is not ${new URL(row.baseUrl).origin}, the one connector ${row.name}'s credential was given for; give the credential again with the new URL (--credential-env or the credential field), or remove it.`,
          'credential'
        )

      if (input.settings && 'caBundlePem' in input.settings && settings.caBundlePem) {
        const ca = checkCaBundle(settings.caBundlePem)
        if (!ca.ok) return ca
      }
      if (input.credential === null) {
        const r = await credentials.remove(row.id)
        if (!r.ok) return r
      } else if (input.credential !== undefined) {
        const r = await credentials.put(row.id, input.credential)
        if (!r.ok) return r
      }
      store.write((tx) => {
        connectors.update(row.id, { baseUrl, enabled: input.enabled ?? row.enabled, settings: JSON.stringify(settings) })
        appendAudit(
          tx,
          {
            action: 'connector.update',
            subject: `connector:${row.name}`,
            details: {
              baseUrl,
              enabled: input.enabled ?? row.enabled,
              credential: input.credential === null ? 'removed' : input.credential !== undefined ? 'replaced' : 'unchanged',
              settings: Object.keys(input.settings ?? {})
            }
          },
          now()
        )
      })
      emit('changed', { domain: 'sync' })
      return ok(await toDto(connectors.byId(row.id) as ConnectorRow))
    },

    async removeConnector(name, opts = {}) {
      const found = findConnector(name)
      if (!found.ok) return found
      const row = found.value
      const pending = outbox.countPending(row.id)
      if (pending > 0 && !opts.discardQueued)
        return fail('CONNECTOR_HAS_QUEUED_ITEMS', `Connector ${name} still has ${pending} queued item${pending === 1 ? '' : 's'}; run the sync or discard them first.`, 'name')
      if (running) return fail('SYNC_ALREADY_RUNNING', 'A sync is running; remove the connector after it finishes.')
      store.write((tx) => {
        connectors.remove(row.id)
        appendAudit(tx, { action: 'connector.remove', subject: `connector:${name}`, details: { discardedItems: pending } }, now())
      })
      await credentials.remove(row.id)
      emit('changed', { domain: 'sync' })
      return ok({ removed: name })
    },

    async testConnector(name) {
      const found = findConnector(name)
      if (!found.ok) return found
      const row = found.value
      const settings = connectorSettings(row)
      const driver = drivers[row.type as ConnectorType]
      const record = (result: ConnectorTestDto): Result<ConnectorTestDto> => {
        store.write((tx) =>
          appendAudit(tx, { action: 'connector.test', subject: `connector:${name}`, details: { ok: result.ok, code: result.error?.code ?? null } }, now())
        )
        return ok(result)
      }
      const cred = await credentials.get(row.id, row.name, settings.credentialEnv)
      if (!cred.ok) return record({ ok: false, message: cred.error.message, error: { code: cred.error.code, message: cred.error.message, retryable: false } })
      const http = connectorClient(row, settings, cred.value)
      if (!http.ok) return record({ ok: false, message: http.error.message, error: { code: http.error.code, message: http.error.message, retryable: false } })
      try {
        const out = await driver.test({
          http: http.value,
          id: row.id,
          name: row.name,
          type: driver.type,
          settings,
          sleep: options.sleep,
          pickup: options.pickup,
          rememberedHash: () => null
        })
        return record(out.ok ? { ok: true, message: out.message, error: null } : { ok: false, message: out.error.message, error: out.error })
      } finally {
        await http.value.close().catch(() => undefined)
      }
    },

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
      if (csr === undefined) return Promise.resolve(fail('CSR_MISSING', 'Give the CSR to request a certificate for.', 'csr'))
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

    status() {
      const last = outbox.lastRun()
      return {
        running,
        counts: outbox.countByState(),
        nextAttemptAt: outbox.waiting(iso()).reduce<string | null>((min, r) => (r.nextAttemptAt && (!min || r.nextAttemptAt < min) ? r.nextAttemptAt : min), null),
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
          : null
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
        appendAudit(tx, { action: 'sync.item.requeue', subject: `outbox:${id}`, details: { previousError: row.lastError ? (JSON.parse(row.lastError) as { code?: string }).code ?? null : null } }, now())
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

    parseRegisteredValues(pairs) {
      const byField = new Map<string, string[]>()
      for (const pair of pairs) {
        const eq = pair.indexOf('=')
        if (eq <= 0) return fail('IOT_INVALID_REGISTERED_VALUE', `"${pair}" must be field=value, e.g. subject.common_name=device-1.`, 'registeredValues')
        const field = pair.slice(0, eq).trim()
        const list = byField.get(field) ?? []
        list.push(pair.slice(eq + 1))
        byField.set(field, list)
      }
      const out: RegisteredValueDto[] = []
      for (const [field, values] of byField) {
        const parsedField = iotCertificateField.options.find((f) => f === field)
        if (!parsedField)
          return fail('IOT_UNKNOWN_CERTIFICATE_FIELD', `"${field}" is not a certificate field that takes registered values (e.g. subject.common_name, subject.organization_unit).`, 'registeredValues')
        out.push({ certificate_field: parsedField, matcher: 'equals', value: values.length === 1 ? (values[0] as string) : values })
      }
      return ok(out)
    }
  }
}

/**
 * The inventory port: certificates issued by a platform land as rows with `source` = the
 * connector's name (no authority of ours, no key of ours); the same certificate twice is one row.
 */
export function createCertificateBridge(store: Store, now: () => Date = () => new Date()): CertificateBridge {
  return {
    findBySerial(serial) {
      const want = normSerial(serial)
      if (!want) return fail('CERTIFICATE_SERIAL_INVALID', `"${serial}" is not a hexadecimal serial number.`, 'serial')
      const { rows } = store.read((tx) => queryCertificates(tx, { search: want.toLowerCase(), now: now().toISOString(), sort: { field: 'createdAt', direction: 'desc' }, limit: 50 }))
      const matches = rows.filter((r) => normSerial(r.serial) === want)
      if (matches.length === 0) return fail('CERTIFICATE_NOT_FOUND', `No certificate in the inventory has serial ${serial}; check it with "cert list".`, 'serial')
      if (matches.length > 1) return fail('CERTIFICATE_SERIAL_AMBIGUOUS', `${matches.length} certificates in the inventory have serial ${serial}; pick one by id.`, 'serial')
      const row = store.read((tx) => getCertificate(tx, (matches[0] as (typeof matches)[number]).id))
      if (!row) return fail('CERTIFICATE_NOT_FOUND', `No certificate in the inventory has serial ${serial}.`, 'serial')
      return ok({ pem: derToPem('CERTIFICATE', row.der), serial: row.serial })
    },
    importIssued({ pem, source }) {
      let der: Uint8Array
      try {
        der = new Uint8Array(new X509Certificate(pem).raw)
      } catch {
        return fail('CERTIFICATE_INVALID', 'The certificate the platform returned does not parse.')
      }
      // When the sync applies a run's effects in its write transaction, this joins it.
      return store.write((tx) => {
        const existing = findCertificateBySha256(tx, sha256Hex(der))
        if (existing) return ok({ id: String(existing.id) })
        const id = insertCertificate(tx, recordFromDer(der, { authorityId: null, profileId: null, keyId: null, source, createdAt: now().toISOString() }))
        appendAudit(tx, { action: 'certificate.import', subject: `certificate:${id}`, details: { source, sha256: sha256Hex(der) } }, now())
        return ok({ id: String(id) })
      })
    }
  }
}

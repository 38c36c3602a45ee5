// Connectors to remote CA platforms: add, update, remove, list and test them. A connector's
// credential goes to the OS keychain (or is read from a named environment variable at run
// time) and is tied to the URL's origin: a new origin needs the credential again. Used by the
// IPC handlers (connectors:*) and the CLI (connector add|list|test). Queued remote actions
// live in the outbox (./sync-service.ts); this service only counts them.
import { randomUUID, X509Certificate } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import {
  connectorSettingsDto,
  connectorType as connectorTypeSchema,
  type ConnectorDto,
  type ConnectorSettingsDto,
  type ConnectorSettingsPatch,
  type ConnectorTestDto,
  type ConnectorType
} from '../../shared/domain/sync'
import type { EventSink } from '../../shared/ipc/events'
import { appendAudit } from '../store/audit-log'
import { createConnectorsRepo, type ConnectorRow, type ConnectorsRepo } from '../store/connectors-repo'
import type { Store } from '../store/database'
import { createOutboxRepo } from '../store/outbox-repo'
import { driverFor } from '../sync/connectors'
import { createCredentialStore, type CredentialBackend } from '../sync/credentials'
import { checkBaseUrl } from '../sync/http'
import { connectorClient, connectorContext, connectorSettings, DEFAULT_RUNNER_OPTIONS, DEFAULT_TIMEOUT_MS } from '../sync/outbox-runner'
import { storedBaseUrl } from '../sync/urls'

export interface ConnectorsServiceDeps {
  readonly store: Store
  /** The vault's KeychainBackend (the OS keychain; an in-memory one in tests). */
  readonly keychain: CredentialBackend
  readonly emit?: EventSink
  readonly now?: () => Date
  /** Where `credentialEnv` variables are read (process.env by default). */
  readonly env?: NodeJS.ProcessEnv
  /** True while a sync run of this process is under way (a connector is not removed then). */
  readonly syncRunning?: () => boolean
}

export interface AddConnectorInput {
  readonly name: string
  readonly type: ConnectorType
  readonly baseUrl: string
  /** Stored in the OS keychain. The CLI's --credential-env VAR sets settings.credentialEnv to read it at each run instead. */
  readonly credential?: string
  readonly settings?: Partial<ConnectorSettingsDto>
  readonly enabled?: boolean
}

export interface UpdateConnectorInput {
  readonly name: string
  readonly baseUrl?: string
  readonly credential?: string | null
  /** A value replaces the stored setting, `null` removes it. */
  readonly settings?: ConnectorSettingsPatch
  readonly enabled?: boolean
}

export interface ConnectorsService {
  listConnectors(): Promise<ConnectorDto[]>
  addConnector(input: AddConnectorInput): Promise<Result<ConnectorDto>>
  updateConnector(input: UpdateConnectorInput): Promise<Result<ConnectorDto>>
  removeConnector(name: string, options?: { discardQueued?: boolean }): Promise<Result<{ removed: string }>>
  /** One authenticated read (or a reachability check); audited. Goes online. */
  testConnector(name: string): Promise<Result<ConnectorTestDto>>
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

/** The connector an operator names, or the refusal that says how to list them. */
export function connectorByName(connectors: ConnectorsRepo, name: string): Result<ConnectorRow> {
  const row = connectors.byName(name)
  return row ? ok(row) : fail('CONNECTOR_NOT_FOUND', `There is no connector named "${name}"; see "connector list".`, 'connector')
}

export function createConnectorsService(deps: ConnectorsServiceDeps): ConnectorsService {
  const { store } = deps
  const now = deps.now ?? (() => new Date())
  const emit: EventSink = deps.emit ?? (() => undefined)
  const connectors = createConnectorsRepo(store)
  const outbox = createOutboxRepo(store)
  const credentials = createCredentialStore(deps.keychain, deps.env ?? process.env)
  const running = deps.syncRunning ?? (() => false)
  const iso = () => now().toISOString()

  const findConnector = (name: string): Result<ConnectorRow> => connectorByName(connectors, name)

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

  return {
    async listConnectors() {
      return Promise.all(connectors.list().map(toDto))
    },

    async addConnector(input) {
      if (!NAME_PATTERN.test(input.name))
        return fail('CONNECTOR_NAME_INVALID', 'A connector name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.', 'name')
      const type = connectorTypeSchema.safeParse(input.type)
      if (!type.success) return fail('CONNECTOR_TYPE_INVALID', `The type must be one of ${connectorTypeSchema.options.join(', ')}.`, 'type')
      if (connectors.byName(input.name)) return fail('NAME_TAKEN', `A connector named "${input.name}" already exists: choose another name.`, 'name', { entity: 'connector' })
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
      const merged: Record<string, unknown> = { ...connectorSettings(row), ...input.settings }
      for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key]
      const checked = checkSettings(merged as unknown as ConnectorSettingsDto)
      if (!checked.ok) return checked
      const settings = checked.value
      // A credential goes only to the origin it was given for: a new origin needs it again
      // (a new keychain credential, or the environment variable named again in this update).
      const originChanged = new URL(baseUrl).origin !== new URL(row.baseUrl).origin
      const credentialRenewed = input.credential !== undefined || (settings.credentialEnv !== undefined && typeof input.settings?.credentialEnv === 'string')
      if (originChanged && !credentialRenewed && (settings.credentialEnv !== undefined || (await credentials.has(row.id))))
        return fail(
          'CONNECTOR_CREDENTIAL_REQUIRED',
          `The new URL's origin ${new URL(baseUrl).origin} is not ${new URL(row.baseUrl).origin}, the one connector ${row.name}'s credential was given for; give the credential again with the new URL (--credential-env or the credential field), or remove it.`,
          'credential'
        )

      if (typeof input.settings?.caBundlePem === 'string' && settings.caBundlePem) {
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
        return fail('IN_USE', `Connector ${name} still has ${pending} queued item${pending === 1 ? '' : 's'}; run the sync or discard them first.`, 'name')
      if (running()) return fail('SYNC_ALREADY_RUNNING', 'A sync is running; remove the connector after it finishes.')
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
      const driver = driverFor(row.type as ConnectorType)
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
        const out = await driver.test(connectorContext(row, settings, http.value, DEFAULT_RUNNER_OPTIONS, connectors))
        return record(out.ok ? { ok: true, message: out.message, error: null } : { ok: false, message: out.error.message, error: out.error })
      } finally {
        await http.value.close().catch(() => undefined)
      }
    }
  }
}

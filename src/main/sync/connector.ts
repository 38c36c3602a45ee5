// What every connector implements, and the helper they share to make one call and turn
// any failure into a SyncError. A connector (a driver) owns its actions: its own action
// union, `plan` (the operator's request → one of its actions with the body it will send,
// checked by its own rules, and the notes on what that body cannot carry), an exhaustive
// `execute` over its actions, and its paths, headers, bodies and pagination. It never
// touches the store: what an action changes locally comes back as LocalEffects that the
// sync service applies in one transaction with the item's state. The generic outbox knows
// nothing of any platform.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../shared/canonical-json'
import type { ConnectorSettingsDto, ConnectorType, EnqueueRequestDto, OutboxAction } from '../../shared/domain/sync'
import type { Result } from '../../shared/errors'
import type { CertificateBridge, ProfileBridge } from './local-bridge'
import { httpError, transportError, type SyncError } from './errors'
import type { HttpClient, HttpRequest } from './http'

export interface ConnectorContext {
  readonly http: HttpClient
  readonly id: string
  readonly name: string
  readonly type: ConnectorType
  readonly settings: ConnectorSettingsDto
  readonly sleep: (ms: number) => Promise<void>
  /** TLM pickup polling within one run; still pending after that → the item waits for the next run. */
  readonly pickup: { readonly attempts: number; readonly intervalMs: number }
  /** Content hash of a remote object as last pulled, or null (for "changed since the last pull"). */
  readonly rememberedHash: (kind: string, remoteId: string) => string | null
  /** The remote id this connector gave the object pushed from a local one, read at run time (a create's id). */
  readonly rememberedRemoteId: (kind: string, localId: string) => string | null
}

export interface PulledProfile {
  readonly remoteId: string
  readonly name: string
  /** The profile exactly as the platform sent it. */
  readonly body: Readonly<Record<string, unknown>>
}

export type LocalEffect =
  | { readonly kind: 'profiles-pulled'; readonly platform: 'lamassu' | 'digicert-tlm'; readonly profiles: readonly PulledProfile[] }
  /** `issuers`: the checked chain above the certificate, immediate issuer first (./delivery.ts). */
  | { readonly kind: 'certificate-issued'; readonly der: Uint8Array; readonly issuers: readonly Uint8Array[]; readonly remoteSerial: string }
  /** A remote object this connector created or updated; `localId` ties it to the local profile it came from. */
  | { readonly kind: 'remote-object-pushed'; readonly objectKind: string; readonly remoteId: string; readonly localId?: string; readonly body: Readonly<Record<string, unknown>> }
  /** An IoT authentication-certificate assignment as the platform reports it (created or refreshed). */
  | { readonly kind: 'iot-assignment'; readonly assignment: IotAssignmentState }

/** The enrollment mapping of one authentication certificate on IoT Device Manager (seed 001). */
export interface IotAssignmentState {
  readonly id: string
  readonly enrollmentProfileId: string
  readonly serial: string
  readonly startDate: string | null
  readonly endDate: string | null
  readonly usageLimit: number | null
  readonly numberOfUsage: number
  readonly registeredValues: readonly { readonly certificate_field: string; readonly value: string | readonly string[] }[]
  readonly status: string
  readonly thumbprint: string | null
  /** SHA-256 of the local certificate (lowercase hex); the platform's thumbprint must equal it. */
  readonly localSha256: string
  readonly refreshedAt: string
}

export type ExecOutcome =
  | {
      readonly kind: 'done'
      readonly result: Readonly<Record<string, unknown>>
      readonly summary: string
      readonly notes?: readonly string[]
      readonly effects?: readonly LocalEffect[]
    }
  /** The platform has not finished (e.g. a certificate awaiting approval); resume from `progress` next run. */
  | { readonly kind: 'pending'; readonly progress: Readonly<Record<string, unknown>>; readonly summary: string }
  | { readonly kind: 'error'; readonly error: SyncError; readonly progress?: Readonly<Record<string, unknown>> }

export type TestOutcome = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly error: SyncError }

/** What a remote object was when this connector last pulled or pushed it. */
export interface RememberedObject {
  readonly remoteId: string
  readonly localId: string | null
  readonly contentSha256: string
  readonly pulledAt: string
}

/** What a driver may consult while planning an item; none of it goes online. */
export interface PlanPorts {
  readonly connector: { readonly id: string; readonly name: string; readonly settings: ConnectorSettingsDto }
  readonly profiles: ProfileBridge
  readonly certificates: CertificateBridge
  /** The remote object of `kind` this connector last saw for a local id (a push's earlier create). */
  rememberedByLocal(kind: string, localId: string): RememberedObject | null
  /** A CSR file's bytes as given on the command line (PEM or DER); IPC requests carry PEM text. */
  readonly csrBytes?: Uint8Array
}

/** One item as a driver plans it: its action, the payload it will execute, and the conversion notes. */
export interface Planned<A extends OutboxAction> {
  readonly action: A
  readonly payload: Readonly<Record<string, unknown>>
  readonly notes: readonly string[]
}

export type EnqueueKind = EnqueueRequestDto['kind']

export interface ConnectorDriver<A extends OutboxAction = OutboxAction> {
  readonly type: ConnectorType
  readonly actions: readonly A[]
  /** The operator requests this platform takes (the others are refused before any planning). */
  readonly requests: readonly EnqueueKind[]
  /** The header that carries the credential. */
  authHeaders(credential: string): Record<string, string>
  test(ctx: ConnectorContext): Promise<TestOutcome>
  /** Checks a request against this platform's rules and builds the body it will send; never goes online. */
  plan(request: EnqueueRequestDto, ports: PlanPorts): Result<Planned<A>>
  /** `action` is one of `actions` (the runner checks); the payload is validated again here. */
  execute(ctx: ConnectorContext, action: A, payload: unknown, progress: Readonly<Record<string, unknown>> | null): Promise<ExecOutcome>
  /** One line for the outbox list. */
  describe(action: A, payload: unknown): string
  /**
   * Items every run starts with for this connector (IoT: refresh each known assignment's
   * status), from the remote objects remembered with their last-seen body.
   */
  refresh?(remembered: (kind: string) => readonly RememberedBody[]): readonly Planned<A>[]
}

export interface RememberedBody extends RememberedObject {
  readonly body: unknown
}

export type CallResult = { readonly ok: true; readonly status: number; readonly json: unknown } | { readonly ok: false; readonly error: SyncError; readonly status?: number }

/** One request; non-2xx and transport failures become SyncErrors, except statuses the caller accepts. */
export async function call(ctx: ConnectorContext, what: string, req: HttpRequest, accept: readonly number[] = []): Promise<CallResult> {
  const out = await ctx.http.request(req)
  if (out.kind !== 'response') return { ok: false, error: transportError(ctx.type, ctx.name, what, out, ctx.http.origin) }
  if ((out.status >= 200 && out.status < 300) || accept.includes(out.status)) return { ok: true, status: out.status, json: out.json }
  const error = httpError(ctx.type, ctx.name, what, out.status, out.json)
  const retryAfter = out.headers['retry-after']
  const seconds = retryAfter && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : undefined
  return { ok: false, status: out.status, error: seconds !== undefined && error.retryable ? { ...error, retryAfterSeconds: seconds } : error }
}

/** A reachability check for platforms whose seed documents no read-only call: any HTTP answer over verified TLS passes. */
export async function reachability(ctx: ConnectorContext, path: string): Promise<TestOutcome> {
  const out = await ctx.http.request({ method: 'GET', path })
  if (out.kind !== 'response') return { ok: false, error: transportError(ctx.type, ctx.name, 'answer a connection test', out, ctx.http.origin) }
  return {
    ok: true,
    message: `${ctx.http.origin} is reachable (HTTP ${out.status}${ctx.http.origin.startsWith('https:') ? ', TLS verified' : ''}); this platform documents no read-only call, so the credential is checked by the first sync.`
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** SHA-256 of a remote object's canonical JSON: equal content, equal hash, whatever the key order. */
export function contentHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

/** JSON.parse that answers `fallback` instead of throwing (stored rows written by older code, damaged text). */
export function parseJsonOr<T>(text: string, fallback: T): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return fallback
  }
}

/** The refusal for a request a platform does not take (the service checks `requests` first). */
export function notTaken(type: ConnectorType, kind: EnqueueKind): Result<never> {
  return { ok: false, error: { code: 'SYNC_UNSUPPORTED_FOR_CONNECTOR', message: `A ${type} connector does not take ${kind} requests.`, field: 'connector' } }
}

/** Conversion notes as the outbox shows them: `field: message`. */
export function noteLines(notes: readonly { readonly field: string; readonly message: string }[]): string[] {
  return notes.map((n) => `${n.field}: ${n.message}`)
}

// What every connector implements, and the helper they share to make one call and turn
// any failure into a SyncError. A connector knows its platform's paths, headers, bodies
// and pagination; it never touches the store: what an action changes locally comes back
// as LocalEffects that the sync service applies in one transaction with the item's state.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../shared/canonical-json'
import type { ConnectorSettingsDto, ConnectorType, OutboxAction } from '../../shared/domain/sync'
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
}

export interface PulledProfile {
  readonly remoteId: string
  readonly name: string
  /** The profile exactly as the platform sent it. */
  readonly body: Readonly<Record<string, unknown>>
}

export type LocalEffect =
  | { readonly kind: 'profiles-pulled'; readonly platform: 'lamassu' | 'digicert-tlm'; readonly profiles: readonly PulledProfile[] }
  | { readonly kind: 'certificate-issued'; readonly pem: string; readonly chainPems: readonly string[]; readonly remoteSerial: string; readonly pkcs7?: string }
  | { readonly kind: 'remote-object-pushed'; readonly objectKind: string; readonly remoteId: string; readonly body: Readonly<Record<string, unknown>> }

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

export interface ConnectorDriver {
  readonly type: ConnectorType
  readonly actions: readonly OutboxAction[]
  /** The header that carries the credential. */
  authHeaders(credential: string): Record<string, string>
  test(ctx: ConnectorContext): Promise<TestOutcome>
  execute(ctx: ConnectorContext, action: OutboxAction, payload: unknown, progress: Readonly<Record<string, unknown>> | null): Promise<ExecOutcome>
  /** One line for the outbox list. */
  describe(action: OutboxAction, payload: unknown): string
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

// The one way sync code reaches the network: undici's fetch over a per-connector Agent.
// TLS verification is always on (rejectUnauthorized is never false); a connector may add
// its own CA bundle to the system roots, never replace the check. Plain http is accepted
// only for loopback addresses (fake servers in tests, a local proxy). Redirects are
// refused so a credential header is never replayed to another host. Every request has a
// timeout; a timeout, a refused connection or a TLS failure comes back as a value.
import { rootCertificates } from 'node:tls'
import { Agent, fetch, type Response } from 'undici'
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'
import { parseJson } from '../../shared/safe-json'

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Appended to the base URL's path. */
  readonly path: string
  /** Repeated keys are kept (Lamassu's `filter` is repeatable). */
  readonly query?: ReadonlyArray<readonly [string, string]>
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export type HttpOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly json: unknown; readonly text: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'network'; readonly code: string; readonly detail: string }
  | { readonly kind: 'tls'; readonly code: string; readonly detail: string }
  /** The answer's body passed the size limit; it was not read further. */
  | { readonly kind: 'too-large'; readonly limitBytes: number }

export interface HttpClient {
  readonly origin: string
  request(req: HttpRequest): Promise<HttpOutcome>
  close(): Promise<void>
}

export interface HttpClientOptions {
  readonly baseUrl: string
  readonly timeoutMs: number
  /** Extra trust anchors (PEM), added to the system roots. */
  readonly caBundlePem?: string
  /** Sent with every request (the credential header). Never logged. */
  readonly headers?: Readonly<Record<string, string>>
  /** Largest answer body read; a larger one is cut off and refused (default MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes?: number
}

/**
 * The largest remote answer body sync reads: 8 MiB. The biggest documented answers (a TLM
 * profile page of 1000 profiles, a PKCS#7 with its chain) stay far below it; a hostile or
 * broken platform cannot make PKI Desk buffer without bound.
 */
export const MAX_RESPONSE_BYTES = LIMITS.remoteResponseBytes

class BodyTooLarge extends Error {}

/** Reads a body up to `limit` bytes; past it the stream is cancelled. */
async function readLimited(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined)
    throw new BodyTooLarge()
  }
  if (!res.body) return ''
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/** Checks a connector's base URL: https, or http on a loopback address only. */
export function checkBaseUrl(raw: string): Result<URL> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail('CONNECTOR_URL_INVALID', `The base URL "${raw}" is not a URL; give one like https://host.example.com.`, 'baseUrl')
  }
  if (url.username || url.password) return fail('CONNECTOR_URL_INVALID', 'The base URL must not contain a user name or password; store the credential separately.', 'baseUrl')
  if (url.search || url.hash) return fail('CONNECTOR_URL_INVALID', 'The base URL must not contain a query or fragment.', 'baseUrl')
  if (url.protocol === 'https:') return ok(url)
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return ok(url)
  return fail('CONNECTOR_URL_INSECURE', `The base URL must use https (plain http is allowed only for 127.0.0.1 or localhost); got ${url.protocol}//${url.host}.`, 'baseUrl')
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_CERT)/

function causeOf(e: unknown): { code: string; detail: string; name: string } {
  let cur: unknown = e
  let name = e instanceof Error ? e.name : ''
  const messages: string[] = []
  for (let i = 0; i < 6 && cur; i++) {
    const err = cur as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown }
    if (typeof err.name === 'string' && (err.name === 'TimeoutError' || err.name === 'AbortError')) name = err.name
    if (typeof err.message === 'string') messages.push(err.message)
    if (typeof err.code === 'string') return { code: err.code, detail: String(err.message ?? ''), name }
    cur = err.cause
  }
  return { code: 'UNKNOWN', detail: messages.join(' / ') || String(e), name }
}

function joinPath(base: URL, path: string): URL {
  const url = new URL(base.href)
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  return url
}

export function createHttpClient(options: HttpClientOptions): Result<HttpClient> {
  const base = checkBaseUrl(options.baseUrl)
  if (!base.ok) return base
  const timeoutMs = options.timeoutMs
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES
  const agent = new Agent({
    connect: {
      rejectUnauthorized: true,
      timeout: timeoutMs,
      ...(options.caBundlePem ? { ca: [...rootCertificates, options.caBundlePem] } : {})
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  })
  return ok({
    origin: base.value.origin,
    async request(req) {
      const url = joinPath(base.value, req.path)
      for (const [k, v] of req.query ?? []) url.searchParams.append(k, v)
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...req.headers }
      let body: string | undefined
      if (req.body !== undefined) {
        body = JSON.stringify(req.body)
        headers['content-type'] = 'application/json'
      }
      try {
        const res = await fetch(url, { method: req.method, headers, body, dispatcher: agent, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) })
        const text = await readLimited(res, maxBytes)
        // Remote JSON is read like a profile file: no prototype-reaching keys, no prototypes, bounded depth.
        const parsed = text.length > 0 ? parseJson(text, { maxBytes: maxBytes, maxDepth: LIMITS.jsonDepth, what: 'The response' }) : null
        if (parsed && !parsed.ok && parsed.error.code !== 'INVALID_JSON') return { kind: 'network', code: 'RESPONSE_REFUSED', detail: parsed.error.message }
        const json: unknown = parsed?.ok ? parsed.value : null
        const outHeaders: Record<string, string> = {}
        res.headers.forEach((v, k) => {
          outHeaders[k] = v
        })
        return { kind: 'response', status: res.status, headers: outHeaders, json, text }
      } catch (e) {
        if (e instanceof BodyTooLarge) return { kind: 'too-large', limitBytes: maxBytes }
        const c = causeOf(e)
        if (c.name === 'TimeoutError' || c.name === 'AbortError' || /TIMEOUT/i.test(c.code)) return { kind: 'timeout', timeoutMs }
        if (TLS_CODES.test(c.code)) return { kind: 'tls', code: c.code, detail: c.detail }
        if (/redirect/i.test(c.detail)) return { kind: 'network', code: 'REDIRECT_REFUSED', detail: c.detail }
        return { kind: 'network', code: c.code, detail: c.detail }
      }
    },
    close: () => agent.close()
  })
}

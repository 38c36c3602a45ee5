// Every way a remote call can fail, mapped to a coded error with one sentence for the
// operator and a verdict on whether retrying can help. Retry: 429, 5xx, timeouts and
// network failures. No retry: every other 4xx (the request itself is wrong, or the
// credential is), TLS failures (the operator must fix the trust or the URL).
// Each platform's documented error shape is read here and nowhere else:
//   Lamassu `{"err": "…"}`; TLM and IoT `{"errors":[{"code","message"}]}`;
//   CertCentral `{"error": …, "data": …}`; Palo Alto `{"_errors":[{code,message,details}], "_request_id"}`.
import type { ConnectorType, SyncErrorDto } from '../../shared/domain/sync'
import { CONNECTOR_TYPE_LABELS } from '../../shared/domain/sync'
import type { ErrorCode, RemoteErrorCode } from '../../shared/errors'
import type { HttpOutcome } from './http'

export type SyncError = SyncErrorDto

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined
}

interface RemoteDetail {
  readonly remoteCode?: string
  readonly remoteMessage?: string
  readonly requestId?: string
}

/** Reads the platform's error body; tolerant of bodies that are not JSON or not the documented shape. */
export function readRemoteError(type: ConnectorType, json: unknown): RemoteDetail {
  if (!json || typeof json !== 'object') return {}
  const body = json as Record<string, unknown>
  switch (type) {
    case 'lamassu':
      return { remoteMessage: str(body.err) ?? str(body.error) ?? str(body.message) }
    case 'digicert-tlm':
    case 'digicert-iot': {
      const errors = Array.isArray(body.errors) ? (body.errors as Record<string, unknown>[]) : []
      if (errors.length === 0) return { remoteMessage: str(body.message) }
      return {
        remoteCode: errors.map((e) => str(e?.code)).filter(Boolean).join(', ') || undefined,
        remoteMessage: errors.map((e) => str(e?.message)).filter(Boolean).join('; ') || undefined
      }
    }
    case 'digicert-certcentral': {
      const e = body.error ?? body.errors
      if (typeof e === 'string') return { remoteMessage: e }
      const list = Array.isArray(e) ? (e as Record<string, unknown>[]) : e && typeof e === 'object' ? [e as Record<string, unknown>] : []
      if (list.length === 0) return { remoteMessage: str(body.message) }
      return {
        remoteCode: list.map((x) => str(x?.code)).filter(Boolean).join(', ') || undefined,
        remoteMessage: list.map((x) => str(x?.message) ?? str(x?.description)).filter(Boolean).join('; ') || undefined
      }
    }
    case 'paloalto': {
      const errors = Array.isArray(body._errors) ? (body._errors as Record<string, unknown>[]) : []
      const first = errors[0]
      return { remoteCode: str(first?.code), remoteMessage: errors.map((e) => str(e?.message)).filter(Boolean).join('; ') || undefined, requestId: str(body._request_id) }
    }
  }
}

interface Mapped {
  readonly code: RemoteErrorCode
  readonly advice: string
}

/** Palo Alto `_errors` codes; E003, E012 and E016 carry several meanings told apart by the message. */
export function mapPaloAlto(status: number, remoteCode: string | undefined, remoteMessage: string | undefined): Mapped | null {
  const m = (remoteMessage ?? '').toLowerCase()
  switch (remoteCode) {
    case 'E003':
      if (m.includes('input format mismatch')) return { code: 'PALOALTO_INPUT_FORMAT_MISMATCH', advice: 'the firewall did not accept the request as JSON; check the base path points at the configuration API' }
      if (m.includes('output format mismatch')) return { code: 'PALOALTO_OUTPUT_FORMAT_MISMATCH', advice: 'the firewall cannot answer in JSON at this path; check the base path points at the configuration API' }
      if (m.includes('missing query parameter')) return { code: 'PALOALTO_MISSING_QUERY_PARAMETER', advice: 'a required query parameter is missing; check the base path and the folder, snippet or device' }
      if (m.includes('invalid query parameter')) return { code: 'PALOALTO_INVALID_QUERY_PARAMETER', advice: 'a query parameter was rejected; check the folder, snippet or device name' }
      if (m.includes('missing body')) return { code: 'PALOALTO_MISSING_BODY', advice: 'the firewall received no certificate fields; this is a PKI Desk fault, report it' }
      if (m.includes('invalid object')) return { code: 'PALOALTO_INVALID_OBJECT', advice: "the firewall rejected the certificate fields; check the profile's key size, digest, expiration days and names" }
      if (m.includes('malformed command')) return { code: 'PALOALTO_MALFORMED_COMMAND', advice: 'the firewall could not parse the request; check the base path' }
      if (m.includes('invalid command')) return { code: 'PALOALTO_INVALID_COMMAND', advice: 'the firewall does not know this command at this path; check the base path' }
      return { code: 'PALOALTO_INVALID_REQUEST', advice: 'the firewall rejected the request; check the fields named in its message' }
    case 'E016':
      if (status === 409 || m.includes('object not unique')) return { code: 'PALOALTO_OBJECT_NOT_UNIQUE', advice: 'an identical object already exists in that folder, snippet or device; remove it there or change the certificate name' }
      if (m.includes('invalid credential')) return { code: 'PALOALTO_INVALID_CREDENTIAL', advice: "the firewall rejected the bearer token; store a valid one with the connector's credential" }
      if (m.includes('key too long')) return { code: 'PALOALTO_KEY_TOO_LONG', advice: "the stored API key is longer than the firewall accepts; store the correct key in the connector's credential" }
      if (m.includes('key expired')) return { code: 'PALOALTO_KEY_EXPIRED', advice: "the API key has expired; create a new one on the firewall and store it in the connector's credential" }
      if (m.includes('password')) return { code: 'PALOALTO_PASSWORD_CHANGE_REQUIRED', advice: "the firewall account must change its password first; change it on the firewall, then store the new credential" }
      return { code: 'PALOALTO_NOT_AUTHENTICATED', advice: "the firewall did not accept the credential; store a valid bearer token in the connector's credential" }
    case 'E007':
      return { code: 'PALOALTO_UNAUTHORIZED', advice: 'the account behind the token may not create certificates in that folder, snippet or device; grant the role on the firewall or choose another scope' }
    case 'E006':
      return { code: 'PALOALTO_NAME_NOT_UNIQUE', advice: 'a certificate with this name already exists in that folder, snippet or device; choose another certificate name' }
    case 'E009':
      return { code: 'PALOALTO_REFERENCE_NOT_ZERO', advice: 'the object is still referenced by other configuration; remove those references on the firewall first' }
    case 'E012':
      if (m.includes('version')) return { code: 'PALOALTO_VERSION_NOT_SUPPORTED', advice: "the firewall does not support this API version; check the connector's base path" }
      if (m.includes('method')) return { code: 'PALOALTO_METHOD_NOT_SUPPORTED', advice: "the firewall does not accept this method at this path; check the connector's base path" }
      return { code: 'PALOALTO_ACTION_NOT_SUPPORTED', advice: 'the firewall does not support this action here; check the base path' }
    case 'E013':
      return { code: 'PALOALTO_BAD_XPATH', advice: 'the firewall could not locate the folder, snippet or device; check its name' }
    case '4':
      return { code: 'PALOALTO_SESSION_TIMEOUT', advice: "the firewall session has expired; store a fresh token in the connector's credential and run the sync again" }
    default:
      return null
  }
}

function byStatus(status: number): Mapped {
  if (status === 400 || status === 422) return { code: 'REMOTE_INVALID_REQUEST', advice: 'the platform rejected the request; fix the fields its message names and enqueue it again' }
  if (status === 401) return { code: 'REMOTE_AUTH_FAILED', advice: "the platform rejected the credential; store a valid one in the connector's settings" }
  if (status === 403) return { code: 'REMOTE_FORBIDDEN', advice: 'the credential is valid but may not do this; grant the role on the platform' }
  if (status === 404) return { code: 'REMOTE_NOT_FOUND', advice: "the platform has no such object or path; check the id and the connector's base URL" }
  if (status === 409) return { code: 'REMOTE_CONFLICT', advice: 'the platform already has an object with this name or id; rename it or update the existing one' }
  if (status === 429) return { code: 'REMOTE_RATE_LIMITED', advice: 'the platform asked to slow down; the item stays queued and is tried again after a backoff' }
  if (status === 408) return { code: 'REMOTE_TIMEOUT', advice: 'the platform timed out; the item stays queued and is tried again after a backoff' }
  if (status >= 500) return { code: 'REMOTE_SERVER_ERROR', advice: 'the platform failed; the item stays queued and is tried again after a backoff' }
  return { code: 'REMOTE_UNEXPECTED_STATUS', advice: 'the platform answered with an unexpected status' }
}

/** Turns an HTTP error answer into a SyncError. `what` names the operation ("push profile web-server"). */
export function httpError(type: ConnectorType, connectorName: string, what: string, status: number, json: unknown): SyncError {
  const d = readRemoteError(type, json)
  const mapped = (type === 'paloalto' ? mapPaloAlto(status, d.remoteCode, d.remoteMessage) : null) ?? byStatus(status)
  const remote = d.remoteMessage ? `"${d.remoteMessage}"${d.remoteCode ? ` (${d.remoteCode})` : ''}` : `HTTP ${status}`
  const ref = d.requestId ? ` Request id ${d.requestId}.` : ''
  return {
    code: mapped.code,
    message: `${CONNECTOR_TYPE_LABELS[type]} (connector ${connectorName}) refused to ${what}: ${remote}; ${mapped.advice}.${ref}`,
    httpStatus: status,
    ...(d.remoteCode ? { remoteCode: d.remoteCode } : {}),
    ...(d.requestId ? { requestId: d.requestId } : {}),
    retryable: isRetryableStatus(status)
  }
}

/** A failure before any answer: timeout, refused or reset connection, DNS, TLS. */
export function transportError(type: ConnectorType, connectorName: string, what: string, outcome: Exclude<HttpOutcome, { kind: 'response' }>, origin: string): SyncError {
  const label = `${CONNECTOR_TYPE_LABELS[type]} (connector ${connectorName})`
  switch (outcome.kind) {
    case 'timeout':
      return {
        code: 'REMOTE_TIMEOUT',
        message: `${label} did not answer within ${outcome.timeoutMs} ms while trying to ${what}; the item stays queued and is tried again by a later sync (raise the connector's timeout if the platform is slow).`,
        retryable: true
      }
    case 'too-large':
      return {
        code: 'REMOTE_RESPONSE_TOO_LARGE',
        message: `${label} answered ${what} with a body larger than ${Math.round(outcome.limitBytes / 1048576)} MiB, which PKI Desk does not read; check the base URL points at the platform's API.`,
        retryable: false
      }
    case 'tls':
      return {
        code: 'REMOTE_TLS_FAILED',
        message: `${label}: the TLS certificate of ${origin} could not be verified (${outcome.code}); add the issuing CA to the connector's CA bundle or fix the URL. TLS verification is never turned off.`,
        retryable: false
      }
    case 'network': {
      if (outcome.code === 'REDIRECT_REFUSED')
        return {
          code: 'REMOTE_REDIRECT_REFUSED',
          message: `${label}: ${origin} answered with a redirect, which PKI Desk does not follow (the credential would go to another address); set the connector's base URL to the final address.`,
          retryable: false
        }
      if (outcome.code === 'RESPONSE_REFUSED')
        return {
          code: 'REMOTE_RESPONSE_REFUSED',
          message: `${label}: while trying to ${what}, ${origin} answered with JSON PKI Desk refuses to read (${outcome.detail}); nothing from it was used. Check the platform's data.`,
          retryable: false
        }
      const refused = outcome.code === 'ECONNREFUSED'
      const dns = outcome.code === 'ENOTFOUND' || outcome.code === 'EAI_AGAIN'
      return {
        code: refused ? 'REMOTE_CONNECTION_REFUSED' : dns ? 'REMOTE_HOST_NOT_FOUND' : 'REMOTE_NETWORK_ERROR',
        message: refused
          ? `${label}: ${origin} refused the connection while trying to ${what}; the item stays queued and is tried again by a later sync (check the base URL and that the platform is up).`
          : dns
            ? `${label}: the host of ${origin} could not be resolved; the item stays queued and is tried again by a later sync (check the base URL and the network).`
            : `${label}: the network failed while trying to ${what} (${outcome.code}); the item stays queued and is tried again by a later sync.`,
        retryable: true
      }
    }
  }
}

/** A 2xx answer whose body is not what the seed documents. */
export function unexpectedBody(type: ConnectorType, connectorName: string, what: string, detail: string): SyncError {
  return {
    code: 'REMOTE_UNEXPECTED_RESPONSE',
    message: `${CONNECTOR_TYPE_LABELS[type]} (connector ${connectorName}) answered ${what} with a body PKI Desk does not understand (${detail}); check the base URL points at the right API.`,
    retryable: false
  }
}

/** An error that stops the item before any request (bad payload, missing credential). */
export function localError(code: ErrorCode, message: string): SyncError {
  return { code, message, retryable: false }
}

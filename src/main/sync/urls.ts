// Connector URLs as the operator pastes them. The stored base URL is exactly what was given
// (trailing slashes trimmed); at run time it becomes the platform's API base:
//   - a URL with a path keeps that path as the API base (a proxy prefix, or the API path
//     itself as copied from the vendor's console, e.g. https://fw/config/identity/v1);
//   - a URL without a path gets the platform's default API path (/api/ca/v1, /mpki/api, …);
//   - a pasted endpoint the driver appends itself (…/profiles, …/certificates) is taken off
//     once, so it is never doubled.
// Drivers then name their endpoints relative to the API base.
import type { ConnectorType } from '../../shared/domain/sync'

export interface ApiBase {
  /** The path used when the pasted URL has none. */
  readonly defaultPath: string
  /** A pasted tail the driver appends itself: removed once from the pasted path. */
  readonly endpointTail?: RegExp
}

export const API_BASES: Readonly<Record<ConnectorType, ApiBase>> = {
  lamassu: { defaultPath: '/api/ca/v1', endpointTail: /\/profiles$/ },
  // TLM mixes v1 and v2 endpoints under /mpki/api; a pasted …/mpki/api/v2 or …/v2/profile is the same base.
  'digicert-tlm': { defaultPath: '/mpki/api', endpointTail: /\/v[12](\/profile|\/certificate)?$/ },
  'digicert-certcentral': { defaultPath: '/automationws/v1', endpointTail: /\/profile(\/createProfile)?$/ },
  'digicert-iot': { defaultPath: '/iot/api/v1', endpointTail: /\/enrollment-profile$/ },
  paloalto: { defaultPath: '/config/identity/v1', endpointTail: /\/certificates$/ }
}

/** The base URL to store: as given, without trailing slashes. */
export function storedBaseUrl(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/**
 * The API base a connector's requests go under. `defaultPath` overrides the platform's
 * default (Palo Alto's configurable base path) and, like it, applies only to a URL without a path.
 */
export function apiBaseUrl(type: ConnectorType, baseUrl: string, defaultPath?: string): string {
  const url = new URL(baseUrl)
  const base = API_BASES[type]
  let path = url.pathname.replace(/\/+$/, '')
  if (base.endpointTail) path = path.replace(base.endpointTail, '')
  if (path === '') path = (defaultPath ?? base.defaultPath).replace(/\/+$/, '')
  return `${url.origin}${path}`
}

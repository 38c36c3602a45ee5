// The window's security policy as pure functions (no Electron here, so tests run them in
// Node): which URL the window loads, which URLs count as the app, which file an app://
// request may read, which links may open outside, and the one CSP. src/main/app/window.ts
// applies them (its webPreferences stay a literal there, where the Electron scanner reads them).
import { extname, join, normalize, sep } from 'node:path'

/** The renderer is served from app://pkidesk/…, a privileged standard scheme registered before ready. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'pkidesk'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * The one policy of the app window (sent as a header by the app:// handler). The renderer's
 * index.html carries the same as a meta tag, less frame-ancestors (which a meta tag cannot
 * set); the test harness adds its own WebSocket to connect-src, only in the harness.
 */
export const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'"
]
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ')
export const META_CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ')

export interface AppPage {
  readonly url: string
  isTrustedUrl(url: string): boolean
}

/**
 * The page the window loads. The dev server (ELECTRON_RENDERER_URL, set by `electron-vite dev`)
 * is honoured only when the app is not packaged: in a packaged build whoever controls the
 * environment must not pick the trusted origin.
 */
export function appPage(options: { readonly packaged: boolean; readonly devServerUrl?: string | undefined }): AppPage {
  if (!options.packaged && options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin
    return { url: options.devServerUrl, isTrustedUrl: (u) => sameOrigin(u, origin) }
  }
  return { url: APP_ENTRY_URL, isTrustedUrl: (u) => sameOrigin(u, APP_ORIGIN) }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    const u = new URL(url)
    // app:// is registered as a standard scheme, so its origin is scheme://host like http's.
    return `${u.protocol}//${u.host}` === origin
  } catch {
    return false
  }
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf'
}

export type AppFile = { readonly file: string; readonly mime: string } | { readonly status: 400 | 404 }

/**
 * The file an app:// request reads: only under `rendererDir`, only for the app's host, with a
 * known type. A malformed percent-encoding is a 400, never an exception.
 */
export function resolveAppFile(rendererDir: string, requestUrl: string): AppFile {
  let url: URL
  let path: string
  try {
    url = new URL(requestUrl)
    path = decodeURIComponent(url.pathname)
  } catch {
    return { status: 400 }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 }
  if (path.includes('\0')) return { status: 400 }
  const root = normalize(rendererDir)
  const file = normalize(join(root, path === '/' ? 'index.html' : path))
  if (!file.startsWith(root + sep)) return { status: 404 }
  const mime = MIME[extname(file).toLowerCase()]
  if (!mime) return { status: 404 }
  return { file, mime }
}

/** Response headers of every app:// answer. */
export function appResponseHeaders(mime: string): Record<string, string> {
  return { 'Content-Type': mime, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }
}

/**
 * Links that may open in the system browser: https only, to these hosts only (the references
 * findings cite). Everything else is dropped: the app is offline by design.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['www.rfc-editor.org', 'datatracker.ietf.org', 'cabforum.org']

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === 'https:' && !url.username && !url.password && url.port === '' && EXTERNAL_HOSTS.includes(url.hostname)
}

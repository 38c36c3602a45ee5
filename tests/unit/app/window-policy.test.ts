// The production window's policy, run in Node: which page loads (the dev server only when not
// packaged), what app:// serves, the one CSP, which links open outside, the webPreferences.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  APP_ENTRY_URL,
  appPage,
  appResponseHeaders,
  CONTENT_SECURITY_POLICY,
  isAllowedExternalUrl,
  META_CONTENT_SECURITY_POLICY,
  resolveAppFile
} from '../../../src/main/app/policy'

const RENDERER = '/opt/pkidesk/resources/app.asar/out/renderer'

describe('the page the window loads', () => {
  it('ignores ELECTRON_RENDERER_URL in a packaged build', () => {
    const page = appPage({ packaged: true, devServerUrl: 'http://evil.example:5173/' })
    expect(page.url).toBe(APP_ENTRY_URL)
    expect(page.isTrustedUrl('http://evil.example:5173/')).toBe(false)
    expect(page.isTrustedUrl('app://pkidesk/index.html#/sign')).toBe(true)
  })

  it('uses the dev server only when not packaged, and trusts only its origin', () => {
    const page = appPage({ packaged: false, devServerUrl: 'http://localhost:5173/' })
    expect(page.url).toBe('http://localhost:5173/')
    expect(page.isTrustedUrl('http://localhost:5173/src/main.tsx')).toBe(true)
    expect(page.isTrustedUrl('http://localhost:5174/')).toBe(false)
    expect(page.isTrustedUrl('app://pkidesk/index.html')).toBe(false)
    expect(appPage({ packaged: false }).url).toBe(APP_ENTRY_URL)
  })

  it('trusts no look-alike of the app origin', () => {
    const page = appPage({ packaged: true })
    for (const u of ['app://pkidesk.evil/index.html', 'app://evil/index.html', 'file:///opt/pkidesk/index.html', 'https://pkidesk/', 'not a url']) expect(page.isTrustedUrl(u)).toBe(false)
  })
})

describe('app:// files', () => {
  it('serves files under the renderer folder with their type', () => {
    expect(resolveAppFile(RENDERER, 'app://pkidesk/index.html')).toEqual({ file: join(RENDERER, 'index.html'), mime: 'text/html; charset=utf-8' })
    expect(resolveAppFile(RENDERER, 'app://pkidesk/')).toEqual({ file: join(RENDERER, 'index.html'), mime: 'text/html; charset=utf-8' })
    expect(resolveAppFile(RENDERER, 'app://pkidesk/assets/index-abc.js')).toMatchObject({ mime: 'text/javascript; charset=utf-8' })
  })

  it('refuses traversal, other hosts, unknown types and malformed encodings', () => {
    // The URL parser folds dot segments away: these stay inside the renderer folder.
    for (const u of ['app://pkidesk/../../main/index.js', 'app://pkidesk/%2e%2e/%2e%2e/main/index.js'])
      expect(resolveAppFile(RENDERER, u)).toEqual({ file: join(RENDERER, 'main/index.js'), mime: 'text/javascript; charset=utf-8' })
    // Encoded slashes decode to a path that leaves it: refused.
    expect(resolveAppFile(RENDERER, 'app://pkidesk/%2F..%2F..%2Fmain%2Findex.js')).toEqual({ status: 404 })
    expect(resolveAppFile(RENDERER, 'app://other/index.html')).toEqual({ status: 404 })
    expect(resolveAppFile(RENDERER, 'app://pkidesk/secret.sqlite3')).toEqual({ status: 404 })
    expect(resolveAppFile(RENDERER, 'app://pkidesk/%E0%A4%A')).toEqual({ status: 400 })
    expect(resolveAppFile(RENDERER, 'app://pkidesk/a%00.js')).toEqual({ status: 400 })
  })

  it('answers every file with the one CSP, which allows no remote origin', () => {
    expect(appResponseHeaders('text/html')['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self';")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/ws:|http:|https:|\*/)
  })

  it('ships the same policy in index.html, without the harness WebSocket', () => {
    const html = readFileSync(join(__dirname, '../../../src/renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY)
    expect(meta).not.toContain('ws:')
  })
})

describe('links and web preferences', () => {
  it('opens only https links to the allow-listed reference hosts', () => {
    expect(isAllowedExternalUrl('https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9')).toBe(true)
    for (const u of ['https://evil.example/', 'http://www.rfc-editor.org/rfc/rfc5280', 'https://www.rfc-editor.org.evil.example/', 'https://user:pw@cabforum.org/', 'https://cabforum.org:8443/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share'])
      expect(isAllowedExternalUrl(u)).toBe(false)
  })
})

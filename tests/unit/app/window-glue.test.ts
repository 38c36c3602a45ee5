// The Electron glue of src/main/app/window.ts with `electron` replaced by recorders: the
// window's webPreferences (devtools off when packaged), the app:// handler (files, refusals,
// the CSP header), the guard every web contents gets, and openExternal behind the allow-list.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { EventEmitter } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../engine/helpers'

const rec = vi.hoisted(() => ({
  packaged: true,
  windows: [] as { options: { webPreferences: Record<string, unknown> }; loaded: string[] }[],
  handlers: new Map<string, (r: Request) => Promise<Response>>(),
  privileged: [] as unknown[],
  opened: [] as string[],
  appEvents: new Map<string, (...a: unknown[]) => void>()
}))

vi.mock('electron', async () => {
  const { readFile } = await import('node:fs/promises')
  const { fileURLToPath } = await import('node:url')
  class BrowserWindow {
    readonly loaded: string[] = []
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      rec.windows.push(this)
    }
    once(): void {}
    loadURL(url: string): Promise<void> {
      this.loaded.push(url)
      return Promise.resolve()
    }
  }
  return {
    app: {
      get isPackaged() {
        return rec.packaged
      },
      on: (name: string, fn: (...a: unknown[]) => void) => rec.appEvents.set(name, fn)
    },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.privileged.push(...s),
      handle: (scheme: string, fn: (r: Request) => Promise<Response>) => rec.handlers.set(scheme, fn)
    },
    net: {
      fetch: async (url: string) => {
        try {
          return new Response(await readFile(fileURLToPath(url)))
        } catch {
          return new Response(null, { status: 404 })
        }
      }
    },
    session: { defaultSession: {} },
    shell: { openExternal: (url: string) => rec.opened.push(url) }
  }
})

const { createMainWindow, guardAllWebContents, registerAppScheme, serveApp } = await import('../../../src/main/app/window')
const { appPage, CONTENT_SECURITY_POLICY } = await import('../../../src/main/app/policy')

beforeEach(() => {
  rec.windows.length = 0
  rec.opened.length = 0
})

describe('the main window', () => {
  it('turns devtools off when packaged, on when not; the sandbox and isolation always on', () => {
    rec.packaged = true
    createMainWindow(appPage({ packaged: true }), '/p.js')
    rec.packaged = false
    createMainWindow(appPage({ packaged: false }), '/p.js')
    expect(rec.windows.map((w) => w.options.webPreferences.devTools)).toEqual([false, true])
    for (const w of rec.windows) expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, disableBlinkFeatures: 'Auxclick' })
    expect(rec.windows[0]!.loaded).toEqual(['app://pkidesk/index.html'])
  })
})

describe('app://', () => {
  const tmp = tempDir('pkidesk-app-scheme-')
  mkdirSync(join(tmp.dir, 'assets'))
  writeFileSync(join(tmp.dir, 'index.html'), '<!doctype html>')
  writeFileSync(join(tmp.dir, 'assets', 'a.js'), 'export {}')

  it('is a privileged standard scheme serving the renderer folder with the CSP header', async () => {
    registerAppScheme()
    expect(rec.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    serveApp(tmp.dir)
    const handle = rec.handlers.get('app')!
    const page = await handle(new Request('app://pkidesk/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.text()).toBe('<!doctype html>')
    expect((await handle(new Request('app://pkidesk/assets/a.js'))).headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await handle(new Request('app://pkidesk/missing.js'))).status).toBe(404)
    expect((await handle(new Request('app://pkidesk/%E0%A4%A'))).status).toBe(400)
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(404)
  })
})

describe('every web contents', () => {
  it('may not navigate away, redirect, attach a webview or open a window; allow-listed links go outside', () => {
    guardAllWebContents(appPage({ packaged: true }))
    const contents = Object.assign(new EventEmitter(), { openHandler: null as null | ((d: { url: string }) => { action: string }) })
    ;(contents as unknown as { setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void }).setWindowOpenHandler = (h) => {
      contents.openHandler = h
    }
    rec.appEvents.get('web-contents-created')!({}, contents)
    const prevented = (name: string, ...args: unknown[]): boolean => {
      let stopped = false
      contents.emit(name, { preventDefault: () => (stopped = true) }, ...args)
      return stopped
    }
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true)
    expect(prevented('will-navigate', 'app://pkidesk/index.html#/audit')).toBe(false)
    expect(prevented('will-redirect', 'app://pkidesk/index.html')).toBe(true)
    expect(prevented('will-attach-webview')).toBe(true)
    expect(contents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.openHandler!({ url: 'https://www.rfc-editor.org/rfc/rfc5280' })).toEqual({ action: 'deny' })
    expect(rec.opened).toEqual(['https://www.rfc-editor.org/rfc/rfc5280'])
  })
})

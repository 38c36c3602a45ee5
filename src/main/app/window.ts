// The app window and its hardening, applying the pure policy of ./policy: the renderer
// served from app:// with one strict CSP, sandboxed with context isolation and no node,
// devtools off when packaged, no navigation away from the app, no new windows or webviews
// (for every web contents, not only this window's), every permission request denied, and
// only allow-listed links opened outside.
import { app, BrowserWindow, net, protocol, session, shell, type WebContents } from 'electron'
import { pathToFileURL } from 'node:url'
import { APP_SCHEME, appResponseHeaders, CONTENT_SECURITY_POLICY, isAllowedExternalUrl, resolveAppFile, type AppPage } from './policy'

export { appPage, CONTENT_SECURITY_POLICY, type AppPage } from './policy'

/** Must run before the app is ready: app:// behaves like https (standard, secure, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

/** Serves the built renderer at app://pkidesk/ (only files under `rendererDir`, each with the CSP header). */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppFile(rendererDir, request.url)
    if ('status' in r) return new Response(null, { status: r.status })
    const file = await net.fetch(pathToFileURL(r.file).href)
    if (!file.ok) return new Response(null, { status: 404 })
    return new Response(file.body, { status: 200, headers: appResponseHeaders(r.mime) })
  })
}

export function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

/** Opens a link in the system browser only when the allow-list (policy.ts) names its host. */
export function openOutside(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url)
}

/** Every web contents that is ever created (windows, devtools, anything a bug might open). */
export function guardAllWebContents(page: AppPage): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!page.isTrustedUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url)
      return { action: 'deny' }
    })
  })
}

export function createMainWindow(page: AppPage, preloadFile: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'PKI Desk',
    webPreferences: {
      preload: preloadFile,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Devtools only in an unpackaged build.
      devTools: !app.isPackaged,
      // auxclick (middle-click) can open links without the window-open handler seeing a click.
      disableBlinkFeatures: 'Auxclick'
    }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(page.url)
  return win
}

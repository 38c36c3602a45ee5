// Composition root of the Electron main process: build the services over the userData
// store, register the IPC contract, serve the renderer from app:// and open the hardened window.
import { app, BrowserWindow, powerMonitor } from 'electron'
import { join } from 'node:path'
import { createServices } from './services'
import { createHandlers } from './ipc/handlers'
import { registerIpc, createWindowEventSink } from './ipc/register'
import { appPage, createMainWindow, guardAllWebContents, hardenSession, registerAppScheme, serveApp } from './app/window'
import { createElectronDialogs } from './app/dialogs'
import { createElectronDesktop } from './app/desktop'

app.enableSandbox()
registerAppScheme()
const page = appPage({ packaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL })
guardAllWebContents(page)

app.whenReady().then(() => {
  hardenSession()
  serveApp(join(__dirname, '../renderer'))
  const emit = createWindowEventSink(() => BrowserWindow.getAllWindows().map((w) => w.webContents))
  const dialogs = createElectronDialogs(() => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0], join(__dirname, '../preload/ca-key-prompt.js'))
  const services = createServices({ dataDir: app.getPath('userData'), emit, dialogs, desktop: createElectronDesktop(), version: app.getVersion() })
  registerIpc(createHandlers(services), page.isTrustedUrl)
  const lockAll = (): void => services.onSystemLock?.()
  powerMonitor.on('lock-screen', lockAll)
  powerMonitor.on('suspend', lockAll)
  createMainWindow(page, join(__dirname, '../preload/index.js'))
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(page, join(__dirname, '../preload/index.js'))
  })
  app.on('will-quit', () => services.close())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

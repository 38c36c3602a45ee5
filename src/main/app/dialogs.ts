// Electron's save dialogs behind the DialogsPort the files service is given, and main's own
// confirmation before a CA key is exported (ca-key-prompt.ts).
import { dialog, type BrowserWindow } from 'electron'
import type { DialogsPort } from '../services/files-service'
import { askCaKeySecrets } from './ca-key-prompt'

/** `promptPreload`: the built preload of the CA key prompt (out/preload/ca-key-prompt.js). */
export function createElectronDialogs(getWindow: () => BrowserWindow | undefined, promptPreload: string): DialogsPort {
  return {
    confirmCaKeyExport(prompt) {
      return askCaKeySecrets(getWindow(), prompt, promptPreload)
    },
    async chooseSaveFile(title, defaultName) {
      const win = getWindow()
      const options = { title, defaultPath: defaultName, properties: ['createDirectory', 'showOverwriteConfirmation'] as const }
      const r = win ? await dialog.showSaveDialog(win, { ...options, properties: [...options.properties] }) : await dialog.showSaveDialog({ ...options, properties: [...options.properties] })
      return r.canceled || !r.filePath ? null : r.filePath
    },
    async chooseOpenFiles(title, kind, multiple) {
      const win = getWindow()
      const filters =
        kind === 'backup'
          ? [{ name: 'PKI Desk backup', extensions: ['pkibackup'] }]
          : kind === 'share'
            ? [{ name: 'Backup share', extensions: ['txt'] }]
            : [{ name: 'PKCS#11 module', extensions: ['so', 'dylib', 'dll'] }, { name: 'All files', extensions: ['*'] }]
      const options = { title, filters, properties: multiple ? ['openFile' as const, 'multiSelections' as const] : ['openFile' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths
    },
    async confirmModuleLoad(path) {
      const win = getWindow()
      const options = {
        type: 'warning' as const,
        title: 'Load a PKCS#11 module',
        message: `Load the PKCS#11 module ${path}?`,
        detail: "Loading a PKCS#11 module runs the library's code inside PKI Desk. Load only the middleware of your own token or HSM.",
        buttons: ['Load the module', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        noLink: true
      }
      const r = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options)
      return r.response === 0
    },
    async chooseFolder(title) {
      const win = getWindow()
      const options = { title, buttonLabel: 'Save here', properties: ['openDirectory' as const, 'createDirectory' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    }
  }
}

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
      const filters = kind === 'backup' ? [{ name: 'PKI Desk backup', extensions: ['pkibackup'] }] : [{ name: 'Backup share', extensions: ['txt'] }]
      const options = { title, filters, properties: multiple ? ['openFile' as const, 'multiSelections' as const] : ['openFile' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths
    },
    async chooseFolder(title) {
      const win = getWindow()
      const options = { title, buttonLabel: 'Save here', properties: ['openDirectory' as const, 'createDirectory' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    }
  }
}

// Electron's shell and clipboard behind the DesktopPort of the settings service: "Reveal" and
// "Copy path" of the data directory, run in main so the renderer never names a path to open.
import { clipboard, shell } from 'electron'
import type { DesktopPort } from '../services/settings-service'

export function createElectronDesktop(): DesktopPort {
  return {
    showItemInFolder: (path) => shell.showItemInFolder(path),
    copyText: (text) => clipboard.writeText(text)
  }
}

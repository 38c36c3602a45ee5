// The only importer of ipcMain. Every channel of the contract is registered; a call from any
// frame other than the app's own page is refused before its payload is read.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { channelNames } from '../../shared/ipc/contract'
import { fail } from '../../shared/errors'
import { dispatch } from './dispatch'
import type { Handlers } from './handlers'
import type { EventSink } from '../../shared/ipc/events'

export function registerIpc(handlers: Handlers, isTrustedUrl: (url: string) => boolean): void {
  for (const name of channelNames) {
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, raw: unknown) => {
      const url = event.senderFrame?.url ?? ''
      if (!isTrustedUrl(url)) return fail('IPC_UNTRUSTED_SENDER', `A request for ${name} came from ${url || 'an unknown frame'}, not from the app window, and was refused: only the app window may call main.`)
      return dispatch(handlers, name, raw)
    })
  }
}

export function createWindowEventSink(getTargets: () => WebContents[]): EventSink {
  return (name, payload) => {
    for (const target of getTargets()) if (!target.isDestroyed()) target.send(`event:${name}`, payload)
  }
}

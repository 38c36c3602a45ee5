// Builds window.pki from the contract: one function per channel, one subscribe per event.
// Nothing else is exposed: no generic invoke, no ipcRenderer, no process.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { channelNames, eventNames } from '../shared/ipc/contract'
import { buildApi } from '../shared/ipc/define'
import type { Result } from '../shared/errors'

const api = buildApi(
  channelNames,
  eventNames,
  (name, request) => ipcRenderer.invoke(name, request) as Promise<Result<unknown>>,
  (name, listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(`event:${name}`, wrapped)
    return () => ipcRenderer.removeListener(`event:${name}`, wrapped)
  }
)

contextBridge.exposeInMainWorld('pki', api)

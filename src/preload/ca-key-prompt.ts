// The preload of main's CA key export prompt (src/main/app/ca-key-prompt.ts): submit or
// cancel, on that window's one channel. Nothing else is exposed.
import { contextBridge, ipcRenderer } from 'electron'

const CHANNEL = 'ca-key-prompt:answer'

contextBridge.exposeInMainWorld('caKeyPrompt', {
  submit: (values: unknown): void => ipcRenderer.send(CHANNEL, Array.isArray(values) ? values.map(String) : null),
  cancel: (): void => ipcRenderer.send(CHANNEL, null)
})

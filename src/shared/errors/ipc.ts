// Codes the IPC layer returns before any service runs.
import type { Catalog } from './catalog'

export const ipcErrors = {
  IPC_UNKNOWN_CHANNEL: 'The window asked for a channel the contract does not have.',
  IPC_DISCONNECTED: 'The connection to the main process closed before the answer came (test harness).',
  IPC_UNTRUSTED_SENDER: 'A frame that is not the app window sent a request; it was refused.'
} as const satisfies Catalog

export type IpcErrorCode = keyof typeof ipcErrors

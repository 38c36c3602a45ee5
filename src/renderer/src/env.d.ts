/// <reference types="vite/client" />
import type { PkiApi } from '../../shared/ipc/contract'

declare global {
  interface Window {
    readonly pki: PkiApi
  }
}
export {}

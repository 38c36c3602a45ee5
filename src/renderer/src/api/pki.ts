// The typed client: window.pki, built by the preload (or the test harness) from the contract.
// Screens call it through here and never learn which transport carries the call.
import type { PkiApi } from '../../../shared/ipc/contract'

export const pki: PkiApi = window.pki
export type { PkiApi }

// The typed client: window.pki, built by the preload (or the test harness) from the contract.
// Screens call it through here and never learn which transport carries the call.
import type { PkiApi } from '../../../shared/ipc/contract'
import type { AppError, Result } from '../../../shared/errors'

export const pki: PkiApi = window.pki
export type { PkiApi }

/** A failed call's error, for stores that keep only the last error. */
export function errorOf<T>(r: Result<T>): AppError | null {
  return r.ok ? null : r.error
}

// The progress of one bulk action in main (a revocation or an export of a selection), by the
// operation id the window chose for it, and how to stop it between two slices.
import { useEffect, useState } from 'react'
import { pki } from '../../api/pki'

export interface BulkProgress {
  readonly done: number
  readonly total: number
}

export function newBulkOperationId(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/** Main's progress events for `operationId` (null: nothing running), at most ten updates a second. */
export function useBulkProgress(operationId: string | null): BulkProgress | null {
  // Kept with the operation it belongs to: another operation starts with no progress.
  const [progress, setProgress] = useState<(BulkProgress & { readonly operationId: string }) | null>(null)
  useEffect(() => {
    if (!operationId) return
    let shownAt = 0
    return pki.on.progress((p) => {
      if (p.operationId !== operationId) return
      const now = Date.now()
      if (!p.finished && now - shownAt < 100) return
      shownAt = now
      setProgress({ operationId, done: p.done, total: p.total })
    })
  }, [operationId])
  return progress && progress.operationId === operationId ? progress : null
}

/** Asks main to stop the action before its next slice (what was done stays done). */
export function cancelBulk(operationId: string): void {
  void pki.certificates.cancelBulk({ operationId })
}

// The full-text index's backlog (migration 015): certificates are committed first and indexed
// for search once the store's writes pause. A batch commits a slice every few tens of ms, so
// nothing is indexed until it ends; then slices of SLICE_MS of index writes run back to back,
// each its own transaction, with the event loop free between them, and stop for IDLE_MS again
// at any other commit. indexAll() takes the rest at once (the CLI before it exits, the bench).
// A crash leaves the ids in the table: the next open picks them up after IDLE_MS, and an open
// store looks again every POLL_MS for rows another process left.
import type { ReadTx, WriteTx } from './database'
import { indexPendingSearchRows, newestPendingSearchRow, pendingSearchRows } from './certificates-repo'

/** No commit for this long, and the backlog is indexed. */
export const SEARCH_BACKLOG_IDLE_MS = 300
/** Index writes per transaction: ~400–700 rows; their commit adds FTS5's merge work for them. */
export const SEARCH_BACKLOG_SLICE_MS = 15
/** With nothing in the backlog, how often to look again (one indexed read). */
export const SEARCH_BACKLOG_POLL_MS = 10_000

export interface SearchBacklogTimers {
  /** Runs `fn` after `ms` without keeping the process alive; returns its cancel. */
  after(ms: number, fn: () => void): () => void
  now(): number
}

export interface SearchBacklog {
  /** A write committed (not the backlog's own): indexing waits IDLE_MS from now. */
  committed(): void
  /** Indexes the whole backlog now, slice by slice; returns how many certificates it took. A slice failing with an error `stopOn` accepts ends it there (the rest stays in the backlog). */
  indexAll(onProgress?: (done: number, total: number) => void, options?: { readonly stopOn?: (e: unknown) => boolean }): number
  close(): void
}

export interface SearchBacklogDeps {
  read<T>(body: (tx: ReadTx) => T): T
  write<T>(body: (tx: WriteTx) => T): T
  readonly timers?: SearchBacklogTimers
  readonly idleMs?: number
  readonly sliceMs?: number
  readonly pollMs?: number
  /** False: only indexAll indexes (a store on an older schema in the migration tests has no backlog table). */
  readonly whenIdle?: boolean
  /** False once the connection is closed: the schedule stops. */
  isOpen(): boolean
  /** A slice failed (the write lock held by another process: deps.write should not wait for it; a full disk): it is tried again later, the wait doubling up to a minute. */
  readonly onError?: (e: unknown) => void
}

const RETRY_MAX_MS = 60_000

const nodeTimers: SearchBacklogTimers = {
  after(ms, fn) {
    const t = setTimeout(fn, ms)
    t.unref()
    return () => clearTimeout(t)
  },
  now: () => performance.now()
}

export function createSearchBacklog(deps: SearchBacklogDeps): SearchBacklog {
  const timers = deps.timers ?? nodeTimers
  const idleMs = deps.idleMs ?? SEARCH_BACKLOG_IDLE_MS
  const sliceMs = deps.sliceMs ?? SEARCH_BACKLOG_SLICE_MS
  const pollMs = deps.pollMs ?? SEARCH_BACKLOG_POLL_MS
  let lastCommit = timers.now()
  let cancel: (() => void) | undefined
  let indexing = false
  let closed = false
  let failures = 0
  /** The newest backlog row at the last look (null: none); undefined after a commit of this process (which already waited). */
  let newestSeen: number | null | undefined

  const slice = (): number => {
    indexing = true
    try {
      return deps.write((tx) => indexPendingSearchRows(tx, sliceMs, timers.now))
    } finally {
      indexing = false
    }
  }

  let due = Number.POSITIVE_INFINITY
  /** Runs tick `ms` from now, unless it is already due sooner. */
  const arm = (ms: number): void => {
    if (closed || deps.whenIdle === false) return
    const at = timers.now() + ms
    if (cancel) {
      if (due <= at) return
      cancel()
    }
    due = at
    cancel = timers.after(ms, () => {
      cancel = undefined
      due = Number.POSITIVE_INFINITY
      tick()
    })
  }

  const tick = (): void => {
    if (closed || !deps.isOpen()) return
    const quietFor = timers.now() - lastCommit
    if (quietFor < idleMs) return arm(idleMs - quietFor)
    try {
      // Nothing here: look again now and then (another process may leave rows: a CLI killed mid-batch).
      const newest = deps.read((tx) => newestPendingSearchRow(tx))
      if (newest === null) {
        newestSeen = null
        return arm(pollMs)
      }
      // Rows that came since the last look with no commit of this process: another process is
      // writing them (its batch). Wait until they stop coming, as for a commit of this process.
      if (newestSeen !== undefined && newest !== newestSeen) {
        newestSeen = newest
        lastCommit = timers.now()
        return arm(idleMs)
      }
      newestSeen = newest
      slice()
      failures = 0
    } catch (e) {
      deps.onError?.(e)
      failures++
      lastCommit = timers.now()
      return arm(Math.min(RETRY_MAX_MS, idleMs * 2 ** (failures - 1)))
    }
    arm(0)
  }

  arm(idleMs)
  return {
    committed() {
      if (indexing || closed) return
      lastCommit = timers.now()
      newestSeen = undefined
      // After a failure the longer wait stands.
      if (failures === 0) arm(idleMs)
    },
    indexAll(onProgress, options = {}) {
      const total = deps.read((tx) => pendingSearchRows(tx))
      let done = 0
      while (done < total) {
        let taken: number
        try {
          taken = slice()
        } catch (e) {
          if (options.stopOn?.(e)) return done
          throw e
        }
        if (taken === 0) break
        done += taken
        onProgress?.(Math.min(done, total), total)
      }
      return done
    },
    close() {
      closed = true
      cancel?.()
      cancel = undefined
    }
  }
}

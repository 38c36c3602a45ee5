// Checkpoints the store's write-ahead log on a thread of its own. SQLite's automatic checkpoint
// runs inside the commit that crosses its threshold (1,000 pages): it copies the log into the
// database file and syncs it, on the thread that committed. During batch issuance that was
// about two thirds of every commit's cost on the main thread (docs/performance.md). Once a
// connection has made CHECKPOINTER_AFTER_WRITES write transactions (a batch, a bulk
// revocation, a restore, or just a few writes), a worker with its own connection checkpoints instead
// (PASSIVE: it never blocks a writer), CHECKPOINT_DELAY_MS after a commit, and the store's
// connection keeps an automatic checkpoint only as a backstop (SAFETY_AUTOCHECKPOINT_PAGES) in
// case the thread falls behind. Until then, and if the thread cannot start or stops, SQLite's
// own automatic checkpoint does the work as before (said once on stderr when the thread fails).
// A sustained writer also reads `holdingCommits` before each commit and holds the commit while
// it is true (a few ms): the thread's last pass then reaches the log's end, and the log starts
// again from its beginning instead of growing to the backstop (wal-checkpoint-worker.ts).
//
// close() has the thread close its connection and waits for it (at most CLOSE_WAIT_MS) before
// the store's connection closes, so no checkpoint of this process runs past the store's close;
// closing the store's connection then checkpoints the whole log and removes it, leaving the
// database file complete on its own.
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { workerEntry, type WorkerEntry } from '../threads/worker-entry'
import type { Db } from './database'
import { FLAG_CLOSED, FLAG_COUNT, FLAG_HOLD_COMMITS, FLAG_OPEN, FLAG_SCHEDULED, FLAG_WRITING, HOLD_COMMITS_AT_FRAMES, type CheckpointerData, type CheckpointerMessage } from './wal-checkpoint-protocol'

/**
 * Write transactions on one connection before its checkpoint thread starts. Few: a batch's
 * first commits otherwise run SQLite's own checkpoint every ~5 commits of 16 rows, 35–50 ms
 * each into a store of 1,000,000 certificates (32 was measured so). A store that writes a
 * little (settings, a profile) then has the idle thread too; it holds one connection.
 */
export const CHECKPOINTER_AFTER_WRITES = 4
/** The store connection's automatic checkpoint while the thread runs (pages of 4 KiB: ~64 MiB of log). */
export const SAFETY_AUTOCHECKPOINT_PAGES = 16_000
/** SQLite's default automatic checkpoint, restored if the thread stops. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000
/** How long close() waits for the thread to close its connection. */
export const CLOSE_WAIT_MS = 2_000

export interface WalCheckpointer {
  /** The store's connection begins (true) or ends (false) a write transaction. */
  writing(inside: boolean): void
  /** A write transaction on the store's connection committed. */
  committed(): void
  /** True while the thread asks sustained writers to hold their next commit (see the file comment). */
  readonly holdingCommits: boolean
  /** True while the checkpoint thread runs (tests). */
  readonly running: boolean
  /** True while the thread's own connection is open (tests). */
  readonly connected: boolean
  /** Stops the thread, its connection closed first (see the file comment). */
  close(): void
}

export interface WalCheckpointerOptions {
  /** Where the worker is (tests give a broken one); the built or source worker by default. */
  readonly entry?: () => WorkerEntry
  /** Told once when the thread cannot start or stops; a warning on stderr by default. */
  readonly failed?: (e: unknown) => void
  /** Log frames at which the thread asks writers to hold (HOLD_COMMITS_AT_FRAMES; tests use fewer). */
  readonly holdAtFrames?: number
}

const warnFailed = (e: unknown): void =>
  console.warn(`PKI Desk: the store's checkpoint thread stopped (${e instanceof Error ? e.message : String(e)}); the store checkpoints on its own connection again.`)

export function createWalCheckpointer(db: Db, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const entry = options.entry ?? ((): WorkerEntry => workerEntry('wal-checkpointer.js', join(__dirname, 'wal-checkpoint-worker.ts')))
  let writes = 0
  let worker: Worker | null = null
  let flags: Int32Array | null = null
  /** Set once the thread failed or the checkpointer closed (worker is then null): it is never started again. */
  let ended = false

  const fallBack = (e: unknown): void => {
    if (ended) return
    ended = true
    worker = null
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`)
    ;(options.failed ?? warnFailed)(e)
  }

  const start = (): void => {
    try {
      const shared = new SharedArrayBuffer(FLAG_COUNT * Int32Array.BYTES_PER_ELEMENT)
      const where = entry()
      const data: CheckpointerData = { file: db.name, flags: shared, holdAtFrames: options.holdAtFrames ?? HOLD_COMMITS_AT_FRAMES }
      const w = new Worker(where.file, { workerData: data, ...(where.execArgv ? { execArgv: where.execArgv } : {}) })
      w.unref()
      w.on('error', fallBack)
      w.on('exit', (code) => {
        if (!ended) fallBack(new Error(`it exited with code ${code}`))
      })
      worker = w
      flags = new Int32Array(shared)
      db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`)
    } catch (e) {
      fallBack(e)
    }
  }

  return {
    writing(inside) {
      if (flags) Atomics.store(flags, FLAG_WRITING, inside ? 1 : 0)
    },
    committed() {
      if (ended) return
      if (!worker) {
        if (++writes >= CHECKPOINTER_AFTER_WRITES) start()
        return
      }
      // One message per checkpoint, not per commit: the thread clears the flag when it starts one.
      if (flags && Atomics.compareExchange(flags, FLAG_SCHEDULED, 0, 1) === 0) worker.postMessage('committed' satisfies CheckpointerMessage)
    },
    get holdingCommits() {
      return worker !== null && flags !== null && Atomics.load(flags, FLAG_HOLD_COMMITS) === 1
    },
    get running() {
      return worker !== null
    },
    get connected() {
      return flags !== null && Atomics.load(flags, FLAG_OPEN) === 1 && Atomics.load(flags, FLAG_CLOSED) === 0
    },
    close() {
      if (ended) return
      ended = true
      const w = worker
      worker = null
      if (!w || !flags) return
      w.postMessage('close' satisfies CheckpointerMessage)
      // The main thread waits here (a few ms: a checkpoint in progress finishes first), so no
      // checkpoint of this process runs past the store's close.
      Atomics.wait(flags, FLAG_CLOSED, 0, CLOSE_WAIT_MS)
      void w.terminate()
    }
  }
}

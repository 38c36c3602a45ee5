// The batch scheduler: when each item of a signing run is prepared, finished and committed.
// It knows nothing of CAs, keys or rows; the issuance service hands it a BatchPlan (how to
// prepare a slice, finish one prepared item, commit what is ready) and it runs the pipeline:
//
// - small batches (fewer than `workerMinItems`) are prepared on the main thread, INLINE_CHUNK
//   items at a time;
// - larger ones in the injected worker pool, WORKER_CHUNK items a message, two slices per
//   worker in flight, finished in order; a slice whose worker failed is prepared on the main
//   thread instead (same result, slower), reported once per scheduler;
// - the main thread finishes prepared items until SLICE_MS has passed or COMMIT_AT rows are
//   ready, then commits them in one transaction and yields to the event loop. Larger
//   transactions share the index and full-text pages they write (a commit of two rows costs
//   nearly what one of fifty does), so a slice is bounded by rows and time, not by a per-row
//   estimate that a slow commit on a loaded disk would shrink to nothing;
// - while the plan says commits are held (the store's checkpoint thread finishing a pass over
//   its log: a few ms into a small store, 100–200 ms into one of a million certificates), a
//   commit waits, with the event loop free: at most HOLD_MAX_MS for one hold however many
//   commits fall due in it, and never the batch's last commit. Meanwhile the main thread goes
//   on finishing prepared items (yielding every SLICE_MS) until HELD_ROWS_MAX rows wait, so
//   the workers are not left idle; after the hold those rows are committed COMMIT_ROWS_MAX at
//   a time, yielding between transactions. Without the hold the log grows until a backstop
//   checkpoint runs inside a commit on the main thread (25–53 ms each, docs/performance.md);
// - once the plan says it is halted (cancelled, or a signature failed), nothing more is
//   launched or finished; slices in flight are left to finish in their workers, unread.
import { performance } from 'node:perf_hooks'
import { prepareBatch, type BatchContext, type BatchJob, type PreparedItem } from '../../engine/batch'
import type { PreparePool } from '../issuance-workers/pool'

/** Batches of at least this many items are prepared in the worker pool. */
export const WORKER_MIN_ITEMS = 48
/** Items prepared on the main thread between two looks at the clock (~1 ms each). */
export const INLINE_CHUNK = 4
/**
 * Items per message to a worker. Measured on 2 cores (P-256, 20,000 CSRs, commits of 16 rows,
 * the log's checkpoint held off the main thread, alternating runs): 32 items a message ran at
 * 118–122× the OpenSSL loop against 111–114× for 16. Worst loop delays: 24–48 ms in 18 of 19
 * runs with 32 and one of 96 ms, against 27–36 ms in six runs with 16; the main thread's work
 * between two yields is the same (a commit of 16 rows), so the 96 ms is not explained by the
 * message size. Before, 32 a message with commits of 48 rows had delays up to 58–88 ms: the
 * commits (and the checkpoints inside them) made those.
 */
export const WORKER_CHUNK = 32
/** Commit when this many certificates are ready (one transaction; ~5 ms of inserts)… */
export const COMMIT_AT = 16
/** …or when the main thread has worked this long since it last yielded. */
export const SLICE_MS = 4

/**
 * The longest commits wait for one hold to end (they then commit anyway until it ends)… Holds
 * end in 2–20 ms into an empty store; into one of 1,000,000 certificates the held pass syncs
 * pages all over a 2 GB file and some holds took 94–241 ms. With 100 ms those were cut short,
 * the log grew to the backstop and its checkpoints blocked commits for 35–42 ms (worst loop
 * delay 68–81 ms); with 250 ms, 0–1 such commits and 39–48 ms, at the same rate.
 */
export const HOLD_MAX_MS = 250
/** …looking this often. */
export const HOLD_POLL_MS = 1
/**
 * While commits are held, items are finished until this many rows wait for the commit. Into a
 * store of 1,700,000 certificates 7–9 holds of 100–150 ms each took 745–842 ms of a
 * 5,000-certificate batch while the main thread waited; finishing items through them raised the
 * rate there from 1,579–1,644 to 1,708–1,794 certs/s (4 interleaved runs each).
 */
export const HELD_ROWS_MAX = 512
/**
 * The most rows one transaction takes: rows that waited out a hold are committed 16 at a time
 * with a yield between (worst loop delay 27–48 ms, as without finishing; 64 at a time: 42–79 ms).
 */
export const COMMIT_ROWS_MAX = 16

/** One run, as the scheduler sees it. */
export interface BatchPlan {
  readonly total: number
  /** The context a slice prepared now uses (it carries the clock reading). */
  context(): BatchContext
  /** The jobs of items `from` (inclusive) to `to` (exclusive). */
  jobs(from: number, to: number): BatchJob[]
  /** The main thread's part of one prepared item (store checks, signature, a queued row). */
  finish(item: PreparedItem): Promise<void>
  /** How many rows `finish` queued since the last commit. */
  ready(): number
  /**
   * Commits the oldest queued rows, at most `maxRows`, in one transaction and reports progress
   * (finished once every item is done and no row waits); `done` items are finished so far.
   */
  commit(done: number, maxRows: number): void
  /** True once the run must stop: cancelled, or a signature failed. */
  halted(): boolean
  /** True while the store asks its sustained writers to hold their next commit (Store.holdCommits). */
  holdCommits?(): boolean
}

export interface BatchSchedulerDeps {
  /** Where large batches are prepared; it starts its workers on first use. */
  readonly pool: PreparePool
  /** Batches of at least this many items use the pool (tests force either path). */
  readonly workerMinItems?: number
  /** Prepares on the main thread (small batches, or a slice whose worker failed). */
  readonly prepare?: (ctx: BatchContext, jobs: readonly BatchJob[]) => PreparedItem[]
  /**
   * Awaited before each item is finished. Only the renderer test harness sets it, to make a
   * run slow enough to watch its progress and cancel it; the app and the CLI never do.
   */
  readonly pace?: () => Promise<void>
  /** Told when a worker fails (once per scheduler); a warning on stderr by default. */
  readonly workerFailed?: (e: unknown) => void
  /** Milliseconds, for the SLICE_MS bound. */
  readonly clock?: () => number
  /** Lets the event loop run between slices. */
  readonly yieldToLoop?: () => Promise<void>
  /** Waits HOLD_POLL_MS while commits are held (a timer: the loop and the workers run meanwhile). */
  readonly sleep?: (ms: number) => Promise<void>
}

export interface BatchScheduler {
  /** Runs the plan to its end (or until it halts); the final commit is always made. */
  run(plan: BatchPlan): Promise<void>
}

const warnWorkerFailed = (e: unknown): void =>
  console.warn(`PKI Desk: the issuance worker failed (${e instanceof Error ? e.message : String(e)}); preparing on the main thread instead.`)

export function createBatchScheduler(deps: BatchSchedulerDeps): BatchScheduler {
  const workerMinItems = deps.workerMinItems ?? WORKER_MIN_ITEMS
  const prepare = deps.prepare ?? prepareBatch
  const clock = deps.clock ?? (() => performance.now())
  const yieldToLoop = deps.yieldToLoop ?? ((): Promise<void> => new Promise<void>((r) => setImmediate(r)))
  const sleep = deps.sleep ?? ((ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms)))
  let failureReported = false
  /** A worker failed: its slice is prepared on the main thread; said once. */
  const workerFailed = (e: unknown): null => {
    if (!failureReported) {
      failureReported = true
      ;(deps.workerFailed ?? warnWorkerFailed)(e)
    }
    return null
  }

  return {
    async run(plan) {
      const { total } = plan
      let done = 0
      let sliceStart = clock()
      /** When this run first saw the hold that is up now (null: none is up). */
      let holdSeen: number | null = null
      /** The store asks for a hold, and this run has not yet held HOLD_MAX_MS for it. */
      const holding = (): boolean => {
        const held = plan.holdCommits?.() ?? false
        if (!held) holdSeen = null
        else holdSeen ??= clock()
        return held && clock() - holdSeen! < HOLD_MAX_MS && !plan.halted()
      }
      const waitWhileHeld = async (): Promise<void> => {
        while (holding()) await sleep(HOLD_POLL_MS)
      }
      const maybeCommit = async (force: boolean): Promise<void> => {
        if (!force && plan.ready() < COMMIT_AT && clock() - sliceStart < SLICE_MS) return
        if (!force && done < total) {
          if (plan.ready() < HELD_ROWS_MAX && holding()) {
            // Held: finish more items meanwhile, the loop left free every SLICE_MS.
            if (clock() - sliceStart >= SLICE_MS) {
              await yieldToLoop()
              sliceStart = clock()
            }
            return
          }
          await waitWhileHeld()
        }
        for (;;) {
          plan.commit(done, COMMIT_ROWS_MAX)
          if (plan.ready() === 0 && done === total) break
          await yieldToLoop()
          if (plan.ready() === 0) break
        }
        sliceStart = clock()
      }
      const finishAll = async (items: readonly PreparedItem[]): Promise<void> => {
        for (const p of items) {
          if (deps.pace) await deps.pace()
          if (plan.halted()) return
          await plan.finish(p)
          done++
          await maybeCommit(false)
        }
      }
      const prepareInline = async (from: number, to: number): Promise<void> => {
        for (let i = from; i < to && !plan.halted(); i += INLINE_CHUNK) await finishAll(prepare(plan.context(), plan.jobs(i, Math.min(to, i + INLINE_CHUNK))))
      }

      if (total < workerMinItems) await prepareInline(0, total)
      else {
        const workers = deps.pool
        const inFlight: { from: number; to: number; items: Promise<PreparedItem[] | null> }[] = []
        let next = 0
        const launch = (): void => {
          while (next < total && inFlight.length < workers.size * 2 && !plan.halted()) {
            const from = next
            const to = Math.min(total, from + WORKER_CHUNK)
            next = to
            inFlight.push({ from, to, items: workers.prepareSlice(plan.context(), plan.jobs(from, to)).catch(workerFailed) })
          }
        }
        launch()
        while (inFlight.length && !plan.halted()) {
          const slice = inFlight.shift()!
          const items = await slice.items
          launch()
          sliceStart = clock()
          if (items) await finishAll(items)
          else await prepareInline(slice.from, slice.to)
        }
      }
      await maybeCommit(true)
    }
  }
}

// The batch scheduler over a fake worker pool and a fake plan: which path prepares, that
// items are finished in order whatever order the workers answer in, how many slices are in
// flight, the fallback when a worker fails (reported once), commits by rows and by time, commits
// held while the store asks (bounded, never the last) with items finished meanwhile and the rows
// committed COMMIT_ROWS_MAX at a time after, and that a halted run launches and finishes nothing
// more.
import { describe, expect, it } from 'vitest'
import type { BatchContext, BatchJob, PreparedItem } from '../../../src/main/engine/batch'
import type { PreparePool } from '../../../src/main/services/issuance-workers/pool'
import {
  COMMIT_AT,
  COMMIT_ROWS_MAX,
  HELD_ROWS_MAX,
  HOLD_MAX_MS,
  HOLD_POLL_MS,
  INLINE_CHUNK,
  SLICE_MS,
  WORKER_CHUNK,
  WORKER_MIN_ITEMS,
  createBatchScheduler,
  type BatchPlan,
  type BatchSchedulerDeps
} from '../../../src/main/services/issuance/batch-scheduler'

const CONTEXT = { nowMs: 0 } as BatchContext
const item = (j: BatchJob): PreparedItem => ({ ok: false, index: j.index, error: { code: 'CSR_CORRUPT', message: j.csrPem } })

interface Deferred {
  readonly jobs: readonly BatchJob[]
  resolve(): void
  reject(e: Error): void
}

/** A pool whose slices answer when the test says so; it records what it was asked. */
function fakePool(size: number): PreparePool & { readonly asked: Deferred[]; maxInFlight: number } {
  const asked: Deferred[] = []
  let inFlight = 0
  const pool = {
    size,
    asked,
    maxInFlight: 0,
    prepareSlice(_ctx: BatchContext, jobs: readonly BatchJob[]): Promise<PreparedItem[]> {
      inFlight++
      pool.maxInFlight = Math.max(pool.maxInFlight, inFlight)
      return new Promise<PreparedItem[]>((resolve, reject) => {
        asked.push({
          jobs,
          resolve: () => {
            inFlight--
            resolve(jobs.map(item))
          },
          reject: (e) => {
            inFlight--
            reject(e)
          }
        })
      })
    },
    close: async () => undefined
  }
  return pool
}

/** A pool that answers every slice at once. */
function eagerPool(size: number, fail?: (n: number) => boolean): PreparePool & { calls: number } {
  const pool = {
    size,
    calls: 0,
    prepareSlice: async (_ctx: BatchContext, jobs: readonly BatchJob[]) => {
      pool.calls++
      if (fail?.(pool.calls)) throw new Error(`worker ${pool.calls} died`)
      return jobs.map(item)
    },
    close: async () => undefined
  }
  return pool
}

/** A plan that records the order items are finished in and every commit (with its `done`). */
function fakePlan(total: number, options: { haltAfter?: number; halted?: () => boolean; holdCommits?: () => boolean } = {}): BatchPlan & { finished: number[]; commits: { done: number; rows: number }[] } {
  let pending = 0
  const plan = {
    total,
    finished: [] as number[],
    commits: [] as { done: number; rows: number }[],
    context: () => CONTEXT,
    jobs(from: number, to: number): BatchJob[] {
      return Array.from({ length: to - from }, (_, k) => ({ index: from + k, csrPem: `csr ${from + k}`, input: { subject: {}, sans: [] } }))
    },
    async finish(p: PreparedItem) {
      plan.finished.push(p.index)
      pending++
    },
    ready: () => pending,
    commit(done: number, maxRows: number) {
      const rows = Math.min(pending, maxRows)
      plan.commits.push({ done, rows })
      pending -= rows
    },
    halted: () => options.halted?.() ?? (options.haltAfter !== undefined && plan.finished.length >= options.haltAfter),
    ...(options.holdCommits ? { holdCommits: options.holdCommits } : {})
  }
  return plan
}

const inline = (calls: { jobs: number[] }[]): NonNullable<BatchSchedulerDeps['prepare']> => (_ctx, jobs) => {
  calls.push({ jobs: jobs.map((j) => j.index) })
  return jobs.map(item)
}
const noYield = async (): Promise<void> => undefined
/** A clock that never moves: only COMMIT_AT (or the end) commits. */
const frozen = (): number => 0

/**
 * Inline preparation over a clock that only sleeps move; each sleep is recorded in `slept` (and
 * then told to `onSleep`), each yield to the loop counted in `yields.n`.
 */
function sleepingScheduler(slept: number[], onSleep: () => void = () => undefined, yields = { n: 0 }): ReturnType<typeof createBatchScheduler> {
  let t = 0
  return createBatchScheduler({
    pool: eagerPool(1),
    workerMinItems: Infinity,
    prepare: inline([]),
    clock: () => t,
    yieldToLoop: async () => void yields.n++,
    sleep: async (ms) => {
      slept.push(ms)
      t += ms
      onSleep()
    }
  })
}

describe('batch scheduler', () => {
  it('a batch below workerMinItems is prepared on the main thread, INLINE_CHUNK at a time, and never touches the pool', async () => {
    const pool = eagerPool(2)
    const calls: { jobs: number[] }[] = []
    const plan = fakePlan(WORKER_MIN_ITEMS - 1)
    await createBatchScheduler({ pool, prepare: inline(calls), clock: frozen, yieldToLoop: noYield }).run(plan)
    expect(pool.calls).toBe(0)
    expect(calls.map((c) => c.jobs.length)).toEqual([...Array.from({ length: Math.floor((WORKER_MIN_ITEMS - 1) / INLINE_CHUNK) }, () => INLINE_CHUNK), (WORKER_MIN_ITEMS - 1) % INLINE_CHUNK].filter((n) => n > 0))
    expect(plan.finished).toEqual(Array.from({ length: WORKER_MIN_ITEMS - 1 }, (_, i) => i))
  })

  it('a large batch goes to the pool in WORKER_CHUNK slices, two per worker in flight, finished in order though the workers answer out of order', async () => {
    const pool = fakePool(2)
    const total = WORKER_CHUNK * 6 + 3
    const plan = fakePlan(total)
    const run = createBatchScheduler({ pool, workerMinItems: 1, prepare: () => expect.unreachable('no inline preparation'), clock: frozen, yieldToLoop: noYield }).run(plan)
    // Answer the newest slice first, every time, until the run ends.
    let settled = false
    void run.then(() => (settled = true))
    let answered = 0
    while (!settled) {
      await new Promise((r) => setImmediate(r))
      const open = pool.asked.slice(answered)
      for (const d of open.reverse()) d.resolve()
      answered = pool.asked.length
    }
    expect(pool.maxInFlight).toBe(4)
    expect(pool.asked.map((d) => d.jobs.length)).toEqual([WORKER_CHUNK, WORKER_CHUNK, WORKER_CHUNK, WORKER_CHUNK, WORKER_CHUNK, WORKER_CHUNK, 3])
    expect(plan.finished).toEqual(Array.from({ length: total }, (_, i) => i))
  })

  it('a slice whose worker failed is prepared on the main thread; the failure is reported once', async () => {
    const pool = eagerPool(1, (n) => n === 2 || n === 3)
    const calls: { jobs: number[] }[] = []
    const reported: unknown[] = []
    const total = WORKER_CHUNK * 4
    const plan = fakePlan(total)
    await createBatchScheduler({ pool, workerMinItems: 1, prepare: inline(calls), workerFailed: (e) => reported.push(e), clock: frozen, yieldToLoop: noYield }).run(plan)
    expect(reported).toHaveLength(1)
    expect((reported[0] as Error).message).toBe('worker 2 died')
    // Slices 2 and 3 (items 16–47) were prepared inline, in INLINE_CHUNK steps.
    expect(calls.flatMap((c) => c.jobs)).toEqual(Array.from({ length: WORKER_CHUNK * 2 }, (_, i) => WORKER_CHUNK + i))
    expect(plan.finished).toEqual(Array.from({ length: total }, (_, i) => i))
  })

  it('commits every COMMIT_AT rows while the clock stands still, and once at the end with the rest', async () => {
    const total = COMMIT_AT * 2 + 5
    const plan = fakePlan(total)
    await createBatchScheduler({ pool: eagerPool(1), workerMinItems: Infinity, prepare: inline([]), clock: frozen, yieldToLoop: noYield }).run(plan)
    expect(plan.commits).toEqual([
      { done: COMMIT_AT, rows: COMMIT_AT },
      { done: COMMIT_AT * 2, rows: COMMIT_AT },
      { done: total, rows: 5 }
    ])
  })

  it('commits when SLICE_MS has passed, whatever the row count, and yields to the loop after each commit but the last', async () => {
    let t = 0
    // Each look at the clock moves it by SLICE_MS / 2: a commit every two items.
    const clock = (): number => (t += SLICE_MS / 2)
    let yields = 0
    const plan = fakePlan(6)
    await createBatchScheduler({ pool: eagerPool(1), workerMinItems: Infinity, prepare: inline([]), clock, yieldToLoop: async () => void yields++ }).run(plan)
    expect(plan.commits.every((c) => c.rows <= 2)).toBe(true)
    expect(plan.commits.reduce((n, c) => n + c.rows, 0)).toBe(6)
    expect(plan.commits.at(-1)!.done).toBe(6)
    // No yield after a commit that finished the batch.
    expect(yields).toBe(plan.commits.filter((c) => c.done < 6).length)
  })

  it('holds commits while the store asks, finishing items meanwhile up to HELD_ROWS_MAX rows; then waits for the hold to end and commits those rows COMMIT_ROWS_MAX at a time, yielding between', async () => {
    const slept: number[] = []
    const yields = { n: 0 }
    let held = true
    const total = HELD_ROWS_MAX + 10
    const plan = fakePlan(total, { holdCommits: () => held })
    const commit = plan.commit.bind(plan)
    const finishedAtCommit: number[] = []
    plan.commit = (done, maxRows) => {
      expect(held).toBe(false)
      finishedAtCommit.push(plan.finished.length)
      commit(done, maxRows)
    }
    // The hold ends after the third sleep.
    await sleepingScheduler(slept, () => void (held = slept.length < 3), yields).run(plan)
    expect(slept).toEqual([HOLD_POLL_MS, HOLD_POLL_MS, HOLD_POLL_MS])
    // HELD_ROWS_MAX items were finished while held (not COMMIT_AT), committed in transactions of COMMIT_ROWS_MAX…
    const afterHold = HELD_ROWS_MAX / COMMIT_ROWS_MAX
    expect(plan.commits.slice(0, afterHold)).toEqual(Array.from({ length: afterHold }, () => ({ done: HELD_ROWS_MAX, rows: COMMIT_ROWS_MAX })))
    expect(finishedAtCommit.slice(0, afterHold).every((n) => n === HELD_ROWS_MAX)).toBe(true)
    // …then the rest as usual, the last commit with what remained.
    expect(plan.commits.slice(afterHold)).toEqual([{ done: total, rows: 10 }])
    // A yield after each of those transactions (the loop runs between them), none after the last.
    expect(yields.n).toBe(afterHold)
  })

  it('a hold that does not end holds commits HOLD_MAX_MS in all, not each: later commits go ahead', async () => {
    const slept: number[] = []
    const total = HELD_ROWS_MAX + COMMIT_AT * 3 + 1
    const plan = fakePlan(total, { holdCommits: () => true })
    await sleepingScheduler(slept).run(plan)
    expect(slept).toHaveLength(HOLD_MAX_MS / HOLD_POLL_MS)
    const afterHold = HELD_ROWS_MAX / COMMIT_ROWS_MAX
    expect(plan.commits).toEqual([
      ...Array.from({ length: afterHold }, () => ({ done: HELD_ROWS_MAX, rows: COMMIT_ROWS_MAX })),
      { done: HELD_ROWS_MAX + COMMIT_AT, rows: COMMIT_AT },
      { done: HELD_ROWS_MAX + COMMIT_AT * 2, rows: COMMIT_AT },
      { done: HELD_ROWS_MAX + COMMIT_AT * 3, rows: COMMIT_AT },
      { done: total, rows: 1 }
    ])
  })

  it('a hold that ends and comes back is waited for again; no commit is made while one is up', async () => {
    const slept: number[] = []
    // Up at the start until the second sleep; down; up again from item 600 until the fourth sleep.
    let phase: 'first' | 'between' | 'second' | 'after' = 'first'
    const up = (): boolean => phase === 'first' || phase === 'second'
    const total = 1_200
    const plan = fakePlan(total, {
      holdCommits: () => {
        if (phase === 'between' && plan.finished.length >= 600) phase = 'second'
        return up()
      }
    })
    const commit = plan.commit.bind(plan)
    plan.commit = (done, maxRows) => {
      if (done < total) expect(up()).toBe(false)
      commit(done, maxRows)
    }
    await sleepingScheduler(slept, () => {
      if (slept.length === 2) phase = 'between'
      if (slept.length === 4) phase = 'after'
    }).run(plan)
    expect(slept).toEqual([HOLD_POLL_MS, HOLD_POLL_MS, HOLD_POLL_MS, HOLD_POLL_MS])
    expect(plan.commits.reduce((n, c) => n + c.rows, 0)).toBe(total)
    expect(plan.commits.every((c) => c.rows <= COMMIT_ROWS_MAX)).toBe(true)
  })

  it('the commit of the last rows never waits, whether COMMIT_AT or the end made it', async () => {
    const slept: number[] = []
    const plan = fakePlan(COMMIT_AT * 2, { holdCommits: () => plan.finished.length === COMMIT_AT * 2 })
    await sleepingScheduler(slept).run(plan)
    expect(slept).toEqual([])
    expect(plan.commits.map((c) => c.done)).toEqual([COMMIT_AT, COMMIT_AT * 2, COMMIT_AT * 2])
  })

  it('a halted run finishes nothing more, launches no more slices, and still makes its final commit', async () => {
    const pool = eagerPool(1)
    const plan = fakePlan(WORKER_CHUNK * 10, { haltAfter: WORKER_CHUNK + 3 })
    await createBatchScheduler({ pool, workerMinItems: 1, prepare: inline([]), clock: frozen, yieldToLoop: noYield }).run(plan)
    expect(plan.finished).toHaveLength(WORKER_CHUNK + 3)
    // Two slices were in flight at the start, then one more each time a slice was read.
    expect(pool.calls).toBe(4)
    expect(plan.commits.at(-1)).toEqual({ done: WORKER_CHUNK + 3, rows: (WORKER_CHUNK + 3) % COMMIT_AT })
  })

  it('paces before each item when told to (the harness), and a pace that halts the run stops it', async () => {
    let paced = 0
    let stop = false
    const plan = fakePlan(10, { halted: () => stop })
    await createBatchScheduler({
      pool: eagerPool(1),
      workerMinItems: Infinity,
      prepare: inline([]),
      clock: frozen,
      yieldToLoop: noYield,
      pace: async () => {
        if (++paced === 4) stop = true
      }
    }).run(plan)
    expect(paced).toBe(4)
    expect(plan.finished).toEqual([0, 1, 2])
  })
})

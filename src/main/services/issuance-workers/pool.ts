// A small worker_threads pool for batch issuance (size = CPU cores, at least 1). Workers start
// on first use and stay for the next batch; they hold no reference on the event loop while
// idle, so they never keep the CLI or a test alive. A worker that dies fails its pending
// slices (the issuance service prepares those on the main thread instead) and is replaced on
// the next call.
//
// The worker is out/main/issuance-worker.js when built, worker.ts beside this file from
// source (threads/worker-entry.ts).
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { workerEntry, type WorkerEntry } from '../../threads/worker-entry'
import type { BatchContext, BatchJob, PreparedItem } from '../../engine/batch'
import type { WorkerRequest, WorkerResponse } from './worker'

export interface PreparePool {
  readonly size: number
  /** Prepares one slice of jobs in a worker. */
  prepareSlice(ctx: BatchContext, jobs: readonly BatchJob[]): Promise<PreparedItem[]>
  close(): Promise<void>
}

interface Pending {
  readonly resolve: (items: PreparedItem[]) => void
  readonly reject: (e: Error) => void
}

interface Slot {
  readonly worker: Worker
  readonly pending: Map<number, Pending>
}

export function createPreparePool(size = Math.max(1, availableParallelism())): PreparePool {
  const slots: Slot[] = []
  let nextId = 1
  let entry: WorkerEntry | null = null

  function retire(slot: Slot, error: Error): void {
    const i = slots.indexOf(slot)
    if (i >= 0) slots.splice(i, 1)
    for (const p of slot.pending.values()) p.reject(error)
    slot.pending.clear()
  }

  function spawn(): Slot {
    entry ??= workerEntry('issuance-worker.js', join(__dirname, 'worker.ts'))
    const worker = new Worker(entry.file, entry.execArgv ? { execArgv: entry.execArgv } : {})
    const slot: Slot = { worker, pending: new Map() }
    worker.on('message', (m: WorkerResponse) => {
      const p = slot.pending.get(m.id)
      if (!p) return
      slot.pending.delete(m.id)
      if (slot.pending.size === 0) worker.unref()
      if (m.ok) p.resolve(m.items)
      else p.reject(new Error(m.message))
    })
    worker.on('error', (e) => retire(slot, e instanceof Error ? e : new Error(String(e))))
    worker.on('exit', (code) => retire(slot, new Error(`The issuance worker stopped (exit code ${code}).`)))
    worker.unref()
    slots.push(slot)
    return slot
  }

  function pick(): Slot {
    if (slots.length < size) return spawn()
    return slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
  }

  return {
    size,
    prepareSlice(ctx, jobs) {
      return new Promise<PreparedItem[]>((resolve, reject) => {
        let slot: Slot
        try {
          slot = pick()
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)))
          return
        }
        const id = nextId++
        slot.pending.set(id, { resolve, reject })
        slot.worker.ref()
        const request: WorkerRequest = { id, ctx, jobs }
        slot.worker.postMessage(request)
      })
    },
    async close() {
      const all = slots.splice(0)
      await Promise.all(all.map((s) => s.worker.terminate()))
    }
  }
}

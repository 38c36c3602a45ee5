// A small worker_threads pool for batch issuance (size = CPU cores, at least 1). Workers start
// on first use and stay for the next batch; they hold no reference on the event loop while
// idle, so they never keep the CLI or a test alive. A worker that dies fails its pending
// slices (the issuance service prepares those on the main thread instead) and is replaced on
// the next call.
//
// Where the worker is: beside the built bundle (out/main/issuance-worker.js, a main-build
// input in electron.vite.config.ts; shared code may land in out/main/chunks, hence the parent
// folder too) or, running from source (vitest, tsx), worker.ts beside this file, started with
// tsx's loader.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
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

export function workerEntry(): { file: string; execArgv?: string[] } {
  for (const built of [join(__dirname, 'issuance-worker.js'), join(__dirname, '..', 'issuance-worker.js')]) if (existsSync(built)) return { file: built }
  const source = join(__dirname, 'worker.ts')
  if (!existsSync(source)) throw new Error(`The issuance worker is missing: neither ${join(__dirname, 'issuance-worker.js')} nor ${source} exists.`)
  // Under tsx already (npm run bench, the CLI from source), a worker inherits its loader.
  if (process.execArgv.some((a) => a.includes('tsx'))) return { file: source }
  return { file: source, execArgv: [...process.execArgv, '--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] }
}

export function createPreparePool(size = Math.max(1, availableParallelism())): PreparePool {
  const slots: Slot[] = []
  let nextId = 1
  let entry: ReturnType<typeof workerEntry> | null = null

  function retire(slot: Slot, error: Error): void {
    const i = slots.indexOf(slot)
    if (i >= 0) slots.splice(i, 1)
    for (const p of slot.pending.values()) p.reject(error)
    slot.pending.clear()
  }

  function spawn(): Slot {
    entry ??= workerEntry()
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

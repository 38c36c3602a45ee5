// The issuance worker: prepares batch items (CSR read + proof of possession, policy, lean
// TBS encoding, TBS lint, row fields) off the main thread. It never sees a private key: the
// signature is made by the vault's Signer on the main thread (P-256 signing is ~70k/s per
// core, cheap next to the work done here; a key would have to cross threads otherwise).
// Built as out/main/issuance-worker.js (electron.vite.config.ts); run from source with tsx.
import { constants, setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import { prepareBatch, type BatchContext, type BatchJob, type PreparedItem } from '../../engine/batch'

export interface WorkerRequest {
  readonly id: number
  readonly ctx: BatchContext
  readonly jobs: readonly BatchJob[]
}

export type WorkerResponse = { readonly id: number; readonly ok: true; readonly items: PreparedItem[] } | { readonly id: number; readonly ok: false; readonly message: string }

const port = parentPort
// Below the main thread: it signs, commits and answers the window, and a batch waits on it.
// Measured on the loaded 2-core machine (docs/performance.md): workers at normal priority
// starved it (event-loop delays of 300-600 ms); below normal, both delays and throughput
// improved. On Linux the nice value is per thread, so this lowers this worker alone; elsewhere
// setPriority(0, …) would lower the whole process, so it is left alone there.
if (process.platform === 'linux') {
  try {
    setPriority(constants.priority.PRIORITY_BELOW_NORMAL)
  } catch {
    // Not permitted (a sandbox): run at normal priority.
  }
}
if (port) {
  port.on('message', (m: WorkerRequest) => {
    let reply: WorkerResponse
    try {
      reply = { id: m.id, ok: true, items: prepareBatch(m.ctx, m.jobs) }
    } catch (e) {
      reply = { id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) }
    }
    port.postMessage(reply)
  })
}

// Where a worker thread's code is. Built (the app, the built CLI), each worker is a bundle of
// its own beside out/main/index.js (a main-build input in electron.vite.config.ts); code this
// helper shares with its caller may land in out/main/chunks, hence the parent folder too. From
// source (vitest, tsx, npm run bench) it is the worker's .ts file, started with tsx's loader.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface WorkerEntry {
  readonly file: string
  readonly execArgv?: string[]
}

/**
 * `bundle` is the built file's name (issuance-worker.js); `source` the worker's .ts file, an
 * absolute path. Throws, naming both places, when neither exists.
 */
export function workerEntry(bundle: string, source: string): WorkerEntry {
  for (const built of [join(__dirname, bundle), join(__dirname, '..', bundle)]) if (existsSync(built)) return { file: built }
  if (!existsSync(source)) throw new Error(`The worker ${bundle} is missing: neither ${join(__dirname, bundle)} nor ${source} exists.`)
  // Under tsx already (npm run bench, the CLI from source), a worker inherits its loader.
  if (process.execArgv.some((a) => a.includes('tsx'))) return { file: source }
  return { file: source, execArgv: [...process.execArgv, '--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] }
}

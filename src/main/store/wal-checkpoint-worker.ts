// The store's checkpoint thread (wal-checkpointer.ts): its own read connection to the store
// file, which copies committed pages from the write-ahead log into the database file
// (`PRAGMA wal_checkpoint(PASSIVE)`: never waits on a lock, never blocks a writer) a little
// after it is told of a commit. Built as out/main/wal-checkpointer.js.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { CHECKPOINT_DELAY_MS, FLAG_CLOSED, FLAG_OPEN, FLAG_SCHEDULED, type CheckpointerData, type CheckpointerMessage } from './wal-checkpoint-protocol'

const { file, flags: buffer } = workerData as CheckpointerData
const flags = new Int32Array(buffer)
const port = parentPort
let db: Database.Database | null = new Database(file, { fileMustExist: true })
// A checkpoint that meets a lock is simply tried again after a later commit.
db.pragma('busy_timeout = 0')
Atomics.store(flags, FLAG_OPEN, 1)
let timer: NodeJS.Timeout | null = null

function checkpoint(): void {
  timer = null
  // Commits from now on ask again: this checkpoint may not reach them.
  Atomics.store(flags, FLAG_SCHEDULED, 0)
  try {
    db?.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // SQLITE_BUSY or a store being closed: the next commit schedules another.
  }
}

function close(): void {
  if (timer) clearTimeout(timer)
  timer = null
  db?.close()
  db = null
  Atomics.store(flags, FLAG_CLOSED, 1)
  Atomics.notify(flags, FLAG_CLOSED)
  port?.close()
}

port?.on('message', (m: CheckpointerMessage) => {
  if (m === 'close') close()
  else if (m === 'committed' && db && !timer) timer = setTimeout(checkpoint, CHECKPOINT_DELAY_MS)
})

// The store's checkpoint thread (wal-checkpointer.ts): its own read connection to the store
// file, which copies committed pages from the write-ahead log into the database file
// (`PRAGMA wal_checkpoint(PASSIVE)`: never waits on a lock, never blocks a writer) a little
// after it is told of a commit. Built as out/main/wal-checkpointer.js.
//
// Under sustained writing the log is never wholly copied (commits arrive while a pass copies),
// so the log is never started again and grows until the store's own backstop checkpoint runs
// inside a commit on the writer's thread (25–50 ms at a time, most of it syncing). So when a
// pass finds a log of holdAtFrames or more, the thread catches up once more and then raises
// FLAG_HOLD_COMMITS: a sustained writer (batch issuance) holds its next commit while the flag
// is up, the held pass copies the few frames left and syncs, a pass that finds no new frame
// ends the hold, and the writer's next commit starts the log again from its beginning.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { CHECKPOINT_DELAY_MS, FLAG_CLOSED, FLAG_HOLD_COMMITS, FLAG_OPEN, FLAG_SCHEDULED, type CheckpointerData, type CheckpointerMessage } from './wal-checkpoint-protocol'

/** Before a last pass, the commit in progress when the flag went up ends. */
const HOLD_SETTLE_MS = 2
/** Last passes tried while the flag is up (a commit that was in progress makes one fall short). */
const HOLD_PASSES = 3

const { file, flags: buffer, holdAtFrames } = workerData as CheckpointerData
const flags = new Int32Array(buffer)
const port = parentPort
let db: Database.Database | null = new Database(file, { fileMustExist: true })
// A checkpoint that meets a lock is simply tried again after a later commit.
db.pragma('busy_timeout = 0')
Atomics.store(flags, FLAG_OPEN, 1)
let timer: NodeJS.Timeout | null = null

/** One PASSIVE pass: the log's frames as the pass found them, and how many are in the database file. */
interface Pass {
  readonly log: number
  readonly checkpointed: number
}

function pass(): Pass | null {
  try {
    return (db?.pragma('wal_checkpoint(PASSIVE)') as Pass[] | undefined)?.[0] ?? null
  } catch {
    // SQLITE_BUSY or a store being closed: the next commit schedules another.
    return null
  }
}

function checkpoint(): void {
  timer = null
  // Commits from now on ask again: this checkpoint may not reach them.
  Atomics.store(flags, FLAG_SCHEDULED, 0)
  const first = pass()
  if (!first || first.log < holdAtFrames) return
  // A pass copies the frames it found; the writer starts the log again only if no commit came
  // in the meantime. Catch up with what came during the first pass, then ask for a hold.
  const caughtUp = pass()
  Atomics.store(flags, FLAG_HOLD_COMMITS, 1)
  const found = caughtUp?.log ?? -1
  timer = setTimeout(() => heldPass(found, HOLD_PASSES), HOLD_SETTLE_MS)
}

/** A pass while commits are held; `before` is the log the pass before found. */
function heldPass(before: number, left: number): void {
  timer = null
  const p = pass()
  // Frames came since the pass before (a commit in progress when the hold was asked): once more.
  if (p && p.log !== before && left > 1 && db) {
    timer = setTimeout(() => heldPass(p.log, left - 1), HOLD_SETTLE_MS)
    return
  }
  Atomics.store(flags, FLAG_HOLD_COMMITS, 0)
  // A commit told while this ran found a timer set and was not scheduled: schedule it now.
  if (db && Atomics.load(flags, FLAG_SCHEDULED) === 1) timer = setTimeout(checkpoint, CHECKPOINT_DELAY_MS)
}

function close(): void {
  if (timer) clearTimeout(timer)
  timer = null
  db?.close()
  db = null
  Atomics.store(flags, FLAG_HOLD_COMMITS, 0)
  Atomics.store(flags, FLAG_CLOSED, 1)
  Atomics.notify(flags, FLAG_CLOSED)
  port?.close()
}

port?.on('message', (m: CheckpointerMessage) => {
  if (m === 'close') close()
  else if (m === 'committed' && db && !timer) timer = setTimeout(checkpoint, CHECKPOINT_DELAY_MS)
})

// The store's checkpoint thread (wal-checkpointer.ts): its own read connection to the store
// file, which copies committed pages from the write-ahead log into the database file
// (`PRAGMA wal_checkpoint(PASSIVE)`: never waits on a lock, never blocks a writer) a little
// after it is told of a commit. Built as out/main/wal-checkpointer.js.
//
// Under sustained writing the log is never wholly copied (commits arrive while a pass copies),
// so the log is never started again and grows until the store's own backstop checkpoint runs
// inside a commit on the writer's thread (25–53 ms at a time, most of it syncing). So when a
// pass finds a log of holdAtFrames or more and a commit came meanwhile, the thread catches up
// once more and raises FLAG_HOLD_COMMITS: a sustained writer (batch issuance) holds its next
// commit while the flag is up. The held pass waits for a commit already under way to end
// (FLAG_WRITING), copies the few frames left and syncs; a pass that finds no new frame and
// copies them all ends the hold, and the writer's next commit starts the log again from its
// beginning.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { CHECKPOINT_DELAY_MS, FLAG_CLOSED, FLAG_HOLD_COMMITS, FLAG_OPEN, FLAG_SCHEDULED, FLAG_WRITING, type CheckpointerData, type CheckpointerMessage } from './wal-checkpoint-protocol'

/** While the flag is up, the thread looks again this often (a commit under way, new frames)… */
const HOLD_RETRY_MS = 2
/** …this many times at most; the writer holds for at most HOLD_MAX_MS (batch-scheduler.ts) anyway. */
const HOLD_TRIES = 20

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
    // A store being closed. A pass that meets a lock returns busy = 1 and copies nothing; the
    // next commit schedules another either way.
    return null
  }
}

/** The pass copied every frame of the log it found. */
const wholeLog = (p: Pass): boolean => p.log >= 0 && p.checkpointed === p.log

function checkpoint(): void {
  timer = null
  // Commits from now on ask again: this checkpoint may not reach them.
  Atomics.store(flags, FLAG_SCHEDULED, 0)
  const first = pass()
  if (!first || first.log < holdAtFrames) return
  // A pass copies the frames it found when it began; the writer starts the log again only if
  // no commit came after that. Catch up with what came during the first pass.
  const caughtUp = pass()
  if (!caughtUp || (caughtUp.log === first.log && wholeLog(caughtUp))) return // the writer stopped: nothing to hold
  Atomics.store(flags, FLAG_HOLD_COMMITS, 1)
  const caughtUpLog = caughtUp.log
  timer = setTimeout(() => heldPass(caughtUpLog, HOLD_TRIES), HOLD_RETRY_MS)
}

/** A pass while commits are held; `before` is the log the pass before found. */
function heldPass(before: number, left: number): void {
  timer = null
  if (!db) return
  // A commit that began before the flag went up ends first: its frames would come after the pass.
  if (Atomics.load(flags, FLAG_WRITING) === 1 && left > 1) {
    timer = setTimeout(() => heldPass(before, left - 1), HOLD_RETRY_MS)
    return
  }
  const p = pass()
  // Frames came since the pass before (that commit), or a lock stopped the pass: once more.
  if (p && (p.log !== before || !wholeLog(p)) && left > 1) {
    timer = setTimeout(() => heldPass(p.log, left - 1), HOLD_RETRY_MS)
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

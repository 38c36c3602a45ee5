// What the store's connection and its checkpoint thread share (wal-checkpointer.ts).

/** The thread checkpoints this long after the first commit it is told of (commits in between share it). */
export const CHECKPOINT_DELAY_MS = 100

/**
 * Frames (pages) of log at which the thread, a commit having come during its pass, asks
 * sustained writers to hold their next commit for one more pass (~16 MiB of log; the store's
 * backstop is four times that). A log copied to its end is started again from its beginning by
 * the next commit, so it stops growing. Measured against 8,000 (alternating runs): into a store
 * of 1,000,000 certificates 0–1 commits reached the backstop in a 10,000-CSR batch against 3–4,
 * worst loop delay 40–45 ms against 58–75; into an empty store 28–30 ms against 44–47, at the
 * same ratio to the OpenSSL loop.
 */
export const HOLD_COMMITS_AT_FRAMES = 4_000

/** Int32 slots of the shared flags. */
export const FLAG_SCHEDULED = 0
export const FLAG_CLOSED = 1
export const FLAG_OPEN = 2
/** 1 while the thread asks sustained writers to hold their next commit (its last pass is running). */
export const FLAG_HOLD_COMMITS = 3
/** 1 while the store's connection is inside a write transaction (the held pass waits for it to end). */
export const FLAG_WRITING = 4
export const FLAG_COUNT = 5

export interface CheckpointerData {
  readonly file: string
  /** SharedArrayBuffer of FLAG_COUNT Int32: FLAG_SCHEDULED (a checkpoint is pending), FLAG_CLOSED (its connection is closed), FLAG_OPEN (its connection was opened), FLAG_HOLD_COMMITS, FLAG_WRITING. */
  readonly flags: SharedArrayBuffer
  /** HOLD_COMMITS_AT_FRAMES, smaller in tests. */
  readonly holdAtFrames: number
}

export type CheckpointerMessage = 'committed' | 'close'

// What the store's connection and its checkpoint thread share (wal-checkpointer.ts).

/** The thread checkpoints this long after the first commit it is told of (commits in between share it). */
export const CHECKPOINT_DELAY_MS = 100

/** Int32 slots of the shared flags. */
export const FLAG_SCHEDULED = 0
export const FLAG_CLOSED = 1
export const FLAG_OPEN = 2

export interface CheckpointerData {
  readonly file: string
  /** SharedArrayBuffer of three Int32: FLAG_SCHEDULED (a checkpoint is pending), FLAG_CLOSED (its connection is closed), FLAG_OPEN (its connection was opened). */
  readonly flags: SharedArrayBuffer
}

export type CheckpointerMessage = 'committed' | 'close'

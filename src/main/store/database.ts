// The only importer of better-sqlite3 (with the checkpoint thread, wal-checkpoint-worker.ts).
// Opens the store in WAL mode with foreign keys on and brings it to the newest schema through
// the numbered migrations, and hands the rest of the app a Store: transaction handles that say
// what they may do (Signal Desktop's ReadableDB and WritableDB). A ReadTx is passed to the
// repositories' read functions, a WriteTx (only inside store.write, an IMMEDIATE transaction)
// to those that change rows. Services hold a Store and call repositories with the handle it
// gives them; no SQL outside this folder.
import Database from 'better-sqlite3'
import { prepareStoreFiles, secureStoreFiles } from './file-modes'
import { migrations, type Migration } from './migrations'
import { createWalCheckpointer, type WalCheckpointer } from './wal-checkpointer'
import { createSearchBacklog } from './search-backlog'
import { searchFold } from './search-fold'

export type Db = Database.Database

declare const readable: unique symbol
declare const writable: unique symbol
/** The connection, branded: repositories may read through it (inside store.read or store.write). */
export type ReadTx = Db & { readonly [readable]: true }
/** The connection inside an IMMEDIATE transaction: repositories may also write through it. */
export type WriteTx = ReadTx & { readonly [writable]: true }

export interface Store {
  /**
   * Runs `body` with a read handle, in one deferred transaction (one snapshot for all its
   * reads); inside a write it joins that transaction.
   */
  read<T>(body: (tx: ReadTx) => T): T
  /** Runs `body` in an IMMEDIATE transaction: all of it is committed, or none of it. */
  write<T>(body: (tx: WriteTx) => T): T
  /**
   * True while the store's checkpoint thread asks a sustained writer (a batch) to hold its next
   * commit for a few ms, so its checkpoint reaches the log's end and the log starts again from
   * its beginning (wal-checkpointer.ts). Other writes need not wait.
   */
  holdCommits(): boolean
  /**
   * Indexes for search, now, every certificate committed but not yet in the full-text index
   * (the store does it by itself once its writes pause: search-backlog.ts); returns how many.
   * Never waits for another connection's write lock: with one held it stops, leaving the rest
   * (closing must not wait up to busy_timeout behind another process's batch).
   */
  indexForSearch(onProgress?: (done: number, total: number) => void): number
  /** False once closed (the vault's lock events arrive after shutdown closed the store). */
  readonly open: boolean
  /** The database file (':memory:' for a store in memory): sync keeps its run lock beside it. */
  readonly file: string
  schemaVersion(): number
  close(): void
}

/** How long a write waits for another connection's write lock (another PKI Desk process). */
const BUSY_TIMEOUT_MS = 5000

const connections = new WeakMap<Store, Db>()

const isBusy = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'SQLITE_BUSY'

/**
 * The connection behind a Store, for the repositories bound to one (the outbox's and the
 * connectors'): their statements join whatever transaction the caller has open. Only
 * src/main/store calls this.
 */
export function connectionOf(store: Store): Db {
  const db = connections.get(store)
  if (!db) throw new Error('This Store was not opened by src/main/store.')
  return db
}

/**
 * A Store over an open connection (tests that migrate a database step by step build theirs
 * with this). `indexWhenIdle`: the search backlog is indexed once writes pause (openStore's
 * stores, at the newest schema); otherwise only when indexForSearch is called.
 */
export function storeOf(db: Db, checkpointer?: WalCheckpointer, options: { readonly indexWhenIdle?: boolean } = {}): Store {
  const read = db.transaction((body: (tx: ReadTx) => unknown) => body(db as ReadTx))
  const write = db.transaction((body: (tx: WriteTx) => unknown) => body(db as WriteTx))
  /** Runs `body` with no wait for another connection's write lock: SQLITE_BUSY at once instead. */
  const withoutWaiting = <T>(body: () => T): T => {
    db.pragma('busy_timeout = 0')
    try {
      return body()
    } finally {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    }
  }
  let backlogFailed = false
  const backlog = createSearchBacklog({
    read: (body) => store.read(body),
    // The backlog can wait: never behind another process's batch, on this thread.
    write: (body) => withoutWaiting(() => store.write(body)),
    isOpen: () => db.open,
    whenIdle: options.indexWhenIdle ?? false,
    // Search still finds the rows; tried again with a growing wait. Another process holding
    // the write lock is expected; anything else is said once.
    onError: (e) => {
      if (isBusy(e) || backlogFailed) return
      backlogFailed = true
      process.stderr.write(`pkidesk: indexing certificates for search failed, will try again: ${(e as Error).message}\n`)
    }
  })
  const store: Store = {
    read: <T>(body: (tx: ReadTx) => T): T => (db.inTransaction ? body(db as ReadTx) : (read.deferred(body) as T)),
    write: <T>(body: (tx: WriteTx) => T): T => {
      // Only the outermost write is the transaction (a nested one is a savepoint inside it).
      const outermost = !db.inTransaction
      if (outermost) checkpointer?.writing(true)
      let result: T
      try {
        result = write.immediate(body) as T
      } finally {
        if (outermost) checkpointer?.writing(false)
      }
      if (outermost) {
        checkpointer?.committed()
        backlog.committed()
      }
      return result
    },
    holdCommits: () => checkpointer?.holdingCommits ?? false,
    indexForSearch: (onProgress) => backlog.indexAll(onProgress, { stopOn: isBusy }),
    get open() {
      return db.open
    },
    file: db.name,
    schemaVersion: () => schemaVersion(db),
    close: () => {
      backlog.close()
      checkpointer?.close()
      db.close()
    }
  }
  connections.set(store, db)
  return store
}

/**
 * Opens (creating and migrating as needed) the store in `file`. A store in a file checkpoints
 * its write-ahead log on a thread of its own once it writes steadily (wal-checkpointer.ts).
 */
export function openStore(file: string): Store {
  const db = openDatabase(file)
  return storeOf(db, file === ':memory:' ? undefined : createWalCheckpointer(db), { indexWhenIdle: true })
}

export function openDatabase(file: string, upTo?: number): Db {
  if (file !== ':memory:') prepareStoreFiles(file)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  if (file !== ':memory:') secureStoreFiles(file)
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('synchronous = NORMAL')
  // Search matches the backlog's rows (migration 015) with FTS5's own case folding.
  db.function('search_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? searchFold(text) : text))
  migrate(db, migrations, upTo)
  return db
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Applies, in one transaction each, every migration above the database's user_version. */
export function migrate(db: Db, all: readonly Migration[], upTo = Number.POSITIVE_INFINITY): void {
  const current = schemaVersion(db)
  for (const m of all) {
    if (m.version <= current || m.version > upTo) continue
    // PRAGMA foreign_keys is a no-op inside a transaction: it is switched around it.
    const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        m.up(db)
        if (m.foreignKeysOff && (db.pragma('foreign_key_check') as unknown[]).length > 0)
          throw new Error(`migration ${m.version} (${m.name}) would leave rows pointing at missing rows`)
        db.pragma(`user_version = ${m.version}`)
      })()
    } finally {
      if (m.foreignKeysOff && fkWasOn) db.pragma('foreign_keys = ON')
    }
  }
}

/** Runs `body` in an IMMEDIATE transaction: all of it is committed, or none of it. */
export function inTransaction<T>(db: Db, body: () => T): T {
  return db.transaction(body).immediate()
}

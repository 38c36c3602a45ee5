import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, storeOf, type Db, type Store, type WriteTx } from '../../../src/main/store/database'

/** Cheap scrypt for tests; production keys use DEFAULT_SCRYPT and store their parameters. */
export const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const
export const PASS = 'correct horse battery'

export interface TempDb {
  /** The raw connection: what a test tampers with, as another process would. */
  readonly db: Db
  /** The Store the vault and the services get. */
  readonly store: Store
  /** The connection as a write handle, for unit tests that call repositories directly (each statement its own transaction). */
  readonly tx: WriteTx
  readonly dir: string
  readonly file: string
  cleanup(): void
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-vault-'))
  const file = join(dir, 'pkidesk.sqlite')
  const db = openDatabase(file)
  return {
    db,
    store: storeOf(db),
    tx: db as WriteTx,
    dir,
    file,
    cleanup: () => {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

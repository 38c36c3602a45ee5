// A second connection to the store file a set of services opened, as another process would
// open it. Tests count rows, read DER and inject failures (triggers) through it; the services
// themselves hold no raw database.
import { databaseFile, openDatabase, storeOf, type Db, type Store } from '../../src/main/store'

export interface StoreFile {
  /** The raw connection (SQL in tests is fine; in src it lives only in src/main/store). */
  readonly db: Db
  /** The same connection as a Store, for services a test builds with options of its own. */
  readonly store: Store
  close(): void
}

export function openStoreFile(dataDir: string): StoreFile {
  const db = openDatabase(databaseFile(dataDir))
  return { db, store: storeOf(db), close: () => db.close() }
}

export const countRows = (db: Db, table: 'certificates' | 'vault_keys' | 'audit_log'): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

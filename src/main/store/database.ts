// The only importer of better-sqlite3. Opens the store in WAL mode with foreign keys on and
// brings it to the newest schema through the numbered migrations.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrations, type Migration } from './migrations'

export type Db = Database.Database

export function openDatabase(file: string, upTo?: number): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
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

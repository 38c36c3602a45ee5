// Prepared statements per connection: batch issuance runs the same few thousands of times.
import type Database from 'better-sqlite3'
import type { Db } from './database'

const statements = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>()

export function stmt(db: Db, sql: string): Database.Statement<unknown[]> {
  let m = statements.get(db)
  if (!m) statements.set(db, (m = new Map()))
  let s = m.get(sql)
  if (!s) m.set(sql, (s = db.prepare<unknown[]>(sql)))
  return s
}

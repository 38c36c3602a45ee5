// SQL for the operator's settings: one row per key, the value as JSON. (The audit log keeps
// its head anchor in the same table under keys of its own; audit-log.ts owns those.)
import type { ReadTx, WriteTx } from './database'

/** Every stored setting, parsed; the caller applies its defaults and schema. */
export function readSettings(db: ReadTx): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]))
}

/** Stores each entry (as JSON), replacing the value a key had. */
export function writeSettings(db: WriteTx, entries: Readonly<Record<string, unknown>>): void {
  const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
  for (const [k, v] of Object.entries(entries)) put.run(k, JSON.stringify(v))
}

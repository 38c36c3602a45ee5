// The store's checkpoint thread (src/main/store/wal-checkpointer.ts): started by sustained
// writing, it checkpoints the write-ahead log off the store's connection (the log is reused
// instead of growing), closing leaves the database file complete on its own, and a thread that
// cannot start hands checkpoints back to SQLite's own automatic checkpoint.
import { afterEach, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openDatabase, openStore, storeOf, type Store } from '../../../src/main/store'
import { CHECKPOINTER_AFTER_WRITES, DEFAULT_AUTOCHECKPOINT_PAGES, SAFETY_AUTOCHECKPOINT_PAGES, createWalCheckpointer } from '../../../src/main/store/wal-checkpointer'
import { CHECKPOINT_DELAY_MS } from '../../../src/main/store/wal-checkpoint-protocol'

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pkidesk-ckpt-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const walBytes = (file: string): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)
const autocheckpoint = (store: Store): number =>
  store.read((tx) => tx.pragma('wal_autocheckpoint', { simple: true }) as number)

/** Writes `transactions` transactions of ~64 KiB each into a table of its own. */
function writeMany(store: Store, transactions: number, from = 0): void {
  const blob = Buffer.alloc(64 * 1024, 7)
  store.write((tx) => tx.exec('CREATE TABLE IF NOT EXISTS ckpt_test (id INTEGER PRIMARY KEY, body BLOB)'))
  for (let i = 0; i < transactions; i++) store.write((tx) => tx.prepare('INSERT INTO ckpt_test (id, body) VALUES (?, ?)').run(from + i, blob))
}

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await sleep(20)
  }
}

describe('store checkpoint thread', { timeout: 60_000 }, () => {
  it('starts after sustained writing, and the log is checkpointed by it and reused instead of growing', async () => {
    const file = join(tempDir(), 'store.sqlite3')
    const store = openStore(file)
    try {
      expect(autocheckpoint(store)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES)
      writeMany(store, CHECKPOINTER_AFTER_WRITES + 1)
      // Started: the store's own automatic checkpoint is now only a backstop far above 1,000 pages.
      expect(autocheckpoint(store)).toBe(SAFETY_AUTOCHECKPOINT_PAGES)
      // ~1,600 pages of log per round: past SQLite's 1,000-page threshold, under the backstop.
      writeMany(store, 100, 1000)
      await sleep(CHECKPOINT_DELAY_MS * 5)
      const afterFirst = walBytes(file)
      for (let round = 0; round < 3; round++) {
        // Wait for the thread's checkpoint, then write as much again: a log fully checkpointed
        // is restarted from its beginning by the next writer, so the file does not grow.
        await sleep(CHECKPOINT_DELAY_MS * 5)
        writeMany(store, 100, 2000 + round * 100)
      }
      await sleep(CHECKPOINT_DELAY_MS * 5)
      // Without checkpoints the log would hold all four rounds (~26 MB).
      expect(walBytes(file)).toBeLessThanOrEqual(afterFirst * 1.2)
      expect(afterFirst).toBeGreaterThan(4 * 1024 * 1024)
    } finally {
      store.close()
    }
  })

  it('is closed with the store (its connection first), and the database file is then complete on its own', async () => {
    const dir = tempDir()
    const file = join(dir, 'store.sqlite3')
    const db = openDatabase(file)
    const checkpointer = createWalCheckpointer(db)
    const store = storeOf(db, checkpointer)
    writeMany(store, CHECKPOINTER_AFTER_WRITES + 40)
    // The thread has started and holds its connection open when the store closes.
    await waitFor(() => checkpointer.connected)
    writeMany(store, 20, 500)
    store.close()
    // close() waited for the thread to close its connection.
    expect(checkpointer.connected).toBe(false)
    expect(checkpointer.running).toBe(false)
    expect(existsSync(`${file}-wal`)).toBe(false)
    // The file alone, copied without its log, holds every row.
    copyFileSync(file, join(dir, 'copy.sqlite3'))
    const copy = new Database(join(dir, 'copy.sqlite3'), { readonly: true })
    try {
      expect((copy.prepare('SELECT count(*) AS n FROM ckpt_test').get() as { n: number }).n).toBe(CHECKPOINTER_AFTER_WRITES + 40 + 20)
    } finally {
      copy.close()
    }
  })

  it('hands checkpoints back to SQLite when its thread fails, and says so once', async () => {
    const dir = tempDir()
    const file = join(dir, 'store.sqlite3')
    const broken = join(dir, 'broken-worker.js')
    writeFileSync(broken, "throw new Error('checkpoint worker broken on purpose')\n")
    const db = openDatabase(file)
    const failures: unknown[] = []
    const checkpointer = createWalCheckpointer(db, { entry: () => ({ file: broken }), failed: (e) => failures.push(e) })
    const store = storeOf(db, checkpointer)
    try {
      writeMany(store, CHECKPOINTER_AFTER_WRITES + 1)
      expect(autocheckpoint(store)).toBe(SAFETY_AUTOCHECKPOINT_PAGES)
      await waitFor(() => failures.length > 0)
      expect(String(failures[0])).toContain('broken on purpose')
      expect(checkpointer.running).toBe(false)
      expect(autocheckpoint(store)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES)
      writeMany(store, 10, 100)
      expect(failures).toHaveLength(1)
    } finally {
      store.close()
    }
  })
})

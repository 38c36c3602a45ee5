// The search backlog's schedule (search-backlog.ts): nothing is indexed while commits keep
// coming; once they pause for the idle time, slices run one after another until the backlog
// is empty, and a commit in between sends it back to waiting. indexAll takes everything now
// with progress; a failed slice is tried again later; close stops it. Then the store itself:
// a store opened with a backlog left by a crash indexes it after the idle time.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, openStore, storeOf, type Db, type Store } from '../../../src/main/store'
import { countCertificates, insertCertificate, pendingSearchRows } from '../../../src/main/store/certificates-repo'
import { certificateRow, ROW_TIME } from './certificate-row'
import { createSearchBacklog, SEARCH_BACKLOG_IDLE_MS, SEARCH_BACKLOG_POLL_MS, type SearchBacklogTimers } from '../../../src/main/store/search-backlog'

const NOW = ROW_TIME

function addRows(store: Store, n: number, from = 0): void {
  store.write((tx) => {
    for (let i = from; i < from + n; i++) insertCertificate(tx, certificateRow({ serial: (0x1000 + i).toString(16), subject: `CN=device-${i}.fleet`, sans: '' }))
  })
}

/** Timers the test moves by hand. */
function manualTimers(): SearchBacklogTimers & { advance(ms: number): void; runNext(): number; pending(): number } {
  let t = 0
  let queue: { at: number; fn: () => void; id: number }[] = []
  let ids = 0
  return {
    now: () => t,
    after(ms, fn) {
      const id = ++ids
      queue.push({ at: t + ms, fn, id })
      return () => void (queue = queue.filter((q) => q.id !== id))
    },
    advance(ms) {
      const end = t + ms
      for (;;) {
        queue.sort((a, b) => a.at - b.at)
        const next = queue[0]
        if (!next || next.at > end) break
        queue.shift()
        t = Math.max(t, next.at)
        next.fn()
      }
      t = Math.max(t, end)
    },
    /** Runs the earliest timer alone; returns the clock then. */
    runNext() {
      queue.sort((a, b) => a.at - b.at)
      const next = queue.shift()
      if (!next) throw new Error('no timer queued')
      t = Math.max(t, next.at)
      next.fn()
      return t
    },
    pending: () => queue.length
  }
}

describe('search backlog', () => {
  let dir: string
  let db: Db
  let store: Store
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-backlog-'))
    db = openDatabase(join(dir, 'db.sqlite3'))
    store = storeOf(db)
    db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(NOW)
  })
  afterEach(() => {
    if (db.open) db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const pending = (): number => store.read((tx) => pendingSearchRows(tx))

  it('waits while commits keep coming, then indexes slice by slice; a commit in between sends it back to waiting', () => {
    const timers = manualTimers()
    let slices = 0
    // A budget of 0 ms: each slice ends at its first look at the clock, after 64 rows.
    const backlog = createSearchBacklog({ read: store.read, write: (body) => (slices++, store.write(body)), isOpen: () => db.open, timers, idleMs: 300, sliceMs: 0 })
    addRows(store, 300)
    for (let i = 0; i < 10; i++) {
      backlog.committed()
      timers.advance(200)
    }
    expect(slices).toBe(0)
    expect(pending()).toBe(300)
    const lastCommit = 10 * 200 - 200
    expect(timers.runNext()).toBe(lastCommit + 300) // 300 ms after the last commit
    expect(slices).toBe(1)
    expect(pending()).toBe(300 - 64)
    expect(timers.runNext()).toBe(lastCommit + 300) // the next slice is queued at once
    expect(slices).toBe(2)
    backlog.committed() // another write between two slices: the queued slice waits again
    expect(timers.runNext()).toBe(lastCommit + 300)
    expect(slices).toBe(2)
    expect(timers.runNext()).toBe(lastCommit + 300 + 300)
    expect(slices).toBe(3)
    timers.advance(10)
    expect(slices).toBe(5)
    expect(pending()).toBe(0)
    expect(timers.pending()).toBe(1) // nothing left to do: only the look in 10 s
    expect(store.read((tx) => (tx.prepare('SELECT count(*) AS n FROM certificates_search WHERE certificates_search MATCH ?').get('"device-"') as { n: number }).n)).toBe(300)
    backlog.close()
  })

  it('finds rows another process left: it looks again every 10 s, waits while that process adds more, and a commit brings the look forward', () => {
    const timers = manualTimers()
    let slices = 0
    const backlog = createSearchBacklog({ read: store.read, write: (body) => (slices++, store.write(body)), isOpen: () => db.open, timers })
    timers.advance(SEARCH_BACKLOG_IDLE_MS) // nothing pending at open
    expect(slices).toBe(0)
    addRows(store, 20) // as another process's batch: this backlog is not told of the commit
    timers.advance(SEARCH_BACKLOG_POLL_MS)
    expect(pending()).toBe(20) // seen: it waits for them to stop coming
    addRows(store, 10, 100) // the other batch goes on
    timers.advance(SEARCH_BACKLOG_IDLE_MS)
    expect(pending()).toBe(30)
    expect(slices).toBe(0)
    timers.advance(SEARCH_BACKLOG_IDLE_MS) // nothing new for 300 ms
    expect(pending()).toBe(0)
    // Idle again: the next look is 10 s away, but a commit of its own brings it to 300 ms.
    addRows(store, 5, 20)
    backlog.committed()
    timers.advance(SEARCH_BACKLOG_IDLE_MS)
    expect(pending()).toBe(0)
    backlog.close()
  })

  it('indexAll takes the whole backlog now and reports progress; close stops the schedule', () => {
    const timers = manualTimers()
    const backlog = createSearchBacklog({ read: store.read, write: store.write, isOpen: () => db.open, timers, sliceMs: 0 })
    addRows(store, 200)
    const progress: string[] = []
    expect(backlog.indexAll((done, total) => progress.push(`${done}/${total}`))).toBe(200)
    expect(progress).toEqual(['64/200', '128/200', '192/200', '200/200'])
    expect(pending()).toBe(0)
    expect(backlog.indexAll()).toBe(0)
    addRows(store, 5, 200)
    backlog.committed()
    backlog.close()
    timers.advance(10_000)
    expect(pending()).toBe(5)
  })

  it('tries a failed slice again, waiting longer after each failure', () => {
    const timers = manualTimers()
    const errors: unknown[] = []
    let fail = true
    const backlog = createSearchBacklog({
      read: store.read,
      write: (body) => {
        if (fail) throw new Error('SQLITE_BUSY: database is locked')
        return store.write(body)
      },
      isOpen: () => db.open,
      timers,
      onError: (e) => errors.push(e)
    })
    addRows(store, 10)
    backlog.committed()
    timers.advance(SEARCH_BACKLOG_IDLE_MS)
    expect(errors).toHaveLength(1)
    expect(pending()).toBe(10)
    // The wait doubles after each failure: 300, 600, 1,200 ms…
    timers.advance(SEARCH_BACKLOG_IDLE_MS)
    expect(errors).toHaveLength(2)
    timers.advance(2 * SEARCH_BACKLOG_IDLE_MS - 1)
    expect(errors).toHaveLength(2)
    timers.advance(1)
    expect(errors).toHaveLength(3)
    fail = false
    timers.advance(4 * SEARCH_BACKLOG_IDLE_MS)
    expect(pending()).toBe(0)
    expect(errors).toHaveLength(3)
    backlog.close()
  })

  it('stops once the connection is closed', () => {
    const timers = manualTimers()
    let reads = 0
    const backlog = createSearchBacklog({ read: (body) => (reads++, store.read(body)), write: store.write, isOpen: () => db.open, timers })
    addRows(store, 3)
    backlog.committed()
    db.close()
    timers.advance(10 * SEARCH_BACKLOG_IDLE_MS)
    expect(reads).toBe(0)
    expect(timers.pending()).toBe(0)
  })

  it('a store opened over a backlog a crash left indexes it once idle; search finds the rows throughout', async () => {
    addRows(store, 500)
    db.close() // as a kill would leave it: committed, not indexed
    const reopened = openStore(join(dir, 'db.sqlite3'))
    try {
      const count = (): number => reopened.read((tx) => pendingSearchRows(tx))
      expect(count()).toBe(500)
      // device-4, device-40..49, device-400..499
      const searched = (): number => reopened.read((tx) => countCertificates(tx, { search: 'device-4', now: NOW }))
      expect(searched()).toBe(111)
      const deadline = Date.now() + 10_000
      while (count() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(count()).toBe(0)
      const n = reopened.read((tx) => (tx.prepare('SELECT count(*) AS n FROM certificates_search WHERE certificates_search MATCH ?').get('"device-4"') as { n: number }).n)
      expect(n).toBe(111)
      expect(searched()).toBe(111)
      reopened.read((tx) => tx.prepare("INSERT INTO certificates_search (certificates_search, rank) VALUES ('integrity-check', 1)").run())
    } finally {
      reopened.close()
    }
  })
})

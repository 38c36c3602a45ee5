// Closing the services indexes the search backlog a batch left (the CLI exits right after its
// batch): from 5,000 rows with progress events (the CLI prints them on stderr), below that
// silently; either way nothing is left pending and search finds every row.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { databaseFile, openDatabase, openStore, storeOf } from '../../../src/main/store'
import { insertCertificate, pendingSearchRows } from '../../../src/main/store/certificates-repo'
import type { EventName, EventPayload } from '../../../src/shared/ipc/events'
import { certificateRow, ROW_TIME } from '../../unit/store/certificate-row'

const NOW = ROW_TIME

/** `n` certificate rows committed through a connection of its own, as a killed batch leaves them: in the backlog. */
function leaveBacklog(dataDir: string, n: number): void {
  const db = openDatabase(databaseFile(dataDir))
  storeOf(db).write((tx) => {
    tx.prepare("INSERT OR IGNORE INTO authorities (id, name, state, subject, created_at) VALUES ('ca1', 'Root', 'active', 'CN=Root', ?)").run(NOW)
    for (let i = 0; i < n; i++) insertCertificate(tx, certificateRow({ serial: (0x100000 + i).toString(16), subject: `CN=sensor-${i}.plant.example`, sans: `DNS:sensor-${i}.plant.example` }))
  })
  db.close()
}

function pendingIn(dataDir: string): number {
  const db = openDatabase(databaseFile(dataDir))
  try {
    return storeOf(db).read((tx) => pendingSearchRows(tx))
  } finally {
    db.close()
  }
}

describe('closing the services indexes the search backlog', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('does not wait behind another connection holding the write lock: it leaves the backlog and closes', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-backlog-close-'))
    dirs.push(dataDir)
    const services = createServices({ dataDir, keychain: createMemoryKeychain() })
    leaveBacklog(dataDir, 300)
    const other = openDatabase(databaseFile(dataDir))
    try {
      other.exec('BEGIN IMMEDIATE') // another process's batch, mid-commit
      const t = performance.now()
      expect(() => services.close()).not.toThrow()
      expect(performance.now() - t).toBeLessThan(2000) // busy_timeout is 5 s: it did not wait for it
      other.exec('ROLLBACK')
    } finally {
      other.close()
    }
    expect(pendingIn(dataDir)).toBe(300)
    const again = createServices({ dataDir, keychain: createMemoryKeychain() })
    again.close()
    expect(pendingIn(dataDir)).toBe(0)
  })

  it("the idle indexing does not wait behind another connection's write lock either", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-backlog-close-'))
    dirs.push(dataDir)
    leaveBacklog(dataDir, 300)
    const store = openStore(databaseFile(dataDir)) // indexes the backlog 300 ms after it opens
    const other = openDatabase(databaseFile(dataDir))
    const loop = monitorEventLoopDelay({ resolution: 10 })
    try {
      other.exec('BEGIN IMMEDIATE')
      loop.enable()
      await new Promise((r) => setTimeout(r, 1200))
      loop.disable()
      other.exec('ROLLBACK')
      // Waiting for the lock would have held this thread for busy_timeout (5 s).
      expect(loop.max / 1e6).toBeLessThan(1000)
      expect(store.read((tx) => pendingSearchRows(tx))).toBe(300)
      expect(store.indexForSearch()).toBe(300) // and once the lock is free, it goes on
    } finally {
      other.close()
      store.close()
    }
  })

  for (const [n, reported] of [
    [5_000, true],
    [40, false]
  ] as const)
    it(`${n} rows: indexed at close, ${reported ? 'with' : 'without'} progress; search finds them before and after`, () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-backlog-close-'))
      dirs.push(dataDir)
      const events: EventPayload<'progress'>[] = []
      const services = createServices({
        dataDir,
        keychain: createMemoryKeychain(),
        emit: <N extends EventName>(name: N, payload: EventPayload<N>) => {
          if (name === 'progress') events.push(payload as EventPayload<'progress'>)
        }
      })
      leaveBacklog(dataDir, n) // committed while these services are open, by another connection
      const found = (): number => {
        const r = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10, search: 'SENSOR-1' })
        if (!r.ok) throw new Error(r.error.message)
        return r.value.total
      }
      const expected = [...Array(n).keys()].filter((i) => String(i).startsWith('1')).length
      expect(pendingIn(dataDir)).toBe(n)
      expect(found()).toBe(expected)
      services.close()
      expect(pendingIn(dataDir)).toBe(0)
      const search = events.filter((e) => e.operationId === 'search-index')
      if (reported) {
        expect(search.length).toBeGreaterThan(0)
        expect(search.at(-1)).toMatchObject({ done: n, total: n, finished: true, label: 'indexing certificates for search' })
      } else expect(search).toEqual([])
      const again = createServices({ dataDir, keychain: createMemoryKeychain() })
      try {
        const r = again.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10, search: 'SENSOR-1' })
        expect(r.ok && r.value.total).toBe(expected)
      } finally {
        again.close()
      }
    })
})

// The store's folder is 0700 and its database, -wal and -shm are 0600 after every start,
// whoever created them and whatever the umask (an older build left them 0644).
import { afterAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../../src/main/store'
import { tempDir } from '../engine/helpers'

const tmp = tempDir('pkidesk-modes-')
afterAll(() => tmp.cleanup())
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8)

describe.runIf(process.platform !== 'win32')('store file modes', () => {
  it('creates the folder 0700 and the database, -wal and -shm 0600 under a permissive umask', () => {
    const previous = process.umask(0o000)
    try {
      const file = join(tmp.dir, 'fresh', 'pkidesk.sqlite3')
      const db = openDatabase(file)
      db.prepare("INSERT INTO settings (key, value) VALUES ('modes', '1')").run()
      expect(mode(join(tmp.dir, 'fresh'))).toBe('700')
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f)).toBe('600')
      db.close()
    } finally {
      process.umask(previous)
    }
  })

  it('tightens an existing store left open to everyone at the next start', () => {
    const dir = join(tmp.dir, 'old')
    const file = join(dir, 'pkidesk.sqlite3')
    openDatabase(file).close()
    mkdirSync(dir, { recursive: true })
    chmodSync(dir, 0o755)
    chmodSync(file, 0o644)
    writeFileSync(`${file}-wal`, '')
    chmodSync(`${file}-wal`, 0o644)
    writeFileSync(`${file}-shm`, '')
    chmodSync(`${file}-shm`, 0o666)
    const db = openDatabase(file)
    expect(mode(dir)).toBe('700')
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f)).toBe('600')
    db.close()
  })
})

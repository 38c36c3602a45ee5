import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../src/main/store/database'

/** Cheap scrypt for tests; production keys use DEFAULT_SCRYPT and store their parameters. */
export const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const
export const PASS = 'correct horse battery'

export interface TempDb {
  readonly db: Db
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
    dir,
    file,
    cleanup: () => {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

// Owner-only file modes for the store, applied at every start (not only when PKI Desk creates
// the folder): the data directory 0700; the database and SQLite's -wal and -shm files 0600.
// SQLite gives -wal and -shm the main file's mode, so the database file is created 0600
// before SQLite opens it. POSIX only: Windows has no such bits (its profile folder's ACL
// applies).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600
const SIDE_FILES = ['', '-wal', '-shm', '-journal'] as const

/** Before opening: the folder exists and is 0700, the database file exists and is 0600. */
export function prepareStoreFiles(file: string, platform: NodeJS.Platform = process.platform): void {
  const dir = dirname(file)
  mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  if (platform === 'win32') return
  chmodSync(dir, DIR_MODE)
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE))
  secureStoreFiles(file, platform)
}

/** The database and whichever of its side files exist, 0600 (again after WAL mode made them). */
export function secureStoreFiles(file: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return
  for (const suffix of SIDE_FILES) {
    const path = `${file}${suffix}`
    if (existsSync(path)) chmodSync(path, FILE_MODE)
  }
}

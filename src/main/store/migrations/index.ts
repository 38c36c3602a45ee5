// Numbered migrations, applied in order. Each file has a test in tests/unit/store.
import type { Db } from '../database'
import { m001Initial } from './001-initial'

export interface Migration {
  readonly version: number
  readonly name: string
  up(db: Db): void
}

export const migrations: readonly Migration[] = [m001Initial]

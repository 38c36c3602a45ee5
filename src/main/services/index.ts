// Builds every service over one store. The Electron main process, the CLI and the renderer
// test harness all call createServices, so they run the same code.
import { openDatabase, schemaVersion, databaseFile, type Db } from '../store'
import type { EventSink } from '../../shared/ipc/events'
import { createSettingsService, type SettingsService } from './settings-service'

export interface ServicesOptions {
  readonly dataDir: string
  /** Where main pushes events; the CLI passes one that writes progress to stderr or nothing. */
  readonly emit?: EventSink
  readonly now?: () => Date
  readonly version?: string
}

export interface AppInfoService {
  info(): { name: string; version: string; dataDir: string; platform: string; schemaVersion: number }
}

export interface Services {
  readonly db: Db
  readonly app: AppInfoService
  readonly settings: SettingsService
  /** The OS locked the screen or is suspending: lock every unlocked key. */
  onSystemLock?(): void
  close(): void
}

export function createServices(options: ServicesOptions): Services {
  const db = openDatabase(databaseFile(options.dataDir))
  const emit: EventSink = options.emit ?? (() => undefined)
  const version = options.version ?? '0.1.0'
  return {
    db,
    app: {
      info: () => ({ name: 'PKI Desk', version, dataDir: options.dataDir, platform: process.platform, schemaVersion: schemaVersion(db) })
    },
    settings: createSettingsService(db, emit),
    close: () => db.close()
  }
}

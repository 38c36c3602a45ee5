// Operator settings (theme, auto-lock, default export formats), stored as rows of the settings
// table; and what the Settings screen says about the store: where it is, its size on disk and
// its counts, with the data directory revealed in the file manager or copied as a path.
import { statSync } from 'node:fs'
import { fail, ok, type Result } from '../../shared/errors'
import { settingsDto, type SettingsDto, type StoreInfoDto } from '../../shared/ipc/app'
import type { Store } from '../store/database'
import { readSettings, writeSettings } from '../store/settings-repo'
import { storeStats } from '../store/store-stats'
import type { EventSink } from '../../shared/ipc/events'

const DEFAULTS: SettingsDto = { theme: 'system', autoLockMinutes: 15, backupReminderDays: 7, backupReminderIssuances: 1000, certificateExportFormat: 'pem', crlFormat: 'der' }

/**
 * The desktop's side of "Reveal" and "Copy path": Electron's shell and clipboard in the app
 * (src/main/app/desktop.ts), a recorder in the test harness, absent in the CLI.
 */
export interface DesktopPort {
  /** Opens the OS file manager on the folder holding `path`, with `path` selected. */
  showItemInFolder(path: string): void
  copyText(text: string): void
}

export interface SettingsService {
  get(): SettingsDto
  update(patch: Partial<SettingsDto>): Result<SettingsDto>
  storeInfo(): StoreInfoDto
  revealDataDir(): Result<{ revealed: string }>
  copyDataDir(): Result<{ copied: string }>
}

export interface SettingsServiceOptions {
  readonly store: Store
  readonly emit: EventSink
  readonly dataDir: string
  readonly databaseFile: string
  readonly now: () => Date
  readonly desktop?: DesktopPort | undefined
}

/** A file's size in bytes, 0 when it does not exist (a WAL after a clean close). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

export function createSettingsService({ store, emit, dataDir, databaseFile, now, desktop }: SettingsServiceOptions): SettingsService {
  const read = (): SettingsDto => settingsDto.parse({ ...DEFAULTS, ...store.read(readSettings) })
  const noDesktop = (): Result<never> => fail('FILES_NO_DESKTOP', `Revealing or copying the data directory needs the desktop app; the data directory is ${dataDir}.`)
  return {
    get: read,
    update(patch) {
      const next = settingsDto.parse({ ...read(), ...patch })
      store.write((tx) => writeSettings(tx, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))))
      emit('changed', { domain: 'settings' })
      return ok(next)
    },
    storeInfo() {
      const s = store.read((db) => storeStats(db, now().toISOString()))
      return {
        dataDir,
        databaseFile,
        databaseBytes: sizeOf(databaseFile),
        walBytes: sizeOf(`${databaseFile}-wal`),
        counts: {
          authorities: s.authorities,
          certificates: { total: s.certificates, valid: s.certificates - s.revoked - s.expired, expired: s.expired, revoked: s.revoked },
          profiles: s.profiles,
          crls: s.crls,
          auditEntries: s.auditEntries
        }
      }
    },
    revealDataDir() {
      if (!desktop) return noDesktop()
      desktop.showItemInFolder(databaseFile)
      return ok({ revealed: databaseFile })
    },
    copyDataDir() {
      if (!desktop) return noDesktop()
      desktop.copyText(dataDir)
      return ok({ copied: dataDir })
    }
  }
}

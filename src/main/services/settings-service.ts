// Operator settings (theme, auto-lock), stored as rows of the settings table.
import { ok, type Result } from '../../shared/errors'
import { settingsDto, type SettingsDto } from '../../shared/ipc/app'
import type { Store } from '../store/database'
import { readSettings, writeSettings } from '../store/settings-repo'
import type { EventSink } from '../../shared/ipc/events'

const DEFAULTS: SettingsDto = { theme: 'system', autoLockMinutes: 15, backupReminderDays: 7, backupReminderIssuances: 1000, certificateExportFormat: 'pem', crlFormat: 'der' }

export interface SettingsService {
  get(): SettingsDto
  update(patch: Partial<SettingsDto>): Result<SettingsDto>
}

export function createSettingsService(store: Store, emit: EventSink): SettingsService {
  const read = (): SettingsDto => settingsDto.parse({ ...DEFAULTS, ...store.read(readSettings) })
  return {
    get: read,
    update(patch) {
      const next = settingsDto.parse({ ...read(), ...patch })
      store.write((tx) => writeSettings(tx, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))))
      emit('changed', { domain: 'settings' })
      return ok(next)
    }
  }
}

// Operator settings (theme, auto-lock), stored as rows of the settings table.
import { ok, type Result } from '../../shared/errors'
import { settingsDto, type SettingsDto } from '../../shared/ipc/app'
import type { Db } from '../store/database'
import type { EventSink } from '../../shared/ipc/events'

const DEFAULTS: SettingsDto = { theme: 'system', autoLockMinutes: 15, backupReminderDays: 7, backupReminderIssuances: 1000 }

export interface SettingsService {
  get(): SettingsDto
  update(patch: Partial<SettingsDto>): Result<SettingsDto>
}

export function createSettingsService(db: Db, emit: EventSink): SettingsService {
  const read = (): SettingsDto => {
    const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]))
    return settingsDto.parse({ ...DEFAULTS, ...stored })
  }
  return {
    get: read,
    update(patch) {
      const next = settingsDto.parse({ ...read(), ...patch })
      const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      db.transaction(() => {
        for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(v))
      })()
      emit('changed', { domain: 'settings' })
      return ok(next)
    }
  }
}

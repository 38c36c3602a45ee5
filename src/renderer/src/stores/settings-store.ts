// Mirror of main's operator settings (theme, auto-lock).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError, Result } from '../../../shared/errors'
import type { SettingsDto } from '../../../shared/ipc/app'
import { onDomainChanged } from './live'

interface SettingsState {
  readonly settings: SettingsDto | null
  readonly error: AppError | null
  load(): Promise<void>
  update(patch: Partial<SettingsDto>): Promise<Result<SettingsDto>>
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  error: null,
  async load() {
    const r = await pki.settings.get({})
    set(r.ok ? { settings: r.value, error: null } : { error: r.error })
  },
  async update(patch) {
    const r = await pki.settings.update(patch)
    if (r.ok) set({ settings: r.value, error: null })
    return r
  }
}))

onDomainChanged('settings', () => void useSettingsStore.getState().load())

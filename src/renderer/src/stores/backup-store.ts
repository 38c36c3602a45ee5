// Mirror of main's backup status: when the last backup was made and whether the reminder is due.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { BackupStatusDto } from '../../../shared/ipc/backup'
import { onDomainChanged } from './live'

interface BackupState {
  readonly status: BackupStatusDto | null
  readonly error: AppError | null
  load(): Promise<void>
}

export const useBackupStore = create<BackupState>()((set) => ({
  status: null,
  error: null,
  async load() {
    const r = await pki.backup.status({})
    set(r.ok ? { status: r.value, error: null } : { error: r.error })
  }
}))

const reload = (): void => void useBackupStore.getState().load()
onDomainChanged('backup', reload)
onDomainChanged('certificates', reload)
onDomainChanged('settings', reload)

// Mirror of the audit trail: its integrity verdict and the newest entries.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { AuditEntryDto, AuditVerdictDto } from '../../../shared/ipc/audit'
import { onDomainChanged } from './live'

interface AuditState {
  readonly verdict: AuditVerdictDto | null
  readonly entries: readonly AuditEntryDto[]
  readonly total: number
  readonly filter: string
  readonly loaded: boolean
  readonly error: AppError | null
  load(): Promise<void>
  /** The verdict alone (the dashboard flags a broken trail without reading entries). */
  verify(): Promise<void>
  setFilter(filter: string): void
}

export const useAuditStore = create<AuditState>()((set, get) => ({
  verdict: null,
  entries: [],
  total: 0,
  filter: '',
  loaded: false,
  error: null,
  async load() {
    const subject = get().filter.trim()
    const [v, l] = await Promise.all([pki.audit.verify({}), pki.audit.list({ limit: 500, ...(subject ? { subject } : {}) })])
    if (!v.ok) return set({ error: v.error, loaded: true })
    if (!l.ok) return set({ error: l.error, loaded: true })
    set({ verdict: v.value, entries: l.value.entries, total: l.value.total, loaded: true, error: null })
  },
  async verify() {
    const v = await pki.audit.verify({})
    set(v.ok ? { verdict: v.value, error: null } : { error: v.error })
  },
  setFilter(filter) {
    set({ filter })
    void get().load()
  }
}))

onDomainChanged('audit', () => {
  const s = useAuditStore.getState()
  if (s.loaded) void s.load()
  else if (s.verdict) void s.verify()
})

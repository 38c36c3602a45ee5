// Mirror of the audit trail: its integrity verdict, the query the operator set (search by
// CN, serial, CA or action; an action; a time window) and the newest matching entries.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { AuditEntryDto, AuditVerdictDto } from '../../../shared/ipc/audit'
import { onDomainChanged } from './live'

export interface AuditQuery {
  readonly search: string
  readonly action: string | null
  /** Dates as the inputs hold them (YYYY-MM-DD, UTC days), empty for no bound. */
  readonly from: string
  readonly to: string
}

export const NO_AUDIT_FILTER: AuditQuery = { search: '', action: null, from: '', to: '' }

interface AuditState {
  readonly verdict: AuditVerdictDto | null
  readonly entries: readonly AuditEntryDto[]
  readonly total: number
  readonly query: AuditQuery
  readonly loaded: boolean
  readonly error: AppError | null
  load(): Promise<void>
  /** The verdict alone (the dashboard flags a broken trail without reading entries). */
  verify(): Promise<void>
  setQuery(patch: Partial<AuditQuery>): void
}

const PAGE = 500

function request(q: AuditQuery): Parameters<typeof pki.audit.list>[0] {
  return {
    limit: PAGE,
    ...(q.search.trim() ? { search: q.search.trim() } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.from ? { from: `${q.from}T00:00:00.000Z` } : {}),
    ...(q.to ? { to: `${q.to}T23:59:59.999Z` } : {})
  }
}

export const useAuditStore = create<AuditState>()((set, get) => ({
  verdict: null,
  entries: [],
  total: 0,
  query: NO_AUDIT_FILTER,
  loaded: false,
  error: null,
  async load() {
    const query = get().query
    const [v, l] = await Promise.all([pki.audit.verify({}), pki.audit.list(request(query))])
    // A later query superseded this one: its answer is dropped.
    if (get().query !== query) return
    if (!v.ok) return set({ error: v.error, loaded: true })
    if (!l.ok) return set({ error: l.error, loaded: true })
    set({ verdict: v.value, entries: l.value.entries, total: l.value.total, loaded: true, error: null })
  },
  async verify() {
    const v = await pki.audit.verify({})
    set(v.ok ? { verdict: v.value, error: null } : { error: v.error })
  },
  setQuery(patch) {
    set({ query: { ...get().query, ...patch } })
    void get().load()
  }
}))

onDomainChanged('audit', () => {
  const s = useAuditStore.getState()
  if (s.loaded) void s.load()
  else if (s.verdict) void s.verify()
})

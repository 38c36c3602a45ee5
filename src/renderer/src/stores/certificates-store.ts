// The certificate inventory as the renderer mirrors it: the current query (search, filters,
// sort) and the pages loaded so far (cursor paging, so 100,000 rows never cross IPC at once).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { CertificateStatus, CertificateSummary } from '../../../shared/domain/certificate'
import type { ListCertificatesRequest } from '../../../shared/ipc/certificates'
import { onDomainChanged } from './live'

export type SortField = ListCertificatesRequest['sort']['field']

export interface InventoryQuery {
  readonly search: string
  readonly status: CertificateStatus | null
  readonly authorityId: string | null
  readonly profileId: string | null
  readonly expiringWithinDays: number | null
  readonly sort: { readonly field: SortField; readonly direction: 'asc' | 'desc' }
}

const PAGE = 500

interface CertificatesState {
  readonly query: InventoryQuery
  readonly items: readonly CertificateSummary[]
  readonly total: number
  readonly nextCursor: string | null
  readonly loading: boolean
  readonly loaded: boolean
  readonly error: AppError | null
  /** Incremented per query so a late page of an old query is dropped. */
  readonly generation: number
  setQuery(patch: Partial<InventoryQuery>): void
  reload(): Promise<void>
  loadMore(): Promise<void>
}

export const DEFAULT_QUERY: InventoryQuery = {
  search: '',
  status: null,
  authorityId: null,
  profileId: null,
  expiringWithinDays: null,
  sort: { field: 'createdAt', direction: 'desc' }
}

function toRequest(q: InventoryQuery, cursor: string | null): ListCertificatesRequest {
  return {
    ...(q.search.trim() ? { search: q.search.trim() } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.authorityId ? { authorityId: q.authorityId } : {}),
    ...(q.profileId ? { profileId: q.profileId } : {}),
    ...(q.expiringWithinDays !== null ? { expiringWithinDays: q.expiringWithinDays } : {}),
    sort: q.sort,
    ...(cursor ? { cursor } : {}),
    limit: PAGE
  }
}

export const useCertificatesStore = create<CertificatesState>()((set, get) => ({
  query: DEFAULT_QUERY,
  items: [],
  total: 0,
  nextCursor: null,
  loading: false,
  loaded: false,
  error: null,
  generation: 0,
  setQuery(patch) {
    set({ query: { ...get().query, ...patch } })
    void get().reload()
  },
  async reload() {
    const generation = get().generation + 1
    set({ generation, loading: true })
    const r = await pki.certificates.list(toRequest(get().query, null))
    if (get().generation !== generation) return
    if (!r.ok) return set({ loading: false, loaded: true, error: r.error })
    set({ items: r.value.items, total: r.value.total, nextCursor: r.value.nextCursor, loading: false, loaded: true, error: null })
  },
  async loadMore() {
    const { nextCursor, loading, generation } = get()
    if (!nextCursor || loading) return
    set({ loading: true })
    const r = await pki.certificates.list(toRequest(get().query, nextCursor))
    if (get().generation !== generation) return
    if (!r.ok) return set({ loading: false, error: r.error })
    set({ items: [...get().items, ...r.value.items], total: r.value.total, nextCursor: r.value.nextCursor, loading: false, error: null })
  }
}))

onDomainChanged('certificates', () => {
  if (useCertificatesStore.getState().loaded) void useCertificatesStore.getState().reload()
})

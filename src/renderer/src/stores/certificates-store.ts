// The certificate inventory as the renderer mirrors it: the current query (search, filters,
// sort) and the pages loaded so far (cursor paging, so 100,000 rows never cross IPC at once);
// the certificate open in the certificate view; the inventory's selection for bulk actions;
// and the dashboard's expiry counts.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError, Result } from '../../../shared/errors'
import type { CertificateDetail, CertificateStatus, CertificateSummary } from '../../../shared/domain/certificate'
import type { CertificateFilter, CertificateSelection, ListCertificatesRequest } from '../../../shared/ipc/certificates'
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
/** The dashboard's timeline: this many weeks ahead. */
export const EXPIRY_WEEKS = 26

export interface WeekCount {
  readonly start: Date
  readonly count: number
}

export interface ExpiryStats {
  readonly total: number
  readonly revoked: number
  readonly within30: number
  readonly weeks: readonly WeekCount[]
}

/**
 * What the operator selected for Revoke… and Export…: rows picked one by one (their ids), or
 * everything the filter matches, held as the filter itself (main resolves it: a million ids
 * never cross IPC) with the count the inventory showed when it was chosen.
 */
export type InventorySelection =
  | { readonly kind: 'ids'; readonly ids: ReadonlySet<number> }
  | { readonly kind: 'filter'; readonly filter: CertificateFilter; readonly total: number }

export const NO_SELECTION: InventorySelection = { kind: 'ids', ids: new Set() }

/** How many certificates a selection names. */
export const selectionSize = (s: InventorySelection): number => (s.kind === 'ids' ? s.ids.size : s.total)

/** The selection as main's bulk channels take it. */
export const selectionRequest = (s: InventorySelection): CertificateSelection => (s.kind === 'ids' ? { ids: [...s.ids] } : { filter: s.filter })

/** The open certificate: its id, and once main answered, its detail or why it could not be read. */
export interface OpenDetail {
  readonly id: number
  readonly value: CertificateDetail | null
  readonly error: AppError | null
}

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
  readonly detail: OpenDetail | null
  readonly stats: ExpiryStats | null
  readonly statsError: AppError | null
  readonly selection: InventorySelection
  /** Selects or unselects rows by id; a selection of all matching becomes the loaded rows first. */
  select(ids: readonly number[], on: boolean): void
  /** Everything the current filter matches (the filter is kept, not the ids). */
  selectAllMatching(): void
  clearSelection(): void
  setQuery(patch: Partial<InventoryQuery>): void
  reload(): Promise<void>
  loadMore(): Promise<void>
  /** Reads one certificate for the certificate view (again, when `id` is the open one). */
  loadDetail(id: number): Promise<void>
  loadStats(): Promise<void>
}

export const DEFAULT_QUERY: InventoryQuery = {
  search: '',
  status: null,
  authorityId: null,
  profileId: null,
  expiringWithinDays: null,
  sort: { field: 'createdAt', direction: 'desc' }
}

/** The query's filter, as the list and the bulk channels read it. */
export function filterOf(q: InventoryQuery): CertificateFilter {
  return {
    ...(q.search.trim() ? { search: q.search.trim() } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.authorityId ? { authorityId: q.authorityId } : {}),
    ...(q.profileId ? { profileId: q.profileId } : {}),
    ...(q.expiringWithinDays !== null ? { expiringWithinDays: q.expiringWithinDays } : {})
  }
}

function toRequest(q: InventoryQuery, cursor: string | null): ListCertificatesRequest {
  return {
    ...filterOf(q),
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
  detail: null,
  stats: null,
  statsError: null,
  selection: NO_SELECTION,
  select(ids, on) {
    const current = get().selection
    const next = new Set(current.kind === 'ids' ? current.ids : get().items.map((c) => c.id))
    for (const id of ids) {
      if (on) next.add(id)
      else next.delete(id)
    }
    set({ selection: { kind: 'ids', ids: next } })
  },
  selectAllMatching() {
    set({ selection: { kind: 'filter', filter: filterOf(get().query), total: get().total } })
  },
  clearSelection: () => set({ selection: NO_SELECTION }),
  setQuery(patch) {
    // Another filter is another set of certificates: what was selected under the old one is let
    // go (another sort order keeps it).
    const query = { ...get().query, ...patch }
    const sameFilter = JSON.stringify(filterOf(query)) === JSON.stringify(filterOf(get().query))
    set({ query, ...(sameFilter ? {} : { selection: NO_SELECTION }) })
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
  },
  async loadDetail(id) {
    const open = get().detail
    // Another certificate's detail never shows while this one loads; the same one stays.
    if (open?.id !== id) set({ detail: { id, value: null, error: null } })
    const r = await pki.certificates.get({ id })
    if (get().detail?.id !== id) return
    set({ detail: r.ok ? { id, value: r.value, error: null } : { id, value: get().detail?.value ?? null, error: r.error } })
  },
  async loadStats() {
    const r = await expiryStats()
    set(r.ok ? { stats: r.value, statsError: null } : { statsError: r.error })
  }
}))

/** The dashboard's counts and timeline: one request, counted by main from its tallies. */
async function expiryStats(): Promise<Result<ExpiryStats>> {
  const r = await pki.certificates.expiryStats({ weeks: EXPIRY_WEEKS })
  if (!r.ok) return r
  return { ok: true, value: { ...r.value, weeks: r.value.weeks.map((w) => ({ start: new Date(w.start), count: w.count })) } }
}

// A key locked or unlocked changes what the open certificate's view says about its key.
onDomainChanged('vault', () => {
  const s = useCertificatesStore.getState()
  if (s.detail) void s.loadDetail(s.detail.id)
})

onDomainChanged('certificates', () => {
  const s = useCertificatesStore.getState()
  if (s.loaded) void s.reload()
  if (s.detail) void s.loadDetail(s.detail.id)
  if (s.stats) void s.loadStats()
})

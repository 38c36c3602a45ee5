// Mirror of main's issuance profiles: all non-archived ones, for pickers; and the page the
// profiles screen browses (its own search, kind and archived filter).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { Contract } from '../../../shared/ipc/contract'
import type { ResponseOf } from '../../../shared/ipc/define'
import { onDomainChanged } from './live'

/** A profile as main returns it. */
export type Profile = ResponseOf<Contract['profiles:get']>

export interface BrowseQuery {
  readonly search: string
  readonly kind: 'all' | 'ca' | 'ee'
  readonly includeArchived: boolean
}

export interface Browse {
  readonly query: BrowseQuery
  readonly items: readonly Profile[] | null
  readonly error: AppError | null
}

interface ProfilesState {
  readonly items: readonly Profile[]
  readonly loaded: boolean
  readonly error: AppError | null
  /** The profiles screen's list; null until it is first shown. */
  readonly browse: Browse | null
  load(): Promise<void>
  /** Lists the profiles matching `query` (the current browse query when omitted). */
  loadBrowse(query?: BrowseQuery): Promise<void>
}

export const DEFAULT_BROWSE: BrowseQuery = { search: '', kind: 'all', includeArchived: false }

export const useProfilesStore = create<ProfilesState>()((set, get) => ({
  items: [],
  loaded: false,
  error: null,
  browse: null,
  async load() {
    const items: Profile[] = []
    let next = ''
    for (let page = 0; page < 20; page++) {
      const r = await pki.profiles.list({ limit: 500, ...(next ? { next } : {}) })
      if (!r.ok) return set({ loaded: true, error: r.error })
      items.push(...r.value.items)
      next = r.value.next
      if (!next) break
    }
    set({ items, loaded: true, error: null })
  },
  async loadBrowse(query = get().browse?.query ?? DEFAULT_BROWSE) {
    set({ browse: { query, items: get().browse?.items ?? null, error: null } })
    const search = query.search.trim()
    const filter = [...(search ? [`name[contains_ic]${search}`] : []), ...(query.kind === 'all' ? [] : [`sign_as_ca[eq]${query.kind === 'ca' ? 'true' : 'false'}`])]
    const r = await pki.profiles.list({ limit: 500, filter, includeArchived: query.includeArchived, sortBy: 'name', sortMode: 'asc' })
    // A later query superseded this one: its answer is dropped.
    if (get().browse?.query !== query) return
    set({ browse: r.ok ? { query, items: r.value.items, error: null } : { query, items: get().browse?.items ?? null, error: r.error } })
  }
}))

onDomainChanged('profiles', () => {
  const s = useProfilesStore.getState()
  if (s.loaded) void s.load()
  if (s.browse) void s.loadBrowse()
})

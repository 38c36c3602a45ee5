// Mirror of main's issuance profiles (all non-archived ones, for pickers; the profiles
// screen queries its own pages).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { Contract } from '../../../shared/ipc/contract'
import type { ResponseOf } from '../../../shared/ipc/define'
import { onDomainChanged } from './live'

/** A profile as main returns it. */
export type Profile = ResponseOf<Contract['profiles:get']>

interface ProfilesState {
  readonly items: readonly Profile[]
  readonly loaded: boolean
  readonly error: AppError | null
  load(): Promise<void>
}

export const useProfilesStore = create<ProfilesState>()((set) => ({
  items: [],
  loaded: false,
  error: null,
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
  }
}))

onDomainChanged('profiles', () => {
  if (useProfilesStore.getState().loaded) void useProfilesStore.getState().load()
})

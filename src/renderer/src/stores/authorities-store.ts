// Mirror of main's certificate authorities (refreshed on authorities and vault changes).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { AuthoritySummary } from '../../../shared/domain/authority'
import { onDomainChanged } from './live'
import { authorityTreeOrder } from '../lib/authority-tree'

interface AuthoritiesState {
  readonly items: readonly AuthoritySummary[]
  readonly loaded: boolean
  readonly error: AppError | null
  load(): Promise<void>
}

export const useAuthoritiesStore = create<AuthoritiesState>()((set) => ({
  items: [],
  loaded: false,
  error: null,
  async load() {
    const r = await pki.authorities.list({})
    set(r.ok ? { items: r.value.items, loaded: true, error: null } : { loaded: true, error: r.error })
  }
}))

const reload = (): void => {
  if (useAuthoritiesStore.getState().loaded) void useAuthoritiesStore.getState().load()
}
onDomainChanged('authorities', reload)
onDomainChanged('vault', reload)

/** Roots first, each followed by its subordinates (depth-first), with their depth. */
export function authorityTree(items: readonly AuthoritySummary[]): { authority: AuthoritySummary; depth: number }[] {
  return authorityTreeOrder(items).map(({ item, depth }) => ({ authority: item, depth }))
}

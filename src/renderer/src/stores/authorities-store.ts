// Mirror of main's certificate authorities (refreshed on authorities and vault changes).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { AuthoritySummary } from '../../../shared/domain/authority'
import { onDomainChanged } from './live'

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
  const ids = new Set(items.map((a) => a.id))
  const children = new Map<string | null, AuthoritySummary[]>()
  for (const a of items) {
    const parent = a.parentId && ids.has(a.parentId) ? a.parentId : null
    children.set(parent, [...(children.get(parent) ?? []), a])
  }
  const out: { authority: AuthoritySummary; depth: number }[] = []
  const walk = (parent: string | null, depth: number): void => {
    for (const a of (children.get(parent) ?? []).sort((x, y) => x.name.localeCompare(y.name))) {
      out.push({ authority: a, depth })
      walk(a.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

// Mirror of main's certificate authorities (refreshed on authorities and vault changes) and
// of the CRLs each CA published (loaded per CA when a screen asks, refreshed on changes).
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { AuthoritySummary } from '../../../shared/domain/authority'
import type { CrlSummary } from '../../../shared/domain/certificate'
import { onDomainChanged } from './live'
import { authorityTreeOrder } from '../lib/authority-tree'

interface AuthoritiesState {
  readonly items: readonly AuthoritySummary[]
  readonly loaded: boolean
  readonly error: AppError | null
  /** CRLs by CA id, for the CAs whose CRLs were asked for. */
  readonly crls: Readonly<Record<string, readonly CrlSummary[]>>
  readonly crlError: AppError | null
  /** Every CA's CRLs were asked for: a new CA's are loaded too. */
  readonly crlsOfAll: boolean
  load(): Promise<void>
  loadCrls(authorityId: string): Promise<void>
  /** The CRLs of every CA (the dashboard's "CRLs due"). */
  loadAllCrls(): Promise<void>
}

export const useAuthoritiesStore = create<AuthoritiesState>()((set, get) => ({
  items: [],
  loaded: false,
  error: null,
  crls: {},
  crlError: null,
  crlsOfAll: false,
  async load() {
    const r = await pki.authorities.list({})
    set(r.ok ? { items: r.value.items, loaded: true, error: null } : { loaded: true, error: r.error })
  },
  async loadCrls(authorityId) {
    const r = await pki.crl.list({ authorityId })
    set(r.ok ? { crls: { ...get().crls, [authorityId]: r.value.items }, crlError: null } : { crlError: r.error })
  },
  async loadAllCrls() {
    set({ crlsOfAll: true })
    if (!get().loaded) await get().load()
    await Promise.all(get().items.map((a) => get().loadCrls(a.id)))
  }
}))

const reload = async (): Promise<void> => {
  if (useAuthoritiesStore.getState().loaded) await useAuthoritiesStore.getState().load()
}
const reloadCrls = async (): Promise<void> => {
  const s = useAuthoritiesStore.getState()
  if (s.crlsOfAll) await s.loadAllCrls()
  else await Promise.all(Object.keys(s.crls).map((id) => s.loadCrls(id)))
}
onDomainChanged('authorities', () => void reload().then(reloadCrls))
onDomainChanged('vault', () => void reload())
onDomainChanged('certificates', () => void reloadCrls())

/** Roots first, each followed by its subordinates (depth-first), with their depth. */
export function authorityTree(items: readonly AuthoritySummary[]): { authority: AuthoritySummary; depth: number }[] {
  return authorityTreeOrder(items).map(({ item, depth }) => ({ authority: item, depth }))
}

/** The newest CRL of each CA that published one, soonest next update first. */
export function latestCrls(items: readonly AuthoritySummary[], crls: Readonly<Record<string, readonly CrlSummary[]>>): (CrlSummary & { authorityName: string })[] {
  return items
    .flatMap((a) => {
      const list = crls[a.id] ?? []
      if (list.length === 0) return []
      const latest = list.reduce((x, y) => (y.crlNumber > x.crlNumber ? y : x))
      return [{ ...latest, authorityName: a.name }]
    })
    .sort((a, b) => a.nextUpdate.localeCompare(b.nextUpdate))
}

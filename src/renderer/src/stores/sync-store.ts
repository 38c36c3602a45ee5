// Mirror of connectors and the outbox.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { ConnectorDto, OutboxItemDto, SyncStatusDto } from '../../../shared/domain/sync'
import { onDomainChanged } from './live'

interface SyncState {
  readonly connectors: readonly ConnectorDto[]
  readonly outbox: readonly OutboxItemDto[]
  readonly status: SyncStatusDto | null
  readonly loaded: boolean
  readonly error: AppError | null
  load(): Promise<void>
}

export const useSyncStore = create<SyncState>()((set) => ({
  connectors: [],
  outbox: [],
  status: null,
  loaded: false,
  error: null,
  async load() {
    const [c, o, s] = await Promise.all([pki.connectors.list({}), pki.sync.outbox({ limit: 500 }), pki.sync.status({})])
    const failed = [c, o, s].find((r) => !r.ok)
    if (failed && !failed.ok) return set({ loaded: true, error: failed.error })
    set({
      connectors: c.ok ? c.value.connectors : [],
      outbox: o.ok ? o.value.items : [],
      status: s.ok ? s.value : null,
      loaded: true,
      error: null
    })
  }
}))

onDomainChanged('sync', () => {
  if (useSyncStore.getState().loaded) void useSyncStore.getState().load()
})

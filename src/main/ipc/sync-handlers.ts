// connectors:* over the connectors service, sync:* over the sync (outbox) service. Only
// `connectors:test` and `sync:run` go online.
import type { Services } from '../services'
import type { Handlers } from './handlers'
import { ok } from '../../shared/errors'

type SyncHandlers = Pick<
  Handlers,
  | 'connectors:list'
  | 'connectors:add'
  | 'connectors:update'
  | 'connectors:remove'
  | 'connectors:test'
  | 'sync:run'
  | 'sync:status'
  | 'sync:outbox'
  | 'sync:retry'
  | 'sync:discard'
  | 'sync:enqueue'
>

export function createSyncHandlers(services: Services): SyncHandlers {
  const { sync, connectors } = services
  return {
    'connectors:list': async () => ok({ connectors: await connectors.listConnectors() }),
    'connectors:add': (req) => connectors.addConnector(req),
    'connectors:update': (req) => connectors.updateConnector(req),
    'connectors:remove': (req) => connectors.removeConnector(req.name, { ...(req.discardQueued !== undefined ? { discardQueued: req.discardQueued } : {}) }),
    'connectors:test': (req) => connectors.testConnector(req.name),
    'sync:run': (req) => sync.run(req),
    'sync:status': () => ok(sync.status()),
    'sync:outbox': (req) => {
      const items = sync.outbox(req)
      return items.ok ? ok({ items: items.value }) : items
    },
    'sync:retry': (req) => sync.retry(req.id),
    'sync:discard': (req) => sync.discard(req.id),
    'sync:enqueue': (req) => sync.enqueue(req)
  }
}

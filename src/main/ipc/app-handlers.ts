import type { Services } from '../services'
import type { Handlers } from './handlers'
import { ok } from '../../shared/errors'

type AppHandlers = Pick<Handlers, 'app:info' | 'settings:get' | 'settings:update' | 'settings:storeInfo' | 'settings:revealDataDir' | 'settings:copyDataDir'>

export function createAppHandlers(services: Services): AppHandlers {
  return {
    'app:info': () => ok(services.app.info()),
    'settings:get': () => ok(services.settings.get()),
    'settings:update': (patch) => services.settings.update(patch),
    'settings:storeInfo': () => ok(services.settings.storeInfo()),
    'settings:revealDataDir': () => services.settings.revealDataDir(),
    'settings:copyDataDir': () => services.settings.copyDataDir()
  }
}

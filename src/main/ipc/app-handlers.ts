import type { Services } from '../services'
import type { Handlers } from './handlers'
import { ok } from '../../shared/errors'

type AppHandlers = Pick<Handlers, 'app:info' | 'settings:get' | 'settings:update'>

export function createAppHandlers(services: Services): AppHandlers {
  return {
    'app:info': () => ok(services.app.info()),
    'settings:get': () => ok(services.settings.get()),
    'settings:update': (patch) => services.settings.update(patch)
  }
}

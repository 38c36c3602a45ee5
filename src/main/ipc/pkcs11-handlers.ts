import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { ok } from '../../shared/errors'

export function createPkcs11Handlers(services: Services): HandlersFor<'tokens'> {
  return {
    'tokens:modules': async () => ok({ modules: await services.vault.offeredModules() })
  }
}

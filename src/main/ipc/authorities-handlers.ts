import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail } from '../../shared/errors'

const notYet = () => fail('NOT_IMPLEMENTED', 'This operation is not available yet in this build.')

export function createAuthoritiesHandlers(_services: Services): HandlersFor<'authorities'> {
  return {
    'authorities:list': notYet,
    'authorities:get': notYet,
    'authorities:create': notYet,
    'authorities:createCsr': notYet,
    'authorities:importCertificate': notYet,
    'authorities:import': notYet,
    'authorities:unlock': notYet,
    'authorities:lock': notYet,
    'authorities:updateCrlSettings': notYet
  }
}

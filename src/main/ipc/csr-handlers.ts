import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail } from '../../shared/errors'

const notYet = () => fail('NOT_IMPLEMENTED', 'This operation is not available yet in this build.')

export function createCsrHandlers(_services: Services): HandlersFor<'csr'> {
  return { 'csr:inspect': notYet, 'csr:generate': notYet }
}

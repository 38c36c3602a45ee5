import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail } from '../../shared/errors'

const notYet = () => fail('NOT_IMPLEMENTED', 'This operation is not available yet in this build.')

export function createCertificatesHandlers(_services: Services): HandlersFor<'certificates'> & HandlersFor<'crl'> {
  return {
    'certificates:list': notYet,
    'certificates:get': notYet,
    'certificates:issue': notYet,
    'certificates:export': notYet,
    'certificates:revoke': notYet,
    'crl:generate': notYet,
    'crl:list': notYet,
    'crl:export': notYet
  }
}

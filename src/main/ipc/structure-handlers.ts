import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail } from '../../shared/errors'

export function createStructureHandlers(services: Services): HandlersFor<'structure'> {
  return {
    'structure:tree': (req) =>
      req.parent === undefined && req.from === undefined
        ? services.structure.tree(req.source)
        : req.parent !== undefined && req.from !== undefined
          ? services.structure.tree(req.source, { parent: req.parent, from: req.from })
          : fail('ASN1_OFFSET_INVALID', 'A continuation names both the element (parent) and where its next children start (from): reopen the structure view.', req.parent === undefined ? 'parent' : 'from'),
    'structure:bytes': (req) => services.structure.bytes(req.source, req.offset)
  }
}

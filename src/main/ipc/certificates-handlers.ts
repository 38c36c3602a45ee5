import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createCertificatesHandlers(services: Services): HandlersFor<'certificates'> & HandlersFor<'crl'> {
  const c = services.certificates
  return {
    'certificates:list': (req) => c.list(req),
    'certificates:get': (req) => c.get(req.id),
    'certificates:issue': (req) => services.issuance.issue(req),
    'certificates:export': (req) => c.export(req.id, req.format, req.password, req.includeKey, req.includeCaKey),
    'certificates:revoke': (req) => c.revoke(req.id, req.reason, req.invalidityDate),
    'crl:generate': (req) => c.generateCrl(req.authorityId),
    'crl:list': (req) => c.listCrls(req.authorityId),
    'crl:export': (req) => c.exportCrl(req.id, req.format)
  }
}

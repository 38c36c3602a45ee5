import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { ok } from '../../shared/errors'

export function createAuthoritiesHandlers(services: Services): HandlersFor<'authorities'> {
  const a = services.authorities
  return {
    'authorities:list': () => ok({ items: a.list() }),
    'authorities:get': (req) => a.get(req.authorityId),
    'authorities:create': (req) => a.create(req),
    'authorities:createCsr': (req) => a.createCsr(req),
    'authorities:importCertificate': (req) => a.importCertificate(req.authorityId, req.certificate),
    'authorities:import': (req) => a.import(req),
    'authorities:unlock': (req) => a.unlock(req.authorityId, req.passphrase, req.custodians),
    'authorities:setCustodians': (req) => a.setCustodians(req.authorityId, req.threshold, req.custodians, { ...(req.passphrase ? { passphrase: req.passphrase } : {}), ...(req.present ? { custodians: req.present } : {}) }),
    'authorities:lock': (req) => a.lock(req.authorityId),
    'authorities:updateCrlSettings': (req) => a.updateCrlSettings(req.authorityId, req.settings),
    'authorities:setUrls': (req) => a.setUrls(req.authorityId, req.urls),
    'authorities:renew': (req) => services.caLifecycle.renew(req),
    'authorities:rekey': (req) => services.caLifecycle.rekey(req)
  }
}

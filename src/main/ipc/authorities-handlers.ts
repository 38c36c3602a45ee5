import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail, ok, type Result } from '../../shared/errors'

/** The renderer names a module main offered, never any library path: loading one runs its code here. */
export function notOffered(module: string): Result<never> {
  return fail('PKCS11_MODULE_UNLOADABLE', `${module} is not one of the PKCS#11 modules PKI Desk offers: choose one from the list (add it in Settings → PKCS#11 modules).`, 'token')
}

export function createAuthoritiesHandlers(services: Services): HandlersFor<'authorities'> {
  const a = services.authorities
  return {
    'authorities:list': () => ok({ items: a.list() }),
    'authorities:get': (req) => a.get(req.authorityId),
    'authorities:create': async (req) => {
      // The renderer names a module main offered, never any library path: loading one runs its code here.
      if (req.token && !services.pkcs11.offers(req.token.module)) return notOffered(req.token.module)
      return a.create(req)
    },
    'authorities:adopt': (req) => {
      if (!services.pkcs11.offers(req.token.module)) return notOffered(req.token.module)
      return a.adopt(req)
    },
    'authorities:createCsr': (req) => a.createCsr(req),
    'authorities:importCertificate': (req) => a.importCertificate(req.authorityId, req.certificate),
    'authorities:import': (req) => a.import(req),
    'authorities:unlock': (req) => a.unlock(req.authorityId, req.passphrase, req.custodians, req.rememberPin ? { rememberPin: true } : undefined),
    'authorities:setCustodians': (req) => a.setCustodians(req.authorityId, req.threshold, req.custodians, { ...(req.passphrase ? { passphrase: req.passphrase } : {}), ...(req.present ? { custodians: req.present } : {}) }),
    'authorities:lock': (req) => a.lock(req.authorityId),
    'authorities:updateCrlSettings': (req) => a.updateCrlSettings(req.authorityId, req.settings),
    'authorities:setUrls': (req) => a.setUrls(req.authorityId, req.urls),
    'authorities:renew': (req) => services.caLifecycle.renew(req),
    'authorities:rekey': (req) => {
      if (req.token && !services.pkcs11.offers(req.token.module)) return notOffered(req.token.module)
      return services.caLifecycle.rekey(req)
    }
  }
}

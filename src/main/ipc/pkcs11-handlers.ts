import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail, ok } from '../../shared/errors'
import { notOffered } from './authorities-handlers'

export function createPkcs11Handlers(services: Services): HandlersFor<'tokens'> {
  const p = services.pkcs11
  /** The token key of a CA, for its remembered PIN. */
  const keyOf = (authorityId: string) => {
    const a = services.authorities.list().find((x) => x.id === authorityId)
    if (!a) return fail('AUTHORITY_NOT_FOUND', `No certificate authority ${authorityId}: choose one from the list.`, 'authorityId')
    if (!a.keyId || a.keyProtection !== 'pkcs11') return fail('KEY_NOT_FOUND', `The key of "${a.name}" is not on a PKCS#11 token: it has no token PIN.`, 'authorityId')
    return ok(a.keyId)
  }
  return {
    'tokens:modules': async () => ok({ modules: await p.modules() }),
    'tokens:addModule': async (req) => {
      const r = await p.add(req.path)
      return r.ok ? ok({ module: r.value }) : r
    },
    'tokens:removeModule': async (req) => {
      const r = p.remove(req.path)
      return r.ok ? ok({ modules: await p.modules() }) : r
    },
    'tokens:keys': async (req) => {
      if (!p.offers(req.module)) return notOffered(req.module)
      const r = await p.tokenKeys(req.module, req.token, req.pin)
      return r.ok ? ok({ keys: r.value }) : r
    },
    'tokens:pinRemembered': async (req) => {
      const k = keyOf(req.authorityId)
      return k.ok ? ok({ remembered: await services.vault.pinRemembered(k.value) }) : k
    },
    'tokens:forgetPin': async (req) => {
      const k = keyOf(req.authorityId)
      if (!k.ok) return k
      const r = await services.vault.forgetPin(k.value)
      return r.ok ? ok({ forgotten: r.value }) : r
    }
  }
}

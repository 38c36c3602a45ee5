import type { Services } from '../services'
import type { Handlers } from './handlers'
import { ok } from '../../shared/errors'

type VaultHandlers = Pick<Handlers, 'vault:status' | 'vault:keychainStatus' | 'vault:unlock' | 'vault:lock' | 'vault:lockAll' | 'vault:deleteKey' | 'vault:deleteCertificateKey'>

export function createVaultHandlers(services: Services): VaultHandlers {
  return {
    'vault:status': (req) => ok(services.vault.status(req.keyIds)),
    'vault:keychainStatus': async () => ok(await services.vault.keychainStatus()),
    'vault:unlock': (req) => services.vault.unlock(req.keyId, req.passphrase),
    'vault:lock': (req) => services.vault.lock(req.keyId),
    'vault:lockAll': () => ok(services.vault.lockAll()),
    'vault:deleteKey': async (req) => {
      const r = await services.vault.deleteKey(req.keyId)
      return r.ok ? ok({ keyId: req.keyId, deleted: true as const }) : r
    },
    'vault:deleteCertificateKey': async (req) => {
      const r = await services.exports.deleteCertificateKey(req.certificateId)
      return r.ok ? ok({ ...r.value, deleted: true as const }) : r
    }
  }
}

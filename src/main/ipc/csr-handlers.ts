import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createCsrHandlers(services: Services): HandlersFor<'csr'> {
  return {
    'csr:inspect': (req) => services.csr.inspect(req),
    'csr:generate': (req) =>
      services.csr.generate({
        subject: req.subject,
        sans: req.sans,
        keySpec: req.keySpec,
        protection: req.protection,
        ...(req.passphrase !== undefined ? { passphrase: req.passphrase } : {}),
        hash: req.hash
      })
  }
}

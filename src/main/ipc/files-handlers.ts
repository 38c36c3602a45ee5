import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createFilesHandlers(services: Services): HandlersFor<'files'> {
  const { exports } = services
  return {
    'files:save': ({ title, file }) => services.files.save(title, file),
    'files:saveAll': ({ title, files }) => services.files.saveAll(title, files),
    'files:exportCertificate': (req) => exports.certificateToFile(req),
    'files:exportKey': (req) => exports.keyToFile(req),
    'files:bundleCertificates': (req) => exports.bundle(req.ids, req.includeChain, req.encoding),
    'files:exportSelection': async (req) => {
      const r = await services.bulk.exportFiles(req.selection, req.format)
      if (!r.ok) return r
      return services.files.saveAll(
        `Export ${r.value.certificates} certificates`,
        r.value.files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') }))
      )
    }
  }
}

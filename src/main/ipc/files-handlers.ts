import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { ok } from '../../shared/errors'

export function createFilesHandlers(services: Services): HandlersFor<'files'> {
  const { exports } = services
  return {
    'files:save': ({ title, file }) => services.files.save(title, file),
    'files:saveAll': ({ title, files }) => services.files.saveAll(title, files),
    'files:exportCertificate': (req) => exports.certificateToFile(req),
    'files:exportKey': (req) => exports.keyToFile(req),
    'files:bundleCertificates': (req) => exports.bundle(req.ids, req.includeChain, req.encoding),
    // The folder is asked first; main then writes each file as it is made (no bytes cross IPC).
    'files:exportSelection': async (req) => {
      const dir = await services.files.chooseFolder('Export the selected certificates')
      if (!dir.ok) return dir
      if (!dir.value) return ok({ saved: false, paths: [], certificates: 0, cancelled: false })
      const r = await services.bulk.exportTo(req.selection, req.format, services.files.writerInto(dir.value), req.operationId)
      if (!r.ok) return r
      return ok({ saved: true, paths: r.value.paths, certificates: r.value.certificates, cancelled: r.value.cancelled })
    },
    'files:chooseOutputFolder': async (req) => {
      const r = await services.files.grantOutputFolder(req.title)
      if (!r.ok) return r
      return ok(r.value ? { chosen: true, folderId: r.value.folderId, path: r.value.path } : { chosen: false, folderId: null, path: null })
    }
  }
}

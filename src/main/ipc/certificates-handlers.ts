import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { fail, ok } from '../../shared/errors'
import type { ExportFormat } from '../../shared/domain/certificate'

/**
 * Formats that can carry a private key. Their bytes never cross IPC, not even encrypted: the
 * renderer asks main to write them (files:exportCertificate). The CLI calls the service directly.
 */
const KEY_BEARING: readonly ExportFormat[] = ['pfx-modern', 'pfx-legacy']

export function createCertificatesHandlers(services: Services): HandlersFor<'certificates'> & HandlersFor<'crl'> {
  const c = services.certificates
  return {
    'certificates:list': (req) => c.list(req),
    'certificates:get': (req) => c.get(req.id),
    'certificates:expiryStats': (req) => c.expiryStats(req.weeks),
    // An output folder the operator chose (files:chooseOutputFolder): each slice's files are written as it commits.
    'certificates:issue': ({ outputFolderId, ...req }) => {
      if (outputFolderId === undefined) return services.issuance.issue(req)
      const dir = services.files.grantedFolder(outputFolderId)
      return dir.ok ? services.issuance.issue(req, { output: { dir: dir.value, force: false } }) : dir
    },
    'certificates:cancelIssue': (req) => ok({ cancelled: services.issuance.cancel(req.operationId) }),
    'certificates:renew': (req) => services.renewal.renew(req),
    'certificates:export': (req) =>
      KEY_BEARING.includes(req.format)
        ? fail(
            'EXPORT_KEY_OVER_IPC',
            `A ${req.format === 'pfx-legacy' ? 'legacy ' : ''}PFX can carry a private key, so it is not returned to the window: use files:exportCertificate, which writes the file where the operator chooses.`,
            'format'
          )
        : c.export(req.id, req.format, req.password, req.includeKey),
    'certificates:revoke': (req) => c.revoke(req.id, req.reason, req.invalidityDate),
    'certificates:release': (req) => c.release(req.id),
    'certificates:revokeMany': (req) => services.bulk.revokeMany(req),
    'certificates:cancelBulk': (req) => ok({ cancelled: services.bulk.cancel(req.operationId) }),
    'crl:generate': (req) => c.generateCrl(req.authorityId),
    'crl:list': (req) => c.listCrls(req.authorityId),
    'crl:export': (req) => c.exportCrl(req.id, req.format)
  }
}

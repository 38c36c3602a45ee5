// The inventory port of sync (../sync/local-bridge.ts CertificateBridge): certificates a
// platform issued land as rows with `source` = the connector's name and the checked chain
// the platform delivered (exports carry it); one whose issuer is a CA of this desk (same
// subject, and its key verifies the signature) is tied to that CA, so it is listed and
// exported like one issued here. The same certificate twice is one row.
import { X509Certificate } from 'node:crypto'
import { fail, ok } from '../../shared/errors'
import { describeCertificate, toPem as derToPem } from '../engine'
import { appendAudit } from '../store/audit-log'
import { listAuthorities } from '../store/authorities-repo'
import { findCertificateBySha256, getCertificate, insertCertificate, queryCertificates } from '../store/certificates-repo'
import { deliveredChain, saveDeliveredChain } from '../store/chains-repo'
import type { ReadTx, Store } from '../store/database'
import { normSerial } from '../sync/connectors/digicert-tlm'
import type { CertificateBridge } from '../sync/local-bridge'
import { recordFromDer, sha256Hex } from './certificate-records'

/** The CA of this desk that issued `der`: same issuer subject as its subject, and its key verifies the signature. */
function localIssuer(tx: ReadTx, der: Uint8Array): { id: string; name: string } | null {
  const cert = new X509Certificate(der)
  for (const a of listAuthorities(tx)) {
    if (!a.certDer) continue
    try {
      const ca = new X509Certificate(a.certDer)
      if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return { id: a.id, name: a.name }
    } catch {
      /* a CA certificate that does not parse issues nothing */
    }
  }
  return null
}

export function createCertificateBridge(store: Store, now: () => Date = () => new Date()): CertificateBridge {
  return {
    findBySerial(serial) {
      const want = normSerial(serial)
      if (!want) return fail('CERTIFICATE_SERIAL_INVALID', `"${serial}" is not a hexadecimal serial number.`, 'serial')
      const { rows } = store.read((tx) => queryCertificates(tx, { search: want.toLowerCase(), now: now().toISOString(), sort: { field: 'createdAt', direction: 'desc' }, limit: 50 }))
      const matches = rows.filter((r) => normSerial(r.serial) === want)
      if (matches.length === 0) return fail('CERTIFICATE_NOT_FOUND', `No certificate in the inventory has serial ${serial}; check it with "cert list".`, 'serial')
      if (matches.length > 1) return fail('CERTIFICATE_SERIAL_AMBIGUOUS', `${matches.length} certificates in the inventory have serial ${serial}; pick one by id.`, 'serial')
      const row = store.read((tx) => getCertificate(tx, (matches[0] as (typeof matches)[number]).id))
      if (!row) return fail('CERTIFICATE_NOT_FOUND', `No certificate in the inventory has serial ${serial}.`, 'serial')
      return ok({ id: String(row.id), pem: derToPem('CERTIFICATE', row.der), serial: row.serial, sha256: sha256Hex(row.der), subject: describeCertificate(row.der).subject })
    },
    importIssued({ der, issuers, source }) {
      try {
        new X509Certificate(der)
      } catch {
        return fail('CERTIFICATE_CORRUPT', 'The certificate the platform returned does not parse.')
      }
      const sha256 = sha256Hex(der)
      // When the sync applies a run's effects in its write transaction, this joins it.
      return store.write((tx) => {
        const existing = findCertificateBySha256(tx, sha256)
        if (existing) {
          if (issuers.length && deliveredChain(tx, existing.id).length === 0) saveDeliveredChain(tx, existing.id, issuers)
          return ok({ id: String(existing.id), notes: [] as string[] })
        }
        const issuer = localIssuer(tx, der)
        const id = insertCertificate(tx, recordFromDer(der, { authorityId: issuer?.id ?? null, profileId: null, keyId: null, source, createdAt: now().toISOString() }))
        saveDeliveredChain(tx, id, issuers)
        appendAudit(tx, { action: 'certificate.import', subject: `certificate:${id}`, details: { source, sha256, chain: issuers.length, ...(issuer ? { authorityId: issuer.id } : {}) } }, now())
        return ok({ id: String(id), notes: issuer ? [`its issuer is local CA ${issuer.name} (same subject and key): it is listed and exported under that CA`] : [] })
      })
    }
  }
}

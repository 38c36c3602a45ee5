// Bulk actions over a selection of certificates (picked rows, a file of serials, or all that
// a filter matches): revocation with a dry run, and export of one file per certificate plus a
// bundle. Revocation commits one transaction per slice of 1,000 certificates, each with one
// audit entry per certificate, and yields between slices so the window stays responsive.
import { randomUUID } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { ACCEPTED_REVOCATION_REASONS } from '../../shared/domain/certificate'
import type { EventSink } from '../../shared/ipc/events'
import type { CertificateSelection, RevokeManyRequest, RevokeManyResponse, SelectedCertificateDto, SkippedCertificate } from '../../shared/ipc/certificates'
import { revokeManyRequest } from '../../shared/ipc/certificates'
import type { Store } from '../store/database'
import { appendAudit } from '../store/audit-log'
import {
  derOfCertificates,
  findCertificatesBySerial,
  revokeCertificate,
  maxCertificateId,
  selectCertificatesById,
  selectCertificatesInRange,
  type CertificateFilter,
  type SelectedCertificate
} from '../store/certificates-repo'
import { buildPkcs7, toPem } from '../engine'

export type BulkExportFormat = 'pem' | 'der' | 'p7b'

export interface BulkFile {
  readonly name: string
  readonly bytes: Uint8Array
}

export interface BulkService {
  /** The certificates a selection names, and the serials it names that are not here. */
  resolve(selection: CertificateSelection): Promise<Result<{ certificates: SelectedCertificate[]; notFound: string[] }>>
  revokeMany(req: RevokeManyRequest): Promise<Result<RevokeManyResponse>>
  /** One file per certificate (named by serial) plus a bundle of them all: bundle.pem for PEM, bundle.p7b otherwise. */
  exportFiles(selection: CertificateSelection, format: BulkExportFormat): Promise<Result<{ files: BulkFile[]; certificates: number }>>
}

/** Certificates per revocation transaction: ~30 ms of CPU here (row and its indexes, audit entry, hash chain: ~60 µs each). */
export const REVOKE_SLICE = 500
/** Ids read per selection query between two yields (~10 ms of CPU). */
const SELECT_RANGE = 10_000

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const DAY = 86_400_000

export function createBulkService(store: Store, emit: EventSink, now: () => Date): BulkService {
  async function resolve(selection: CertificateSelection): Promise<Result<{ certificates: SelectedCertificate[]; notFound: string[] }>> {
    if ('ids' in selection) return ok({ certificates: store.read((tx) => selectCertificatesById(tx, selection.ids)), notFound: [] })
    if ('serials' in selection) {
      const found = new Map<number, SelectedCertificate>()
      const notFound: string[] = []
      for (const [i, raw] of selection.serials.entries()) {
        if (i > 0 && i % 2000 === 0) await yieldToLoop()
        const serial = raw.trim()
        if (!serial) continue
        const rows = store.read((tx) => findCertificatesBySerial(tx, serial, selection.authorityId))
        if (rows.length === 0) {
          notFound.push(serial)
          continue
        }
        const issuers = new Set(rows.map((r) => r.authorityId))
        if (issuers.size > 1)
          return fail('CERTIFICATE_SERIAL_AMBIGUOUS', `Serial ${serial} belongs to certificates of ${issuers.size} different CAs: name the CA (--ca) so the serial means one certificate.`, 'authorityId')
        for (const r of rows) found.set(r.id, { id: r.id, authorityId: r.authorityId, serial: r.serial, subject: r.subject, notAfter: r.notAfter, status: r.status })
      }
      return ok({ certificates: [...found.values()].sort((a, b) => a.id - b.id), notFound })
    }
    const f = selection.filter
    const t = now()
    const filter: CertificateFilter = {
      ...(f.search ? { search: f.search } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.authorityId ? { authorityId: f.authorityId } : {}),
      ...(f.profileId ? { profileId: f.profileId } : {}),
      ...(f.expiringWithinDays !== undefined ? { expiring: { now: t.toISOString(), until: new Date(t.getTime() + f.expiringWithinDays * DAY).toISOString() } } : {}),
      ...(f.issuedAfter ? { issuedAfter: new Date(f.issuedAfter).toISOString() } : {}),
      ...(f.issuedBefore ? { issuedBefore: new Date(f.issuedBefore).toISOString() } : {}),
      ...(f.subjectMatch ? { subjectMatch: f.subjectMatch } : {}),
      now: t.toISOString()
    }
    const certificates: SelectedCertificate[] = []
    const last = store.read((tx) => maxCertificateId(tx))
    for (let from = 0; from < last; from += SELECT_RANGE) {
      if (from > 0) await yieldToLoop()
      certificates.push(...store.read((tx) => selectCertificatesInRange(tx, filter, from, from + SELECT_RANGE)))
    }
    return ok({ certificates, notFound: [] })
  }

  const nothing = (): Result<never> =>
    fail('NOTHING_SELECTED', 'The selection matches no certificate: check the serials or loosen the filter (CA, profile, dates, subject text).', 'selection')

  const dto = (c: SelectedCertificate): SelectedCertificateDto => ({ id: c.id, serial: c.serial, subjectText: c.subject, authorityId: c.authorityId, status: c.status })

  return {
    resolve,

    async revokeMany(input) {
      const parsed = revokeManyRequest.safeParse(input)
      if (!parsed.success) return fail('INVALID_REQUEST', `The bulk revocation request is not valid: ${parsed.error.issues[0]?.message ?? 'check its fields'}.`, String(parsed.error.issues[0]?.path[0] ?? 'selection'))
      const req = parsed.data
      if (!ACCEPTED_REVOCATION_REASONS.includes(req.reason))
        return fail('REVOCATION_REASON_NOT_ALLOWED', `${req.reason} is not offered for revocation: choose the reason the certificates are revoked for (for example keyCompromise or superseded).`, 'reason')
      if (req.invalidityDate && new Date(req.invalidityDate) > now()) return fail('INVALIDITY_DATE_IN_FUTURE', 'The invalidity date cannot be in the future.', 'invalidityDate')
      const r = await resolve(req.selection)
      if (!r.ok) return r
      const skipped: SkippedCertificate[] = r.value.notFound.map((serial) => ({ serial, id: null, why: 'not-found' }))
      const targets: SelectedCertificate[] = []
      for (const c of r.value.certificates) {
        if (c.status === 'revoked') skipped.push({ serial: c.serial, id: c.id, why: 'already-revoked' })
        else if (!c.authorityId) skipped.push({ serial: c.serial, id: c.id, why: 'not-issued-here' })
        else targets.push(c)
      }
      if (targets.length === 0 && r.value.notFound.length === 0 && r.value.certificates.length === 0) return nothing()
      if (r.value.notFound.length > 0 && !req.dryRun)
        return fail(
          'SERIALS_NOT_FOUND',
          `${r.value.notFound.length} of the serials are not certificates here (first: ${r.value.notFound.slice(0, 3).join(', ')}): correct the list (run with --dry-run to see them all) and revoke again; nothing was revoked.`,
          'selection',
          { notFound: r.value.notFound.slice(0, 1000) }
        )
      if (targets.length === 0 && !req.dryRun)
        return fail('NOTHING_TO_REVOKE', `Every selected certificate is already revoked or was not issued by a CA held here (${skipped.length}): nothing to revoke.`, 'selection')
      const operationId = req.operationId ?? randomUUID()
      const items = targets.slice(0, req.listLimit).map(dto)
      if (req.dryRun) return ok({ operationId, dryRun: true, matched: targets.length, revoked: 0, items, skipped })

      const at = new Date(Math.floor(now().getTime() / 1000) * 1000).toISOString()
      let revoked = 0
      for (let i = 0; i < targets.length; i += REVOKE_SLICE) {
        const slice = targets.slice(i, i + REVOKE_SLICE)
        revoked += store.write((tx) => {
          let n = 0
          const t = now()
          for (const c of slice) {
            // Revoked meanwhile (another window, the CLI): left as it is, not audited twice.
            if (!revokeCertificate(tx, c.id, { revokedAt: at, reason: req.reason, invalidityDate: req.invalidityDate ?? null })) continue
            appendAudit(tx, { action: 'certificate.revoke', subject: `certificate:${c.id}`, details: { serial: c.serial, authorityId: c.authorityId, reason: req.reason, invalidityDate: req.invalidityDate ?? null, bulk: operationId } }, t)
            n++
          }
          return n
        })
        emit('progress', { operationId, done: Math.min(i + REVOKE_SLICE, targets.length), total: targets.length, label: 'Revoking certificates', finished: i + REVOKE_SLICE >= targets.length })
        await yieldToLoop()
      }
      emit('changed', { domain: 'certificates' })
      emit('changed', { domain: 'audit' })
      return ok({ operationId, dryRun: false, matched: targets.length, revoked, items, skipped })
    },

    async exportFiles(selection, format) {
      const r = await resolve(selection)
      if (!r.ok) return r
      if (r.value.notFound.length > 0)
        return fail('SERIALS_NOT_FOUND', `${r.value.notFound.length} of the serials are not certificates here (first: ${r.value.notFound.slice(0, 3).join(', ')}): correct the list and export again; nothing was written.`, 'selection', { notFound: r.value.notFound.slice(0, 1000) })
      if (r.value.certificates.length === 0) return nothing()
      const ders = store.read((tx) =>
        derOfCertificates(
          tx,
          r.value.certificates.map((c) => c.id)
        )
      )
      const files: BulkFile[] = []
      const all: Uint8Array[] = []
      const taken = new Set<string>()
      for (const c of r.value.certificates) {
        const der = ders.get(c.id)
        if (!der) continue
        all.push(der)
        // Named by serial (unique per CA); the same serial from two CAs gets the CA's id too.
        let stem = c.serial.toUpperCase()
        if (taken.has(stem)) stem = `${stem}-${(c.authorityId ?? 'imported').replace(/[^A-Za-z0-9_-]+/g, '').slice(0, 16)}-${c.id}`
        taken.add(stem)
        const one = format === 'p7b' ? buildPkcs7([der]) : ok(format === 'pem' ? Buffer.from(toPem('CERTIFICATE', der)) : der)
        if (!one.ok) return one
        files.push({ name: `${stem}.${format === 'pem' ? 'pem' : format === 'der' ? 'cer' : 'p7b'}`, bytes: one.value })
      }
      if (format === 'pem') files.push({ name: 'bundle.pem', bytes: Buffer.from(all.map((d) => toPem('CERTIFICATE', d)).join('')) })
      else {
        const bundle = buildPkcs7(all)
        if (!bundle.ok) return bundle
        files.push({ name: 'bundle.p7b', bytes: bundle.value })
      }
      return ok({ files, certificates: all.length })
    }
  }
}

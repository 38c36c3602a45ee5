// Bulk actions over a selection of certificates (picked rows, a file of serials, or all that
// a filter matches): revocation with a dry run, and export of one file per certificate plus a
// bundle. Revocation commits one transaction per slice of REVOKE_SLICE certificates, each with
// one audit entry per certificate, and yields between slices so the window stays responsive;
// `cancel` stops a run between two slices (what was committed stays revoked). The CLI (cert
// revoke/export with a selection) and the app's inventory (files:exportSelection,
// certificates:revokeMany) call this same service.
import { randomUUID } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { ACCEPTED_REVOCATION_REASONS } from '../../shared/domain/certificate'
import type { EventSink } from '../../shared/ipc/events'
import type { CertificateSelection, RevokeManyRequest, RevokeManyResponse, SelectedCertificateDto, SkippedCertificate } from '../../shared/ipc/certificates'
import { revokeManyRequest } from '../../shared/ipc/certificates'
import type { Store } from '../store/database'
import { appendAuditEntries, type AuditInput } from '../store/audit-log'
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

/** Where exportTo hands each file as it is made: the path it went to, or why it could not be written. */
export type BulkFileWriter = (file: BulkFile) => Result<string>

export interface BulkService {
  /** The certificates a selection names, and the serials it names that are not here. */
  resolve(selection: CertificateSelection): Promise<Result<{ certificates: SelectedCertificate[]; notFound: string[] }>>
  revokeMany(req: RevokeManyRequest): Promise<Result<RevokeManyResponse>>
  /** One file per certificate (named by serial) plus a bundle of them all: bundle.pem for PEM, bundle.p7b otherwise. */
  exportFiles(selection: CertificateSelection, format: BulkExportFormat): Promise<Result<{ files: BulkFile[]; certificates: number }>>
  /**
   * exportFiles, each file handed to `write` as soon as it is made (a big selection is never
   * held as files in memory), `progress` events under `operationId` per slice, the bundle last.
   * A failed write stops the export (the files written so far are listed in the error's details).
   */
  exportTo(selection: CertificateSelection, format: BulkExportFormat, write: BulkFileWriter, operationId?: string): Promise<Result<{ paths: string[]; certificates: number; cancelled: boolean }>>
  /** Stops revokeMany or exportTo `operationId` before its next slice; false when none is running. */
  cancel(operationId: string): boolean
}

/** Certificates per revocation transaction: ~30 ms of CPU here (row and its indexes, audit entry, hash chain: ~60 µs each). */
export const REVOKE_SLICE = 500
/** Ids read per selection query between two yields (~10 ms of CPU). */
const SELECT_RANGE = 10_000
/** Certificates exported between two yields and progress reports. */
export const EXPORT_SLICE = 500

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
        for (const r of rows) found.set(r.id, { id: r.id, authorityId: r.authorityId, serial: r.serial, subject: r.subject, notAfter: r.notAfter, status: r.status, onHold: r.revocationReason === 'certificateHold' })
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

  /** Running revocations and exports by operation id, with the flag `cancel` sets. */
  const running = new Map<string, { cancelled: boolean }>()
  const start = (operationId: string): Result<{ cancelled: boolean }> => {
    if (running.has(operationId)) return fail('OPERATION_ID_IN_USE', `A bulk action with operation id ${operationId} is still in progress: use another id.`, 'operationId')
    const control = { cancelled: false }
    running.set(operationId, control)
    return ok(control)
  }

  async function exportTo(selection: CertificateSelection, format: BulkExportFormat, write: BulkFileWriter, operationId: string = randomUUID()): Promise<Result<{ paths: string[]; certificates: number; cancelled: boolean }>> {
    const r = await resolve(selection)
    if (!r.ok) return r
    if (r.value.notFound.length > 0)
      return fail('SERIALS_NOT_FOUND', `${r.value.notFound.length} of the serials are not certificates here (first: ${r.value.notFound.slice(0, 3).join(', ')}): correct the list and export again; nothing was written.`, 'selection', { notFound: r.value.notFound.slice(0, 1000) })
    const selected = r.value.certificates
    if (selected.length === 0) return nothing()
    const started = start(operationId)
    if (!started.ok) return started
    const control = started.value
    try {
      const paths: string[] = []
      const all: Uint8Array[] = []
      const taken = new Set<string>()
      const put = (file: BulkFile): Result<void> => {
        const w = write(file)
        if (!w.ok) return fail(w.error.code, `${w.error.message} ${paths.length} of the files were written before it.`, w.error.field, { written: paths.slice(0, 1000) })
        paths.push(w.value)
        return ok(undefined)
      }
      const label = `Exporting ${selected.length} certificate${selected.length === 1 ? '' : 's'}`
      for (let i = 0; i < selected.length; i += EXPORT_SLICE) {
        if (control.cancelled) return ok({ paths, certificates: all.length, cancelled: true })
        const slice = selected.slice(i, i + EXPORT_SLICE)
        const ders = store.read((tx) =>
          derOfCertificates(
            tx,
            slice.map((c) => c.id)
          )
        )
        for (const c of slice) {
          const der = ders.get(c.id)
          if (!der) continue
          all.push(der)
          // Named by serial (unique per CA); the same serial from two CAs gets the CA's id too.
          let stem = c.serial.toUpperCase()
          if (taken.has(stem)) stem = `${stem}-${(c.authorityId ?? 'imported').replace(/[^A-Za-z0-9_-]+/g, '').slice(0, 16)}-${c.id}`
          taken.add(stem)
          const one = format === 'p7b' ? buildPkcs7([der]) : ok(format === 'pem' ? Buffer.from(toPem('CERTIFICATE', der)) : der)
          if (!one.ok) return one
          const w = put({ name: `${stem}.${format === 'pem' ? 'pem' : format === 'der' ? 'cer' : 'p7b'}`, bytes: one.value })
          if (!w.ok) return w
        }
        emit('progress', { operationId, done: Math.min(i + EXPORT_SLICE, selected.length), total: selected.length, label, finished: false })
        await yieldToLoop()
      }
      const bundle = format === 'pem' ? ok(Buffer.from(all.map((d) => toPem('CERTIFICATE', d)).join(''))) : buildPkcs7(all)
      if (!bundle.ok) return bundle
      const w = put({ name: format === 'pem' ? 'bundle.pem' : 'bundle.p7b', bytes: bundle.value })
      if (!w.ok) return w
      emit('progress', { operationId, done: selected.length, total: selected.length, label, finished: true })
      return ok({ paths, certificates: all.length, cancelled: false })
    } finally {
      running.delete(operationId)
    }
  }

  return {
    resolve,
    exportTo,

    cancel(operationId) {
      const control = running.get(operationId)
      if (!control) return false
      control.cancelled = true
      return true
    },

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
        if (c.onHold) skipped.push({ serial: c.serial, id: c.id, why: 'on-hold' })
        else if (c.status === 'revoked') skipped.push({ serial: c.serial, id: c.id, why: 'already-revoked' })
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
        return fail('NOTHING_TO_REVOKE', `Every selected certificate is already revoked, on hold or was not issued by a CA held here (${skipped.length}): nothing to revoke.`, 'selection')
      const operationId = req.operationId ?? randomUUID()
      const items = targets.slice(0, req.listLimit).map(dto)
      if (req.dryRun) return ok({ operationId, dryRun: true, matched: targets.length, revoked: 0, cancelled: false, items, skipped })

      const started = start(operationId)
      if (!started.ok) return started
      const control = started.value
      const at = new Date(Math.floor(now().getTime() / 1000) * 1000).toISOString()
      let revoked = 0
      let cancelled = false
      try {
        for (let i = 0; i < targets.length; i += REVOKE_SLICE) {
          // Between slices only: a slice is one transaction, all of it or none.
          if (control.cancelled) {
            cancelled = true
            emit('progress', { operationId, done: i, total: targets.length, label: 'Revoking certificates', finished: true })
            break
          }
          const slice = targets.slice(i, i + REVOKE_SLICE)
          revoked += store.write((tx) => {
            const audit: AuditInput[] = []
            for (const c of slice) {
              // Revoked meanwhile (another window, the CLI): left as it is, not audited twice.
              if (!revokeCertificate(tx, c.id, { revokedAt: at, reason: req.reason, invalidityDate: req.invalidityDate ?? null })) continue
              audit.push({ action: 'certificate.revoke', subject: `certificate:${c.id}`, details: { serial: c.serial, authorityId: c.authorityId, reason: req.reason, invalidityDate: req.invalidityDate ?? null, bulk: operationId } })
            }
            // One entry per certificate revoked, in the slice's order.
            return appendAuditEntries(tx, audit, now()).length
          })
          emit('progress', { operationId, done: Math.min(i + REVOKE_SLICE, targets.length), total: targets.length, label: 'Revoking certificates', finished: i + REVOKE_SLICE >= targets.length })
          await yieldToLoop()
        }
      } finally {
        running.delete(operationId)
      }
      emit('changed', { domain: 'certificates' })
      emit('changed', { domain: 'audit' })
      return ok({ operationId, dryRun: false, matched: targets.length, revoked, cancelled, items, skipped })
    },

    async exportFiles(selection, format) {
      const files: BulkFile[] = []
      const r = await exportTo(selection, format, (file) => {
        files.push(file)
        return ok(file.name)
      })
      return r.ok ? ok({ files, certificates: r.value.certificates }) : r
    }
  }
}

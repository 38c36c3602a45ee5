// The certificate inventory: list (keyset pages over 100,000 rows), detail in words, export
// (PEM, DER, chain, PKCS#7, PFX modern/legacy), revocation and CRLs.
import { fail, ok, type Result } from '../../shared/errors'
import type { EventSink } from '../../shared/ipc/events'
import { ACCEPTED_REVOCATION_REASONS, type CertificateDetail, type CertificateSummary, type CrlSummary, type ExportFormat, type ExportedFile, type RevocationReason } from '../../shared/domain/certificate'
import type { ExpiryStatsDto, ListCertificatesRequest } from '../../shared/ipc/certificates'
import type { Store } from '../store/database'
import { appendAudit } from '../store/audit-log'
import { countCertificates, getCertificate, findCertificateBySha256, findCertificatesBySerial, finalizeHold, queryCertificates, releaseHold, revokeCertificate, revokedPage, sortKeyCount, type CertificateRow, type SortPosition } from '../store/certificates-repo'
import { currentAuthorityId, getAuthority, listAuthorities, takeCrlNumber } from '../store/authorities-repo'
import { getCrl, insertCrl, listCrls, type CrlRow } from '../store/crls-repo'
import { deliveredChain } from '../store/chains-repo'
import { buildCrl, buildPkcs7, crlEntryCount, describeCertificate, toPem, type CrlEntry } from '../engine'
import { buildPfx } from '../engine/pkcs12'
import { signingHashFor, signingKeyOfSpec } from '../engine/signing-rules'
import { tokenKeyNotExportable, type KeyConfirmation, type VaultPort } from './vault-service'
import type { KeySecrets } from '../vault'
import type { AuthoritiesService } from './authorities-service'
import { certificateSummary, keyExportBlocked, keyExportBlockedBy, parseCrlSettings, sha256Hex, signedBy } from './certificate-records'

export interface CertificatesService {
  list(q: ListCertificatesRequest): Result<{ items: CertificateSummary[]; nextCursor: string | null; total: number }>
  get(id: number): Result<CertificateDetail>
  /** The dashboard's counts and expiry timeline (`weeks` weeks from now), from the tallies. */
  expiryStats(weeks: number): Result<ExpiryStatsDto>
  /**
   * `caKey` is the opt-in for a CA's private key (a root or intermediate key in a PFX is the
   * most valuable thing the app holds), carrying that key's secrets asked again by main (the
   * app's own dialog, or the CLI's passphrase): without it such an export is refused, and
   * the secrets must open the key's envelope now even when the key is unlocked. Audited with
   * what confirmed it.
   */
  export(id: number, format: ExportFormat, password: string | undefined, includeKey: boolean, caKey?: CaKeyConsent): Promise<Result<ExportedFile>>
  /** Revokes; a certificate on hold can be revoked again with a final reason (its revocation date stays the hold's). */
  revoke(id: number, reason: RevocationReason, invalidityDate?: string): Result<CertificateSummary>
  /** Lifts a hold (certificateHold): the certificate is valid again and the next CRL omits it. Audited. */
  release(id: number): Result<CertificateSummary>
  generateCrl(authorityId: string): Promise<Result<CrlSummary>>
  listCrls(authorityId: string): Result<{ items: CrlSummary[] }>
  exportCrl(id: number, format: 'pem' | 'der'): Result<ExportedFile>
  /** A certificate's DER (the stored truth), or CERTIFICATE_NOT_FOUND. */
  der(id: number): Result<Uint8Array>
  /**
   * Certificates whose serial is `hex` (any case, colons ignored, leading zeros tolerated):
   * an exact lookup on the serial index, never a substring search; `authorityId` narrows it.
   */
  findBySerial(hex: string, authorityId?: string): CertificateSummary[]
}

/** A CA key's secrets, asked again for its export (KeySecrets; empty for a keychain-only key, whose confirmation is the asking). */
export type CaKeyConsent = KeySecrets

const DAY = 86_400_000
const CRL_READ_PAGE = 10_000
export const MIN_PFX_PASSWORD = 12

function fileName(base: string): string {
  return base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'certificate'
}

export function createCertificatesService(store: Store, vault: VaultPort, authorities: AuthoritiesService, emit: EventSink, now: () => Date): CertificatesService {
  const notFound = (id: number): Result<never> => fail('CERTIFICATE_NOT_FOUND', `No certificate ${id}: it may have been removed; refresh the list.`, 'id')

  const read = store.read
  const certificate = (id: number): CertificateRow | null => read((tx) => getCertificate(tx, id))

  /** Issuer certificates from the immediate CA up to the root (the certificate itself excluded). */
  function chainOf(row: CertificateRow): { der: Uint8Array; row: CertificateRow | null; authorityId: string | null }[] {
    return read((tx) => {
      const out: { der: Uint8Array; row: CertificateRow | null; authorityId: string | null }[] = []
      const selfSha = row.sha256
      let authorityId = row.authorityId
      const seen = new Set<string>()
      while (authorityId && !seen.has(authorityId)) {
        seen.add(authorityId)
        const a = getAuthority(tx, authorityId)
        if (!a?.certDer) break
        const sha = sha256Hex(a.certDer)
        if (sha === selfSha) break // a root's own record
        out.push({ der: a.certDer, row: findCertificateBySha256(tx, sha), authorityId: a.id })
        authorityId = a.parentId
      }
      // Above the last CA of this desk (or above the certificate, when none issued it): the chain
      // delivered with that certificate (by a platform, or by the external parent of a CA), checked when it was stored.
      const top = out.length ? out[out.length - 1]!.row : row
      if (top) for (const der of deliveredChain(tx, top.id)) out.push({ der, row: findCertificateBySha256(tx, sha256Hex(der)), authorityId: null })
      return out
    })
  }

  function crlSummary(c: CrlRow): CrlSummary {
    return {
      id: c.id,
      authorityId: c.authorityId,
      crlNumber: c.crlNumber,
      thisUpdate: c.thisUpdate,
      nextUpdate: c.nextUpdate,
      entries: crlEntryCount(c.der),
      sha256: sha256Hex(c.der),
      createdAt: c.createdAt
    }
  }

  /** Read in pages of 10,000 with a yield between them (~10 ms each on the partial index of migration 005): the main thread stays responsive at 100,000 entries. */
  async function revokedEntries(authorityId: string): Promise<CrlEntry[]> {
    const entries: CrlEntry[] = []
    for (let after = 0; ; ) {
      const page = read((tx) => revokedPage(tx, authorityId, after, CRL_READ_PAGE))
      for (const r of page)
        entries.push({
          serial: r.serial,
          revokedAt: new Date(r.revokedAt),
          // removeFromCRL never goes into a full CRL (older records): listed without a reason code.
          reason: (r.reason === 'removeFromCRL' ? 'unspecified' : (r.reason ?? 'unspecified')) as RevocationReason,
          ...(r.invalidityDate ? { invalidityDate: new Date(r.invalidityDate) } : {})
        })
      if (page.length < CRL_READ_PAGE) return entries
      after = page[page.length - 1]!.id
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** A CA's own certificate decides whether that CA may issue: its screen refreshes too. */
  function changedCertificate(row: CertificateRow): void {
    emit('changed', { domain: 'certificates' })
    if (row.isCa) emit('changed', { domain: 'authorities' })
    emit('changed', { domain: 'audit' })
  }

  return {
    list(q) {
      let after: SortPosition | undefined
      if (q.cursor) {
        try {
          // The sort key of the last row ({v: [values], id}); a one-column key may be a bare value (older cursors).
          const c = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as { v: unknown; id: unknown }
          const values: unknown[] = Array.isArray(c.v) ? c.v : [c.v]
          if (typeof c.id !== 'number' || values.length !== sortKeyCount(q.sort.field) || !values.every((v) => typeof v === 'string' || typeof v === 'number')) throw new Error('shape')
          after = { values: values as (string | number)[], id: c.id }
        } catch {
          return fail('INVALID_CURSOR', 'The page cursor is not valid: reload the list from the first page.', 'cursor')
        }
      }
      const t = now()
      const r = read((tx) => queryCertificates(tx, {
        ...(q.search ? { search: q.search } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.authorityId ? { authorityId: q.authorityId } : {}),
        ...(q.profileId ? { profileId: q.profileId } : {}),
        ...(q.expiringWithinDays !== undefined ? { expiring: { now: t.toISOString(), until: new Date(t.getTime() + q.expiringWithinDays * DAY).toISOString() } } : {}),
        now: t.toISOString(),
        sort: q.sort,
        ...(after ? { after } : {}),
        limit: q.limit
      }))
      const nextCursor = r.rows.length === q.limit && r.last ? Buffer.from(JSON.stringify({ v: r.last.values, id: r.last.id })).toString('base64url') : null
      return ok({ items: r.rows.map((x) => certificateSummary(x, t)), nextCursor, total: r.total })
    },

    expiryStats(weeks) {
      const t = now()
      const at = (days: number): string => new Date(t.getTime() + days * DAY).toISOString()
      return read((tx) => {
        const count = (f: Omit<Parameters<typeof countCertificates>[1], 'now'>): number => countCertificates(tx, { ...f, now: t.toISOString() })
        // Cumulative "expiring within 7k days" counts, as the inventory's filter counts them; each week is the difference.
        const within = Array.from({ length: weeks + 1 }, (_, k) => count({ expiring: { now: at(0), until: at(7 * k) } }))
        return ok({
          total: count({}),
          revoked: count({ status: 'revoked' }),
          within30: count({ expiring: { now: at(0), until: at(30) } }),
          weeks: Array.from({ length: weeks }, (_, k) => ({ start: at(7 * k), count: within[k + 1]! - within[k]! }))
        })
      })
    },

    get(id) {
      const row = certificate(id)
      if (!row) return notFound(id)
      const view = describeCertificate(row.der)
      const held = row.keyId ? vault.keyState(row.keyId) : null
      return ok({
        ...certificateSummary(row, now()),
        view,
        heldKey: held ? { keyId: held.keyId, protection: held.protection, unlocked: held.unlocked, locksAt: held.locksAt, token: vault.tokenKeyPlace(held.keyId) } : null,
        invalidityDate: row.invalidityDate,
        keyExportBlockedBy: read((tx) => keyExportBlockedBy(tx, row)),
        chain: chainOf(row).map((c) => ({
          certificateId: c.row?.id ?? null,
          authorityId: c.authorityId,
          subjectText: describeCertificate(c.der).subjectText,
          sha256: sha256Hex(c.der)
        }))
      })
    },

    async export(id, format, password, includeKey, caKeyConsent) {
      const row = certificate(id)
      if (!row) return notFound(id)
      const view = describeCertificate(row.der)
      const base = fileName(view.subject.length ? (/(?:^|, )CN=([^,]+)/.exec(view.subjectText)?.[1] ?? view.serial) : view.serial)
      const chain = [row.der, ...chainOf(row).map((c) => c.der)]
      const file = (name: string, mediaType: string, bytes: Uint8Array | string, containsKey = false): Result<ExportedFile> =>
        ok({ fileName: name, mediaType, base64: Buffer.from(bytes).toString('base64'), containsKey })
      switch (format) {
        case 'pem':
          return file(`${base}.pem`, 'application/x-pem-file', toPem('CERTIFICATE', row.der))
        case 'der':
          return file(`${base}.cer`, 'application/pkix-cert', row.der)
        case 'pem-chain':
          return file(`${base}-chain.pem`, 'application/x-pem-file', chain.map((d) => toPem('CERTIFICATE', d)).join(''))
        case 'p7b-der': {
          const p7 = buildPkcs7(chain)
          return p7.ok ? file(`${base}.p7b`, 'application/pkcs7-mime', p7.value) : p7
        }
        case 'p7b-pem': {
          // Not .p7b: a PEM and a DER bundle saved side by side must not share a name.
          const p7 = buildPkcs7(chain)
          return p7.ok ? file(`${base}-pkcs7.pem`, 'application/x-pem-file', toPem('PKCS7', p7.value)) : p7
        }
        case 'pfx-modern':
        case 'pfx-legacy': {
          const preset = format === 'pfx-modern' ? 'modern' : 'legacy'
          const withKey = includeKey && row.keyId !== null
          const blockedBy = withKey ? read((tx) => keyExportBlockedBy(tx, row)) : null
          if (blockedBy) return keyExportBlocked(row, blockedBy, 'includeKey')
          const onToken = withKey ? vault.tokenKeyPlace(row.keyId!) : null
          if (onToken) return tokenKeyNotExportable(onToken, `A PFX of certificate ${row.serial.toUpperCase()}`, 'includeKey')
          // A CA's key: its certificate says CA, or a CA held here signs with that key.
          const caKey = withKey && (row.isCa || read(listAuthorities).some((a) => a.keyId === row.keyId))
          if (caKey && !caKeyConsent)
            return fail(
              'CA_KEY_EXPORT_NOT_CONFIRMED',
              `Certificate ${row.serial.toUpperCase()} belongs to a CA: putting its private key into a PFX needs the explicit includeCaKey option (--include-ca-key in the CLI) and the CA key's passphrase again; export without the key otherwise.`,
              'includeCaKey'
            )
          if (!password) return fail('PASSPHRASE_REQUIRED', 'A PFX needs a password: enter one.', 'password')
          if (withKey && password.length < MIN_PFX_PASSWORD)
            return fail('PASSPHRASE_TOO_SHORT', `The password is shorter than ${MIN_PFX_PASSWORD} characters, the minimum for a PFX that carries the private key: choose a longer one.`, 'password')
          let confirmed: KeyConfirmation | null = null
          if (caKey && caKeyConsent) {
            const c = await vault.confirmSecrets(row.keyId!, caKeyConsent, `exporting the CA key of certificate ${row.serial.toUpperCase()}`, 'caKeyPassphrase')
            if (!c.ok) return c
            confirmed = c.value
          }
          let encryptedKey: Uint8Array | undefined
          if (withKey) {
            const k = await vault.exportKey(row.keyId!, password, preset, `pfx export of certificate ${id}`)
            if (!k.ok) return k
            encryptedKey = k.value
          }
          const pfx = await buildPfx({ certificates: chain, ...(encryptedKey ? { encryptedKey } : {}), friendlyName: base, password, preset })
          if (!pfx.ok) return pfx
          store.write((tx) => appendAudit(tx, { action: 'certificate.export', subject: `certificate:${id}`, details: { format, containsKey: withKey, ...(confirmed ? { caKey: true, confirmedWith: confirmed.with, ...(confirmed.custodians ? { custodians: confirmed.custodians } : {}) } : {}) } }, now()))
          emit('changed', { domain: 'audit' })
          return file(`${base}${preset === 'legacy' ? '-legacy' : ''}.pfx`, 'application/x-pkcs12', pfx.value, withKey)
        }
      }
    },

    revoke(id, reason, invalidityDate) {
      const row = certificate(id)
      if (!row) return notFound(id)
      if (!ACCEPTED_REVOCATION_REASONS.includes(reason))
        return fail('REVOCATION_REASON_NOT_ALLOWED', 'The reason removeFromCRL is not a revocation reason: it appears only in delta CRLs (RFC 5280 5.3.1); choose the reason the certificate is revoked for.', 'reason')
      const held = row.status === 'revoked' && row.revocationReason === 'certificateHold'
      if (row.status === 'revoked' && !(held && reason !== 'certificateHold'))
        return fail('ALREADY_REVOKED', `Certificate ${row.serial} was already revoked on ${row.revokedAt}${held ? ' (on hold: release it, or revoke it for a final reason)' : ''}.`, 'id')
      if (!row.authorityId) return fail('NOT_ISSUED_HERE', 'This certificate was not issued by a CA held here; revoke it at its issuer.', 'id')
      if (invalidityDate && new Date(invalidityDate) > now()) return fail('INVALIDITY_DATE_IN_FUTURE', 'The invalidity date is in the future: give the date the key is known or suspected to have been compromised, today or earlier.', 'invalidityDate')
      const at = new Date(Math.floor(now().getTime() / 1000) * 1000).toISOString()
      store.write((tx) => {
        if (held) finalizeHold(tx, id, { reason, invalidityDate: invalidityDate ?? null })
        else revokeCertificate(tx, id, { revokedAt: at, reason, invalidityDate: invalidityDate ?? null })
        appendAudit(tx, { action: 'certificate.revoke', subject: `certificate:${id}`, details: { serial: row.serial, authorityId: row.authorityId, reason, invalidityDate: invalidityDate ?? null, ...(held ? { fromHold: row.revokedAt } : {}) } }, now())
      })
      changedCertificate(row)
      return ok(certificateSummary(certificate(id)!, now()))
    },

    release(id) {
      const row = certificate(id)
      if (!row) return notFound(id)
      if (row.status !== 'revoked' || row.revocationReason !== 'certificateHold')
        return fail(
          'CERTIFICATE_NOT_ON_HOLD',
          `Certificate ${row.serial.toUpperCase()} is not on hold (${row.status === 'revoked' ? `revoked for ${row.revocationReason ?? 'unspecified'}, which is final` : 'it is not revoked'}): only a certificate revoked with reason certificateHold can be released.`,
          'id'
        )
      const released = store.write((tx) => {
        if (!releaseHold(tx, id)) return false
        appendAudit(tx, { action: 'certificate.release', subject: `certificate:${id}`, details: { serial: row.serial, authorityId: row.authorityId, heldSince: row.revokedAt } }, now())
        return true
      })
      if (!released) return fail('CERTIFICATE_NOT_ON_HOLD', `Certificate ${row.serial.toUpperCase()} changed meanwhile and is no longer on hold: refresh it.`, 'id')
      changedCertificate(row)
      return ok(certificateSummary(certificate(id)!, now()))
    },

    async generateCrl(authorityId) {
      const ca = authorities.requireActive(authorityId)
      if (!ca.ok) return ca
      const { row, issuer } = ca.value
      if (!row.keyId) return fail('AUTHORITY_NO_KEY', `"${row.name}" has no key in this app and cannot sign a CRL.`, 'authorityId')
      const signer = vault.signer(row.keyId)
      if (!signer.ok) return fail('AUTHORITY_LOCKED', `"${row.name}" is locked: unlock it and generate the CRL again.`, 'authorityId')
      const settings = parseCrlSettings(row.crlSettings)
      // One CA name, one CRL number sequence: a retired (re-keyed) CA takes its numbers from its successor's counter.
      const counterId = read((tx) => currentAuthorityId(tx, authorityId))
      for (let attemptNo = 0; attemptNo < 3; attemptNo++) {
        const crlNumber = read((tx) => getAuthority(tx, counterId)!.nextCrlNumber)
        const thisUpdate = new Date(Math.floor(now().getTime() / 1000) * 1000)
        const nextUpdate = new Date(thisUpdate.getTime() + settings.validityHours * 3_600_000)
        const entries = await revokedEntries(authorityId)
        // The CA's key decides the hash for ECDSA (P-384 → SHA-384…); the setting applies to RSA.
        const decided = signingHashFor(signingKeyOfSpec(signer.value.spec), settings.hash, false)
        const hash = decided.ok ? decided.hash : settings.hash
        const built = await buildCrl({ issuerSubjectDer: issuer.subjectDer, issuerSki: issuer.ski, crlNumber, thisUpdate, nextUpdate, entries, hash, rsaPss: settings.rsaPss && signer.value.spec.startsWith('rsa') }, signer.value)
        if (!built.ok) return built
        const der = built.value
        // The number is taken only if no other CRL took it meanwhile: monotonic, never reused.
        const id = store.write((tx) => {
          if (!takeCrlNumber(tx, counterId, crlNumber)) return null
          const crlId = insertCrl(tx, { authorityId, crlNumber, der, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate.toISOString(), createdAt: now().toISOString() })
          appendAudit(tx, { action: 'crl.generate', subject: `authority:${authorityId}`, details: { crlNumber, entries: entries.length, sha256: sha256Hex(der), ...signedBy(signer.value) } }, now())
          return crlId
        })
        if (id === null) continue
        emit('changed', { domain: 'authorities' })
        emit('changed', { domain: 'audit' })
        return ok(crlSummary(read((tx) => getCrl(tx, id))!))
      }
      return fail('CRL_BUSY', 'Another CRL was being generated for this CA at the same time; try again.')
    },

    listCrls(authorityId) {
      const crls = read((tx) => (getAuthority(tx, authorityId) ? listCrls(tx, authorityId) : null))
      if (!crls) return fail('AUTHORITY_NOT_FOUND', `No CA has id ${authorityId}: it may have been deleted; refresh the list.`, 'authorityId')
      return ok({ items: crls.map(crlSummary) })
    },

    exportCrl(id, format) {
      const c = read((tx) => getCrl(tx, id))
      if (!c) return fail('CRL_NOT_FOUND', `No CRL ${id}: refresh the list.`, 'id')
      const a = read((tx) => getAuthority(tx, c.authorityId))
      const base = fileName(`${a?.name ?? 'ca'}-${c.crlNumber}`)
      return format === 'pem'
        ? ok({ fileName: `${base}.crl.pem`, mediaType: 'application/x-pem-file', base64: Buffer.from(toPem('X509 CRL', c.der)).toString('base64'), containsKey: false })
        : ok({ fileName: `${base}.crl`, mediaType: 'application/pkix-crl', base64: Buffer.from(c.der).toString('base64'), containsKey: false })
    },

    der(id) {
      const row = certificate(id)
      return row ? ok(row.der) : notFound(id)
    },

    findBySerial(hex, authorityId) {
      const t = now()
      return read((tx) => findCertificatesBySerial(tx, hex, authorityId)).map((r) => certificateSummary(r, t))
    }
  }
}

// Renewal with the same profile: a new certificate for the key the vault holds, with the old
// certificate's subject and names, issued under its profile as that profile is now. The
// vault's key signs a fresh request (proof of possession, as for any request), which then
// goes through the same batch issuance as every other request: policy, lint, signature,
// one transaction with its audit entry (which names the certificate renewed). Before that,
// the profile's verdict is read once more here: a renewal promises the same names, so a
// subject or SAN the profile would now change is a warning to confirm, with the profile's own.
// A certificate whose key the vault does not hold cannot be renewed here: its owner must send
// a new CSR, and the error says which profile and CA to sign it with.
import { randomUUID } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { ownTrue } from '../../shared/safe-json'
import type { RenewRequest } from '../../shared/ipc/certificates'
import { profileBody, type ProfileBody } from '../../shared/domain/profile'
import type { Store } from '../store/database'
import { compromisedKeySerial, getCertificate } from '../store/certificates-repo'
import { getProfileRow } from '../store/profiles-repo'
import { currentAuthorityId } from '../store/authorities-repo'
import { buildCsr, describeCertificate, readCsrInput, toPem } from '../engine'
import { evaluate, hasErrors, renewalInput, renewalNameChanges, warningsOf } from '../engine/policy'
import { findingsError } from '../engine/batch'
import { pairedHash, signingKeyOfSpec } from '../engine/signing-rules'
import type { IssuanceService } from './issuance-service'
import type { ProfilesService } from './profiles-service'
import type { VaultPort } from './vault-service'

export interface RenewalService {
  renew(request: RenewRequest): Promise<Result<{ certificateId: number; serial: string; subjectText: string; renewedFrom: number; authorityId: string; profileId: string | null }>>
}

export function createRenewalService(store: Store, vault: VaultPort, issuance: IssuanceService, profiles: ProfilesService, now: () => Date): RenewalService {
  /**
   * The warnings to confirm before renewing: the profile's own, and every change it would now
   * make to the old subject and names. None when the profile refuses outright (issuance then
   * reports its errors) or when the issuer cannot be read (issuance reports that too).
   */
  function renewalWarnings(profile: ProfileBody, csrDer: Uint8Array, input: ReturnType<typeof renewalInput>, authorityId: string, old: ReturnType<typeof describeCertificate>) {
    const issuer = profiles.issuerContext(authorityId)
    const parsed = readCsrInput(csrDer)
    const first = parsed.ok ? parsed.value[0] : undefined
    if (!issuer.ok || !first?.ok) return []
    const e = evaluate(profile, first.csr, input, { now: now(), issuer: issuer.value })
    if (hasErrors(e.findings)) return []
    return [...warningsOf(e.findings), ...renewalNameChanges(old, { subject: e.template.subject, sans: e.template.subjectAltName?.names ?? [] })]
  }

  return {
    async renew(request) {
      const row = store.read((tx) => getCertificate(tx, request.id))
      if (!row) return fail('CERTIFICATE_NOT_FOUND', `No certificate ${request.id}: it may have been removed; refresh the list.`, 'id')
      const serial = row.serial.toUpperCase()
      if (row.isCa)
        return fail('RENEW_CA_CERTIFICATE', `Certificate ${serial} is a CA certificate: renewal here is for end-entity certificates; create the CA again from Certificate authorities.`, 'id')
      // Any certificate of this key revoked for keyCompromise (this one, or an earlier renewal's) condemns the key.
      const compromised = store.read((tx) => compromisedKeySerial(tx, row.spkiSha256))
      if (compromised)
        return fail(
          'KEY_COMPROMISED',
          `${compromised === row.serial ? `Certificate ${serial}` : `Certificate ${compromised.toUpperCase()}, for the same key as ${serial},`} was revoked because the key was compromised: a renewal would certify that key again; generate a new key and CSR instead.`,
          'id'
        )
      const profileRow = row.profileId ? store.read((tx) => getProfileRow(tx, row.profileId!)) : null
      const profileName = row.profileId ? (profileRow?.name ?? row.profileId) : null
      const withProfile = profileName ? `with the profile "${profileName}"` : 'without a profile'
      if (!row.keyId)
        return fail(
          'RENEW_NEEDS_CSR',
          `PKI Desk does not hold the private key of certificate ${serial}, so it cannot make the renewal request itself: ask the key's owner for a new CSR and sign it on Sign requests ${withProfile}.`,
          'id',
          { profileId: row.profileId, authorityId: row.authorityId }
        )
      // A CA re-keyed since it issued this certificate renews it with the CA that replaced it.
      const authorityId = request.authorityId ?? (row.authorityId ? store.read((tx) => currentAuthorityId(tx, row.authorityId!)) : null)
      if (!authorityId)
        return fail('MISSING_INPUT', `Certificate ${serial} was not issued by a CA in PKI Desk: choose the CA that signs its renewal.`, 'authorityId')
      let profile: ProfileBody | null = null
      if (row.profileId) {
        if (profileRow?.archived)
          return fail('PROFILE_ARCHIVED', `The profile "${profileRow.name}" is archived: unarchive it in Profiles to renew with it, or sign a new CSR for this key with another profile on Sign requests.`, 'id')
        const parsed = profileRow ? profileBody.safeParse(JSON.parse(profileRow.body)) : null
        // A missing or unreadable profile is reported by issuance with its own code.
        profile = parsed?.success ? parsed.data : null
      }
      const key = vault.key(row.keyId)
      if (!key) return fail('KEY_NOT_FOUND', `The key of certificate ${serial} is no longer in the vault: ask for a new CSR instead.`, 'id')
      const view = describeCertificate(row.der)
      const keyId = row.keyId
      return vault.withUnlocked(keyId, request.keyPassphrase, 'keyPassphrase', async () => {
        const signer = vault.signer(keyId)
        if (!signer.ok) return signer
        const csr = await buildCsr({ subject: view.subject, sans: view.sans, ca: false, hash: pairedHash(signingKeyOfSpec(key.spec)) ?? 'SHA-256', rsaPss: false }, signer.value)
        if (!csr.ok) return csr
        const csrPem = toPem('CERTIFICATE REQUEST', csr.value)
        const input = renewalInput(profile, view.subject, view.sans)
        if (profile && !ownTrue(request, 'confirmWarnings')) {
          const unconfirmed = renewalWarnings(profile, csr.value, input, authorityId, view)
          if (unconfirmed.length) return { ok: false, error: { ...findingsError('POLICY_WARNINGS_UNCONFIRMED', unconfirmed), field: 'id' } }
        }
        const issued = await issuance.issue(
          {
            operationId: `renew-${randomUUID()}`,
            authorityId,
            profileId: row.profileId,
            confirmWarnings: ownTrue(request, 'confirmWarnings'),
            items: [{ csrPem, input }]
          },
          { renewalOf: row.id }
        )
        if (!issued.ok) return issued
        const item = issued.value.results[0]!
        // The request's own position means nothing to the caller: the certificate is at fault.
        if (!item.ok) return { ok: false, error: { ...item.error, field: !item.error.field || item.error.field.startsWith('items.') ? 'id' : item.error.field } }
        return ok({ certificateId: item.certificateId, serial: item.serial, subjectText: item.subjectText, renewedFrom: row.id, authorityId, profileId: row.profileId })
      })
    }
  }
}

// Where sync meets the rest of the app: local profiles (converted to and from each
// platform's dialect by the profiles engine) and the certificate inventory. The sync
// service is given these ports; until a real implementation is wired, they refuse with a
// clear sentence instead of guessing at another domain's tables.
import { fail, type Result } from '../../shared/errors'
import type { DistinguishedName } from '../../shared/domain/names'
import type { PulledProfile } from './connector'
import type { PaloAltoFields } from '../engine/profiles/paloalto'

export interface PulledProfileImport {
  readonly localId: string
  /** The conversion notes, and e.g. "local profile web-server was edited since the last pull and was kept". */
  readonly notes: readonly string[]
}

/** A local profile converted for a platform, with the notes on what the conversion could not carry. */
export interface Converted<T> {
  readonly body: T
  readonly notes: readonly string[]
}

export interface ProfileBridge {
  /** A local profile as a Lamassu issuance profile body (with `id`). */
  toLamassu(profileId: string): Result<Converted<Record<string, unknown>>>
  /** A local profile as a CertCentral createProfile body (account fields it holds included). */
  toCertCentral(profileId: string): Result<Converted<Record<string, unknown>>>
  /** A local profile's fields for a firewall-generated certificate. */
  toPaloAlto(profileId: string): Result<Converted<PaloAltoFields>>
  /**
   * Saves a pulled remote profile as a local one, creating it or updating the copy made by
   * an earlier pull (`existingLocalId`). Runs inside the sync transaction. A profile that does
   * not convert is refused (Result), and the pull goes on with the others.
   * `remoteChanged` is true when the remote content differs from the last pull.
   */
  importPulled(input: {
    readonly platform: 'lamassu' | 'digicert-tlm'
    readonly connectorName: string
    readonly profile: PulledProfile
    readonly existingLocalId: string | null
    readonly remoteChanged: boolean
  }): Result<PulledProfileImport>
}

/** A certificate of the inventory as sync needs it. */
export interface InventoryCertificate {
  readonly id: string
  readonly pem: string
  readonly serial: string
  /** SHA-256 of the DER, lowercase hex (IoT Device Manager's thumbprint). */
  readonly sha256: string
  readonly subject: DistinguishedName
}

export interface CertificateBridge {
  /** The certificate of that serial (hex, any case) in the inventory. */
  findBySerial(serial: string): Result<InventoryCertificate>
  /**
   * Adds an issued certificate to the inventory with `source` = the connector's name, with
   * the checked chain the platform delivered (`issuers`, immediate issuer first) so exports
   * carry it; tied to a local CA when one has the issuer's subject and key. Runs inside the
   * sync transaction. Returns the notes (e.g. "issued under local CA …").
   */
  importIssued(input: { readonly der: Uint8Array; readonly issuers: readonly Uint8Array[]; readonly source: string }): Result<{ readonly id: string; readonly notes: readonly string[] }>
}

const profilesMissing = () =>
  fail<never>('SYNC_PROFILES_UNAVAILABLE', 'Local profiles cannot be converted for this platform in this build; the profiles engine is not wired to sync yet.')
const certificatesMissing = () =>
  fail<never>('SYNC_INVENTORY_UNAVAILABLE', 'The certificate inventory is not wired to sync in this build; nothing was changed.')

export const unavailableProfileBridge: ProfileBridge = {
  toLamassu: profilesMissing,
  toCertCentral: profilesMissing,
  toPaloAlto: profilesMissing,
  importPulled: profilesMissing
}

export const unavailableCertificateBridge: CertificateBridge = {
  findBySerial: certificatesMissing,
  importIssued: certificatesMissing
}

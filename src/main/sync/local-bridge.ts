// Where sync meets the rest of the app: local profiles (converted to and from each
// platform's dialect by the profiles engine) and the certificate inventory. The sync
// service is given these ports; until a real implementation is wired, they refuse with a
// clear sentence instead of guessing at another domain's tables.
import { fail, type Result } from '../../shared/errors'
import type { PulledProfile } from './connector'
import type { PaloAltoFields } from './connectors/paloalto'

export interface PulledProfileImport {
  readonly localId: string
  /** e.g. "local profile web-server was edited since the last pull and was kept". */
  readonly note?: string
}

export interface ProfileBridge {
  /** A local profile as a Lamassu issuance profile body (with `id`). */
  toLamassu(profileId: string): Result<Record<string, unknown>>
  /** A local profile as the profile-specific part of a CertCentral createProfile body (name, validityPeriod, key, hash…). */
  toCertCentral(profileId: string): Result<Record<string, unknown>>
  /** A local profile's fields for a firewall-generated certificate. */
  toPaloAlto(profileId: string): Result<PaloAltoFields>
  /**
   * Saves a pulled remote profile as a local one, creating it or updating the copy made by
   * an earlier pull (`existingLocalId`). Runs inside the sync transaction; throw AppFailure to
   * abort it. `remoteChanged` is true when the remote content differs from the last pull.
   */
  importPulled(input: {
    readonly platform: 'lamassu' | 'digicert-tlm'
    readonly connectorName: string
    readonly profile: PulledProfile
    readonly existingLocalId: string | null
    readonly remoteChanged: boolean
  }): Result<PulledProfileImport>
}

export interface CertificateBridge {
  /** The certificate of that serial (hex, any case) in the inventory, as PEM. */
  findBySerial(serial: string): Result<{ readonly pem: string; readonly serial: string }>
  /** Adds an issued certificate to the inventory with `source` = the connector's name. Runs inside the sync transaction. */
  importIssued(input: { readonly pem: string; readonly chainPems: readonly string[]; readonly source: string }): Result<{ readonly id: string }>
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

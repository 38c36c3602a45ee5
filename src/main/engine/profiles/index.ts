// Profile dialects: import any seed's profile JSON into the model and export the model back,
// each with the precise list of what the conversion could not carry. Pure.
//
//   fromLamassu(json) / toLamassu(profile)          Lamassu issuance profile (seed 004)
//   fromDigicertTlm(json) / toDigicertTlm(profile)  DigiCert TLM profile (seed 002)
//   fromCertCentral(json) / toCertCentral(profile)  DigiCert CertCentral automation profile (seed 000)
//   fromPaloAlto(json) / toPaloAlto(profile)        Palo Alto generate-certificate body (seed 003)
//   fromPkiDesk(json) / toPkiDesk(profile)          this model's own versioned JSON
//
// Importers return Result<Imported> (INVALID_OBJECT naming the source field when the document
// does not fit); exporters cannot fail and return { json, notes }.
import { fail, type Result } from '../../../shared/errors'
import { assertNever } from '../../../shared/errors'
import { LIMITS } from '../../../shared/limits'
import { parseJson } from '../../../shared/safe-json'
import type { ProfileDialect } from '../../../shared/domain/profile'
import { isObject, type Exported, type ExportSource, type Imported } from './common'
import { fromLamassu, toLamassu } from './lamassu'
import { fromDigicertTlm, toDigicertTlm } from './digicert-tlm'
import { fromCertCentral, toCertCentral } from './certcentral'
import { fromPaloAlto, paloAltoFields, toPaloAlto, type PaloAltoFields } from './paloalto'
import { fromPkiDesk, toPkiDesk, PKIDESK_FORMAT } from './pkidesk'

export { fromLamassu, toLamassu, fromDigicertTlm, toDigicertTlm, fromCertCentral, toCertCentral, fromPaloAlto, toPaloAlto, paloAltoFields, fromPkiDesk, toPkiDesk }
export type { Imported, Exported, ExportSource, PaloAltoFields }
export type { Json, JsonObject } from './common'

/** Guesses the dialect of a parsed document from the fields only that dialect has. */
export function detectDialect(doc: unknown): ProfileDialect | undefined {
  if (Array.isArray(doc)) return doc.length && isObject(doc[0]) ? detectDialect(doc[0]) : undefined
  if (!isObject(doc)) return undefined
  if (doc.format === PKIDESK_FORMAT) return 'pkidesk'
  if (Array.isArray(doc.list)) return 'lamassu'
  const has = (...keys: string[]): boolean => keys.some((k) => k in doc)
  if (has('sign_as_ca', 'crypto_enforcement', 'honor_subject', 'honor_key_usage', 'honor_extensions', 'honor_extended_key_usages')) return 'lamassu'
  if (has('validityPeriod', 'keySizeAndAlgorithm', 'autoRenewSettings', 'productType', 'caCertId', 'signatureHash')) return 'certcentral'
  if (has('signature_algorithm', 'enrollment_method', 'renewal_window_days', 'custom_extended_key_usages', 'private_key_attributes')) return 'digicert-tlm'
  if (isObject(doc.certificate) && isObject(doc.certificate.subject)) return 'digicert-tlm'
  if (has('day_till_expiration', 'certificate_name', 'is_certificate_authority', 'is_block_private_key', 'ocsp_responder_url')) return 'paloalto'
  if (isObject(doc.algorithm) && ('rsa_number_of_bits' in doc.algorithm || 'ecdsa_number_of_bits' in doc.algorithm)) return 'paloalto'
  if (isObject(doc.validity) && (doc.validity.type === 'Duration' || doc.validity.type === 'Time')) return 'lamassu'
  return undefined
}

/** The one profile in a document: a Lamassu `{list:[…]}` page or a TLM array yields its first entry. */
function single(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc[0]
  if (isObject(doc) && Array.isArray(doc.list) && !('format' in doc)) return doc.list[0]
  return doc
}

export function fromDialect(dialect: ProfileDialect, doc: unknown): Result<Imported> {
  const one = single(doc)
  switch (dialect) {
    case 'lamassu':
      return fromLamassu(one)
    case 'digicert-tlm':
      return fromDigicertTlm(one)
    case 'certcentral':
      return fromCertCentral(one)
    case 'paloalto':
      return fromPaloAlto(one)
    case 'pkidesk':
      return fromPkiDesk(one)
    default:
      return assertNever(dialect, 'dialect')
  }
}

export function toDialect(dialect: ProfileDialect, profile: ExportSource): Exported {
  switch (dialect) {
    case 'lamassu':
      return toLamassu(profile)
    case 'digicert-tlm':
      return toDigicertTlm(profile)
    case 'certcentral':
      return toCertCentral(profile)
    case 'paloalto':
      return toPaloAlto(profile)
    case 'pkidesk':
      return toPkiDesk(profile)
    default:
      return assertNever(dialect, 'dialect')
  }
}

/**
 * Parses JSON text and imports it, detecting the dialect unless one is named. A profile whose
 * fixed end date (validity Time) is not after `now` could never issue: INVALID_OBJECT on validity.time.
 */
export function importProfileText(text: string, dialect: ProfileDialect | 'auto' = 'auto', now: Date = new Date()): Result<Imported & { readonly dialect: ProfileDialect }> {
  const parsed = parseJson(text, { maxBytes: LIMITS.profileJsonBytes, maxDepth: LIMITS.jsonDepth, what: 'The profile document', field: 'json' })
  if (!parsed.ok) return parsed
  const doc = parsed.value
  const chosen = dialect === 'auto' ? detectDialect(doc) : dialect
  if (!chosen)
    return fail('UNKNOWN_DIALECT', 'The profile document matches no known dialect (Lamassu, DigiCert TLM, CertCentral, Palo Alto, PKI Desk); name the dialect explicitly.', 'dialect')
  const result = fromDialect(chosen, doc)
  if (!result.ok) return result
  const v = result.value.profile.validity
  if (v.type === 'Time' && new Date(v.time).getTime() <= now.getTime())
    return fail('INVALID_OBJECT', `The profile's validity ends at a fixed time, ${v.time}, which has passed: no certificate could be issued with it; set validity.time to a future date or use a duration such as 1y.`, 'validity.time')
  return { ok: true, value: { ...result.value, dialect: chosen } }
}

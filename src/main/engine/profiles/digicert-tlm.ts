// DigiCert Trust Lifecycle Manager certificate profile (seed 002) ⇄ the model.
//
// Carried both ways: id, name, signature_algorithm (hash; the key half from crypto),
// renewal_window_days, automated_renewal, override_cert_validity_via_api,
// custom_extended_key_usages, private_key_attributes.key_size, certificate.subject.attributes
// (type, mandatory, multiple, sources ENTERED_BY_USER_DURING_ENROLLMENT / FIXED_VALUE; the
// seed's misspelt `source` array is read too), certificate.validity (days, months, years),
// certificate.extensions.san (critical, attributes per type). Every other field (account,
// business unit, enrollment and authentication method, key escrow, API tokens, delivery
// formats, the remote issuer chain, security_identifier…) is kept verbatim in
// extras['digicert-tlm'] and sent back.
//
// status and enrollment_method are kept verbatim; a profile that is not Active, or whose
// enrollment method is not rest_api (the only one a CSR can be submitted to), imports
// archived with a note saying why.
//
// Not carried: sources an offline CA cannot use (AD_ATTRIBUTE, UPLOADED_BY_ADMIN, …) are
// kept verbatim but never supply a value here (a rule with only such sources takes its value
// from the CSR, noted); on export the model's CSR source has no TLM name and is left out; `ad_attribute_key` and per-source `mandatory`
// on usable sources are dropped (the rule's mandatory is kept). On export: subject patterns
// and maxLength, san.critical `auto` (sent as false), SAN allow-lists, allowedTypes and
// maxCount, a Time validity, several RSA sizes (the first is sent), ECDSA curves, EdDSA, and
// the fields the TLM profile has no place for (noted).
import type { Result } from '../../../shared/errors'
import {
  canonicalAttributeType,
  type ProfileBodyInput,
  type SanRule,
  type SubjectAttributeRule,
  type ValueSource
} from '../../../shared/domain/profile'
import type { GeneralNameType } from '../../../shared/domain/names'
import {
  documentOf,
  finish,
  invalid,
  isObject,
  Notes,
  notCarried,
  Reader,
  restoreExtras,
  wholeDays,
  type Exported,
  type ExportSource,
  type Imported,
  type Json,
  type JsonObject
} from './common'

const ATTR_IN: Readonly<Record<string, string>> = {
  common_name: 'CN',
  organization_name: 'O',
  organization_unit: 'OU',
  organization_units: 'OU',
  country: 'C',
  state: 'ST',
  locality: 'L',
  street_address: 'street',
  postal_code: 'postalCode',
  domain_component: 'DC',
  email: 'emailAddress',
  serial_number: 'serialNumber',
  title: 'title',
  given_name: 'GN',
  surname: 'SN',
  pseudonym: 'pseudonym',
  dn_qualifier: 'dnQualifier',
  description: 'description',
  organization_identifier: 'organizationIdentifier',
  unique_identifier: 'x500UniqueIdentifier',
  user_identifier: 'UID',
  unstructured_name: 'unstructuredName',
  unstructured_address: 'unstructuredAddress'
}
const ATTR_OUT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ATTR_IN).filter(([k]) => k !== 'organization_units').map(([k, v]) => [v, k])
)
const SAN_IN: Readonly<Record<string, GeneralNameType>> = {
  dns_names: 'dns',
  ip_addresses: 'ip',
  emails: 'email',
  user_principal_names: 'upn',
  uris: 'uri',
  uniform_resource_identifiers: 'uri'
}
const SAN_OUT: Readonly<Record<GeneralNameType, string | undefined>> = { dns: 'dns_names', ip: 'ip_addresses', email: 'emails', upn: 'user_principal_names', uri: 'uris', dn: undefined }

const SOURCE_IN: Readonly<Record<string, ValueSource>> = {
  entered_by_user_during_enrollment: 'entered',
  fixed_value: 'fixed',
  csr: 'csr',
  from_csr: 'csr'
}
/** The seed names no CSR source (REST enrollment takes unlisted values from the CSR): `csr` has no TLM spelling. */
const SOURCE_OUT: Readonly<Record<ValueSource, string | undefined>> = { entered: 'ENTERED_BY_USER_DURING_ENROLLMENT', fixed: 'FIXED_VALUE', csr: undefined }

interface MappedSources {
  sources: ValueSource[]
  value?: string | string[]
  foreign: Record<string, unknown>[]
}

function readSources(list: Json[] | undefined, field: string, notes: Notes): MappedSources {
  const out: MappedSources = { sources: [], foreign: [] }
  for (const [i, s] of (list ?? []).entries()) {
    if (!isObject(s)) continue
    const name = typeof s.source === 'string' ? s.source : ''
    const mapped = SOURCE_IN[name.toLowerCase()]
    if (!mapped) {
      out.foreign.push(s)
      notes.add('approximated', `${field}[${i}]`, `Source ${name || '(none)'} cannot supply a value offline; it is kept for export but not used here.`)
      continue
    }
    if (!out.sources.includes(mapped)) out.sources.push(mapped)
    if (mapped === 'fixed' && (typeof s.value === 'string' || Array.isArray(s.value))) out.value = s.value as string | string[]
    if (typeof s.ad_attribute_key === 'string') notes.add('dropped', `${field}[${i}].ad_attribute_key`, 'An AD attribute key on a usable source has no meaning offline; it is dropped.')
  }
  return out
}

export function fromDigicertTlm(input: unknown): Result<Imported> {
  const checked = documentOf('digicert-tlm', input)
  if (!checked.ok) return checked
  const json = checked.value
  const r = new Reader(json)
  const notes = new Notes()
  const extras: Record<string, Json> = {}
  const remoteId = r.str('id')
  const body: ProfileBodyInput = { name: r.str('name') ?? remoteId ?? '' }

  const sig = r.str('signature_algorithm')
  if (sig) {
    const m = /^SHA(1|256|384|512)_WITH_(RSA|ECDSA|RSA_PSS|RSAPSS)$/i.exec(sig)
    if (!m) return invalid('digicert-tlm', 'signature_algorithm', `is not a known algorithm (${sig})`)
    if (m[1] === '1') notes.add('approximated', 'signature_algorithm', `${sig} is refused by hash policy; SHA-256 is used.`)
    body.signature = { hash: m[1] === '1' ? 'SHA-256' : (`SHA-${m[1]}` as 'SHA-256'), rsaPss: /PSS/i.test(m[2]!) }
    extras.signature_algorithm_key = m[2]!.toUpperCase()
  }
  const window = r.num('renewal_window_days')
  const automated = r.bool('automated_renewal')
  body.renewal = { ...(window !== undefined ? { windowDays: window } : {}), automated: automated ?? false }
  const override = r.bool('override_cert_validity_via_api')
  if (override !== undefined) body.allowValidityOverride = override
  const ekus = r.arr('custom_extended_key_usages')
  if (ekus) body.extendedKeyUsages = ekus.filter((e): e is string => typeof e === 'string')

  const pka = r.obj('private_key_attributes')
  if (pka) {
    const size = pka.str('key_size')
    if (size && /^\d+$/.test(size)) body.crypto = { enabled: true, allowRsa: true, rsaKeySizes: [Number(size)], allowEcdsa: false }
    else if (size && /^(P-?|EC_?P?|ECC_?P?)(256|384|521)$/i.test(size)) {
      const bits = /(256|384|521)$/.exec(size)![1]!
      body.crypto = { enabled: true, allowRsa: false, allowEcdsa: true, ecdsaCurves: [`P-${bits}` as 'P-256'] }
    } else if (size) return invalid('digicert-tlm', 'private_key_attributes.key_size', `is not an RSA size or an EC curve (${size})`)
    Object.assign(extras, pka.leftovers())
  }

  const cert = r.obj('certificate')
  if (cert) {
    const subject = cert.obj('subject')
    const rules: SubjectAttributeRule[] = []
    if (subject) {
      const attrs = subject.arr('attributes') ?? []
      for (const [i, a] of attrs.entries()) {
        if (!isObject(a) || typeof a.type !== 'string') return invalid('digicert-tlm', `certificate.subject.attributes[${i}]`, 'must be an object with a type')
        const type = ATTR_IN[a.type] ?? canonicalAttributeType(a.type)
        const list = Array.isArray(a.sources) ? a.sources : Array.isArray(a.source) ? a.source : undefined
        const src = readSources(list, `certificate.subject.attributes[${i}].sources`, notes)
        if (!src.sources.length && src.foreign.length)
          notes.add('approximated', `certificate.subject.attributes[${i}]`, `${a.type} has only sources an offline desk cannot use; here its value is taken from the CSR.`)
        const rule: SubjectAttributeRule = {
          type,
          mandatory: a.mandatory === true,
          multiple: a.multiple === true,
          // No usable source listed: the value comes from the CSR, as TLM does for REST enrollment.
          sources: src.sources.length ? src.sources : ['csr'],
          ...(src.value !== undefined ? { value: src.value } : {}),
          ...(src.foreign.length ? { foreignSources: src.foreign } : {})
        }
        rules.push(rule)
      }
      Object.assign(extras, subject.leftovers())
    }
    body.subjectAttributes = rules
    body.honorSubject = false

    const validity = cert.obj('validity')
    if (validity) {
      const unit = (validity.str('unit') ?? 'days').toLowerCase()
      const n = validity.num('duration')
      if (n === undefined) return invalid('digicert-tlm', 'certificate.validity.duration', 'must be a whole number')
      if (unit === 'days') body.validity = { type: 'Duration', duration: `${n}d` }
      else if (unit === 'years') body.validity = { type: 'Duration', duration: `${n}y` }
      else if (unit === 'months') {
        body.validity = { type: 'Duration', duration: `${n * 30}d` }
        notes.add('approximated', 'certificate.validity', `${n} months is taken as ${n * 30} days.`)
      } else return invalid('digicert-tlm', 'certificate.validity.unit', `must be days, months or years (${unit})`)
      Object.assign(extras, validity.leftovers())
    }

    const ext = cert.obj('extensions')
    if (ext) {
      const san = ext.obj('san')
      if (san) {
        const critical = san.bool('critical')
        const sanRules: SanRule[] = []
        const types = new Set<GeneralNameType>()
        for (const [i, a] of (san.arr('attributes') ?? []).entries()) {
          if (!isObject(a) || typeof a.type !== 'string') continue
          const type = SAN_IN[a.type]
          if (!type) {
            extras[`certificate.extensions.san.unmapped.${a.type}`] = a
            notes.add('dropped', `certificate.extensions.san.attributes[${i}]`, `SAN type ${a.type} has no general-name type here; it is kept for export but not enforced.`)
            continue
          }
          const src = readSources(Array.isArray(a.sources) ? a.sources : Array.isArray(a.source) ? a.source : undefined, `certificate.extensions.san.attributes[${i}].sources`, notes)
          types.add(type)
          sanRules.push({
            type,
            mandatory: a.mandatory === true,
            multiple: a.multiple === true,
            sources: src.sources.length ? src.sources : ['csr'],
            ...(src.value !== undefined ? { value: src.value } : {}),
            ...(src.foreign.length ? { foreignSources: src.foreign } : {})
          })
        }
        body.san = {
          critical: critical === true ? 'always' : critical === false ? 'never' : 'auto',
          rules: sanRules,
          ...(types.size ? { allowedTypes: [...types] } : {})
        }
        Object.assign(extras, san.leftovers())
      }
      Object.assign(extras, ext.leftovers())
    }
    Object.assign(extras, cert.leftovers())
  }
  // Kept verbatim (leftovers) and read here only to decide whether the profile may issue.
  const status = typeof json.status === 'string' ? json.status : undefined
  const method = typeof json.enrollment_method === 'string' ? json.enrollment_method : undefined
  let archived = false
  if (status !== undefined && status.toLowerCase() !== 'active') {
    archived = true
    notes.add('approximated', 'status', `The TLM profile is ${status}, not Active: it is saved archived (kept, not used for issuing).`)
  }
  if (method !== undefined && method.toLowerCase() !== 'rest_api') {
    archived = true
    notes.add('approximated', 'enrollment_method', `The TLM profile enrolls by ${method}, not rest_api, so no CSR can be submitted to it: it is saved archived.`)
  }
  r.use('id')
  Object.assign(extras, r.leftovers())
  body.extras = { 'digicert-tlm': extras }
  return finish('digicert-tlm', body, notes, remoteId, archived)
}

function sourcesOut(
  rule: { sources: readonly ValueSource[]; mandatory: boolean; value?: string | readonly string[] | undefined; foreignSources?: readonly Record<string, unknown>[] | undefined },
  field: string,
  notes: Notes
): Json[] | undefined {
  const modeled = rule.sources.filter((s) => SOURCE_OUT[s] !== undefined)
  if (rule.sources.includes('csr') && rule.sources.length > 1)
    notes.add('approximated', field, 'TLM has no "from the CSR" source; only the other sources are sent (REST enrollment takes an unlisted value from the CSR).')
  // Remote-only sources (AD attribute, admin upload) go first: on TLM they take precedence
  // over the fixed or entered fallback, which is the order the seed shows.
  const out: Json[] = (rule.foreignSources ?? []).map((f) => f as Json)
  out.push(...modeled.map((s) => ({
    mandatory: rule.mandatory,
    source: SOURCE_OUT[s]!,
    ...(s === 'fixed' && rule.value !== undefined ? { value: typeof rule.value === 'string' ? rule.value : [...rule.value] } : {})
  })))
  return out.length ? out : undefined
}

export function toDigicertTlm(profile: ExportSource): Exported {
  const notes = new Notes()
  const extras = { ...(profile.extras['digicert-tlm'] ?? {}) }
  const keyHalf = typeof extras.signature_algorithm_key === 'string' ? extras.signature_algorithm_key : undefined
  delete extras.signature_algorithm_key
  const json: JsonObject = {}
  if (profile.id !== undefined) json.id = profile.id
  json.name = profile.name
  const c = profile.crypto
  const key = profile.signature.rsaPss ? 'RSA_PSS' : keyHalf && keyHalf !== 'RSA_PSS' && keyHalf !== 'RSAPSS' ? keyHalf : c.allowEcdsa && !c.allowRsa ? 'ECDSA' : 'RSA'
  json.signature_algorithm = `${profile.signature.hash.replace('-', '')}_WITH_${key}`
  if (profile.renewal.windowDays !== undefined) json.renewal_window_days = profile.renewal.windowDays
  json.automated_renewal = profile.renewal.automated
  json.override_cert_validity_via_api = profile.allowValidityOverride
  json.custom_extended_key_usages = [...profile.extendedKeyUsages]
  if (c.enabled && c.allowRsa && c.rsaKeySizes.length) {
    json.private_key_attributes = { key_size: String(c.rsaKeySizes[0]) }
    if (c.rsaKeySizes.length > 1 || c.allowEcdsa)
      notes.add('approximated', 'crypto', `TLM names one key size; RSA ${c.rsaKeySizes[0]} is sent and the other allowed keys are not.`)
  } else if (c.enabled && c.allowEcdsa && c.ecdsaCurves.length) {
    json.private_key_attributes = { key_size: c.ecdsaCurves[0]! }
    if (c.ecdsaCurves.length > 1) notes.add('approximated', 'crypto.ecdsaCurves', `TLM names one key size; ${c.ecdsaCurves[0]} is sent.`)
  }
  if (c.allowEd25519 || c.allowEd448) notes.add('dropped', 'crypto.allowEd25519', 'TLM profiles have no EdDSA keys; the permission is not exported.')

  const attributes: Json[] = profile.subjectAttributes.map((rule, i) => {
    const t = canonicalAttributeType(rule.type)
    if (rule.pattern !== undefined || rule.maxLength !== undefined)
      notes.add('dropped', `subjectAttributes[${i}]`, `TLM subject attributes have no pattern or maxLength; the ${rule.type} constraint is not exported.`)
    const sources = sourcesOut(rule, `subjectAttributes[${i}].sources`, notes)
    return { type: ATTR_OUT[t] ?? t, mandatory: rule.mandatory, multiple: rule.multiple, ...(sources ? { sources } : {}) }
  })
  if (profile.honorSubject)
    notes.add('approximated', 'honorSubject', 'TLM takes only the listed subject attributes; attributes of the CSR without a rule are not carried over there.')
  const certificate: JsonObject = { subject: { attributes } }
  const days = wholeDays(profile)
  if (days !== undefined) certificate.validity = { unit: 'days', duration: days }
  else notes.add(profile.validity.type === 'Time' ? 'dropped' : 'approximated', 'validity', 'TLM validity is a number of days; this profile validity cannot be sent as one.')
  const sanAttrs: Json[] = []
  profile.san.rules.forEach((rule, i) => {
    const type = SAN_OUT[rule.type]
    if (!type) {
      notes.add('dropped', `san.rules[${i}]`, `TLM has no SAN attribute for ${rule.type} names.`)
      return
    }
    const sources = sourcesOut(rule, `san.rules[${i}].sources`, notes)
    sanAttrs.push({ type, mandatory: rule.mandatory, multiple: rule.multiple, ...(sources ? { sources } : {}) })
  })
  if (sanAttrs.length || profile.san.critical !== 'auto') {
    if (profile.san.critical === 'auto') notes.add('approximated', 'san.critical', 'TLM has no "critical when the subject is empty"; false is sent.')
    certificate.extensions = { san: { critical: profile.san.critical === 'always', attributes: sanAttrs } }
  }
  json.certificate = certificate
  for (const k of ['dnsPatterns', 'ipCidrs', 'emailDomains', 'uriPrefixes', 'maxCount'] as const)
    if (profile.san[k] !== undefined) notes.add('dropped', `san.${k}`, `TLM profiles have no SAN allow-list; san.${k} is not exported.`)
  if (profile.san.allowWildcards) notes.add('dropped', 'san.allowWildcards', 'TLM profiles have no wildcard switch; it is not exported.')
  notCarried(
    profile,
    notes,
    [
      'lintLevel', 'san.fromCsr',
      'description',
      'maxValidityDays',
      'issuerCeiling',
      'signAsCa',
      'pathLength',
      'honorKeyUsage',
      'keyUsage',
      'keyUsageCritical',
      'honorExtendedKeyUsages',
      'extendedKeyUsageCritical',
      'honorExtensions',
      'allowedExtensionOids',
      'crlDistributionPoints',
      'ocspUrls',
      'caIssuersUrls',
      'certificatePolicies',
      'defaultAuthorityId',
      'isDefault',
      'renewal.autoReplace',
      'organization',
      'contacts',
      'blockPrivateKeyExport'
    ],
    'TLM'
  )
  restoreExtras(json, extras)
  return { json, notes: notes.list }
}

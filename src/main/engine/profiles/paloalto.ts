// Palo Alto Networks generate-certificate body (seed 003, POST /certificates) ⇄ the model.
//
// The Palo Alto call generates a key and certificate on the firewall; as a profile here its
// values become fixed: common_name → CN, department → OU, locality → L, state → ST,
// country_code → C (fixed subject rules, honorSubject off), hostname → DNS SAN, ip → IP SAN,
// alternate_email → e-mail SAN (fixed SAN rules), algorithm.rsa_number_of_bits /
// ecdsa_number_of_bits (the seed's 245 is 256) → the one allowed key, digest → hash,
// day_till_expiration → validity in days, is_certificate_authority → signAsCa (with
// keyCertSign, cRLSign), is_block_private_key → blockPrivateKeyExport, ocsp_responder_url →
// the OCSP URL, certificate_name → name. folder/snippet/device and signed_by (the name of a
// CA certificate on the firewall: a remote value, never a local CA id) are kept verbatim in
// extras.paloalto and sent back; the local default CA is never sent as signed_by (noted).
//
// Not carried: sha1/md5 digests and RSA keys below 2048 bits (refused with a note; SHA-256 and
// RSA 2048 are used, a smaller key is never sent); on export, everything that is not one fixed value of those fields (CSR-sourced or
// entered attributes, patterns, allow-lists, key usage, EKU, CRL and caIssuers URLs,
// policies, renewal, …) is noted, and only one OCSP URL is sent. hostname, ip, alternate_email and department are sent as
// arrays (the wire form); the seed's single strings are accepted on import.
//
// paloAltoFields gives the generate call the same values in the connector's own shape
// (sync/connectors/paloalto.ts builds and checks the wire body from it).
import { fail, ok, type Result } from '../../../shared/errors'
import { canonicalAttributeType, type ConversionNote, type ProfileBodyInput, type SanRule, type SubjectAttributeRule } from '../../../shared/domain/profile'
import type { GeneralNameType } from '../../../shared/domain/names'
import { documentOf, finish, invalid, Notes, notCarried, Reader, restoreExtras, wholeDays, type Exported, type ExportSource, type Imported, type Json, type JsonObject } from './common'

const SUBJECT_FIELDS: readonly (readonly [string, string])[] = [
  ['common_name', 'CN'],
  ['department', 'OU'],
  ['locality', 'L'],
  ['state', 'ST'],
  ['country_code', 'C']
]
const SAN_FIELDS: readonly (readonly [string, GeneralNameType])[] = [
  ['hostname', 'dns'],
  ['ip', 'ip'],
  ['alternate_email', 'email']
]
const SCOPES = ['folder', 'snippet', 'device'] as const
const SCOPE_PATTERN = /^[a-zA-Z\d\-_. ]+$/

export function fromPaloAlto(input: unknown): Result<Imported> {
  const checked = documentOf('paloalto', input)
  if (!checked.ok) return checked
  const json = checked.value
  const r = new Reader(json)
  const notes = new Notes()
  const body: ProfileBodyInput = { name: r.str('certificate_name') ?? r.str('common_name') ?? '' }
  const scopes = SCOPES.filter((s) => r.has(s))
  if (scopes.length > 1) return invalid('paloalto', scopes[1]!, `must not be set together with ${scopes[0]} (exactly one of folder, snippet, device)`)
  for (const s of scopes) {
    const v = r.doc[s]
    if (typeof v !== 'string' || v.length > 64 || !SCOPE_PATTERN.test(v)) return invalid('paloalto', s, 'must be at most 64 letters, digits, dash, underscore, dot or space')
  }

  // hostname, ip, alternate_email and department are arrays on the wire; the seed shows strings. Both are read.
  const values = (field: string): string[] => {
    const v = r.raw(field)
    if (typeof v === 'string') return v ? [v] : []
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.length > 0)
    return []
  }
  const fixed = (vs: string[]): { multiple: boolean; value: string | string[] } => ({ multiple: vs.length > 1, value: vs.length === 1 ? vs[0]! : vs })
  const rules: SubjectAttributeRule[] = []
  for (const [field, type] of SUBJECT_FIELDS) {
    const vs = values(field)
    if (vs.length) rules.push({ type, mandatory: true, sources: ['fixed'], ...fixed(vs) })
  }
  body.subjectAttributes = rules
  body.honorSubject = false
  const sanRules: SanRule[] = []
  for (const [field, type] of SAN_FIELDS) {
    const vs = values(field)
    if (vs.length) sanRules.push({ type, mandatory: true, sources: ['fixed'], ...fixed(vs) })
  }
  body.san = { fromCsr: false, rules: sanRules }
  if (rules.length || sanRules.length)
    notes.add('approximated', 'common_name', 'Palo Alto generates the key on the device; here the names are fixed by the profile and the CSR supplies only the key.')

  const alg = r.obj('algorithm')
  if (!alg) return invalid('paloalto', 'algorithm', 'is required (rsa_number_of_bits or ecdsa_number_of_bits)')
  const rsa = alg.num('rsa_number_of_bits')
  const ec = alg.num('ecdsa_number_of_bits')
  if ((rsa === undefined) === (ec === undefined)) return invalid('paloalto', 'algorithm', 'must set exactly one of rsa_number_of_bits and ecdsa_number_of_bits')
  if (rsa !== undefined) {
    if (![512, 1024, 2048, 3072, 4096].includes(rsa)) return invalid('paloalto', 'algorithm.rsa_number_of_bits', `must be 512, 1024, 2048, 3072 or 4096 (${rsa})`)
    const size = rsa < 2048 ? 2048 : rsa
    if (rsa < 2048) notes.add('approximated', 'algorithm.rsa_number_of_bits', `RSA ${rsa} is refused: it is below the 2048-bit baseline and is never generated or sent; RSA 2048 is used.`)
    body.crypto = { enabled: true, allowRsa: true, rsaKeySizes: [size], allowEcdsa: false }
  } else {
    const bits = ec === 245 ? 256 : ec!
    if (ec === 245) notes.add('approximated', 'algorithm.ecdsa_number_of_bits', 'The seed\'s ECDSA "245" is read as 256 (P-256).')
    if (bits !== 256 && bits !== 384) return invalid('paloalto', 'algorithm.ecdsa_number_of_bits', `must be 256 or 384 for ECDSA (${ec})`)
    body.crypto = { enabled: true, allowRsa: false, allowEcdsa: true, ecdsaCurves: [bits === 256 ? 'P-256' : 'P-384'] }
  }
  const digest = r.str('digest')
  if (digest !== undefined) {
    const d = digest.toLowerCase()
    if (d === 'sha256' || d === 'sha384' || d === 'sha512') body.signature = { hash: `SHA-${d.slice(3)}` as 'SHA-256' }
    else if (d === 'sha1' || d === 'md5') notes.add('approximated', 'digest', `${digest} is refused by hash policy; SHA-256 is used.`)
    else return invalid('paloalto', 'digest', `must be one of sha1, sha256, sha384, sha512, md5 (${digest})`)
  }
  const days = r.num('day_till_expiration')
  if (days !== undefined) body.validity = { type: 'Duration', duration: `${days}d` }
  else notes.add('defaulted', 'day_till_expiration', 'No day_till_expiration; the model default of 90 days applies.')
  const isCa = r.bool('is_certificate_authority') ?? false
  body.signAsCa = isCa
  body.keyUsage = isCa ? ['keyCertSign', 'cRLSign', 'digitalSignature'] : ['digitalSignature', 'keyEncipherment']
  notes.add('defaulted', 'is_certificate_authority', `Palo Alto sets no key usage; ${isCa ? 'keyCertSign, cRLSign, digitalSignature' : 'digitalSignature, keyEncipherment'} is used.`)
  body.blockPrivateKeyExport = r.bool('is_block_private_key') ?? false
  const ocsp = r.str('ocsp_responder_url')
  if (ocsp) body.ocspUrls = [ocsp]
  body.extras = { paloalto: r.leftovers() }
  return finish('paloalto', body, notes)
}

function fixedOf(rule: { sources: readonly string[]; value?: string | readonly string[] | undefined }): string[] {
  if (!rule.sources.includes('fixed') || rule.value === undefined) return []
  return typeof rule.value === 'string' ? [rule.value] : [...rule.value]
}

/** Fields the API takes as arrays; the others take one string. */
const ARRAY_FIELDS = new Set(['hostname', 'ip', 'alternate_email', 'department'])

export function toPaloAlto(profile: ExportSource): Exported {
  const notes = new Notes()
  const json: JsonObject = { certificate_name: profile.name }
  profile.subjectAttributes.forEach((rule, i) => {
    const type = canonicalAttributeType(rule.type)
    const field = SUBJECT_FIELDS.find(([, t]) => t === type)?.[0]
    const vs = fixedOf(rule)
    if (field && vs.length && (ARRAY_FIELDS.has(field) || vs.length === 1)) json[field] = ARRAY_FIELDS.has(field) ? vs : vs[0]!
    else notes.add('dropped', `subjectAttributes[${i}]`, `Palo Alto takes fixed values for CN, OU, L, ST and C (one each, several OUs); the ${rule.type} rule is not exported.`)
  })
  if (profile.honorSubject) notes.add('dropped', 'honorSubject', 'Palo Alto generates its own subject; taking it from a CSR is not exported.')
  profile.san.rules.forEach((rule, i) => {
    const field = SAN_FIELDS.find(([, t]) => t === rule.type)?.[0]
    const vs = fixedOf(rule)
    if (field && vs.length) json[field] = vs
    else notes.add('dropped', `san.rules[${i}]`, `Palo Alto takes fixed hostnames, IPs and alternate e-mails; the ${rule.type} SAN rule is not exported.`)
  })
  if (profile.san.fromCsr && profile.san.rules.length === 0) notes.add('dropped', 'san.fromCsr', 'Palo Alto has no CSR; SANs taken from the CSR are not exported.')
  const c = profile.crypto
  const rsaSizes = c.rsaKeySizes.filter((b) => b >= 2048)
  if (c.allowRsa && rsaSizes.length < c.rsaKeySizes.length)
    notes.add('dropped', 'crypto.rsaKeySizes', 'RSA sizes below 2048 bits are never sent to the firewall.')
  if (c.allowRsa && rsaSizes.length) json.algorithm = { rsa_number_of_bits: rsaSizes[0]! }
  else if (c.allowEcdsa && c.ecdsaCurves.length && c.ecdsaCurves[0] !== 'P-521') json.algorithm = { ecdsa_number_of_bits: c.ecdsaCurves[0] === 'P-256' ? 256 : 384 }
  else notes.add('missing', 'algorithm', 'Palo Alto needs an RSA size or an ECDSA P-256/P-384 key; the profile allows neither.')
  const allowed = (c.allowRsa ? c.rsaKeySizes.length : 0) + (c.allowEcdsa ? c.ecdsaCurves.length : 0)
  if (allowed > 1) notes.add('approximated', 'crypto', 'Palo Alto generates one key type; the first allowed one is sent.')
  json.digest = profile.signature.hash.replace('-', '').toLowerCase()
  const days = wholeDays(profile)
  if (days !== undefined) json.day_till_expiration = days
  else notes.add('dropped', 'validity', 'Palo Alto expiration is a whole number of days; this validity cannot be sent.')
  json.is_certificate_authority = profile.signAsCa
  json.is_block_private_key = profile.blockPrivateKeyExport
  if (profile.ocspUrls.length) json.ocsp_responder_url = profile.ocspUrls[0]!
  if (profile.ocspUrls.length > 1) notes.add('dropped', 'ocspUrls', 'Palo Alto takes one OCSP responder URL; the others are not exported.')
  restoreExtras(json, profile.extras.paloalto as Record<string, Json> | undefined)
  if (profile.defaultAuthorityId)
    notes.add(
      'dropped',
      'defaultAuthorityId',
      `The default CA "${profile.defaultAuthorityId}" is a CA of this desk, not a certificate on the firewall; it is not sent as signed_by${json.signed_by !== undefined ? ` (the remote signed_by ${JSON.stringify(json.signed_by)} kept with the profile is)` : '; set the remote signed_by on the connector'}.`
    )
  if (!SCOPES.some((s) => json[s] !== undefined)) notes.add('missing', 'folder', 'Palo Alto needs exactly one of folder, snippet or device; set it before sending.')
  notCarried(
    profile,
    notes,
    [
      'lintLevel', 'extendedKeyUsageCritical', 'allowedExtensionOids',
      'description',
      'maxValidityDays',
      'issuerCeiling',
      'allowValidityOverride',
      'pathLength',
      'honorKeyUsage',
      'keyUsageCritical',
      'honorExtendedKeyUsages',
      'extendedKeyUsages',
      'san.dnsPatterns',
      'san.ipCidrs',
      'san.emailDomains',
      'san.uriPrefixes',
      'san.maxCount',
      'honorExtensions',
      'crlDistributionPoints',
      'caIssuersUrls',
      'certificatePolicies',
      'isDefault',
      'renewal',
      'organization',
      'contacts'
    ],
    'Palo Alto'
  )
  if (!profile.signAsCa && JSON.stringify(profile.keyUsage) !== JSON.stringify(['digitalSignature', 'keyEncipherment']))
    notes.add('dropped', 'keyUsage', 'Palo Alto chooses key usage itself; the profile key usage is not exported.')
  return { json, notes: notes.list }
}

/** Local, engine-neutral fields a profile gives the firewall's generate call. */
export interface PaloAltoFields {
  readonly certificateName: string
  readonly commonName: string
  readonly key: { readonly family: 'rsa'; readonly bits: number } | { readonly family: 'ecdsa'; readonly bits: number }
  readonly digest: string
  readonly days?: number
  readonly alternateEmail?: readonly string[]
  readonly hostname?: readonly string[]
  readonly ip?: readonly string[]
  readonly department?: readonly string[]
  readonly locality?: string
  readonly state?: string
  readonly countryCode?: string
  readonly ocspResponderUrl?: string
  readonly signedBy?: string
  readonly isCertificateAuthority?: boolean
  readonly isBlockPrivateKey?: boolean
}

/**
 * The generate call's fields from a profile: its fixed values (the first allowed RSA size or
 * ECDSA curve is the key), with toPaloAlto's notes on what is not carried. Refused when the
 * profile allows neither an RSA nor an ECDSA key.
 */
export function paloAltoFields(profile: ExportSource): Result<{ fields: PaloAltoFields; notes: readonly ConversionNote[] }> {
  const fixed = (rule: { sources: readonly string[]; value?: string | readonly string[] | undefined } | undefined): string[] => (rule ? fixedOf(rule) : [])
  const rule = (t: string) => profile.subjectAttributes.find((r) => canonicalAttributeType(r.type) === t)
  const san = (t: string) => profile.san.rules.find((r) => r.type === t)
  const c = profile.crypto
  const key =
    c.allowRsa && c.rsaKeySizes.length
      ? { family: 'rsa' as const, bits: c.rsaKeySizes[0]! }
      : c.allowEcdsa && c.ecdsaCurves.length
        ? { family: 'ecdsa' as const, bits: c.ecdsaCurves[0] === 'P-384' ? 384 : c.ecdsaCurves[0] === 'P-521' ? 521 : 256 }
        : undefined
  if (!key) return fail('PROFILE_NOT_CONVERTIBLE', `The profile "${profile.name}" allows no RSA or ECDSA key, which the firewall needs; allow one in crypto.`, 'crypto')
  const days = wholeDays(profile)
  const fields: PaloAltoFields = {
    certificateName: profile.name,
    commonName: fixed(rule('CN'))[0] ?? '',
    key,
    digest: profile.signature.hash.replace('-', '').toLowerCase(),
    ...(days !== undefined ? { days } : {}),
    ...(fixed(san('email')).length ? { alternateEmail: fixed(san('email')) } : {}),
    ...(fixed(san('dns')).length ? { hostname: fixed(san('dns')) } : {}),
    ...(fixed(san('ip')).length ? { ip: fixed(san('ip')) } : {}),
    ...(fixed(rule('OU')).length ? { department: fixed(rule('OU')) } : {}),
    ...(fixed(rule('L'))[0] ? { locality: fixed(rule('L'))[0]! } : {}),
    ...(fixed(rule('ST'))[0] ? { state: fixed(rule('ST'))[0]! } : {}),
    ...(fixed(rule('C'))[0] ? { countryCode: fixed(rule('C'))[0]! } : {}),
    ...(profile.ocspUrls[0] ? { ocspResponderUrl: profile.ocspUrls[0] } : {}),
    // signed_by names a certificate on the firewall (kept with the profile as a remote value), never a local CA id.
    ...(typeof profile.extras.paloalto?.signed_by === 'string' ? { signedBy: profile.extras.paloalto.signed_by } : {}),
    isCertificateAuthority: profile.signAsCa,
    isBlockPrivateKey: profile.blockPrivateKeyExport
  }
  return ok({ fields, notes: toPaloAlto(profile).notes })
}

// Lamassu issuance profile (seed 004) ⇄ the model.
//
// Carried both ways: id, name, description, validity (Duration/Time), sign_as_ca,
// honor_key_usage + key_usage (the seed's flag object or Lamassu's name array on input; the
// name array on output), honor_extended_key_usages + extended_key_usages, honor_subject +
// subject defaults, honor_extensions, crypto_enforcement (RSA sizes; ECDSA sizes ⇄ curves
// 256/384/521 ⇄ P-256/P-384/P-521). Unknown fields are kept in extras.lamassu and sent back.
//
// Semantics differ in one place: Lamassu uses `subject` only when honor_subject is false. Here
// the defaults become fixed-value rules; with honor_subject true they become fallbacks after
// the CSR (noted), and with honor_subject false the CN still comes from the CSR (noted).
//
// Not carried on export (each noted when set): maxValidityDays, issuerCeiling,
// allowValidityOverride, pathLength, keyUsageCritical, extendedKeyUsageCritical, subject
// rules other than single fixed values of CN/O/OU/C/ST/L, the whole SAN policy,
// allowedExtensionOids, Ed25519/Ed448, signature hash and RSA-PSS, CRL/OCSP/caIssuers URLs,
// certificate policies, defaultAuthorityId, isDefault, renewal, organization, contacts,
// blockPrivateKeyExport.
import type { Result } from '../../../shared/errors'
import { canonicalAttributeType, type EcCurve, type ProfileBodyInput, type SubjectAttributeRule } from '../../../shared/domain/profile'
import type { KeyUsageName } from '../../../shared/domain/names'
import {
  documentOf,
  finish,
  invalid,
  isObject,
  keyUsageFromAlias,
  LAMASSU_KU_NAMES,
  Notes,
  notCarried,
  Reader,
  restoreExtras,
  type Exported,
  type ExportSource,
  type Imported,
  type JsonObject
} from './common'

const SUBJECT_KEYS: Readonly<Record<string, string>> = {
  common_name: 'CN',
  organization: 'O',
  organization_unit: 'OU',
  organizational_unit: 'OU',
  country: 'C',
  state: 'ST',
  locality: 'L'
}
const SUBJECT_KEYS_OUT: Readonly<Record<string, string>> = { CN: 'common_name', O: 'organization', OU: 'organization_unit', C: 'country', ST: 'state', L: 'locality' }
const CURVE_BY_SIZE: Readonly<Record<number, EcCurve>> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' }
const SIZE_BY_CURVE: Readonly<Record<EcCurve, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 }

/** Lamassu's extended key usage names (Go x509.ExtKeyUsage without the prefix) → OIDs. */
const LAMASSU_EKU: Readonly<Record<string, string>> = {
  any: '2.5.29.37.0',
  serverauth: '1.3.6.1.5.5.7.3.1',
  clientauth: '1.3.6.1.5.5.7.3.2',
  codesigning: '1.3.6.1.5.5.7.3.3',
  emailprotection: '1.3.6.1.5.5.7.3.4',
  ipsecendsystem: '1.3.6.1.5.5.7.3.5',
  ipsectunnel: '1.3.6.1.5.5.7.3.6',
  ipsecuser: '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  ocspsigning: '1.3.6.1.5.5.7.3.9',
  microsoftservergatedcrypto: '1.3.6.1.4.1.311.10.3.3',
  netscapeservergatedcrypto: '2.16.840.1.113730.4.1',
  microsoftcommercialcodesigning: '1.3.6.1.4.1.311.2.1.22',
  microsoftkernelcodesigning: '1.3.6.1.4.1.311.61.1.1'
}

/** A Lamassu extended key usage entry (a name such as "ServerAuth", any case, or a dotted OID) as an OID. */
export function ekuFromLamassu(value: string): string | undefined {
  const v = value.trim()
  if (/^[0-2](\.(0|[1-9]\d*))+$/.test(v)) return v
  return LAMASSU_EKU[v.replace(/[_\s-]/g, '').toLowerCase()]
}

export function fromLamassu(input: unknown): Result<Imported> {
  const checked = documentOf('lamassu', input)
  if (!checked.ok) return checked
  const json = checked.value
  const r = new Reader(json)
  const notes = new Notes()
  const remoteId = r.str('id')
  const body: ProfileBodyInput & { extras: Record<string, Record<string, unknown>> } = { name: r.str('name') ?? remoteId ?? '', extras: {} }
  const description = r.str('description')
  if (description !== undefined) body.description = description

  const v = r.obj('validity')
  if (v) {
    const type = v.str('type')
    if (type === 'Duration') body.validity = { type: 'Duration', duration: v.str('duration') ?? '' }
    else if (type === 'Time') body.validity = { type: 'Time', time: v.str('time') ?? '' }
    else return invalid('lamassu', 'validity.type', 'must be Duration or Time')
    for (const [k, val] of Object.entries(v.leftovers())) body.extras.lamassu = { ...body.extras.lamassu, [k]: val }
  } else notes.add('defaulted', 'validity', 'The Lamassu profile has no validity; the model default of 90 days applies.')

  body.signAsCa = r.bool('sign_as_ca') ?? false
  body.honorKeyUsage = r.bool('honor_key_usage') ?? false
  const ku = r.raw('key_usage')
  const usages: KeyUsageName[] = []
  if (Array.isArray(ku)) {
    for (const [i, n] of ku.entries()) {
      const u = typeof n === 'string' ? keyUsageFromAlias(n) : undefined
      if (!u) return invalid('lamassu', `key_usage[${i}]`, `is not a key usage name (${JSON.stringify(n)})`)
      usages.push(u)
    }
  } else if (isObject(ku)) {
    for (const [k, on] of Object.entries(ku)) {
      const u = keyUsageFromAlias(k)
      if (!u) return invalid('lamassu', `key_usage.${k}`, 'is not a key usage flag')
      if (on === true) usages.push(u)
    }
  } else if (ku !== undefined && ku !== null) return invalid('lamassu', 'key_usage', 'must be an object of flags or an array of names')
  if (ku === undefined || ku === null) {
    const d: KeyUsageName[] = body.signAsCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']
    usages.push(...d)
    if (!body.honorKeyUsage || body.signAsCa)
      notes.add('defaulted', 'key_usage', `The Lamassu profile sets no key_usage; ${d.join(', ')} is used${body.honorKeyUsage ? ' when the CSR asks for none' : ''}.`)
  }
  body.keyUsage = [...new Set(usages)]

  body.honorExtendedKeyUsages = r.bool('honor_extended_key_usages') ?? false
  const ekus = r.arr('extended_key_usages')
  if (ekus) {
    const oids: string[] = []
    for (const [i, e] of ekus.entries()) {
      const oid = typeof e === 'string' ? ekuFromLamassu(e) : undefined
      if (!oid) return invalid('lamassu', `extended_key_usages[${i}]`, `is not an extended key usage name (ServerAuth, ClientAuth, CodeSigning, EmailProtection, TimeStamping, OCSPSigning, Any…) or a dotted OID (${JSON.stringify(e)})`)
      oids.push(oid)
    }
    body.extendedKeyUsages = [...new Set(oids)]
  }

  body.honorSubject = r.bool('honor_subject') ?? false
  const subject = r.obj('subject')
  const rules: SubjectAttributeRule[] = []
  if (subject) {
    for (const [k, val] of Object.entries(subject.doc)) {
      subject.use(k)
      const type = SUBJECT_KEYS[k] ?? canonicalAttributeType(k)
      if (typeof val !== 'string' || val === '') continue
      rules.push({ type, mandatory: false, multiple: false, sources: body.honorSubject ? ['csr', 'fixed'] : ['fixed'], value: val })
    }
    if (body.honorSubject && rules.length)
      notes.add('approximated', 'subject', 'Lamassu ignores subject defaults when honor_subject is true; here they fill only attributes the CSR lacks.')
  }
  if (!body.honorSubject && !rules.some((x) => x.type === 'CN')) {
    rules.unshift({ type: 'CN', mandatory: true, multiple: false, sources: ['csr'] })
    notes.add('defaulted', 'honor_subject', 'honor_subject is false: the subject is built from the defaults, and the CN is taken from the CSR.')
  }
  body.subjectAttributes = rules

  body.honorExtensions = r.bool('honor_extensions') ?? false

  const ce = r.obj('crypto_enforcement')
  if (ce) {
    const rsaGiven = ce.arr('allowed_rsa_key_sizes')?.filter((n): n is number => typeof n === 'number') ?? []
    const rsaSizes = rsaGiven.filter((n) => n >= 2048)
    for (const n of rsaGiven)
      if (n < 2048) notes.add('dropped', 'crypto_enforcement.allowed_rsa_key_sizes', `RSA ${n} is refused: it is below the 2048-bit baseline; it is left out and never sent.`)
    const ecSizes = ce.arr('allowed_ecdsa_key_sizes')?.filter((n): n is number => typeof n === 'number') ?? []
    const curves: EcCurve[] = []
    for (const s of ecSizes) {
      const c = CURVE_BY_SIZE[s]
      if (c) curves.push(c)
      else notes.add('dropped', 'crypto_enforcement.allowed_ecdsa_key_sizes', `ECDSA size ${s} names no supported curve (256, 384, 521); it is left out.`)
    }
    // Sizes were listed but none is usable here: that key type stays off rather than widening to defaults.
    const rsaRequested = ce.bool('allow_rsa_keys') ?? false
    const ecdsaRequested = ce.bool('allow_ecdsa_keys') ?? false
    const allowRsa = rsaRequested && !(rsaGiven.length > 0 && rsaSizes.length === 0)
    const allowEcdsa = ecdsaRequested && !(ecSizes.length > 0 && curves.length === 0)
    if (rsaRequested && !allowRsa)
      notes.add('approximated', 'crypto_enforcement.allow_rsa_keys', 'None of the allowed RSA sizes is usable here; RSA keys are not allowed (never widened to other sizes).')
    if (ecdsaRequested && !allowEcdsa)
      notes.add('approximated', 'crypto_enforcement.allow_ecdsa_keys', 'None of the allowed ECDSA sizes names a supported curve; ECDSA keys are not allowed (never widened to P-256/P-384).')
    body.crypto = {
      enabled: ce.bool('enabled') ?? false,
      allowRsa,
      rsaKeySizes: rsaSizes.length ? rsaSizes : allowRsa ? [2048, 3072, 4096] : [],
      allowEcdsa,
      ecdsaCurves: curves.length ? curves : allowEcdsa ? ['P-256', 'P-384'] : [],
      allowEd25519: false,
      allowEd448: false
    }
    if (allowRsa && !rsaSizes.length) notes.add('defaulted', 'crypto_enforcement.allowed_rsa_key_sizes', 'RSA is allowed without sizes; 2048, 3072 and 4096 are used.')
    if (allowEcdsa && !ecSizes.length) notes.add('defaulted', 'crypto_enforcement.allowed_ecdsa_key_sizes', 'ECDSA is allowed without sizes; P-256 and P-384 are used.')
    for (const [k, val] of Object.entries(ce.leftovers())) body.extras.lamassu = { ...body.extras.lamassu, [k]: val }
  } else {
    body.crypto = { enabled: false }
    notes.add('defaulted', 'crypto_enforcement', 'The Lamassu profile has no crypto_enforcement; enforcement is off (the RSA 2048-bit baseline still applies).')
  }
  r.use('id')
  const rest = r.leftovers()
  if (Object.keys(rest).length) body.extras.lamassu = { ...body.extras.lamassu, ...rest }
  if (Object.keys(body.extras).length === 0) delete (body as { extras?: unknown }).extras
  return finish('lamassu', body, notes, remoteId)
}

export function toLamassu(profile: ExportSource): Exported {
  const notes = new Notes()
  const json: JsonObject = {}
  if (profile.id !== undefined) json.id = profile.id
  json.name = profile.name
  if (profile.description) json.description = profile.description
  json.validity = profile.validity.type === 'Duration' ? { type: 'Duration', duration: profile.validity.duration } : { type: 'Time', time: profile.validity.time }
  json.sign_as_ca = profile.signAsCa
  json.honor_key_usage = profile.honorKeyUsage
  json.key_usage = profile.keyUsage.map((u) => LAMASSU_KU_NAMES[u])
  json.honor_extended_key_usages = profile.honorExtendedKeyUsages
  json.extended_key_usages = [...profile.extendedKeyUsages]
  json.honor_subject = profile.honorSubject

  const subject: JsonObject = {}
  profile.subjectAttributes.forEach((rule, i) => {
    const type = canonicalAttributeType(rule.type)
    const key = SUBJECT_KEYS_OUT[type]
    const values = rule.value === undefined ? [] : typeof rule.value === 'string' ? [rule.value] : rule.value
    const fixed = rule.sources.includes('fixed') && values.length === 1
    // The CN-from-CSR rule that import adds for honor_subject false is Lamassu's own behaviour.
    const cnFromCsr = type === 'CN' && rule.sources.length === 1 && rule.sources[0] === 'csr'
    if (key && fixed) subject[key] = values[0]!
    if (cnFromCsr) return
    const extra = rule.mandatory || rule.pattern !== undefined || rule.maxLength !== undefined || rule.sources.includes('entered') || !key || !fixed
    if (extra)
      notes.add(
        key && fixed ? 'approximated' : 'dropped',
        `subjectAttributes[${i}]`,
        `Lamassu subject defaults carry one fixed value per CN/O/OU/C/ST/L; the ${rule.type} rule (sources ${rule.sources.join(', ')}${rule.mandatory ? ', mandatory' : ''}${rule.pattern ? ', pattern' : ''}) ${key && fixed ? 'is sent as its fixed value only' : 'is not exported'}.`
      )
  })
  if (Object.keys(subject).length) json.subject = subject
  json.honor_extensions = profile.honorExtensions
  const c = profile.crypto
  json.crypto_enforcement = {
    enabled: c.enabled,
    allow_rsa_keys: c.allowRsa,
    allowed_rsa_key_sizes: c.allowRsa ? c.rsaKeySizes.filter((b) => b >= 2048) : [],
    allow_ecdsa_keys: c.allowEcdsa,
    allowed_ecdsa_key_sizes: c.allowEcdsa ? c.ecdsaCurves.map((cv) => SIZE_BY_CURVE[cv]) : []
  }
  if (c.allowEd25519 || c.allowEd448)
    notes.add('dropped', 'crypto.allowEd25519', 'Lamassu crypto enforcement has no EdDSA switch; Ed25519/Ed448 permission is not exported.')
  if (c.allowRsa && c.rsaKeySizes.some((b) => b < 2048)) notes.add('dropped', 'crypto.rsaKeySizes', 'RSA sizes below 2048 bits are never sent.')
  notCarried(
    profile,
    notes,
    [
      'lintLevel',
      'maxValidityDays',
      'issuerCeiling',
      'allowValidityOverride',
      'pathLength',
      'keyUsageCritical',
      'extendedKeyUsageCritical',
      'san',
      'allowedExtensionOids',
      'signature',
      'crlDistributionPoints',
      'ocspUrls',
      'caIssuersUrls',
      'certificatePolicies',
      'defaultAuthorityId',
      'isDefault',
      'renewal',
      'organization',
      'contacts',
      'blockPrivateKeyExport'
    ],
    'Lamassu'
  )
  // Unmodelled fields come back at their dotted paths (validity.x, crypto_enforcement.y, z).
  restoreExtras(json, profile.extras.lamassu)
  return { json, notes: notes.list }
}

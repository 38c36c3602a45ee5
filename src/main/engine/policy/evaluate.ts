// Policy evaluation: a profile, a parsed CSR and the operator's input become the certificate
// template the profile allows, the findings that block or need confirming, and the preview
// rows that explain every difference from the request. Pure: no I/O, `now` comes in.
import { AsnConvert } from '@peculiar/asn1-schema'
import { BasicConstraints, id_ce_basicConstraints } from '@peculiar/asn1-x509'
import {
  addDuration,
  canonicalAttributeType,
  cnToSanEnabled,
  EKU,
  parseIp,
  type Finding,
  type OperatorInput,
  type PreviewRow,
  type ProfileBody,
  type SubjectAttributeRule
} from '../../../shared/domain/profile'
import { dnText as sharedDnText, type DistinguishedName, type GeneralName, type KeyUsageName } from '../../../shared/domain/names'
import { ATTRIBUTE_TYPES, EKU_NAME_BY_OID } from '../../../shared/domain/oids'
import { aKeyOf, keyFamilyName, type SignatureHash } from '../../../shared/domain/keys'
import type { CertificateTemplate, ParsedCsr, RawExtension } from '../template'
import { isDnsName, sanRefusal } from './san-match'
import { lintTemplate } from './lint'
import { checkDistinguishedName } from '../names'
import { signingHashFor } from '../signing-rules'
import { copyableExtension } from './extensions'
import type { Evaluation, EvaluationContext } from './types'
import { compilePattern, MAX_PATTERN_VALUE_LENGTH } from './patterns'
import { sealEvaluated } from './sealed'
import { resolveExtensionUrls, type ExtensionUrlKind } from '../../../shared/domain/extension-urls'
import { formatDateTime } from '../../../shared/domain/date-format'
import { nameConstraintFindings } from './name-constraints'

const DAY = 86_400_000
const ENTERED = 'entered by the operator at issuance'

/** Extensions the engine sets itself; honorExtensions never copies these from a CSR. */
export const MANAGED_EXTENSION_OIDS: ReadonlySet<string> = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '2.5.29.32', // certificatePolicies
  '2.5.29.30' // nameConstraints
])

/** Where a subject appears in the DN when the CSR gives no order: broadest first (the registry's order). */
const STANDARD_ORDER = ATTRIBUTE_TYPES.filter((a) => a.order !== undefined)
  .sort((a, b) => a.order! - b.order!)
  .map((a) => a.short)

/** Key usages a key family cannot do (RFC 8813 for EC, RFC 8410 for EdDSA, RFC 4055 for RSA). */
const FORBIDDEN_USAGES: Readonly<Record<string, readonly KeyUsageName[]>> = {
  rsa: ['keyAgreement', 'encipherOnly', 'decipherOnly'],
  ec: ['keyEncipherment', 'dataEncipherment'],
  ed25519: ['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'encipherOnly', 'decipherOnly'],
  ed448: ['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'encipherOnly', 'decipherOnly']
}

/** A template names an attribute by its registry short name (every encoder knows those), else by OID. */
export function templateAttributeType(type: string): string {
  return canonicalAttributeType(type)
}

/** The app's one DN text (shared dnText), over canonical short names so aliases read alike. */
export function dnText(dn: DistinguishedName): string {
  return sharedDnText(dn.map((rdn) => rdn.map((a) => ({ type: canonicalAttributeType(a.type), value: a.value }))))
}

const nameText = (n: GeneralName): string => `${n.type}:${n.value}`
const ekuText = (oids: readonly string[]): string => oids.map((o) => EKU_NAME_BY_OID[o] ?? o).join(', ')
const asArray = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]).filter((s) => s.length > 0)

class Collector {
  readonly findings: Finding[] = []
  readonly rows: PreviewRow[] = []
  error(code: string, field: string, message: string): void {
    this.findings.push({ code, severity: 'error', field, message })
  }
  warn(code: string, field: string, message: string): void {
    this.findings.push({ code, severity: 'warning', field, message })
  }
  row(field: string, label: string, requested: string | null, result: string | null, reason?: string): void {
    const changed = requested !== result
    this.rows.push({ field, label, requested, result, changed, ...(reason ? { reason } : {}) })
  }
}

// ---------------------------------------------------------------------------------------

function checkKey(profile: ProfileBody, csr: ParsedCsr, c: Collector): void {
  const key = csr.publicKey
  const describe = key.family === 'rsa' ? `RSA ${key.size}` : key.family === 'ec' ? `ECDSA ${key.curve ?? `${key.size}-bit`}` : key.family === 'ed25519' ? 'Ed25519' : 'Ed448'
  c.row('publicKey', 'Public key', describe, describe, 'the certificate certifies the CSR key as is')
  if (!csr.signatureValid)
    c.error('CSR_SIGNATURE_INVALID', 'csr.signature', 'Proof of possession failed: the CSR signature does not verify with its own public key; ask the requester for a new CSR.')
  if (/sha1|sha-1|md5|md2/i.test(csr.signatureAlgorithm))
    c.warn('CSR_WEAK_SIGNATURE_HASH', 'csr.signatureAlgorithm', `Hash policy: the CSR is signed with ${csr.signatureAlgorithm}; its proof of possession rests on a broken hash (the certificate itself will not use it).`)
  if (key.family === 'rsa' && key.size < 2048)
    c.error('RSA_KEY_TOO_SMALL', 'publicKey', `Crypto baseline: an RSA key of ${key.size} bits is below the 2048-bit minimum; request a certificate for a 2048-bit or larger key.`)
  if (key.family === 'ec' && !['P-256', 'P-384', 'P-521'].includes(key.curve ?? ''))
    c.error('ECDSA_CURVE_UNSUPPORTED', 'publicKey', `Crypto baseline: the EC curve ${key.curve ?? 'of this key'} is not one of P-256, P-384, P-521.`)
  const crypto = profile.crypto
  if (!crypto.enabled) return
  switch (key.family) {
    case 'rsa':
      if (!crypto.allowRsa) c.error('KEY_TYPE_NOT_ALLOWED', 'publicKey', 'Crypto enforcement: this profile does not allow RSA keys (crypto.allowRsa is off).')
      else if (!crypto.rsaKeySizes.includes(key.size))
        c.error('RSA_KEY_SIZE_NOT_ALLOWED', 'publicKey', `Crypto enforcement: RSA ${key.size} is not in crypto.rsaKeySizes (${crypto.rsaKeySizes.join(', ')}).`)
      break
    case 'ec':
      if (!crypto.allowEcdsa) c.error('KEY_TYPE_NOT_ALLOWED', 'publicKey', 'Crypto enforcement: this profile does not allow ECDSA keys (crypto.allowEcdsa is off).')
      else if (!crypto.ecdsaCurves.some((cv) => cv === key.curve))
        c.error('ECDSA_CURVE_NOT_ALLOWED', 'publicKey', `Crypto enforcement: curve ${key.curve ?? 'unknown'} is not in crypto.ecdsaCurves (${crypto.ecdsaCurves.join(', ')}).`)
      break
    case 'ed25519':
      if (!crypto.allowEd25519) c.error('KEY_TYPE_NOT_ALLOWED', 'publicKey', 'Crypto enforcement: this profile does not allow Ed25519 keys (crypto.allowEd25519 is off).')
      break
    case 'ed448':
      if (!crypto.allowEd448) c.error('KEY_TYPE_NOT_ALLOWED', 'publicKey', 'Crypto enforcement: this profile does not allow Ed448 keys (crypto.allowEd448 is off).')
      break
  }
}

// ---------------------------------------------------------------------------------------

interface SubjectResult {
  readonly subject: DistinguishedName
}

function buildSubject(profile: ProfileBody, csr: ParsedCsr, input: OperatorInput, c: Collector): SubjectResult {
  // The CSR's attributes by canonical type, keeping first-seen order.
  const csrValues = new Map<string, string[]>()
  let multiValuedRdn = false
  for (const rdn of csr.subject) {
    if (rdn.length > 1) multiValuedRdn = true
    for (const a of rdn) {
      const t = canonicalAttributeType(a.type)
      csrValues.set(t, [...(csrValues.get(t) ?? []), a.value])
    }
  }
  const entered = new Map<string, string[]>()
  for (const [k, v] of Object.entries(input.subject)) entered.set(canonicalAttributeType(k), asArray(v))

  const rules = new Map<string, SubjectAttributeRule>()
  for (const r of profile.subjectAttributes) rules.set(canonicalAttributeType(r.type), r)

  const result = new Map<string, { values: string[]; reason?: string }>()
  const enteredTypes = new Set<string>()

  for (const [type, rule] of rules) {
    const field = `subject.${type}`
    let chosen: { values: string[]; source: string } | undefined
    for (const source of rule.sources) {
      const values = source === 'csr' ? (csrValues.get(type) ?? []) : source === 'fixed' ? asArray(rule.value) : (entered.get(type) ?? [])
      if (values.length > 0) {
        chosen = { values, source }
        break
      }
    }
    const requested = csrValues.get(type)
    if (!chosen) {
      if (rule.mandatory) {
        const how = rule.sources.map((s) => (s === 'csr' ? 'from the CSR' : s === 'fixed' ? "from the profile's fixed value" : 'from the operator at issuance')).join(' or ')
        const fix = rule.sources.includes('entered') ? `enter ${type} at issuance` : `give a CSR that has ${type}`
        c.error('SUBJECT_ATTRIBUTE_MISSING', field, `Subject rule: ${type} is mandatory and comes ${how}, but none was given; ${fix}.`)
      }
      if (requested) result.set(type, { values: [], reason: `dropped: the rule for ${type} does not take it from the CSR` })
      continue
    }
    if (chosen.values.length > 1 && !rule.multiple)
      c.error('SUBJECT_ATTRIBUTE_NOT_MULTIPLE', field, `Subject rule: ${type} allows one value but ${chosen.values.length} were given (${chosen.values.join(', ')}).`)
    // Length first: a value past the cap is never handed to the matcher.
    const capped = chosen.values.filter((v) => v.length > MAX_PATTERN_VALUE_LENGTH)
    for (const v of capped)
      c.error('SUBJECT_ATTRIBUTE_TOO_LONG', field, `Subject rule: ${type} is ${v.length} characters, more than the ${MAX_PATTERN_VALUE_LENGTH} any value may have; shorten it.`)
    if (rule.pattern !== undefined) {
      const pattern = compilePattern(rule.pattern)
      if (!pattern.ok) c.error('SUBJECT_PATTERN_INVALID', field, `Subject rule: ${pattern.error.message}`)
      else
        for (const v of chosen.values)
          if (v.length <= MAX_PATTERN_VALUE_LENGTH && !pattern.value.test(v))
            c.error('SUBJECT_ATTRIBUTE_PATTERN', field, `Subject rule: ${type} "${v}" does not match the profile's pattern ${rule.pattern}.`)
    }
    if (rule.maxLength !== undefined)
      for (const v of chosen.values)
        if (v.length > rule.maxLength) c.error('SUBJECT_ATTRIBUTE_TOO_LONG', field, `Subject rule: ${type} is ${v.length} characters, more than the rule's maxLength ${rule.maxLength}.`)
    const reason =
      chosen.source === 'csr' ? undefined : chosen.source === 'fixed' ? `fixed by the profile's rule for ${type}` : `entered by the operator at issuance`
    if (chosen.source === 'entered') enteredTypes.add(type)
    result.set(type, { values: chosen.values, ...(reason ? { reason } : {}) })
  }

  for (const [type, values] of csrValues) {
    if (rules.has(type)) continue
    if (profile.honorSubject) result.set(type, { values })
    else result.set(type, { values: [], reason: 'dropped: honorSubject is off and the profile has no rule for this attribute' })
  }
  // A value for a field the operator may not set is refused by name, never ignored.
  for (const [type, values] of entered)
    if (values.length && !rules.get(type)?.sources.includes('entered'))
      c.error(
        'SUBJECT_INPUT_NOT_ALLOWED',
        `subject.${type}`,
        `Subject rule: a value was entered for ${type}, but this profile does not let the operator set ${type}${rules.has(type) ? ` (its rule takes it ${rules.get(type)!.sources.map((src) => (src === 'csr' ? 'from the CSR' : 'as a fixed value')).join(' or ')})` : ' (it has no rule with source entered)'}; remove the entered value or choose a profile that takes ${type} from the operator.`
      )

  // Order: the CSR's order for the types it had; each other type goes before the first type
  // that the standard (broadest-first) order puts after it.
  const std = (t: string): number => {
    const i = STANDARD_ORDER.indexOf(t)
    return i >= 0 ? i : STANDARD_ORDER.length
  }
  const present = (t: string): boolean => (result.get(t)?.values.length ?? 0) > 0
  const ordered = [...csrValues.keys()].filter(present)
  const extra = [...result.keys()].filter((t) => present(t) && !csrValues.has(t)).sort((a, b) => std(a) - std(b))
  for (const t of extra) {
    const at = ordered.findIndex((o) => std(o) > std(t))
    if (at < 0) ordered.push(t)
    else ordered.splice(at, 0, t)
  }
  const single: DistinguishedName = ordered.flatMap((t) => (result.get(t)?.values ?? []).map((value) => [{ type: templateAttributeType(t), value }]))
  const subject = regroupMultiValued(single, csr.subject)
  // RFC 5280 bounds: countryName two capitals, ub-* lengths, PrintableString/IA5 alphabets.
  for (const p of checkDistinguishedName(subject)) c.error(p.code, `subject.${canonicalAttributeType(p.field.slice('subject.'.length))}`, p.message)

  for (const type of new Set([...csrValues.keys(), ...result.keys()])) {
    const req = csrValues.get(type)
    const res = result.get(type)
    const typed = enteredTypes.has(type) ? entered.get(type) : undefined
    // An entered value shows as "entered" in the requested column: the operator asked for it.
    const asked = typed ? `${typed.join(' | ')} (entered)` : req ? req.join(' | ') : null
    c.row(`subject.${type}`, `Subject ${type}`, asked, res && res.values.length ? res.values.join(' | ') : null, res?.reason)
  }
  if (multiValuedRdn && dnText(csr.subject) !== dnText(subject))
    c.row('subject', 'Subject', dnText(csr.subject), dnText(subject), 'multi-valued RDNs of the CSR are kept together as far as their attributes are kept')
  else c.row('subject', 'Subject', dnText(csr.subject), dnText(subject), dnText(csr.subject) === dnText(subject) ? undefined : 'see the attribute rows')
  return { subject }
}

/**
 * Puts the attributes that formed one multi-valued RDN in the CSR (e.g. `CN=x+UID=y`) back
 * into one RDN, at the place of the first of them; attributes the profile dropped or changed
 * are simply not part of the group any more.
 */
function regroupMultiValued(single: DistinguishedName, csrSubject: DistinguishedName): DistinguishedName {
  const rdns: ({ type: string; value: string }[] | null)[] = single.map((rdn) => rdn.map((a) => ({ ...a })))
  const key = (a: { type: string; value: string }): string => `${canonicalAttributeType(a.type)}=${a.value}`
  for (const group of csrSubject) {
    if (group.length < 2) continue
    const at: number[] = []
    for (const a of group) {
      const i = rdns.findIndex((r, idx) => r !== null && r.length === 1 && !at.includes(idx) && key(r[0]!) === key(a))
      if (i >= 0) at.push(i)
    }
    if (at.length < 2) continue
    const first = Math.min(...at)
    rdns[first] = at.sort((x, y) => x - y).flatMap((i) => rdns[i]!)
    for (const i of at) if (i !== first) rdns[i] = null
  }
  return rdns.filter((r): r is { type: string; value: string }[] => r !== null)
}

// ---------------------------------------------------------------------------------------

function buildSans(profile: ProfileBody, csr: ParsedCsr, input: OperatorInput, subject: DistinguishedName, ekus: readonly string[], c: Collector): { names: GeneralName[]; critical: boolean } | undefined {
  const policy = profile.san
  const rulesByType = new Map(policy.rules.map((r) => [r.type, r]))
  const names: { name: GeneralName; reason?: string }[] = []
  const key = (n: GeneralName): string => `${n.type}:${n.type === 'dns' || n.type === 'email' ? n.value.toLowerCase() : n.value}`
  const seen = new Set<string>()
  const push = (given: GeneralName, givenReason?: string): void => {
    let name = given
    let reason = givenReason
    if (given.type === 'dns' && parseIp(given.value)) {
      name = { type: 'ip', value: given.value }
      reason = `${given.value} is an IP address, so it is written as an iPAddress name (an IP address may not be a dNSName)`
    }
    if (seen.has(key(name))) return
    seen.add(key(name))
    names.push({ name, ...(reason ? { reason } : {}) })
  }
  const dropped: { name: GeneralName; reason: string }[] = []

  for (const n of csr.sans) {
    const rule = rulesByType.get(n.type)
    if (!policy.fromCsr) dropped.push({ name: n, reason: 'dropped: san.fromCsr is off' })
    else if (rule && !rule.sources.includes('csr')) dropped.push({ name: n, reason: `dropped: the ${n.type} SAN rule does not take values from the CSR` })
    else push(n)
  }
  for (const rule of policy.rules) if (rule.sources.includes('fixed')) for (const v of asArray(rule.value)) push({ type: rule.type, value: v }, `fixed by the profile's ${rule.type} SAN rule`)
  for (const n of input.sans) {
    const rule = rulesByType.get(n.type)
    if (rule && !rule.sources.includes('entered')) {
      c.error('SAN_INPUT_NOT_ALLOWED', `san.${n.type}`, `SAN rule: ${nameText(n)} was entered, but this profile does not let the operator add ${n.type} names (its ${n.type} rule has no source entered); remove it or choose another profile.`)
      continue
    }
    push(n, ENTERED)
  }
  if (cnToSanEnabled(profile, ekus)) {
    const cn = subject.flat().find((a) => canonicalAttributeType(a.type) === 'CN')?.value
    if (cn) {
      // Only a CN that is a host name or an address belongs in the SANs ("Jane Doe" does not).
      const asName: GeneralName | undefined = parseIp(cn) ? { type: 'ip', value: cn } : isDnsName(cn, true) ? { type: 'dns', value: cn } : undefined
      const why = policy.includeCommonName === undefined ? 'CN to SAN is on for serverAuth profiles' : 'san.includeCommonName is on'
      if (asName && !seen.has(key(asName))) push(asName, `added by the profile: the subject CN (${why})`)
    }
  }

  names.forEach((entry, i) => {
    const refusal = sanRefusal(policy, entry.name)
    if (refusal) c.error('SAN_NOT_ALLOWED', `san[${i}]`, `SAN allow-list: ${refusal}.`)
  })
  if (policy.maxCount !== undefined && names.length > policy.maxCount)
    c.error('SAN_TOO_MANY', 'san', `SAN allow-list: ${names.length} names exceed san.maxCount (${policy.maxCount}).`)
  for (const rule of policy.rules) {
    const count = names.filter((e) => e.name.type === rule.type).length
    if (rule.mandatory && count === 0) c.error('SAN_MANDATORY_MISSING', `san.${rule.type}`, `SAN rule: at least one ${rule.type} name is mandatory; add it to the CSR or enter it at issuance.`)
    if (!rule.multiple && count > 1) c.error('SAN_NOT_MULTIPLE', `san.${rule.type}`, `SAN rule: only one ${rule.type} name is allowed but ${count} were given.`)
  }

  const fromCsrAsIp = new Set<string>()
  for (const n of csr.sans) {
    const d = dropped.find((x) => x.name === n)
    const asIp = !d && n.type === 'dns' && parseIp(n.value) !== undefined
    if (asIp) fromCsrAsIp.add(`ip:${n.value}`)
    c.row(
      `san.${nameText(n)}`,
      'Subject alternative name',
      nameText(n),
      d ? null : asIp ? `ip:${n.value}` : nameText(n),
      d?.reason ?? (asIp ? `${n.value} is an IP address, so it is written as an iPAddress name (an IP address may not be a dNSName)` : undefined)
    )
  }
  for (const e of names)
    if (e.reason && !fromCsrAsIp.has(nameText(e.name)))
      c.row(`san.${nameText(e.name)}`, 'Subject alternative name', e.reason === ENTERED ? `${nameText(e.name)} (entered)` : null, nameText(e.name), e.reason)

  if (names.length === 0) return undefined
  const subjectEmpty = subject.length === 0
  const critical = policy.critical === 'always' ? true : policy.critical === 'never' ? false : subjectEmpty
  if (subjectEmpty && !critical)
    c.error('SAN_MUST_BE_CRITICAL', 'san.critical', 'RFC 5280 4.2.1.6: the subject is empty, so subjectAltName must be critical; set san.critical to auto or always.')
  return { names: names.map((e) => e.name), critical }
}

// ---------------------------------------------------------------------------------------

function buildValidity(profile: ProfileBody, input: OperatorInput, ctx: EvaluationContext, c: Collector): { notBefore: Date; notAfter: Date } {
  // Whole seconds: X.509 times carry no fractions.
  const notBefore = new Date(Math.floor(ctx.now.getTime() / 1000) * 1000)
  let notAfter: Date
  let reason: string
  if (profile.validity.type === 'Duration') {
    // Years are calendar years (clamped at the month's end), as for `ca create`.
    notAfter = addDuration(notBefore, profile.validity.duration) ?? notBefore
    reason = `profile validity ${profile.validity.duration}`
  } else {
    notAfter = new Date(profile.validity.time)
    reason = `profile validity ends at ${formatDateTime(profile.validity.time)}`
    if (notAfter.getTime() <= notBefore.getTime())
      c.error('VALIDITY_END_IN_PAST', 'validity.time', `Validity: the profile's fixed end ${formatDateTime(profile.validity.time)} is not after the issuance time; update validity.time.`)
  }
  let requested: string | null = null
  if (input.notAfter !== undefined && input.validityDays !== undefined)
    c.error('VALIDITY_INPUT_CONFLICT', 'validity', 'Validity: give either an end date or a number of days, not both.')
  const enteredEnd =
    input.notAfter !== undefined ? { text: `until ${formatDateTime(input.notAfter)} (entered)`, at: new Date(input.notAfter) } : input.validityDays !== undefined ? { text: `${input.validityDays} days (entered)`, at: new Date(notBefore.getTime() + input.validityDays * DAY) } : undefined
  if (enteredEnd) {
    requested = enteredEnd.text
    const wanted = enteredEnd.at
    if (!profile.allowValidityOverride)
      c.error('VALIDITY_OVERRIDE_NOT_ALLOWED', 'validity', 'Validity: this profile does not let the operator set notAfter (allowValidityOverride is off); clear the requested end date.')
    else if (wanted.getTime() <= notBefore.getTime()) c.error('VALIDITY_END_IN_PAST', 'validity', `Validity: the requested end ${formatDateTime(wanted)} is not after the issuance time.`)
    else if (wanted.getTime() > notAfter.getTime())
      c.error('VALIDITY_OVERRIDE_TOO_LONG', 'validity', `Validity: the requested end ${formatDateTime(wanted)} is later than the profile allows (${formatDateTime(notAfter)}); enter an earlier end.`)
    else {
      notAfter = new Date(Math.floor(wanted.getTime() / 1000) * 1000)
      reason = 'entered by the operator (allowValidityOverride)'
    }
  }
  if (profile.maxValidityDays !== undefined && notAfter.getTime() - notBefore.getTime() > profile.maxValidityDays * DAY)
    c.error(
      'VALIDITY_EXCEEDS_MAXIMUM',
      'validity',
      `Validity ceiling: ${((notAfter.getTime() - notBefore.getTime()) / DAY).toFixed(1)} days exceed maxValidityDays (${profile.maxValidityDays}); shorten the profile's validity.`
    )
  const issuer = ctx.issuer
  if (issuer) {
    if (issuer.notAfter.getTime() <= notBefore.getTime())
      c.error('ISSUER_EXPIRED', 'issuer.notAfter', `Issuer ceiling: the issuing CA expired at ${formatDateTime(issuer.notAfter)}; choose another CA.`)
    else if (notAfter.getTime() > issuer.notAfter.getTime()) {
      if (profile.issuerCeiling === 'clamp') {
        c.warn('VALIDITY_CLAMPED_TO_ISSUER', 'validity', `Issuer ceiling: notAfter is shortened from ${formatDateTime(notAfter)} to the issuing CA's notAfter ${formatDateTime(issuer.notAfter)} (issuerCeiling is clamp).`)
        notAfter = new Date(issuer.notAfter.getTime())
        reason = "clamped to the issuing CA's notAfter"
      } else
        c.error('VALIDITY_EXCEEDS_ISSUER', 'validity', `Issuer ceiling: notAfter ${formatDateTime(notAfter)} is later than the issuing CA's notAfter ${formatDateTime(issuer.notAfter)}; shorten the validity or set issuerCeiling to clamp.`)
    }
    if (issuer.notBefore && issuer.notBefore.getTime() > notBefore.getTime())
      c.error('ISSUER_NOT_YET_VALID', 'issuer.notBefore', `Issuer: the issuing CA is not valid before ${formatDateTime(issuer.notBefore)}.`)
  }
  c.row('validity', 'Validity', requested, `${formatDateTime(notBefore)} – ${formatDateTime(notAfter)}`, reason)
  return { notBefore, notAfter }
}

// ---------------------------------------------------------------------------------------

function buildKeyUsage(profile: ProfileBody, csr: ParsedCsr, c: Collector): KeyUsageName[] {
  const family = csr.publicKey.family
  const forbidden = FORBIDDEN_USAGES[family] ?? []
  const requested = csr.requestedKeyUsage
  const fromCsr = profile.honorKeyUsage && requested !== undefined && requested.length > 0
  let usages: KeyUsageName[] = fromCsr ? [...requested] : [...profile.keyUsage]
  let reason: string | undefined = fromCsr ? undefined : profile.honorKeyUsage ? 'the CSR asks for none; the profile default applies' : 'set by the profile (honorKeyUsage is off)'
  const bad = usages.filter((u) => forbidden.includes(u))
  if (bad.length > 0) {
    if (fromCsr)
      c.error('KEY_USAGE_INCONSISTENT_WITH_KEY', 'keyUsage', `Key usage: the CSR asks for ${bad.join(', ')}, which ${aKeyOf(family)} cannot perform.`)
    else {
      usages = usages.filter((u) => !forbidden.includes(u))
      reason = `${reason ?? ''}; ${bad.join(', ')} removed: ${aKeyOf(family)} cannot perform it`.replace(/^; /, '')
    }
  }
  if (profile.signAsCa && !usages.includes('keyCertSign'))
    c.error('KEY_USAGE_CA_WITHOUT_CERTSIGN', 'keyUsage', 'Key usage: a CA certificate must have keyCertSign (RFC 5280 4.2.1.3); the CSR key usage lacks it.')
  if (!profile.signAsCa && usages.includes('keyCertSign'))
    c.error('KEY_USAGE_CERTSIGN_WITHOUT_CA', 'keyUsage', 'Key usage: keyCertSign is only for CA certificates and this profile does not sign as CA.')
  if ((usages.includes('encipherOnly') || usages.includes('decipherOnly')) && !usages.includes('keyAgreement'))
    c.error('KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT', 'keyUsage', 'Key usage: encipherOnly/decipherOnly are meaningful only with keyAgreement.')
  if (usages.length === 0 && (fromCsr || profile.keyUsage.length > 0))
    c.error('KEY_USAGE_EMPTY', 'keyUsage', `Key usage: nothing is left that ${aKeyOf(family)} can do; fix the profile's keyUsage.`)
  c.row('keyUsage', 'Key usage', requested && requested.length ? requested.join(', ') : null, usages.length ? usages.join(', ') : null, reason)
  return usages
}

/** The EKUs the certificate will carry: the CSR's when the profile honours them and it asks, else the profile's. */
function resultingExtKeyUsages(profile: ProfileBody, csr: ParsedCsr): string[] {
  const requested = csr.requestedExtKeyUsage
  return profile.honorExtendedKeyUsages && requested !== undefined && requested.length > 0 ? [...requested] : [...profile.extendedKeyUsages]
}

function buildExtKeyUsage(profile: ProfileBody, csr: ParsedCsr, c: Collector): string[] {
  const requested = csr.requestedExtKeyUsage
  const fromCsr = profile.honorExtendedKeyUsages && requested !== undefined && requested.length > 0
  const oids = resultingExtKeyUsages(profile, csr)
  const reason = fromCsr ? undefined : profile.honorExtendedKeyUsages ? 'the CSR asks for none; the profile default applies' : 'set by the profile (honorExtendedKeyUsages is off)'
  if (!profile.signAsCa && oids.includes(EKU.anyExtendedKeyUsage))
    c.warn('EKU_ANY_ON_END_ENTITY', 'extendedKeyUsages', 'Extended key usage: anyExtendedKeyUsage lets the certificate be used for any purpose; list the purposes instead.')
  c.row('extendedKeyUsage', 'Extended key usage', requested && requested.length ? ekuText(requested) : null, oids.length ? ekuText(oids) : null, reason)
  return oids
}

function csrAsksForCa(csr: ParsedCsr): boolean {
  const ext = csr.extensions.find((e) => e.oid === id_ce_basicConstraints)
  if (!ext) return false
  try {
    return AsnConvert.parse(ext.value, BasicConstraints).cA
  } catch {
    return false
  }
}

function buildBasicConstraints(profile: ProfileBody, csr: ParsedCsr, ctx: EvaluationContext, c: Collector): CertificateTemplate['basicConstraints'] {
  const asksCa = csrAsksForCa(csr)
  if (!profile.signAsCa) {
    if (asksCa) c.warn('CSR_REQUESTS_CA', 'basicConstraints', 'Basic constraints: the CSR asks to be a CA but this profile issues end-entity certificates; CA:FALSE will be issued.')
    c.row('basicConstraints', 'Basic constraints', asksCa ? 'CA:TRUE' : null, 'CA:FALSE', 'set by the profile (signAsCa is off)')
    return { ca: false, critical: true }
  }
  let pathLength = profile.pathLength
  let reason = 'set by the profile (signAsCa)'
  const issuer = ctx.issuer
  if (issuer) {
    if (issuer.isCa === false) c.error('ISSUER_NOT_CA', 'issuer', 'Basic constraints: the issuing certificate is not a CA and cannot sign a CA certificate.')
    if (issuer.pathLength !== undefined) {
      if (issuer.pathLength === 0)
        c.error('ISSUER_PATH_LENGTH_EXHAUSTED', 'pathLength', "Path length: the issuing CA's pathLenConstraint is 0, so it may not sign another CA certificate.")
      else if (pathLength === undefined) {
        pathLength = issuer.pathLength - 1
        reason = `pathLength ${pathLength}: one less than the issuing CA's ${issuer.pathLength}`
      } else if (pathLength >= issuer.pathLength)
        c.error('PATH_LENGTH_EXCEEDS_ISSUER', 'pathLength', `Path length: the profile's pathLength ${pathLength} must be less than the issuing CA's ${issuer.pathLength}.`)
    }
  }
  const text = `CA:TRUE${pathLength !== undefined ? `, pathlen:${pathLength}` : ''}`
  c.row('basicConstraints', 'Basic constraints', asksCa ? 'CA:TRUE' : null, text, reason)
  return { ca: true, critical: true, ...(pathLength !== undefined ? { pathLength } : {}) }
}

function buildAdditionalExtensions(profile: ProfileBody, csr: ParsedCsr, c: Collector): RawExtension[] {
  const out: RawExtension[] = []
  const requestedName = (oid: string): string => csr.requestedExtensions.find((e) => e.oid === oid)?.name ?? oid
  for (const ext of csr.extensions) {
    if (MANAGED_EXTENSION_OIDS.has(ext.oid)) continue
    const field = `extension.${ext.oid}`
    const label = `Extension ${requestedName(ext.oid)}`
    if (!profile.honorExtensions) {
      c.row(field, label, 'requested', null, 'dropped: honorExtensions is off')
      continue
    }
    if (profile.allowedExtensionOids.length > 0 && !profile.allowedExtensionOids.includes(ext.oid)) {
      c.row(field, label, 'requested', null, 'dropped: not in allowedExtensionOids')
      continue
    }
    // Only extensions whose syntax is known and checks out are copied; the CA decides the rest.
    const verdict = copyableExtension(ext)
    switch (verdict.kind) {
      case 'copy':
        out.push(ext)
        c.warn(
          'CSR_EXTENSION_COPIED',
          field,
          `Extensions: ${verdict.name} (${ext.oid}${ext.critical ? ', critical' : ''}) is copied from the CSR as requested (honorExtensions); check its value before signing.`
        )
        c.row(field, label, 'requested', 'copied from the CSR', 'honorExtensions: known extension, value checked')
        break
      case 'refuse':
        c.error(verdict.code, field, verdict.message)
        c.row(field, label, 'requested', null, 'refused')
        break
      case 'drop':
        if (verdict.known) c.row(field, label, 'requested', null, `dropped: ${verdict.reason}`)
        else if (ext.critical) {
          c.error('CSR_EXTENSION_UNKNOWN_CRITICAL', field, `Extensions: the CSR asks for a critical extension ${ext.oid} that ${verdict.reason}; no relying party could process it, so the request is refused. Ask for a CSR without it.`)
          c.row(field, label, 'requested', null, `refused: ${verdict.reason}`)
        } else {
          c.warn('CSR_EXTENSION_NOT_COPIED', field, `Extensions: the CSR asks for ${requestedName(ext.oid)} (${ext.oid}), which ${verdict.reason}; it is left out.`)
          c.row(field, label, 'requested', null, `dropped: ${verdict.reason}`)
        }
        break
    }
  }
  return out
}

const WEAK_HASH = /^(sha-?1|md5|md2|md4|sha-?224)$/i
const HASHES: Readonly<Record<string, SignatureHash>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }

function buildSignature(profile: ProfileBody, input: OperatorInput, ctx: EvaluationContext, c: Collector): CertificateTemplate['signature'] {
  let hash: SignatureHash = profile.signature.hash
  let reason = 'set by the profile'
  const asked = input.signatureHash
  let explicit = false
  if (asked !== undefined) {
    const normal = HASHES[asked.toLowerCase().replace(/[-_]/g, '')]
    if (WEAK_HASH.test(asked.trim()))
      c.error('HASH_NOT_ALLOWED', 'signature.hash', `Hash policy: ${asked} is refused (SHA-1 and MD5 are broken for signatures); use SHA-256 or stronger.`)
    else if (!normal) c.error('HASH_NOT_ALLOWED', 'signature.hash', `Hash policy: ${asked} is not one of SHA-256, SHA-384, SHA-512.`)
    else {
      hash = normal
      explicit = true
      reason = 'requested by the operator'
    }
  }
  const issuer = ctx.issuer
  const family = issuer?.keyFamily
  let rsaPss = profile.signature.rsaPss
  if (rsaPss && family !== undefined && family !== 'rsa') {
    c.warn('RSA_PSS_NEEDS_RSA_ISSUER', 'signature.rsaPss', `Signature: the profile asks for RSA-PSS but the issuing key is ${keyFamilyName(family)}; its own scheme will be used.`)
    rsaPss = false
  }
  // The signing key decides: ECDSA pairs its curve with one hash; EdDSA has no hash choice.
  if (issuer) {
    const decision = signingHashFor({ family: issuer.keyFamily, ...(issuer.curve ? { curve: issuer.curve } : {}) }, hash, explicit)
    if (!decision.ok) c.error(decision.code, 'signature.hash', decision.message)
    else {
      if (decision.note && (family === 'ed25519' || family === 'ed448') && explicit)
        c.warn('HASH_IGNORED_FOR_EDDSA', 'signature.hash', `Signature: ${decision.note}.`)
      if (decision.hash !== hash) reason = `${decision.note ?? ''}`
      hash = decision.hash
    }
  }
  const eddsa = family === 'ed25519' || family === 'ed448'
  const text = eddsa ? (family === 'ed25519' ? 'Ed25519' : 'Ed448') : `${hash}${rsaPss ? ' RSA-PSS' : ''}`
  c.row('signature', 'Signature algorithm', asked ?? null, text, eddsa ? 'EdDSA issuers sign without a separate hash' : reason)
  return { hash, rsaPss }
}

/**
 * CRL distribution points, OCSP and caIssuers: each kind from the profile when it lists any,
 * else from the issuing CA (set with `ca set` or the Authorities screen); the preview names
 * the source of each.
 */
function buildExtensionUrls(profile: Readonly<ProfileBody>, ctx: Readonly<EvaluationContext>, c: Collector): ReturnType<typeof resolveExtensionUrls> {
  const ca = ctx.issuer?.urls
  const urls = resolveExtensionUrls(profile, ca)
  const source = (from: 'profile' | 'ca' | null): string => (from === 'profile' ? 'set by the profile' : `set on the CA "${ca?.authorityName ?? ''}"`)
  const rows: [ExtensionUrlKind, string, string][] = [
    ['crlDistributionPoints', 'crlDistributionPoints', 'CRL distribution points'],
    ['ocspUrls', 'authorityInfoAccess.ocsp', 'OCSP responder (AIA)'],
    ['caIssuersUrls', 'authorityInfoAccess.caIssuers', 'CA issuers (AIA)']
  ]
  for (const [kind, field, label] of rows) if (urls[kind].urls.length) c.row(field, label, null, urls[kind].urls.join(', '), source(urls[kind].from))
  return urls
}

// ---------------------------------------------------------------------------------------

/**
 * Evaluates a CSR against a profile. `profile` must be a parsed ProfileBody (or a stored
 * Profile); an archived stored profile yields PROFILE_ARCHIVED.
 */
export function evaluate(
  profile: Readonly<ProfileBody> & { readonly archived?: boolean },
  csr: Readonly<ParsedCsr>,
  input: Readonly<OperatorInput>,
  ctx: Readonly<EvaluationContext>
): Evaluation {
  const c = new Collector()
  if (profile.archived) c.error('PROFILE_ARCHIVED', 'profile', `Profile: "${profile.name}" is archived and issues no new certificates; unarchive it or choose another profile.`)
  checkKey(profile, csr, c)
  const { subject } = buildSubject(profile, csr, input, c)
  const san = buildSans(profile, csr, input, subject, resultingExtKeyUsages(profile, csr), c)
  const { notBefore, notAfter } = buildValidity(profile, input, ctx, c)
  const usages = buildKeyUsage(profile, csr, c)
  const ekus = buildExtKeyUsage(profile, csr, c)
  const basicConstraints = buildBasicConstraints(profile, csr, ctx, c)
  const additional = buildAdditionalExtensions(profile, csr, c)
  const signature = buildSignature(profile, input, ctx, c)
  // Every CA of the chain binds the names, whatever the profile allows (RFC 5280 4.2.1.10).
  const constrained = ctx.issuer?.nameConstraints ?? []
  for (const f of nameConstraintFindings(constrained, { subject, sans: san?.names ?? [] })) c.findings.push(f)
  if (constrained.length)
    c.row('nameConstraints', 'Name constraints', null, constrained.map((a) => a.authority).join(', '), "every name is checked against these CAs' permitted and excluded subtrees")

  const urls = buildExtensionUrls(profile, ctx, c)
  if (profile.certificatePolicies.length) c.row('certificatePolicies', 'Certificate policies', null, profile.certificatePolicies.map((p) => p.oid).join(', '), 'set by the profile')

  const template: CertificateTemplate = {
    subject,
    subjectPublicKeySpki: csr.spki,
    notBefore,
    notAfter,
    signature,
    basicConstraints,
    ...(usages.length ? { keyUsage: { usages, critical: profile.keyUsageCritical } } : {}),
    ...(ekus.length ? { extendedKeyUsage: { oids: ekus, critical: profile.extendedKeyUsageCritical } } : {}),
    ...(san ? { subjectAltName: san } : {}),
    ...(urls.crlDistributionPoints.urls.length ? { crlDistributionPoints: urls.crlDistributionPoints.urls } : {}),
    ...(urls.ocspUrls.urls.length || urls.caIssuersUrls.urls.length ? { authorityInfoAccess: { ocsp: urls.ocspUrls.urls, caIssuers: urls.caIssuersUrls.urls } } : {}),
    ...(profile.certificatePolicies.length ? { certificatePolicies: profile.certificatePolicies.map((p) => ({ ...p })) } : {}),
    ...(additional.length ? { additionalExtensions: additional } : {})
  }

  // The template itself must pass the RFC 5280 / CA/B lint; report what evaluation did not
  // already (same rule, or a field evaluation already refused for a more specific reason).
  const already = new Set(c.findings.map((f) => `${f.code}|${f.field}`))
  const refusedFields = new Set(c.findings.filter((f) => f.severity === 'error').map((f) => f.field))
  for (const f of lintTemplate(template, { keyFamily: csr.publicKey.family, level: profile.lintLevel, ...(profile.maxValidityDays !== undefined ? { maxValidityDays: profile.maxValidityDays } : {}) }))
    if (!already.has(`${f.code}|${f.field}`) && !refusedFields.has(f.field)) c.findings.push(f)

  // Only a template that went through this function may reach the TBS encoder (sealed.ts).
  return { template: sealEvaluated(template), findings: c.findings, preview: c.rows }
}

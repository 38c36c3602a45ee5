// Pre-issuance lint: RFC 5280 and CA/Browser Forum essentials, checked before any key is
// touched. One set of rules over a neutral view, reached two ways: from the template policy
// produced (`lintTemplate`) and from the exact TBSCertificate DER the builder assembled
// (`lintTbs`), so what is linted is what will be signed.
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  BasicConstraints,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  TBSCertificate,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName
} from '@peculiar/asn1-x509'
import { canonicalAttributeType, EKU, parseIp, type Finding, type LintLevel } from '../../../shared/domain/profile'
import { ATTRIBUTE_TYPES, attributeInfo, KEY_FAMILY_BY_OID, SIGNATURE_ALGORITHMS } from '../../../shared/domain/oids'
import type { DistinguishedName, GeneralName, KeyUsageName } from '../../../shared/domain/names'
import { aKeyOf, type KeyFamily } from '../../../shared/domain/keys'
import type { CertificateTemplate } from '../template'
import { isDnsName, isEmail, isUri } from './san-match'

const DAY = 86_400_000

/** What the lint rules look at, whichever way it was obtained. */
export interface LintView {
  /** Serial number content octets (two's complement, as DER INTEGER carries them). */
  readonly serial?: Uint8Array
  readonly subject: DistinguishedName
  readonly notBefore: Date
  readonly notAfter: Date
  /** Hash name (SHA-256…), `EdDSA`, or the signature OID when unknown. */
  readonly signatureHash: string
  readonly keyFamily?: KeyFamily
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical: boolean }
  readonly keyUsage?: { readonly usages: readonly KeyUsageName[]; readonly critical: boolean }
  readonly extendedKeyUsage?: { readonly oids: readonly string[]; readonly critical: boolean }
  readonly subjectAltName?: { readonly names: readonly GeneralName[]; readonly critical: boolean }
}

export interface LintOptions {
  readonly keyFamily?: KeyFamily
  readonly issuerNotAfter?: Date
  /** The profile's ceiling (kept for callers; the lint level decides the 397-day rule). */
  readonly maxValidityDays?: number
  /** The profile's lint level: CA/B Forum TLS rules are errors under `public-tls`, warnings under `private` (the default). */
  readonly level?: LintLevel
}


/** Which key usages satisfy each EKU purpose (RFC 5280 4.2.1.12, RFC 8813, CA/B BR 7.1.2). */
const EKU_NEEDS: Readonly<Record<string, readonly KeyUsageName[]>> = {
  [EKU.serverAuth]: ['digitalSignature', 'keyEncipherment', 'keyAgreement'],
  [EKU.clientAuth]: ['digitalSignature', 'keyAgreement'],
  [EKU.codeSigning]: ['digitalSignature'],
  [EKU.emailProtection]: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement'],
  [EKU.timeStamping]: ['digitalSignature', 'nonRepudiation'],
  [EKU.ocspSigning]: ['digitalSignature', 'nonRepudiation']
}

const FORBIDDEN_FOR_KEY: Readonly<Record<KeyFamily, readonly KeyUsageName[]>> = {
  rsa: ['keyAgreement', 'encipherOnly', 'decipherOnly'],
  ec: ['keyEncipherment', 'dataEncipherment'],
  ed25519: ['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'encipherOnly', 'decipherOnly'],
  ed448: ['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'encipherOnly', 'decipherOnly']
}

export function lintView(view: LintView, options: LintOptions = {}): Finding[] {
  const out: Finding[] = []
  const error = (code: string, field: string, message: string): void => void out.push({ code, severity: 'error', field, message })
  const warn = (code: string, field: string, message: string): void => void out.push({ code, severity: 'warning', field, message })
  // A CA/Browser Forum rule: an error for publicly trusted TLS, a warning in a private PKI;
  // the finding names the level that decided.
  const level: LintLevel = options.level ?? 'private'
  const cabf = (code: string, field: string, message: string): void =>
    void out.push(
      level === 'public-tls'
        ? { code, severity: 'error', field, message: `${message} (lint level public-tls: an error)`, lintLevel: level }
        : { code, severity: 'warning', field, message: `${message} (lint level private: a warning; publicly trusted clients would refuse it)`, lintLevel: level }
    )

  // Serial: RFC 5280 4.1.2.2, positive and at most 20 octets.
  if (view.serial) {
    const s = view.serial
    if (s.length > 20) error('SERIAL_TOO_LONG', 'serial', `RFC 5280 4.1.2.2: the serial number is ${s.length} octets; at most 20 are allowed.`)
    if (s.length === 0 || (s[0]! & 0x80) !== 0 || s.every((b) => b === 0))
      error('SERIAL_NOT_POSITIVE', 'serial', 'RFC 5280 4.1.2.2: the serial number must be a positive integer.')
    if (s.length < 8 || (s.length === 8 && s[0] === 0)) warn('SERIAL_LOW_ENTROPY', 'serial', 'CA/B BR 7.1: the serial number should carry at least 64 bits from a CSPRNG.')
  }

  // Validity.
  const span = view.notAfter.getTime() - view.notBefore.getTime()
  if (span <= 0) error('VALIDITY_NOT_POSITIVE', 'validity', 'RFC 5280 4.1.2.5: notAfter must be later than notBefore.')
  if (options.issuerNotAfter && view.notAfter.getTime() > options.issuerNotAfter.getTime())
    error('VALIDITY_EXCEEDS_ISSUER', 'validity', `Issuer ceiling: notAfter ${view.notAfter.toISOString()} is later than the issuing CA's notAfter ${options.issuerNotAfter.toISOString()}.`)

  // Signature hash.
  if (/sha-?1\b|md5|md2|sha1/i.test(view.signatureHash))
    error('HASH_NOT_ALLOWED', 'signature.hash', `Hash policy: ${view.signatureHash} is refused; SHA-1 and MD5 signatures are forbidden (CA/B BR 7.1.3).`)

  // Subject attribute bounds (RFC 5280 Appendix A upper bounds).
  const attrs = view.subject.flat()
  for (const a of attrs) {
    const t = canonicalAttributeType(a.type)
    const max = attributeInfo(t)?.upperBound
    if (max !== undefined && a.value.length > max)
      error(t === 'CN' ? 'SUBJECT_CN_TOO_LONG' : 'SUBJECT_ATTRIBUTE_TOO_LONG', `subject.${t}`, `RFC 5280 upper bound: ${t} is ${a.value.length} characters; at most ${max} are allowed.`)
    if (t === 'C' && !/^[A-Z]{2}$/.test(a.value)) error('SUBJECT_COUNTRY_INVALID', 'subject.C', `RFC 5280: country "${a.value}" must be a two-letter ISO 3166 code.`)
    if (a.value.length === 0) error('SUBJECT_ATTRIBUTE_EMPTY', `subject.${t}`, `RFC 5280: ${t} is empty; remove it or give it a value.`)
  }

  // SAN presence and criticality (RFC 5280 4.1.2.6, 4.2.1.6).
  const san = view.subjectAltName
  const subjectEmpty = view.subject.length === 0
  if (subjectEmpty && (!san || san.names.length === 0))
    error('SUBJECT_AND_SAN_EMPTY', 'san', 'RFC 5280 4.1.2.6: the subject is empty, so the certificate needs a subjectAltName.')
  if (subjectEmpty && san && !san.critical) error('SAN_MUST_BE_CRITICAL', 'san.critical', 'RFC 5280 4.2.1.6: with an empty subject the subjectAltName extension must be critical.')
  if (san && san.names.length === 0) error('SAN_EMPTY', 'san', 'RFC 5280 4.2.1.6: a subjectAltName extension must hold at least one name.')
  san?.names.forEach((n, i) => {
    const bad =
      (n.type === 'dns' && !isDnsName(n.value, true)) ||
      (n.type === 'ip' && parseIp(n.value) === undefined) ||
      (n.type === 'email' && !isEmail(n.value)) ||
      (n.type === 'uri' && !isUri(n.value))
    if (bad) error('SAN_INVALID', `san[${i}]`, `RFC 5280 4.2.1.6: ${n.type} name "${n.value}" is not well formed.`)
    else if (n.type === 'dns' && parseIp(n.value) !== undefined)
      error('SAN_DNS_IS_IP', `san[${i}]`, `CA/B BR 7.1.2.7.12: "${n.value}" is an IP address and may not be a dNSName; give it as an IP address name (ip:${n.value}).`)
  })

  // TLS server certificates (CA/B BR 7.1.2.7, 7.1.4.3, 6.3.2): errors under public-tls,
  // warnings under private.
  const ekus = view.extendedKeyUsage?.oids ?? []
  const isServer = ekus.includes(EKU.serverAuth)
  if (isServer && !view.basicConstraints?.ca) {
    if (!san || san.names.length === 0) cabf('TLS_SAN_MISSING', 'san', 'CA/B BR 7.1.2.7.12: a TLS server certificate must carry its names in subjectAltName.')
    for (const cn of attrs.filter((a) => canonicalAttributeType(a.type) === 'CN')) {
      if (parseIp(cn.value) === undefined && !isDnsName(cn.value, true))
        cabf('CN_NOT_HOSTNAME', 'subject.CN', `CA/B BR 7.1.4.3: the CN "${cn.value}" of a TLS server certificate is neither a host name nor an IP address.`)
      else if (!san?.names.some((n) => (n.type === 'dns' || n.type === 'ip') && n.value.toLowerCase() === cn.value.toLowerCase()))
        cabf('CN_NOT_IN_SAN', 'subject.CN', `CA/B BR 7.1.4.3: the CN "${cn.value}" of a TLS server certificate must also appear as a DNS or IP subjectAltName.`)
    }
    const days = (span + 1000) / DAY
    if (days > 397) cabf('TLS_VALIDITY_OVER_397_DAYS', 'validity', `CA/B BR 6.3.2: a TLS server certificate may be valid for at most 397 days; this one is valid for ${Math.ceil(days)} days.`)
  }

  // KU and EKU coherence.
  const ku = view.keyUsage
  if (ku && ku.usages.length === 0) error('KEY_USAGE_EMPTY', 'keyUsage', 'RFC 5280 4.2.1.3: a keyUsage extension must assert at least one bit.')
  if (ku && ekus.length) {
    for (const oid of ekus) {
      const needs = EKU_NEEDS[oid]
      if (needs && !needs.some((u) => ku.usages.includes(u)))
        error('EKU_KU_MISMATCH', 'extendedKeyUsage', `RFC 5280 4.2.1.12: extended key usage ${oid} needs one of ${needs.join(', ')} in keyUsage.`)
    }
  }
  if (ekus.includes(EKU.timeStamping) && (ekus.length > 1 || !view.extendedKeyUsage?.critical))
    warn('EKU_TIMESTAMPING_NOT_EXCLUSIVE', 'extendedKeyUsage', 'RFC 3161 2.3: a time-stamping certificate must have timeStamping as its only, critical extended key usage.')
  const family = view.keyFamily ?? options.keyFamily
  if (ku && family) {
    const bad = ku.usages.filter((u) => FORBIDDEN_FOR_KEY[family].includes(u))
    if (bad.length) error('KEY_USAGE_INCONSISTENT_WITH_KEY', 'keyUsage', `Key usage: ${bad.join(', ')} cannot be performed by ${aKeyOf(family)} (RFC 8813, RFC 8410).`)
  }
  if (ku && (ku.usages.includes('encipherOnly') || ku.usages.includes('decipherOnly')) && !ku.usages.includes('keyAgreement'))
    error('KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT', 'keyUsage', 'RFC 5280 4.2.1.3: encipherOnly/decipherOnly are defined only together with keyAgreement.')

  // CA and path length coherence (RFC 5280 4.2.1.9, 4.2.1.3).
  const bc = view.basicConstraints
  if (bc?.ca) {
    if (!bc.critical) error('CA_BASIC_CONSTRAINTS_NOT_CRITICAL', 'basicConstraints', 'RFC 5280 4.2.1.9: a CA certificate must mark basicConstraints critical.')
    if (!ku) error('CA_KEY_USAGE_MISSING', 'keyUsage', 'RFC 5280 4.2.1.3: a CA certificate must carry keyUsage with keyCertSign.')
    else if (!ku.usages.includes('keyCertSign')) error('KEY_USAGE_CA_WITHOUT_CERTSIGN', 'keyUsage', 'RFC 5280 4.2.1.3: a CA certificate must assert keyCertSign.')
    else if (!ku.critical) warn('CA_KEY_USAGE_NOT_CRITICAL', 'keyUsage', 'RFC 5280 4.2.1.3 / CA/B BR 7.1.2.10.7: keyUsage of a CA certificate should be critical.')
    if (subjectEmpty) error('CA_SUBJECT_EMPTY', 'subject', 'RFC 5280 4.1.2.6: a CA certificate must have a non-empty subject.')
  } else {
    if (ku?.usages.includes('keyCertSign')) error('KEY_USAGE_CERTSIGN_WITHOUT_CA', 'keyUsage', 'RFC 5280 4.2.1.9: keyCertSign requires basicConstraints cA TRUE.')
    if (bc?.pathLength !== undefined) error('PATH_LENGTH_WITHOUT_CA', 'pathLength', 'RFC 5280 4.2.1.9: pathLenConstraint is allowed only when cA is TRUE.')
  }
  if (bc?.ca && bc.pathLength !== undefined && ku && !ku.usages.includes('keyCertSign'))
    error('PATH_LENGTH_WITHOUT_CERTSIGN', 'pathLength', 'RFC 5280 4.2.1.9: pathLenConstraint requires keyCertSign.')
  return out
}

export function lintTemplate(template: Readonly<CertificateTemplate>, options: LintOptions = {}): Finding[] {
  return lintView(
    {
      subject: template.subject,
      notBefore: template.notBefore,
      notAfter: template.notAfter,
      signatureHash: template.signature.hash,
      ...(options.keyFamily ? { keyFamily: options.keyFamily } : {}),
      ...(template.basicConstraints ? { basicConstraints: template.basicConstraints } : {}),
      ...(template.keyUsage ? { keyUsage: template.keyUsage } : {}),
      ...(template.extendedKeyUsage ? { extendedKeyUsage: template.extendedKeyUsage } : {}),
      ...(template.subjectAltName ? { subjectAltName: template.subjectAltName } : {})
    },
    options
  )
}

// ---------------------------------------------------------------------------------------
// The exact TBS

/** Signature algorithm OID → the hash it uses (shared with the lean reader in engine/batch), from the registry. */
export const SIGNATURE_HASHES: Readonly<Record<string, string>> = Object.fromEntries(SIGNATURE_ALGORITHMS.map((a) => [a.oid, a.hash]))
/** SubjectPublicKeyInfo algorithm OID → key family. */
export const KEY_FAMILIES: Readonly<Record<string, KeyFamily>> = KEY_FAMILY_BY_OID
export const OID_TO_SHORT: Readonly<Record<string, string>> = Object.fromEntries(ATTRIBUTE_TYPES.map((a) => [a.oid, a.short]))

/** Reads a DER TBSCertificate into the lint view. Throws if the bytes are not a TBSCertificate. */
export function tbsLintView(der: Uint8Array): LintView {
  const tbs = AsnConvert.parse(der, TBSCertificate)
  const subject: DistinguishedName = tbs.subject.map((rdn) => rdn.map((a) => ({ type: OID_TO_SHORT[a.type] ?? a.type, value: a.value.toString() })))
  const sigOid = tbs.signature.algorithm
  const view: {
    -readonly [K in keyof LintView]: LintView[K]
  } = {
    serial: new Uint8Array(tbs.serialNumber),
    subject,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    signatureHash: SIGNATURE_HASHES[sigOid] ?? sigOid
  }
  const family = KEY_FAMILIES[tbs.subjectPublicKeyInfo.algorithm.algorithm]
  if (family) view.keyFamily = family
  for (const ext of tbs.extensions ?? []) {
    const value = ext.extnValue.buffer
    switch (ext.extnID) {
      case id_ce_basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints)
        view.basicConstraints = { ca: bc.cA, critical: ext.critical, ...(bc.pathLenConstraint !== undefined ? { pathLength: bc.pathLenConstraint } : {}) }
        break
      }
      case id_ce_keyUsage: {
        const flags = AsnConvert.parse(value, KeyUsage).toNumber()
        const usages = (Object.keys(KeyUsageFlags).filter((k) => Number.isNaN(Number(k))) as KeyUsageName[]).filter(
          (name) => (flags & (KeyUsageFlags as unknown as Record<string, number>)[name]!) !== 0
        )
        view.keyUsage = { usages, critical: ext.critical }
        break
      }
      case id_ce_extKeyUsage:
        view.extendedKeyUsage = { oids: [...AsnConvert.parse(value, ExtendedKeyUsage)], critical: ext.critical }
        break
      case id_ce_subjectAltName: {
        const names: GeneralName[] = []
        for (const g of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (g.dNSName !== undefined) names.push({ type: 'dns', value: g.dNSName })
          else if (g.iPAddress !== undefined) names.push({ type: 'ip', value: g.iPAddress })
          else if (g.rfc822Name !== undefined) names.push({ type: 'email', value: g.rfc822Name })
          else if (g.uniformResourceIdentifier !== undefined) names.push({ type: 'uri', value: g.uniformResourceIdentifier })
          else if (g.directoryName !== undefined) names.push({ type: 'dn', value: 'directoryName' })
          else if (g.otherName !== undefined) names.push({ type: 'upn', value: 'otherName' })
        }
        view.subjectAltName = { names, critical: ext.critical }
        break
      }
    }
  }
  return view
}

/** Lints the exact TBSCertificate about to be signed. */
export function lintTbs(der: Uint8Array, options: LintOptions = {}): Finding[] {
  return lintView(tbsLintView(der), options)
}


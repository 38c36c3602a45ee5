// Issuance profiles: the one internal model, a superset of the five seeds' profile shapes
// (Lamassu issuance profile, DigiCert TLM and CertCentral profiles, Palo Alto generate
// fields) plus what an offline CA needs. Shared by main (store, policy, converters) and the
// renderer (live field validation), so nothing here may import node-only code.
import { z } from 'zod'
import { generalNameType, keyUsageName, type GeneralNameType, type KeyUsageName } from './names'
import { signatureHash } from './keys'
import { ATTRIBUTE_TYPES, attributeShort, EKU } from './oids'

export { EKU }

// ---------------------------------------------------------------------------------------
// Small parsers the schema needs for field validation (and the policy engine reuses).

/** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 text form into its bytes, or undefined. */
export function parseIp(text: string): Uint8Array | undefined {
  const t = text.trim()
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number)
    if (parts.some((p) => p > 255)) return undefined
    if (t.split('.').some((p) => p.length > 1 && p.startsWith('0'))) return undefined
    return new Uint8Array(parts)
  }
  if (!t.includes(':') || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined
  let head = t
  let tail4: number[] = []
  const lastColon = t.lastIndexOf(':')
  const maybe4 = t.slice(lastColon + 1)
  if (maybe4.includes('.')) {
    const v4 = parseIp(maybe4)
    if (!v4 || v4.length !== 4) return undefined
    tail4 = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!]
    head = t.slice(0, lastColon + 1) + '0' // placeholder group, removed below
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const toGroups = (s: string): number[] | undefined => {
    if (s === '') return []
    const gs = s.split(':')
    if (gs.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined
    return gs.map((g) => parseInt(g, 16))
  }
  let left = toGroups(halves[0]!)
  let right = halves.length === 2 ? toGroups(halves[1]!) : []
  if (!left || !right) return undefined
  if (tail4.length) {
    if (halves.length === 2 && right.length) right = [...right.slice(0, -1), ...tail4]
    else left = [...left.slice(0, -1), ...tail4]
  }
  const total = left.length + right.length
  if (halves.length === 1 && total !== 8) return undefined
  if (halves.length === 2 && total > 7) return undefined
  const groups = [...left, ...new Array<number>(8 - total).fill(0), ...right]
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8
    out[i * 2 + 1] = g & 0xff
  })
  return out
}

export interface Cidr {
  readonly address: Uint8Array
  readonly prefix: number
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits, extra] = text.trim().split('/')
  if (extra !== undefined || addr === undefined) return undefined
  const address = parseIp(addr)
  if (!address) return undefined
  const max = address.length * 8
  if (bits === undefined) return { address, prefix: max }
  if (!/^\d{1,3}$/.test(bits)) return undefined
  const prefix = Number(bits)
  return prefix <= max ? { address, prefix } : undefined
}

export function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  if (cidr.address.length !== ip.length) return false
  for (let bit = 0; bit < cidr.prefix; bit++) {
    const byte = bit >> 3
    const mask = 0x80 >> (bit & 7)
    if ((cidr.address[byte]! & mask) !== (ip[byte]! & mask)) return false
  }
  return true
}

/**
 * Validity durations: one or more `<n><unit>` with y, w, d, h, m (minutes), s. For a ceiling
 * or a day count a year is 365 days (durationSeconds); a certificate's notAfter counts years
 * as calendar years (addDuration), as `ca create` does.
 */
export const DURATION_PATTERN = /^(\d+[ywdhms])+$/
const UNIT_SECONDS: Readonly<Record<string, number>> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1 }

/** Seconds in a duration such as `1y`, `90d`, `1y30d`, or undefined when it does not parse. */
export function durationSeconds(text: string): number | undefined {
  const t = text.trim().toLowerCase()
  if (!DURATION_PATTERN.test(t)) return undefined
  let total = 0
  for (const m of t.matchAll(/(\d+)([ywdhms])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!
  return total
}

/**
 * `start` plus a duration, years as calendar years in UTC (2024-02-29 + 1y = 2025-02-28:
 * clamped at the month's end), the other units as fixed seconds. Undefined when it does not parse.
 */
export function addDuration(start: Date, text: string): Date | undefined {
  const t = text.trim().toLowerCase()
  if (!DURATION_PATTERN.test(t)) return undefined
  let years = 0
  let seconds = 0
  for (const m of t.matchAll(/(\d+)([ywdhms])/g)) {
    if (m[2] === 'y') years += Number(m[1])
    else seconds += Number(m[1]) * UNIT_SECONDS[m[2]!]!
  }
  let d = new Date(start.getTime())
  if (years > 0) {
    const y = d.getUTCFullYear() + years
    const month = d.getUTCMonth()
    const lastDay = new Date(Date.UTC(y, month + 1, 0)).getUTCDate()
    d = new Date(Date.UTC(y, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()))
  }
  return new Date(d.getTime() + seconds * 1000)
}

// ---------------------------------------------------------------------------------------
// Subject attributes

/**
 * Subject attribute short names the model knows (from the OID registry, oids.ts). A rule's
 * `type` may also be a dotted OID. The seeds' long names (`common_name`…) are mapped by the converters.
 */
export const SUBJECT_ATTRIBUTE_OIDS: Readonly<Record<string, string>> = Object.fromEntries(ATTRIBUTE_TYPES.map((a) => [a.short, a.oid]))

/** The model's canonical name for an attribute type given as short name, long name or OID. */
export function canonicalAttributeType(type: string): string {
  return attributeShort(type)
}

const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/
const oid = z.string().regex(OID_PATTERN, 'must be a dotted OID such as 1.3.6.1.5.5.7.3.1')

export const attributeType = z
  .string()
  .min(1, 'must name an attribute type')
  .refine((t) => canonicalAttributeType(t) in SUBJECT_ATTRIBUTE_OIDS || OID_PATTERN.test(t), {
    message: 'must be a known attribute short name (CN, O, OU, C, ST, L, …) or a dotted OID'
  })

/**
 * Where a value may come from, tried in order: `csr` (the request), `fixed` (the rule's
 * `value`, set by the profile), `entered` (typed by the operator at issuance).
 */
export const valueSource = z.enum(['csr', 'fixed', 'entered'])
export type ValueSource = z.infer<typeof valueSource>

/** A source a remote service offers that an offline CA cannot use (AD attribute, admin upload); kept for round trips. */
export const foreignSource = z.record(z.string(), z.unknown())

function isValidRegex(p: string): boolean {
  try {
    new RegExp(p)
    return true
  } catch {
    return false
  }
}

export const subjectAttributeRule = z.object({
  type: attributeType,
  mandatory: z.boolean().default(false),
  multiple: z.boolean().default(false),
  sources: z.array(valueSource).min(1, 'must list at least one source (csr, fixed or entered)').default(['csr']),
  /** The fixed value(s) for source `fixed`. */
  value: z.union([z.string(), z.array(z.string())]).optional(),
  /** A regular expression the whole value must match. */
  pattern: z.string().refine(isValidRegex, { message: 'must be a valid regular expression' }).optional(),
  maxLength: z.number().int().positive().optional(),
  foreignSources: z.array(foreignSource).optional()
})
export type SubjectAttributeRule = z.infer<typeof subjectAttributeRule>

// ---------------------------------------------------------------------------------------
// Subject alternative names

export const sanRule = z.object({
  type: generalNameType,
  mandatory: z.boolean().default(false),
  multiple: z.boolean().default(true),
  sources: z.array(valueSource).min(1, 'must list at least one source (csr, fixed or entered)').default(['csr', 'entered']),
  value: z.union([z.string(), z.array(z.string())]).optional(),
  foreignSources: z.array(foreignSource).optional()
})
export type SanRule = z.infer<typeof sanRule>

/** `example.com` (exact), `*.example.com` (one label), `.example.com` (any subdomain). */
const DNS_PATTERN = /^(\*\.|\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i

export const sanPolicy = z.object({
  /** Take the SANs the CSR asks for (each still subject to the allow-lists). */
  fromCsr: z.boolean().default(true),
  /**
   * CN to SAN: add the subject CN to the SANs when it is a DNS name or IP address not already
   * present (CA/B Forum 7.1.4.3). Unset: on exactly when the certificate is for serverAuth
   * (`cnToSanEnabled`), so a CN-only request from OpenSSL or a device still names its host.
   */
  includeCommonName: z.boolean().optional(),
  /** `auto`: critical exactly when the subject is empty (RFC 5280 4.2.1.6). */
  critical: z.enum(['auto', 'always', 'never']).default('auto'),
  allowedTypes: z.array(generalNameType).default(['dns', 'ip', 'email', 'uri', 'upn']),
  dnsPatterns: z.array(z.string().regex(DNS_PATTERN, 'must be a DNS name, *.name (one label) or .name (any subdomain)')).optional(),
  ipCidrs: z.array(z.string().refine((c) => parseCidr(c) !== undefined, { message: 'must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8' })).optional(),
  emailDomains: z.array(z.string().regex(/^\.?[a-z0-9.-]+$/i, 'must be a domain (example.com) or .example.com for subdomains')).optional(),
  uriPrefixes: z.array(z.string().min(1)).optional(),
  allowWildcards: z.boolean().default(false),
  maxCount: z.number().int().positive().optional(),
  rules: z.array(sanRule).default([])
})
export type SanPolicy = z.infer<typeof sanPolicy>

// ---------------------------------------------------------------------------------------
// Validity, crypto, key usage

export const validity = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('Duration'),
    duration: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .refine((s) => DURATION_PATTERN.test(s) && (durationSeconds(s) ?? 0) > 0, {
        message: 'must be a duration such as 90d, 1y or 1y30d (units y, w, d, h, m, s)'
      })
  }),
  z.object({
    type: z.literal('Time'),
    time: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2030-01-01T00:00:00Z' })
  })
])
export type Validity = z.infer<typeof validity>

export const ecCurve = z.enum(['P-256', 'P-384', 'P-521'])
export type EcCurve = z.infer<typeof ecCurve>

export const cryptoPolicy = z.object({
  /** Off: every key type the engine can parse is accepted (the baseline RSA ≥ 2048 still holds). */
  enabled: z.boolean().default(true),
  allowRsa: z.boolean().default(true),
  rsaKeySizes: z.array(z.number().int().min(1024).max(16384)).default([2048, 3072, 4096]),
  allowEcdsa: z.boolean().default(true),
  ecdsaCurves: z.array(ecCurve).default(['P-256', 'P-384']),
  allowEd25519: z.boolean().default(false),
  allowEd448: z.boolean().default(false)
})
export type CryptoPolicy = z.infer<typeof cryptoPolicy>

export const certificatePolicy = z.object({ oid, cps: z.string().url().optional() })

const url = z.string().url('must be a URL such as http://pki.example.com/ca.crl')

export const contact = z.object({
  id: z.number().int().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional()
})

/**
 * How strictly the pre-issuance lint reads the CA/Browser Forum TLS rules: `public-tls`
 * (publicly trusted TLS) keeps them errors; `private` (an in-house hierarchy, the default)
 * makes them warnings. RFC 5280 violations are errors at both levels.
 */
export const lintLevel = z.enum(['private', 'public-tls'])
export type LintLevel = z.infer<typeof lintLevel>

/** Dialects a profile can be imported from and exported to. `pkidesk` is this model's own JSON. */
export const profileDialect = z.enum(['pkidesk', 'lamassu', 'digicert-tlm', 'certcentral', 'paloalto'])
export type ProfileDialect = z.infer<typeof profileDialect>

export const PROFILE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
export const profileId = z.string().regex(PROFILE_ID_PATTERN, 'must be 1-128 letters, digits, dot, dash or underscore, starting with a letter or digit')

// ---------------------------------------------------------------------------------------
// The profile

const profileBodyObject = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
  description: z.string().max(2000).default(''),
  lintLevel: lintLevel.default('private'),

  validity: validity.default({ type: 'Duration', duration: '90d' }),
  /** A ceiling on notAfter − notBefore in days (397 for publicly trusted TLS). */
  maxValidityDays: z.number().int().positive().optional(),
  /** When the requested validity reaches beyond the issuer's notAfter: refuse, or shorten it to fit. */
  issuerCeiling: z.enum(['reject', 'clamp']).default('reject'),
  /** The operator may set a shorter notAfter at issuance (TLM `override_cert_validity_via_api`). */
  allowValidityOverride: z.boolean().default(false),

  signAsCa: z.boolean().default(false),
  /** basicConstraints pathLenConstraint; CA profiles only. */
  pathLength: z.number().int().min(0).max(32).optional(),

  honorKeyUsage: z.boolean().default(false),
  keyUsage: z.array(keyUsageName).default(['digitalSignature']),
  keyUsageCritical: z.boolean().default(true),
  honorExtendedKeyUsages: z.boolean().default(false),
  extendedKeyUsages: z.array(oid).default([]),
  extendedKeyUsageCritical: z.boolean().default(false),

  honorSubject: z.boolean().default(true),
  subjectAttributes: z.array(subjectAttributeRule).default([]),
  san: sanPolicy.default(sanPolicy.parse({})),

  honorExtensions: z.boolean().default(false),
  /** With honorExtensions: only these OIDs are copied from the CSR; empty means any the engine does not set itself. */
  allowedExtensionOids: z.array(oid).default([]),

  crypto: cryptoPolicy.default(cryptoPolicy.parse({})),
  signature: z.object({ hash: signatureHash.default('SHA-256'), rsaPss: z.boolean().default(false) }).default({ hash: 'SHA-256', rsaPss: false }),

  crlDistributionPoints: z.array(url).default([]),
  ocspUrls: z.array(url).default([]),
  caIssuersUrls: z.array(url).default([]),
  certificatePolicies: z.array(certificatePolicy).default([]),

  /** The CA that signs by default (CertCentral `caCertId`, Palo Alto `signed_by`). */
  defaultAuthorityId: z.string().min(1).optional(),
  isDefault: z.boolean().default(false),
  renewal: z
    .object({
      windowDays: z.number().int().positive().optional(),
      autoReplace: z.boolean().default(false),
      automated: z.boolean().default(false)
    })
    .default({ autoReplace: false, automated: false }),
  organization: z.object({ id: z.number().int().optional(), name: z.string().optional() }).optional(),
  contacts: z.array(contact).default([]),
  /** Palo Alto `is_block_private_key`: a key generated here for this profile may not be exported. */
  blockPrivateKeyExport: z.boolean().default(false),

  /** Fields of a remote dialect the model has no place for, kept verbatim so an export can send them back. */
  extras: z.partialRecord(profileDialect, z.record(z.string(), z.unknown())).default({})
})

type BodyShape = z.infer<typeof profileBodyObject>

function validityDays(v: BodyShape['validity']): number | undefined {
  if (v.type !== 'Duration') return undefined
  const s = durationSeconds(v.duration)
  return s === undefined ? undefined : s / 86400
}

/** Cross-field rules, each reported on the field to fix. */
function checkBody(p: BodyShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message })
  if (p.pathLength !== undefined && !p.signAsCa) issue(['pathLength'], 'may only be set on a CA profile (signAsCa)')
  if (!p.honorKeyUsage) {
    if (p.signAsCa && !p.keyUsage.includes('keyCertSign')) issue(['keyUsage'], 'must include keyCertSign on a CA profile')
    if (!p.signAsCa && p.keyUsage.includes('keyCertSign')) issue(['keyUsage'], 'may include keyCertSign only on a CA profile (signAsCa)')
    if ((p.keyUsage.includes('encipherOnly') || p.keyUsage.includes('decipherOnly')) && !p.keyUsage.includes('keyAgreement'))
      issue(['keyUsage'], 'encipherOnly and decipherOnly require keyAgreement')
  }
  const days = validityDays(p.validity)
  if (days !== undefined && p.maxValidityDays !== undefined && days > p.maxValidityDays)
    issue(['validity', 'duration'], `is ${days} days, more than maxValidityDays (${p.maxValidityDays})`)
  if (p.renewal.windowDays !== undefined && days !== undefined && p.renewal.windowDays >= days)
    issue(['renewal', 'windowDays'], `must be less than the validity (${days} days)`)
  if (p.crypto.enabled) {
    if (!p.crypto.allowRsa && !p.crypto.allowEcdsa && !p.crypto.allowEd25519 && !p.crypto.allowEd448)
      issue(['crypto'], 'allows no key type: allow RSA, ECDSA, Ed25519 or Ed448, or turn enforcement off')
    if (p.crypto.allowRsa && p.crypto.rsaKeySizes.length === 0) issue(['crypto', 'rsaKeySizes'], 'must list at least one size when RSA is allowed')
    if (p.crypto.allowEcdsa && p.crypto.ecdsaCurves.length === 0) issue(['crypto', 'ecdsaCurves'], 'must list at least one curve when ECDSA is allowed')
  }
  p.subjectAttributes.forEach((r, i) => {
    if (r.sources.includes('fixed') && (r.value === undefined || (Array.isArray(r.value) && r.value.length === 0)))
      issue(['subjectAttributes', i, 'value'], `must be set: ${r.type} takes a fixed value`)
    if (Array.isArray(r.value) && r.value.length > 1 && !r.multiple)
      issue(['subjectAttributes', i, 'value'], `holds several values but ${r.type} is not multiple`)
  })
  const seen = new Set<string>()
  p.subjectAttributes.forEach((r, i) => {
    const t = canonicalAttributeType(r.type)
    if (seen.has(t)) issue(['subjectAttributes', i, 'type'], `${r.type} has more than one rule`)
    seen.add(t)
  })
  p.san.rules.forEach((r, i) => {
    if (r.sources.includes('fixed') && r.value === undefined) issue(['san', 'rules', i, 'value'], `must be set: ${r.type} takes a fixed value`)
    if (!p.san.allowedTypes.includes(r.type)) issue(['san', 'rules', i, 'type'], `${r.type} is not in san.allowedTypes`)
  })
  if (p.signature.rsaPss && p.crypto.enabled && !p.crypto.allowRsa) issue(['signature', 'rsaPss'], 'RSA-PSS needs RSA keys, which this profile does not allow')
}

/** What an editor or an importer submits: defaults fill what is left out. */
export const profileBody = profileBodyObject.superRefine(checkBody)
export type ProfileBody = z.infer<typeof profileBody>
export type ProfileBodyInput = z.input<typeof profileBody>

/**
 * A stored profile. Not refined: bodies were checked when written, and reading must not fail
 * if a later version tightens a cross-field rule (the editor shows the issue on next save).
 */
export const profile = profileBodyObject.extend({
  id: profileId,
  archived: z.boolean(),
  /** Where it came from: `starter`, `local`, `import:<dialect>`, or a connector's name for pulled profiles. */
  source: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Profile = z.infer<typeof profile>

/**
 * A profile as it crosses IPC: the stored profile without the dialect round-trip data
 * (`extras`, `foreignSources`), which hold verbatim remote JSON the renderer never needs and
 * which no response schema may accept as free-form data. An update that omits them keeps the
 * stored ones. Not refined: it describes what main already validated.
 */
export const profileDto = profileBodyObject
  .omit({ extras: true, subjectAttributes: true, san: true })
  .extend({
    subjectAttributes: z.array(subjectAttributeRule.omit({ foreignSources: true })),
    san: sanPolicy.omit({ rules: true }).extend({ rules: z.array(sanRule.omit({ foreignSources: true })) }),
    id: profileId,
    archived: z.boolean(),
    source: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .strip()
export type ProfileDto = z.infer<typeof profileDto>

/** One thing a dialect conversion could not carry exactly. */
export const conversionNote = z.object({
  /** The field in the source document (import) or in the model (export). */
  field: z.string(),
  /**
   * dropped: the value is lost; approximated: carried with a different meaning or precision;
   * defaulted: absent in the source, a model default filled it; missing: the target requires it
   * and the profile has nothing to send.
   */
  kind: z.enum(['dropped', 'approximated', 'defaulted', 'missing']),
  message: z.string()
})
export type ConversionNote = z.infer<typeof conversionNote>

// ---------------------------------------------------------------------------------------
// Policy findings and the preview

export const findingSeverity = z.enum(['error', 'warning'])
export const finding = z.object({
  /** Set on CA/Browser Forum lint findings: the profile's lint level that made it an error or a warning. */
  lintLevel: lintLevel.optional(),
  /** UPPER_SNAKE rule code, e.g. RSA_KEY_SIZE_NOT_ALLOWED. */
  code: z.string(),
  /** error blocks signing; warning needs an explicit confirm. */
  severity: findingSeverity,
  message: z.string(),
  /** The template or profile field at fault: `subject.CN`, `san[2]`, `validity`, `publicKey`… */
  field: z.string()
})
export type Finding = z.infer<typeof finding>

export const previewRow = z.object({
  field: z.string(),
  label: z.string(),
  /** What the CSR (or the operator) asked for, as display text; null when nothing was asked. */
  requested: z.string().nullable(),
  /** What the certificate will contain; null when the field is absent. */
  result: z.string().nullable(),
  changed: z.boolean(),
  /** Why the result differs from the request (or where the value comes from). */
  reason: z.string().optional()
})
export type PreviewRow = z.infer<typeof previewRow>

/** Operator input at issuance: values for `entered` sources and optional overrides. */
export const operatorInput = z.object({
  /** Attribute values keyed by type (CN, O, OU…), for rules with source `entered`. */
  subject: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  sans: z.array(z.object({ type: generalNameType, value: z.string().min(1) })).default([]),
  /** A notAfter earlier than the profile's (only with allowValidityOverride). */
  notAfter: z.iso.datetime({ offset: true }).optional(),
  /** The same as a number of days from issuance (only with allowValidityOverride; not with notAfter). */
  validityDays: z.number().int().positive().max(36500).optional(),
  /** Requested signature hash; weak hashes are refused by policy with a finding. */
  signatureHash: z.string().optional()
})
export type OperatorInput = z.infer<typeof operatorInput>
export type OperatorInputInput = z.input<typeof operatorInput>

/**
 * Operator input as a request carries it, for the whole batch or for one request: every field
 * optional, so a request's own values override the batch's field by field (mergeOperatorInput).
 */
export const operatorInputPatch = z.object({
  subject: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  sans: z.array(z.object({ type: generalNameType, value: z.string().min(1) })).optional(),
  notAfter: z.iso.datetime({ offset: true }).optional(),
  validityDays: z.number().int().positive().max(36500).optional(),
  signatureHash: z.string().optional()
})
export type OperatorInputPatch = z.infer<typeof operatorInputPatch>

/** The batch's input with one request's overrides: subject values per attribute, the SAN list, validity and hash each as a whole. */
export function mergeOperatorInput(batch: OperatorInputPatch | undefined, item: OperatorInputPatch | undefined): OperatorInput {
  const b = batch ?? {}
  const i = item ?? {}
  const validity = i.notAfter !== undefined || i.validityDays !== undefined ? i : b
  const hash = i.signatureHash ?? b.signatureHash
  return {
    subject: { ...(b.subject ?? {}), ...(i.subject ?? {}) },
    sans: i.sans && i.sans.length ? [...i.sans] : [...(b.sans ?? [])],
    ...(validity.notAfter !== undefined ? { notAfter: validity.notAfter } : {}),
    ...(validity.validityDays !== undefined ? { validityDays: validity.validityDays } : {}),
    ...(hash !== undefined ? { signatureHash: hash } : {})
  }
}

/** One subject attribute the operator may (or must) enter at issuance. */
export interface EnteredField {
  readonly type: string
  readonly mandatory: boolean
  readonly multiple: boolean
  /** Whether the CSR's value is used first when it has one (the operator's value fills in). */
  readonly csrFirst: boolean
  readonly pattern?: string
  readonly maxLength?: number
}

/** What a profile lets the operator set at issuance: the Sign screen's fields, the CLI's allowed flags. */
export interface OperatorFields {
  readonly subject: readonly EnteredField[]
  /** SAN types the operator may add (mandatory: at least one of that type is required and only entering can supply it). */
  readonly sans: readonly { readonly type: GeneralNameType; readonly mandatory: boolean; readonly explicit: boolean }[]
  /** The operator may shorten the validity (allowValidityOverride). */
  readonly validity: boolean
  /**
   * The operator may choose the signature hash (SHA-256/384/512): with an RSA issuer, or before
   * the issuer is known. An ECDSA issuer signs with its curve's hash and EdDSA has none.
   */
  readonly hash: boolean
}

export function operatorFields(profile: Pick<ProfileBody, 'subjectAttributes' | 'san' | 'allowValidityOverride'>, issuerKeyFamily?: string): OperatorFields {
  const subject = profile.subjectAttributes
    .filter((r) => r.sources.includes('entered'))
    .map((r) => ({
      type: canonicalAttributeType(r.type),
      mandatory: r.mandatory && !r.sources.includes('fixed'),
      multiple: r.multiple,
      csrFirst: r.sources.indexOf('csr') >= 0 && r.sources.indexOf('csr') < r.sources.indexOf('entered'),
      ...(r.pattern !== undefined ? { pattern: r.pattern } : {}),
      ...(r.maxLength !== undefined ? { maxLength: r.maxLength } : {})
    }))
  const rules = new Map(profile.san.rules.map((r) => [r.type, r]))
  const sans = profile.san.allowedTypes
    .filter((t) => {
      const rule = rules.get(t)
      return !rule || rule.sources.includes('entered')
    })
    .map((type) => {
      const rule = rules.get(type)
      // explicit: a rule names this type with source entered (else any allowed type may be added).
      return { type, explicit: !!rule, mandatory: !!rule?.mandatory && !rule.sources.includes('fixed') && !(profile.san.fromCsr && rule.sources.includes('csr')) }
    })
  return { subject, sans, validity: profile.allowValidityOverride, hash: issuerKeyFamily === undefined || issuerKeyFamily === 'rsa' }
}

/** Whether CN to SAN applies: the profile's explicit choice, else on for serverAuth certificates. */
export function cnToSanEnabled(profile: { readonly san: { readonly includeCommonName?: boolean | undefined }; readonly extendedKeyUsages: readonly string[] }, ekus: readonly string[] = profile.extendedKeyUsages): boolean {
  return profile.san.includeCommonName ?? ekus.includes(EKU.serverAuth)
}

export const KEY_USAGE_NAMES: readonly KeyUsageName[] = keyUsageName.options
export const SAN_TYPES: readonly GeneralNameType[] = generalNameType.options

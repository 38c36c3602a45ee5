// Name constraints (RFC 5280 4.2.1.10), set on a new CA and applied at issuance. Pure.
//
//   checkNameConstraintsInput  the subtrees an operator gives for a new CA, form by form, as
//                              coded errors (NAME_CONSTRAINT_INVALID) naming the entry.
//   chainNameConstraints       the constraints of every CA of a chain, read from each CA
//                              certificate's DER (so an imported CA binds like one made here).
//   nameConstraintFindings     the names a certificate will carry (its subject as a directory
//                              name, each emailAddress as an e-mail, a CN that is a host name as
//                              a DNS name, every SAN) against each CA's permitted and excluded
//                              subtrees; one finding per refused name naming the constraint and
//                              the CA that set it.
//
// Matching follows RFC 5280 and OpenSSL's reading of it (crypto/x509/v3_ncons.c), so a name
// refused here is one `openssl verify` rejects and a name passed here is one it accepts:
//   dns    `example.com` matches it and any name ending in `.example.com`; `.example.com` only
//          the names below it; case-insensitive.
//   email  `a@example.com` that mailbox (local part case-sensitive); `example.com` any mailbox
//          at that host; `.example.com` any mailbox at a host below it.
//   uri    the URI's host (after `scheme://`, up to `:` or `/`) as for an e-mail host.
//   ip     address AND mask equals base AND mask, same family (an IPv6 name never matches an
//          IPv4 range; with IPv4 ranges permitted it is refused).
//   dn     the name's RDNs begin with the base's RDNs, values compared as OpenSSL canonicalises
//          them (trimmed, inner white space collapsed, ASCII case folded).
// Stricter than OpenSSL in two places, on purpose: the CN is checked on CA certificates and
// beside DNS SANs too (OpenSSL checks it only on an end entity without DNS SANs), and a
// wildcard `*.example.com` is refused when an excluded subtree is one of the names it covers
// (`bad.example.com`), which a suffix comparison alone would let through.
// No regular expression runs on a name: every test is a bounded loop over its characters.
import type { NameConstraintBase, NameConstraintsInput } from '../../../shared/domain/authority'
import { readDnText, type DistinguishedName, type GeneralName } from '../../../shared/domain/names'
import { parseIp, type Finding } from '../../../shared/domain/profile'
import { attributeOidOf } from '../../../shared/domain/oids'
import { fail, ok, type AuthorityErrorCode, type Result } from '../../../shared/errors'
import { certificateFacts, type GeneralNameFact, type GeneralSubtreeFact, type NameConstraintsFacts } from '../certificate-facts'

/** One CA's constraints as the chain carries them: who set them, and the subtrees from its certificate. */
export interface AuthorityConstraints {
  /** The CA's name as the operator knows it here. */
  readonly authority: string
  readonly constraints: NameConstraintsFacts
}

/** What a certificate will say about itself that name constraints bind. */
export interface ConstrainedNames {
  readonly subject: DistinguishedName
  readonly sans: readonly GeneralName[]
}

/** Subtrees over the whole chain read from DER; more is refused, not checked slowly. */
export const MAX_CHAIN_SUBTREES = 1024
/** Names × subtrees per certificate (OpenSSL's NAME_CHECK_MAX): a bound on the work of one check. */
export const MAX_NAME_CHECKS = 1 << 20
const MAX_DNS_LENGTH = 253

// ---------------------------------------------------------------------------------------
// Character tests (no regular expressions on input).

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/**
 * Host-name syntax: dot-separated labels of letters, digits, hyphens (not at a label's ends)
 * and underscores, at least `minLabels` labels, at most 253 characters.
 */
function isHostName(text: string, minLabels: number): boolean {
  if (text.length === 0 || text.length > MAX_DNS_LENGTH) return false
  let labels = 1
  let labelStart = 0
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46
    if (c === 46) {
      const len = i - labelStart
      if (len === 0 || len > 63) return false
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false
      if (i < text.length) labels++
      labelStart = i + 1
    } else if (!isAlnum(c) && c !== 45 && c !== 95) return false
  }
  return labels >= minLabels
}

/** A CN that names a host (OpenSSL's cn2dnsid: two labels or more), optionally a wildcard `*.` over one. */
export function cnAsDnsName(cn: string): string | null {
  const body = cn.startsWith('*.') ? cn.slice(2) : cn
  return isHostName(body, 2) ? cn : null
}

const lower = (s: string): string => s.toLowerCase()

// ---------------------------------------------------------------------------------------
// The operator's subtrees for a new CA.

function dnsBaseProblem(value: string): string | null {
  const body = value.startsWith('.') ? value.slice(1) : value
  if (body.includes('*')) return `"${value}" holds a wildcard; a DNS constraint is a domain such as example.com (it and every name below it) or .example.com (only the names below it)`
  return isHostName(body, 1) ? null : `"${value}" is not a host or domain name; write it as example.com or .example.com`
}

function ipBaseProblem(value: string): string | null {
  const slash = value.indexOf('/')
  if (slash < 0) return `"${value}" has no prefix length; write a range as 10.0.0.0/8 or 2001:db8::/32 (one address: /32 or /128)`
  const address = parseIp(value.slice(0, slash))
  const prefixText = value.slice(slash + 1)
  if (!address) return `"${value.slice(0, slash)}" is not an IPv4 or IPv6 address`
  let prefix = 0
  for (let i = 0; i < prefixText.length; i++) {
    const c = prefixText.charCodeAt(i)
    if (c < 48 || c > 57 || i > 2) return `"${value}" has an invalid prefix length; give 0 to ${address.length * 8}`
    prefix = prefix * 10 + (c - 48)
  }
  if (prefixText.length === 0 || prefix > address.length * 8) return `"${value}" has an invalid prefix length; give 0 to ${address.length * 8}`
  for (let bit = prefix; bit < address.length * 8; bit++)
    if ((address[bit >> 3]! >> (7 - (bit & 7))) & 1) return `"${value}" has bits set after its /${prefix} prefix; write the network address (for example 10.0.0.0/8)`
  return null
}

function emailBaseProblem(value: string): string | null {
  const at = value.lastIndexOf('@')
  if (at < 0) return value.startsWith('.') ? dnsBaseProblem(value) && `"${value}" is not a domain; write .example.com` : isHostName(value, 1) ? null : `"${value}" is not a mailbox, host or domain; write a@example.com, example.com or .example.com`
  const local = value.slice(0, at)
  if (local.length === 0 || local.includes('@') || local.includes(' ')) return `"${value}" is not a mailbox; write a@example.com, example.com (any mailbox at that host) or .example.com (any host below it)`
  return isHostName(value.slice(at + 1), 1) ? null : `"${value}" has no valid host after @`
}

function uriBaseProblem(value: string): string | null {
  if (value.includes('/') || value.includes(':')) return `"${value}" is a URI; a URI constraint is its host only: example.com (that host) or .example.com (any host below it)`
  return dnsBaseProblem(value) && `"${value}" is not a host or domain name; write example.com or .example.com`
}

function dnBaseProblem(value: string): string | null {
  const dn = readDnText(value)
  if (!dn.ok) return dn.message.replace(/\.$/, '')
  for (const rdn of dn.dn) for (const a of rdn) if (!attributeOidOf(a.type)) return `"${a.type}" is not a known attribute type; use a short name such as O, OU, C or a dotted OID`
  return null
}

function baseProblem(base: NameConstraintBase): string | null {
  switch (base.type) {
    case 'dns':
      return dnsBaseProblem(base.value)
    case 'ip':
      return ipBaseProblem(base.value)
    case 'email':
      return emailBaseProblem(base.value)
    case 'uri':
      return uriBaseProblem(base.value)
    case 'dn':
      return dnBaseProblem(base.value)
  }
}

/** A new CA's subtrees, checked form by form; the first problem names its list and entry (`nameConstraints.permitted[2]`). */
export function checkNameConstraintsInput(nc: Readonly<NameConstraintsInput>): Result<void> {
  if (nc.permitted.length === 0 && nc.excluded.length === 0)
    return fail('NAME_CONSTRAINT_INVALID', 'The name constraints are empty: add a permitted or excluded name, or leave the CA unconstrained.', 'nameConstraints')
  for (const list of ['permitted', 'excluded'] as const)
    for (const [i, base] of nc[list].entries()) {
      const problem = baseProblem(base)
      if (problem) return fail('NAME_CONSTRAINT_INVALID', `The ${list} ${FORM_LABEL[base.type]} constraint ${problem}.`, `nameConstraints.${list}[${i}]`)
    }
  return ok(undefined)
}

// ---------------------------------------------------------------------------------------
// The chain's constraints, from DER.

/** The name constraints of each CA certificate (issuer first), with the CA's name. Throws when a certificate does not decode. */
export function chainNameConstraints(chain: readonly { readonly authority: string; readonly der: Uint8Array }[]): AuthorityConstraints[] {
  const out: AuthorityConstraints[] = []
  for (const ca of chain) {
    const nc = certificateFacts(ca.der).nameConstraints
    if (nc && (nc.permitted.length > 0 || nc.excluded.length > 0)) out.push({ authority: ca.authority, constraints: nc })
  }
  return out
}

// ---------------------------------------------------------------------------------------
// Matching.

type Form = 'dns' | 'email' | 'uri' | 'ip' | 'dn' | 'otherName'

const FORM_LABEL: Readonly<Record<Form | NameConstraintBase['type'], string>> = { dns: 'DNS', email: 'e-mail', uri: 'URI', ip: 'IP', dn: 'directory name', otherName: 'other name' }

/** A name of the certificate, with the field that carries it. */
interface Candidate {
  readonly form: Form
  readonly value: string
  readonly field: string
  /** dn: the parsed name; ip: the address bytes; otherName: its type OID. */
  readonly dn?: DistinguishedName
  readonly ip?: Uint8Array
  readonly typeId?: string
  /** Where the name comes from, in words (`SAN`, `subject CN`, …). */
  readonly where: string
}

type Verdict = 'match' | 'no-match' | { readonly unchecked: string }

function factForm(f: GeneralNameFact): Form | null {
  switch (f.form) {
    case 'dns':
    case 'email':
    case 'uri':
    case 'ip':
    case 'otherName':
      return f.form
    case 'directoryName':
      return 'dn'
    default:
      return null
  }
}

function dnsMatch(name: string, base: string): boolean {
  if (base.length === 0) return true
  const n = lower(name)
  const b = lower(base)
  if (n.length < b.length || !n.endsWith(b)) return false
  return n.length === b.length || b.startsWith('.') || n.charCodeAt(n.length - b.length - 1) === 46
}

/** Host of an e-mail/URI compared with a host or `.domain` base (case-insensitive). */
function hostMatch(host: string, base: string): boolean {
  const h = lower(host)
  const b = lower(base)
  if (b.startsWith('.')) return h.length > b.length && h.endsWith(b)
  return h === b
}

function emailMatch(email: string, base: string): Verdict {
  const at = email.lastIndexOf('@')
  if (at <= 0) return { unchecked: `"${email}" has no @, so its host cannot be compared` }
  const baseAt = base.lastIndexOf('@')
  if (baseAt < 0 && base.startsWith('.')) return hostMatch(email.slice(at + 1), base) ? 'match' : 'no-match'
  if (baseAt > 0 && base.slice(0, baseAt) !== email.slice(0, at)) return 'no-match'
  return lower(email.slice(at + 1)) === lower(base.slice(baseAt + 1)) ? 'match' : 'no-match'
}

/** The host of `scheme://host[:port][/…]` as OpenSSL reads it; null when the URI has none it can read. */
function uriHost(uri: string): string | null {
  const colon = uri.indexOf(':')
  if (colon < 1 || uri.charCodeAt(colon + 1) !== 47 || uri.charCodeAt(colon + 2) !== 47) return null
  const start = colon + 3
  let end = uri.length
  const portAt = uri.indexOf(':', start)
  const slashAt = uri.indexOf('/', start)
  if (portAt >= 0) end = portAt
  else if (slashAt >= 0) end = slashAt
  const host = uri.slice(start, end)
  // userinfo, a query or a fragment right after the host would be read differently by others: not checkable.
  return isHostName(host, 1) ? host : null
}

function ipMatch(address: Uint8Array, base: GeneralNameFact & { form: 'ip' }): Verdict {
  if (!base.mask || (base.address.length !== 4 && base.address.length !== 16)) return { unchecked: `the IP constraint ${base.value} is not an address with a mask` }
  if (address.length !== base.address.length) return 'no-match'
  for (let i = 0; i < address.length; i++) if ((address[i]! & base.mask[i]!) !== (base.address[i]! & base.mask[i]!)) return 'no-match'
  return 'match'
}

/** OpenSSL's canonical form of an attribute value: trimmed, inner white space one space, ASCII lower case. */
function canonicalValue(v: string): string {
  let out = ''
  let space = false
  for (const ch of v.trim()) {
    const c = ch.charCodeAt(0)
    if (c === 32 || (c >= 9 && c <= 13)) space = true
    else {
      if (space && out.length) out += ' '
      space = false
      out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch
    }
  }
  return out
}

const rdnKey = (rdn: DistinguishedName[number]): string =>
  rdn
    .map((a) => `${attributeOidOf(a.type) ?? a.type}=${canonicalValue(a.value)}`)
    .sort()
    .join('+')

/** The name begins with every RDN of the base, in order (the model is most significant first). */
function dnMatch(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.length > name.length) return false
  for (let i = 0; i < base.length; i++) if (rdnKey(base[i]!) !== rdnKey(name[i]!)) return false
  return true
}

function matchOne(c: Candidate, base: GeneralNameFact): Verdict {
  switch (c.form) {
    case 'dns':
      return base.form === 'dns' && dnsMatch(c.value, base.value) ? 'match' : 'no-match'
    case 'email':
      return base.form === 'email' ? emailMatch(c.value, base.value) : 'no-match'
    case 'uri': {
      if (base.form !== 'uri') return 'no-match'
      const host = uriHost(c.value)
      if (!host) return { unchecked: `"${c.value}" has no host that can be compared (write it as scheme://host/…)` }
      return base.value.length === 0 || hostMatch(host, base.value) ? 'match' : 'no-match'
    }
    case 'ip':
      return base.form === 'ip' ? ipMatch(c.ip!, base) : 'no-match'
    case 'dn':
      return base.form === 'directoryName' && dnMatch(c.dn!, base.dn) ? 'match' : 'no-match'
    case 'otherName':
      return { unchecked: `an other name (${c.typeId}) cannot be checked against the CA's other-name constraints` }
  }
}

/** A subtree applies to a name of the same form (an other name: of the same type OID). */
function applies(c: Candidate, s: GeneralSubtreeFact): boolean {
  const form = factForm(s.base)
  if (form !== c.form) return false
  return form !== 'otherName' || (s.base.form === 'otherName' && s.base.typeId === c.typeId)
}

/** `*.example.com` covers `bad.example.com`: an excluded subtree one label below a wildcard's domain. */
function wildcardCovers(name: string, base: GeneralNameFact): boolean {
  if (!name.startsWith('*.') || base.form !== 'dns' || base.value.startsWith('.')) return false
  const domain = lower(name.slice(1))
  const b = lower(base.value)
  const dot = b.indexOf('.')
  return dot > 0 && b.slice(dot) === domain
}

function subtreeText(s: GeneralSubtreeFact): string {
  return `${FORM_LABEL[factForm(s.base) ?? 'otherName']}:${s.base.value}`
}

function candidatesOf(names: Readonly<ConstrainedNames>): Candidate[] {
  const out: Candidate[] = []
  if (names.subject.length > 0) {
    const text = names.subject
      .slice()
      .reverse()
      .map((r) => r.map((a) => `${a.type}=${a.value}`).join('+'))
      .join(', ')
    out.push({ form: 'dn', value: text, dn: names.subject, field: 'subject', where: 'the subject' })
  }
  for (const rdn of names.subject)
    for (const a of rdn) {
      const oid = attributeOidOf(a.type)
      if (oid === '1.2.840.113549.1.9.1') out.push({ form: 'email', value: a.value, field: 'subject.emailAddress', where: 'the subject emailAddress' })
      if (oid === '2.5.4.3') {
        const host = cnAsDnsName(a.value)
        // A CN that is also a DNS SAN is checked once, as the SAN.
        if (host && !names.sans.some((s) => s.type === 'dns' && lower(s.value) === lower(host))) out.push({ form: 'dns', value: host, field: 'subject.CN', where: 'the subject CN (a host name)' })
      }
    }
  names.sans.forEach((n, i) => {
    const field = `san[${i}]`
    switch (n.type) {
      case 'dns':
      case 'email':
      case 'uri':
        out.push({ form: n.type, value: n.value, field, where: 'SAN' })
        break
      case 'ip': {
        const ip = parseIp(n.value)
        if (ip) out.push({ form: 'ip', value: n.value, ip, field, where: 'SAN' })
        break
      }
      case 'upn':
        out.push({ form: 'otherName', value: n.value, typeId: '1.3.6.1.4.1.311.20.2.3', field, where: 'SAN' })
        break
      case 'dn': {
        const dn = readDnText(n.value)
        if (dn.ok) out.push({ form: 'dn', value: n.value, dn: dn.dn, field, where: 'SAN' })
        break
      }
    }
  })
  return out
}

type NameConstraintCode = Extract<AuthorityErrorCode, 'NAME_NOT_PERMITTED' | 'NAME_EXCLUDED' | 'NAME_CONSTRAINT_UNCHECKABLE' | 'NAME_CONSTRAINTS_TOO_MANY'>

/** Why this CA's constraints refuse the name, or null when they let it through (RFC 5280 4.2.1.10: every permitted list of its form, then no excluded subtree). */
function refusalBy(c: Candidate, { authority, constraints }: AuthorityConstraints): { code: NameConstraintCode; message: string } | null {
  const shown = `${FORM_LABEL[c.form]}:${c.value} (${c.where})`
  const unchecked = (why: string): { code: NameConstraintCode; message: string } => ({
    code: 'NAME_CONSTRAINT_UNCHECKABLE',
    message: `${shown} cannot be checked against "${authority}"'s name constraints: ${why}; change the name or issue from another CA.`
  })
  const bad = [...constraints.permitted, ...constraints.excluded].find((s) => applies(c, s) && (s.minimum !== 0 || s.maximum !== undefined))
  if (bad) return unchecked(`it sets ${subtreeText(bad)} with a minimum or maximum, which RFC 5280 forbids`)
  const permitted = constraints.permitted.filter((s) => applies(c, s))
  if (permitted.length > 0) {
    let matched = false
    for (const s of permitted) {
      const v = matchOne(c, s.base)
      if (typeof v === 'object') return unchecked(v.unchecked)
      if (v === 'match') {
        matched = true
        break
      }
    }
    if (!matched)
      return {
        code: 'NAME_NOT_PERMITTED',
        message: `${shown} is outside the names "${authority}" permits (${permitted.map(subtreeText).join(', ')}), so no client would accept the certificate; ask for a name within them or issue from another CA.`
      }
  }
  for (const s of constraints.excluded) {
    if (!applies(c, s)) continue
    const v = matchOne(c, s.base)
    if (typeof v === 'object') return unchecked(v.unchecked)
    if (v === 'match' || (c.form === 'dns' && wildcardCovers(c.value, s.base))) {
      const how = v === 'match' ? 'is in' : `covers ${s.base.value}, which is in`
      return { code: 'NAME_EXCLUDED', message: `${shown} ${how} ${subtreeText(s)}, which "${authority}" excludes; remove the name or issue from another CA.` }
    }
  }
  return null
}

/**
 * The findings (errors) for every name of the certificate that a CA of the chain does not
 * permit or excludes, or that cannot be checked against a constraint of its form. Empty when
 * the chain has no constraints or every name passes.
 */
export function nameConstraintFindings(chain: readonly AuthorityConstraints[], names: Readonly<ConstrainedNames>): Finding[] {
  if (chain.length === 0) return []
  const findings: Finding[] = []
  const error = (code: NameConstraintCode, field: string, message: string): void => {
    findings.push({ code, severity: 'error', field, message })
  }
  const subtrees = chain.reduce((n, ca) => n + ca.constraints.permitted.length + ca.constraints.excluded.length, 0)
  const candidates = candidatesOf(names)
  if (subtrees > MAX_CHAIN_SUBTREES || candidates.length * subtrees > MAX_NAME_CHECKS) {
    error(
      'NAME_CONSTRAINTS_TOO_MANY',
      'nameConstraints',
      `The chain's CAs carry ${subtrees} name-constraint subtrees for ${candidates.length} names, more than PKI Desk checks (${MAX_CHAIN_SUBTREES} subtrees, ${MAX_NAME_CHECKS} comparisons); nothing is signed. Issue from a CA with fewer constraints.`
    )
    return findings
  }
  // Each CA that refuses a name says so: a name outside two CAs' subtrees gets two findings.
  for (const c of candidates)
    for (const ca of chain) {
      const refusal = refusalBy(c, ca)
      if (refusal) error(refusal.code, c.field, refusal.message)
    }
  return findings
}

/** A new CA certificate's names under its parent's chain, as one refusal (the first finding) or ok. */
export function namesWithinChain(chain: readonly AuthorityConstraints[], names: Readonly<ConstrainedNames>): Result<void> {
  const first = nameConstraintFindings(chain, names)[0]
  return first ? fail(first.code as NameConstraintCode, first.message, first.field) : ok(undefined)
}

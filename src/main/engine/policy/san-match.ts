// SAN allow-list matching: DNS patterns, IP CIDRs, e-mail domains, URI prefixes. Pure.
import { cidrContains, parseCidr, parseIp, type SanPolicy } from '../../../shared/domain/profile'
import type { GeneralName } from '../../../shared/domain/names'

const DNS_LABEL_STRICT = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i

/** A syntactically valid DNS name (LDH labels, ≤ 253 chars), optionally with a leftmost `*` label. */
export function isDnsName(name: string, allowWildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253 || name.endsWith('.')) return false
  const labels = name.split('.')
  if (labels[0] === '*' && labels.length < 3) return false // no wildcard directly over a TLD
  return labels.every((l, i) => (i === 0 && allowWildcard && l === '*') || DNS_LABEL_STRICT.test(l))
}

export function isWildcardDns(name: string): boolean {
  return name.startsWith('*.')
}

/**
 * `example.com` matches exactly; `*.example.com` matches one label below (and the literal
 * wildcard `*.example.com`); `.example.com` matches any name below at any depth (and
 * wildcards below it), never the apex.
 */
export function dnsMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase()
  const n = name.toLowerCase()
  if (p.startsWith('.')) return n.endsWith(p) && n.length > p.length
  if (p.startsWith('*.')) {
    if (n === p) return true
    const base = p.slice(1) // .example.com
    if (!n.endsWith(base)) return false
    const head = n.slice(0, n.length - base.length)
    return head.length > 0 && !head.includes('.')
  }
  return n === p
}

export function emailDomainMatches(domain: string, email: string): boolean {
  const at = email.lastIndexOf('@')
  if (at <= 0) return false
  const d = email.slice(at + 1).toLowerCase()
  const p = domain.toLowerCase()
  if (p.startsWith('.')) return d.endsWith(p) && d.length > p.length
  return d === p
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(value)
}

export function isUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value)
}

/** Why a name is not allowed by the policy, or undefined when it is. */
export function sanRefusal(policy: Readonly<SanPolicy>, name: Readonly<GeneralName>): string | undefined {
  if (!policy.allowedTypes.includes(name.type)) return `type ${name.type} is not in san.allowedTypes (${policy.allowedTypes.join(', ') || 'none'})`
  switch (name.type) {
    case 'dns': {
      const wildcard = isWildcardDns(name.value)
      if (!isDnsName(name.value, true)) return `"${name.value}" is not a valid DNS name`
      if (wildcard && !policy.allowWildcards) return `"${name.value}" is a wildcard and san.allowWildcards is off`
      if (policy.dnsPatterns && !policy.dnsPatterns.some((p) => dnsMatches(p, name.value)))
        return `"${name.value}" matches none of san.dnsPatterns (${policy.dnsPatterns.join(', ') || 'empty'})`
      return undefined
    }
    case 'ip': {
      const ip = parseIp(name.value)
      if (!ip) return `"${name.value}" is not a valid IPv4 or IPv6 address`
      if (policy.ipCidrs && !policy.ipCidrs.some((c) => {
        const cidr = parseCidr(c)
        return cidr !== undefined && cidrContains(cidr, ip)
      }))
        return `${name.value} is in none of san.ipCidrs (${policy.ipCidrs.join(', ') || 'empty'})`
      return undefined
    }
    case 'email':
    case 'upn': {
      if (name.type === 'email' && !isEmail(name.value)) return `"${name.value}" is not a valid e-mail address`
      if (name.type === 'email' && policy.emailDomains && !policy.emailDomains.some((d) => emailDomainMatches(d, name.value)))
        return `"${name.value}" is in none of san.emailDomains (${policy.emailDomains.join(', ') || 'empty'})`
      return undefined
    }
    case 'uri': {
      if (!isUri(name.value)) return `"${name.value}" is not an absolute URI`
      if (policy.uriPrefixes && !policy.uriPrefixes.some((p) => name.value.startsWith(p)))
        return `"${name.value}" starts with none of san.uriPrefixes (${policy.uriPrefixes.join(', ') || 'empty'})`
      return undefined
    }
    case 'dn':
      return undefined
  }
}

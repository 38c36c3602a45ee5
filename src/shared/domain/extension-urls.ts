// The URLs a CA (or a profile) places in the certificates it issues: CRL distribution points
// (RFC 5280 4.2.1.13) and the authority information access OCSP and caIssuers locations
// (4.2.2.1). One rule for the CA editor, the profile editor, the CLI and main: http, https or
// ldap (OCSP over http or https only, RFC 6960 appendix A), ASCII without spaces (the URIs
// are IA5Strings), at most 1,024 characters and 5 URLs of each kind.
import { z } from 'zod'
import { fail, ok, type Result } from '../errors'

export const EXTENSION_URL_KINDS = ['crlDistributionPoints', 'ocspUrls', 'caIssuersUrls'] as const
export type ExtensionUrlKind = (typeof EXTENSION_URL_KINDS)[number]

export const MAX_EXTENSION_URL_LENGTH = 1024
export const MAX_EXTENSION_URLS = 5

/** Loose on the wire (the coded check below says what is wrong); bounded so a payload stays small. */
const urlList = z.array(z.string().max(8 * MAX_EXTENSION_URL_LENGTH)).max(8 * MAX_EXTENSION_URLS)

export const extensionUrls = z.object({
  crlDistributionPoints: urlList.default([]),
  ocspUrls: urlList.default([]),
  caIssuersUrls: urlList.default([])
})
export type ExtensionUrls = z.infer<typeof extensionUrls>

export const NO_EXTENSION_URLS: ExtensionUrls = { crlDistributionPoints: [], ocspUrls: [], caIssuersUrls: [] }

/** How each kind is named to the operator. */
export const EXTENSION_URL_LABEL: Readonly<Record<ExtensionUrlKind, string>> = {
  crlDistributionPoints: 'CRL distribution point',
  ocspUrls: 'OCSP responder',
  caIssuersUrls: 'CA issuers (caIssuers)'
}

const SCHEMES: Readonly<Record<ExtensionUrlKind, readonly string[]>> = {
  crlDistributionPoints: ['http:', 'https:', 'ldap:'],
  ocspUrls: ['http:', 'https:'],
  caIssuersUrls: ['http:', 'https:', 'ldap:']
}

const EXAMPLE: Readonly<Record<ExtensionUrlKind, string>> = {
  crlDistributionPoints: 'http://pki.example.com/issuing.crl',
  ocspUrls: 'http://ocsp.example.com',
  caIssuersUrls: 'http://pki.example.com/issuing.crt'
}

/** One URL of a kind; `field` names it (`ocspUrls.1`), `label` how the message names it. */
export function checkExtensionUrl(kind: ExtensionUrlKind, url: string, field: string, label = `The ${EXTENSION_URL_LABEL[kind]} URL`): Result<void> {
  const shown = url.length > 60 ? `${url.slice(0, 57)}…` : url
  if (url.length > MAX_EXTENSION_URL_LENGTH)
    return fail('EXTENSION_URL_TOO_LONG', `${label} is ${url.length} characters long, more than the ${MAX_EXTENSION_URL_LENGTH} allowed: use a shorter URL such as ${EXAMPLE[kind]}.`, field)
  if (!/^[\x21-\x7e]+$/.test(url))
    return fail('EXTENSION_URL_INVALID', `${label} "${shown}" holds spaces or characters outside ASCII, which a certificate cannot carry: percent-encode them or use another URL.`, field)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return fail('EXTENSION_URL_INVALID', `${label} "${shown}" is not a URL: give a full URL such as ${EXAMPLE[kind]}.`, field)
  }
  const schemes = SCHEMES[kind]
  if (!schemes.includes(parsed.protocol))
    return fail(
      'EXTENSION_URL_SCHEME',
      `${label} "${shown}" uses ${parsed.protocol.slice(0, -1)}: only ${schemes.map((s) => s.slice(0, -1)).join(', ')} URLs are allowed here; give one such as ${EXAMPLE[kind]}.`,
      field
    )
  // As written, not as WHATWG repairs it: the certificate carries the text (http:///x has no host).
  if (parsed.protocol !== 'ldap:' && (!parsed.hostname || !/^[a-z]+:\/\/[^/?#]/i.test(url))) return fail('EXTENSION_URL_INVALID', `${label} "${shown}" names no host: give a full URL such as ${EXAMPLE[kind]}.`, field)
  return ok(undefined)
}

/** Every URL of every kind, in order; the first problem, with its field (`caIssuersUrls.0`). */
export function checkExtensionUrls(urls: Readonly<ExtensionUrls>, fieldOf: (kind: ExtensionUrlKind, index: number) => string = (k, i) => `${k}.${i}`): Result<void> {
  for (const kind of EXTENSION_URL_KINDS) {
    const list = urls[kind]
    if (list.length > MAX_EXTENSION_URLS)
      return fail('EXTENSION_URLS_TOO_MANY', `${list.length} ${EXTENSION_URL_LABEL[kind]} URLs are given, more than the ${MAX_EXTENSION_URLS} a certificate should carry: keep the ones clients reach first.`, fieldOf(kind, MAX_EXTENSION_URLS))
    const seen = new Set<string>()
    for (const [i, url] of list.entries()) {
      const one = checkExtensionUrl(kind, url, fieldOf(kind, i))
      if (!one.ok) return one
      if (seen.has(url)) return fail('EXTENSION_URL_INVALID', `The ${EXTENSION_URL_LABEL[kind]} URL "${url}" is given twice: list it once.`, fieldOf(kind, i))
      seen.add(url)
    }
  }
  return ok(undefined)
}

/** Where each kind of URL in an issued certificate comes from: the profile's own list wins, else the CA's. */
export function resolveExtensionUrls(profile: Readonly<ExtensionUrls>, ca: Readonly<ExtensionUrls> | undefined): Record<ExtensionUrlKind, { urls: string[]; from: 'profile' | 'ca' | null }> {
  const pick = (kind: ExtensionUrlKind): { urls: string[]; from: 'profile' | 'ca' | null } =>
    profile[kind].length ? { urls: [...profile[kind]], from: 'profile' } : ca && ca[kind].length ? { urls: [...ca[kind]], from: 'ca' } : { urls: [], from: null }
  return { crlDistributionPoints: pick('crlDistributionPoints'), ocspUrls: pick('ocspUrls'), caIssuersUrls: pick('caIssuersUrls') }
}

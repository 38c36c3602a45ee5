// The one rule for CRL distribution point, OCSP and caIssuers URLs (CA editor, profile editor,
// CLI and main): http/https/ldap (OCSP http/https), ASCII, 1,024 characters, 5 of a kind, no
// duplicates; each refusal coded, naming the URL's field; the profile's list wins per kind.
import { describe, expect, it } from 'vitest'
import { checkExtensionUrls, MAX_EXTENSION_URL_LENGTH, NO_EXTENSION_URLS, resolveExtensionUrls, type ExtensionUrls } from '../../../src/shared/domain/extension-urls'

const urls = (over: Partial<ExtensionUrls>): ExtensionUrls => ({ ...NO_EXTENSION_URLS, ...over })
const refusal = (u: ExtensionUrls): { code: string; field?: string; message: string } | null => {
  const r = checkExtensionUrls(u)
  return r.ok ? null : r.error
}

describe('extension URL rules', () => {
  it('accepts http, https and ldap URLs of each kind it allows', () => {
    expect(
      refusal(
        urls({
          crlDistributionPoints: ['http://pki.example.com/issuing.crl', 'ldap://dir.example.com/cn=Issuing%20CA,o=Example?certificateRevocationList;binary', 'https://pki.example.com/b.crl'],
          ocspUrls: ['http://ocsp.example.com', 'https://ocsp.example.com:8443/'],
          caIssuersUrls: ['http://pki.example.com/issuing.crt', 'ldap:///cn=Issuing,o=Example?cACertificate']
        })
      )
    ).toBeNull()
    expect(refusal(NO_EXTENSION_URLS)).toBeNull()
  })

  it.each([
    ['ftp CRL', urls({ crlDistributionPoints: ['ftp://pki.example.com/a.crl'] }), 'EXTENSION_URL_SCHEME', 'crlDistributionPoints.0', /uses ftp: only http, https, ldap URLs are allowed/],
    ['ldap OCSP', urls({ ocspUrls: ['http://ocsp.example.com', 'ldap://dir.example.com/'] }), 'EXTENSION_URL_SCHEME', 'ocspUrls.1', /only http, https URLs/],
    ['file caIssuers', urls({ caIssuersUrls: ['file:///etc/ca.crt'] }), 'EXTENSION_URL_SCHEME', 'caIssuersUrls.0', /uses file/],
    ['no scheme', urls({ caIssuersUrls: ['pki.example.com/ca.crt'] }), 'EXTENSION_URL_INVALID', 'caIssuersUrls.0', /is not a URL: give a full URL such as http:\/\/pki.example.com\/issuing.crt/],
    ['a space', urls({ crlDistributionPoints: ['http://pki.example.com/my ca.crl'] }), 'EXTENSION_URL_INVALID', 'crlDistributionPoints.0', /spaces or characters outside ASCII/],
    ['non-ASCII host', urls({ crlDistributionPoints: ['http://pki.exämple.com/ca.crl'] }), 'EXTENSION_URL_INVALID', 'crlDistributionPoints.0', /outside ASCII/],
    ['no host', urls({ ocspUrls: ['http:///path-only'] }), 'EXTENSION_URL_INVALID', 'ocspUrls.0', /names no host/],
    ['too long', urls({ crlDistributionPoints: [`http://pki.example.com/${'a'.repeat(MAX_EXTENSION_URL_LENGTH)}`] }), 'EXTENSION_URL_TOO_LONG', 'crlDistributionPoints.0', /more than the 1024 allowed/],
    ['six OCSP URLs', urls({ ocspUrls: ['http://a.example', 'http://b.example', 'http://c.example', 'http://d.example', 'http://e.example', 'http://f.example'] }), 'EXTENSION_URLS_TOO_MANY', 'ocspUrls.5', /6 OCSP responder URLs are given, more than the 5/],
    ['a duplicate', urls({ caIssuersUrls: ['http://p.example/c.crt', 'http://p.example/c.crt'] }), 'EXTENSION_URL_INVALID', 'caIssuersUrls.1', /given twice/]
  ] as const)('refuses %s with a code and the field', (_name, u, code, field, message) => {
    const e = refusal(u)
    expect(e).toMatchObject({ code, field })
    expect(e!.message).toMatch(message)
    expect(e!.message.startsWith(field)).toBe(false)
  })

  it('a URL of exactly 1,024 characters is accepted', () => {
    const url = `http://pki.example.com/${'a'.repeat(MAX_EXTENSION_URL_LENGTH - 'http://pki.example.com/'.length)}`
    expect(url).toHaveLength(MAX_EXTENSION_URL_LENGTH)
    expect(refusal(urls({ crlDistributionPoints: [url] }))).toBeNull()
  })

  it('the flag a caller names is the field (the CLI names --ocsp-url)', () => {
    const r = checkExtensionUrls(urls({ ocspUrls: ['gopher://x.example'] }), (kind) => (kind === 'ocspUrls' ? '--ocsp-url' : kind))
    expect(r.ok ? null : r.error.field).toBe('--ocsp-url')
  })
})

describe('which URLs an issued certificate carries', () => {
  const ca = urls({ crlDistributionPoints: ['http://ca.example/a.crl'], ocspUrls: ['http://ocsp.ca.example'], caIssuersUrls: ['http://ca.example/a.crt'] })
  it('each kind from the profile when it lists any, else from the CA, else none', () => {
    expect(resolveExtensionUrls(urls({ ocspUrls: ['http://ocsp.profile.example'] }), ca)).toEqual({
      crlDistributionPoints: { urls: ['http://ca.example/a.crl'], from: 'ca' },
      ocspUrls: { urls: ['http://ocsp.profile.example'], from: 'profile' },
      caIssuersUrls: { urls: ['http://ca.example/a.crt'], from: 'ca' }
    })
    expect(resolveExtensionUrls(NO_EXTENSION_URLS, undefined).ocspUrls).toEqual({ urls: [], from: null })
    expect(resolveExtensionUrls(NO_EXTENSION_URLS, NO_EXTENSION_URLS).crlDistributionPoints).toEqual({ urls: [], from: null })
  })
})

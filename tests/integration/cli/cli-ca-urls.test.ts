// pkidesk ca set --crl-url/--ocsp-url/--ca-issuers-url: the URLs go into every certificate
// the CA issues (an intermediate it signs, leaves), read back by OpenSSL (`x509 -ext`); a
// profile with its own URLs of a kind wins for that kind only; bad URLs are refused with a
// code naming the flag (exit 2) and change nothing; the change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openssl } from '../../unit/engine/helpers'
import { inProcessCli, writeCsr } from './in-process'

const CA_PASS = 'correct horse battery staple'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)
const { pk, pkJson } = inProcessCli(() => dataDir, { PKIDESK_PASSPHRASE: CA_PASS })

interface Urls {
  crlDistributionPoints: string[]
  ocspUrls: string[]
  caIssuersUrls: string[]
}

const csrFile = (cn: string): Promise<string> => writeCsr(work, cn)
/** Issues one leaf and returns what OpenSSL reads of its CRL DP and AIA extensions. */
async function issueAndRead(profile: string, cn: string): Promise<string> {
  const [r] = await pkJson<{ certificate: string }[]>(['issue', '--ca', 'Issuing', '--profile', profile, await csrFile(cn)])
  writeFileSync(f(`${cn}.pem`), r!.certificate)
  return opensslExt(f(`${cn}.pem`))
}
function opensslExt(file: string): string {
  const r = openssl(['x509', '-in', file, '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess'])
  if (r.status !== 0) throw new Error(r.out)
  return r.out
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-urls-'))
  dataDir = f('store')
  await pkJson(['ca', 'create', '--name', 'Root', '--subject', 'CN=URL Root,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '10y', '--protection', 'passphrase'])
}, 60_000)
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk ca set: per-CA extension URLs', { timeout: 60_000 }, () => {
  it("the root's URLs go into the intermediate it signs; the intermediate's into its leaves (OpenSSL reads them)", async () => {
    const set = await pkJson<{ urls: Urls }>(['ca', 'set', 'Root', '--crl-url', 'http://pki.example.com/root.crl', '--ca-issuers-url', 'http://pki.example.com/root.crt'])
    expect(set.urls).toEqual({ crlDistributionPoints: ['http://pki.example.com/root.crl'], ocspUrls: [], caIssuersUrls: ['http://pki.example.com/root.crt'] })
    await pkJson(['ca', 'create', '--name', 'Issuing', '--subject', 'CN=URL Issuing,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--parent', 'Root', '--path-length', '0', '--protection', 'passphrase'])
    writeFileSync(f('issuing-ca.pem'), (await pkJson<{ certificatePem: string }>(['ca', 'show', 'Issuing'])).certificatePem)
    const caExt = opensslExt(f('issuing-ca.pem'))
    expect(caExt).toContain('URI:http://pki.example.com/root.crl')
    expect(caExt).toContain('CA Issuers - URI:http://pki.example.com/root.crt')
    expect(caExt).not.toContain('OCSP')

    const text = await pk(['ca', 'set', 'Issuing', '--crl-url', 'http://pki.example.com/issuing.crl', '--crl-url', 'ldap://dir.example.com/cn=Issuing,o=Example?certificateRevocationList', '--ocsp-url', 'http://ocsp.example.com', '--ca-issuers-url', 'http://pki.example.com/issuing.crt'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('Set the URLs of CA "Issuing"')
    expect(text.stdout).toMatch(/OCSP URLs:\s+http:\/\/ocsp\.example\.com/)
    const shown = await pk(['ca', 'show', 'Issuing'])
    expect(shown.stdout).toMatch(/CRL URLs:\s+http:\/\/pki\.example\.com\/issuing\.crl\n\s+ldap:\/\/dir\.example\.com/)

    const leaf = await issueAndRead('tls-server', 'web1.example.com')
    expect(leaf).toContain('URI:http://pki.example.com/issuing.crl')
    expect(leaf).toContain('URI:ldap://dir.example.com/cn=Issuing,o=Example?certificateRevocationList')
    expect(leaf).toContain('OCSP - URI:http://ocsp.example.com')
    expect(leaf).toContain('CA Issuers - URI:http://pki.example.com/issuing.crt')
    expect(leaf).not.toContain('root.crl')
    // The chain still verifies with the URLs in place.
    writeFileSync(f('root.pem'), (await pkJson<{ certificatePem: string }>(['ca', 'show', 'Root'])).certificatePem)
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), '-untrusted', f('issuing-ca.pem'), f('web1.example.com.pem')]).out).toContain(': OK')
  })

  it("a profile's own OCSP URL wins over the CA's for OCSP only; the CRL DP and caIssuers stay the CA's", async () => {
    const starter = JSON.parse(readFileSync(resolve(__dirname, '../../../resources/profiles/tls-server.json'), 'utf8')) as { profile: Record<string, unknown> }
    writeFileSync(f('own-ocsp.json'), JSON.stringify({ ...starter, id: 'own-ocsp', profile: { ...starter.profile, name: 'TLS with its own OCSP', ocspUrls: ['http://ocsp.profile.example.com'] } }))
    await pkJson(['profile', 'create', f('own-ocsp.json'), '--id', 'own-ocsp'])
    const leaf = await issueAndRead('own-ocsp', 'web2.example.com')
    expect(leaf).toContain('OCSP - URI:http://ocsp.profile.example.com')
    expect(leaf).not.toContain('OCSP - URI:http://ocsp.example.com')
    expect(leaf).toContain('URI:http://pki.example.com/issuing.crl')
    expect(leaf).toContain('CA Issuers - URI:http://pki.example.com/issuing.crt')
    // A profile is held to the same URL rule.
    writeFileSync(f('ftp-ocsp.json'), JSON.stringify({ ...starter, id: 'ftp-ocsp', profile: { ...starter.profile, name: 'FTP OCSP', ocspUrls: ['ftp://ocsp.example.com'] } }))
    const refused = await pk(['--json', 'profile', 'create', f('ftp-ocsp.json'), '--id', 'ftp-ocsp'])
    expect(refused.code).toBe(1)
    expect(JSON.parse(refused.stdout || refused.stderr)).toMatchObject({ error: { code: 'EXTENSION_URL_SCHEME', field: 'ocspUrls.0' } })
  })

  it('--clear removes one kind; a CA with no URLs issues leaves without CRL DP or AIA', async () => {
    const cleared = await pkJson<{ urls: Urls }>(['ca', 'set', 'Issuing', '--clear', 'ocsp', '--clear', 'crl'])
    expect(cleared.urls).toEqual({ crlDistributionPoints: [], ocspUrls: [], caIssuersUrls: ['http://pki.example.com/issuing.crt'] })
    const leaf = await issueAndRead('tls-server', 'web3.example.com')
    expect(leaf).not.toContain('OCSP')
    expect(leaf).not.toContain('.crl')
    expect(leaf).toContain('CA Issuers - URI:http://pki.example.com/issuing.crt')
    await pkJson(['ca', 'set', 'Issuing', '--clear', 'ca-issuers'])
    const [r] = await pkJson<{ certificate: string }[]>(['issue', '--ca', 'Issuing', '--profile', 'tls-server', await csrFile('web4.example.com')])
    writeFileSync(f('web4.pem'), r!.certificate)
    const text = openssl(['x509', '-in', f('web4.pem'), '-noout', '-text']).out
    expect(text).not.toContain('CRL Distribution Points')
    expect(text).not.toContain('Authority Information Access')
  })

  it('refuses bad URLs with a code naming the flag (exit 2) and keeps what was set', async () => {
    await pkJson(['ca', 'set', 'Issuing', '--ocsp-url', 'http://ocsp.example.com'])
    const cases: [string[], string, RegExp][] = [
      [['--crl-url', 'ftp://pki.example.com/a.crl'], 'EXTENSION_URL_SCHEME', /uses ftp: only http, https, ldap URLs are allowed/],
      [['--ocsp-url', 'ldap://dir.example.com/'], 'EXTENSION_URL_SCHEME', /only http, https URLs/],
      [['--ca-issuers-url', 'pki.example.com/ca.crt'], 'EXTENSION_URL_INVALID', /is not a URL/],
      [['--crl-url', `http://pki.example.com/${'x'.repeat(1100)}`], 'EXTENSION_URL_TOO_LONG', /more than the 1024 allowed/],
      [['--ocsp-url', 'http://a.example', '--ocsp-url', 'http://b.example', '--ocsp-url', 'http://c.example', '--ocsp-url', 'http://d.example', '--ocsp-url', 'http://e.example', '--ocsp-url', 'http://f.example'], 'EXTENSION_URLS_TOO_MANY', /6 OCSP responder URLs/],
      [['--ocsp-url', 'http://x.example', '--clear', 'ocsp'], 'CONFLICTING_OPTIONS', /contradict/],
      [[], 'MISSING_INPUT', /Say what to set/]
    ]
    for (const [flags, code, message] of cases) {
      const r = await pk(['ca', 'set', 'Issuing', ...flags])
      expect(r.code, flags.join(' ')).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]`))
      expect(r.stderr).toMatch(message)
    }
    const badKind = await pk(['ca', 'set', 'Issuing', '--clear', 'everything'])
    expect(badKind.code).toBe(2)
    expect((await pkJson<{ urls: Urls }>(['ca', 'show', 'Issuing'])).urls.ocspUrls).toEqual(['http://ocsp.example.com'])
    const json = await pk(['--json', 'ca', 'set', 'Issuing', '--crl-url', 'gopher://x.example/'])
    expect(JSON.parse(json.stdout || json.stderr)).toMatchObject({ error: { code: 'EXTENSION_URL_SCHEME', field: '--crl-url' } })
  })

  it('every change is audited with the URLs before and after', async () => {
    await pkJson(['audit', 'export', '--out', f('audit.jsonl')])
    const entries = readFileSync(f('audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; details: string })
      .filter((e) => e.action === 'authority.urls')
      .map((e) => JSON.parse(e.details) as { name: string; before: Urls; after: Urls })
    expect(entries.map((e) => e.name)).toEqual(['Root', 'Issuing', 'Issuing', 'Issuing', 'Issuing'])
    expect(entries[1]).toMatchObject({ before: { ocspUrls: [] }, after: { ocspUrls: ['http://ocsp.example.com'] } })
    expect(entries[2]).toMatchObject({ before: { ocspUrls: ['http://ocsp.example.com'] }, after: { ocspUrls: [], crlDistributionPoints: [] } })
    expect((await pkJson<{ intact: boolean }>(['audit', 'verify'])).intact).toBe(true)
  })
})

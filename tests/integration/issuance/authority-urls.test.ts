// authorities:setUrls over the IPC dispatch: main holds the URL rule itself (a coded refusal
// on the URL's field, nothing stored, nothing audited), the preview names where each URL
// comes from, and the issued certificate carries them (node's X509Certificate reads the AIA,
// OpenSSL the CRL distribution point).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { ChannelName } from '../../../src/shared/ipc/contract'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const tmp = tempDir('pkidesk-ca-urls-')
let services: Services
let handlers: Handlers
let ca: { id: string; pem: string }
const CSR = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=app.example.com', '-addext', 'subjectAltName=DNS:app.example.com']).out

/** The IPC answer, read loosely: dispatch validated it against the contract. */
async function dispatched(channel: ChannelName, req: unknown): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: { code: string; field?: string; message: string } }> {
  return (await dispatch(handlers, channel, req)) as never
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
  handlers = createHandlers(services)
  ca = await createRootCa(services, 'Rule Root')
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

const auditCount = (): number => {
  const r = services.audit.list({ offset: 0, action: 'authority.urls', limit: 100 })
  return r.ok ? r.value.total : -1
}

describe('authorities:setUrls', () => {
  it('refuses a URL main does not accept, on its field, storing and auditing nothing', async () => {
    for (const [urls, code, field] of [
      [{ crlDistributionPoints: ['ftp://pki.example.com/a.crl'] }, 'EXTENSION_URL_SCHEME', 'crlDistributionPoints.0'],
      [{ ocspUrls: ['http://ocsp.example.com', 'ldap://dir.example.com/'] }, 'EXTENSION_URL_SCHEME', 'ocspUrls.1'],
      [{ caIssuersUrls: [`http://pki.example.com/${'x'.repeat(1100)}`] }, 'EXTENSION_URL_TOO_LONG', 'caIssuersUrls.0']
    ] as const) {
      const r = await dispatched('authorities:setUrls', { authorityId: ca.id, urls })
      expect(r.ok ? 'stored' : r.error).toMatchObject({ code, field })
    }
    expect(services.authorities.list().find((a) => a.id === ca.id)?.urls).toEqual({ crlDistributionPoints: [], ocspUrls: [], caIssuersUrls: [] })
    expect(auditCount()).toBe(0)
    expect(await dispatched('authorities:setUrls', { authorityId: 'no-such-ca', urls: {} })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_NOT_FOUND' } })
  })

  it('stores the URLs; the preview names the CA as their source and the certificate carries them', async () => {
    const set = await dispatched('authorities:setUrls', { authorityId: ca.id, urls: { crlDistributionPoints: ['http://pki.example.com/rule.crl'], ocspUrls: ['http://ocsp.example.com'], caIssuersUrls: ['http://pki.example.com/rule.crt'] } })
    expect(set.ok && (set.value.urls as { ocspUrls: string[] }).ocspUrls).toEqual(['http://ocsp.example.com'])
    expect(auditCount()).toBe(1)

    const preview = await dispatched('profiles:preview', { csrPem: CSR, authorityId: ca.id })
    if (!preview.ok) throw new Error(preview.error.message)
    const rows = preview.value.rows as { field: string; result: string; reason: string }[]
    expect(rows.filter((r) => /crl|authorityInfo/.test(r.field)).map((r) => [r.field, r.result, r.reason])).toEqual([
      ['crlDistributionPoints', 'http://pki.example.com/rule.crl', 'set on the CA "Rule Root"'],
      ['authorityInfoAccess.ocsp', 'http://ocsp.example.com', 'set on the CA "Rule Root"'],
      ['authorityInfoAccess.caIssuers', 'http://pki.example.com/rule.crt', 'set on the CA "Rule Root"']
    ])

    const issued = await dispatched('certificates:issue', { authorityId: ca.id, profileId: null, items: [{ csrPem: CSR, input: {} }] })
    const first = issued.ok ? (issued.value.results as { ok: boolean; certificateId: number }[])[0] : undefined
    if (!first?.ok) throw new Error(JSON.stringify(issued))
    const detail = services.certificates.get(first.certificateId)
    if (!detail.ok) throw new Error(detail.error.message)
    const x = new X509Certificate(detail.value.view.pem)
    expect(x.infoAccess).toContain('OCSP - URI:http://ocsp.example.com')
    expect(x.infoAccess).toContain('CA Issuers - URI:http://pki.example.com/rule.crt')
    const file = tmp.write('leaf.pem', detail.value.view.pem)
    expect(openssl(['x509', '-in', file, '-noout', '-ext', 'crlDistributionPoints']).out).toContain('URI:http://pki.example.com/rule.crl')
  })
})

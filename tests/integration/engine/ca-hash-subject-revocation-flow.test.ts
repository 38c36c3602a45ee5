/* eslint-disable @typescript-eslint/no-explicit-any -- IPC responses are read loosely; dispatch validated them against the contract */
// Certificate-content and policy rules end to end over createServices and the IPC dispatch,
// every artifact read back by OpenSSL: the signature hash follows the signing key for CA
// certificates and CRLs, CA subjects within RFC 5280, honorExtensions, multi-valued RDNs, IP
// CNs, revocation reasons, and a revoked CA shown as such and refused as an issuer while it
// still signs CRLs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { ChannelName } from '../../../src/shared/ipc/contract'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { countRows, openStoreFile, type StoreFile } from '../store-file'

const PASS = 'correct horse battery staple'
const tmp = tempDir('pkidesk-review-flow-')
let services: Services
let file: StoreFile
let handlers: Handlers

async function call<T = any>(channel: ChannelName, req: unknown): Promise<T> {
  const r = await dispatch(handlers, channel, req)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}
async function failure(channel: ChannelName, req: unknown): Promise<{ code: string; message: string; field?: string }> {
  const r = await dispatch(handlers, channel, req)
  if (r.ok) throw new Error(`${channel} succeeded`)
  return r.error
}
const pemOf = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8')

const caInput = (name: string, parentId: string | null, keySpec: string, hash = 'SHA-256', subject: unknown = [[{ type: 'C', value: 'DE' }], [{ type: 'CN', value: name }]]) => ({
  name,
  parentId,
  subject,
  keySpec,
  protection: 'passphrase',
  passphrase: PASS,
  validityDays: parentId ? 1000 : 3650,
  pathLength: parentId ? 0 : 1,
  nameConstraints: null,
  signature: { hash, rsaPss: false },
  crlDistributionPoints: [],
  ocspUrls: [],
  caIssuersUrls: []
})

/** A CSR made by OpenSSL with a fresh P-256 key. */
function opensslCsr(name: string, subj: string, addext: string[] = [], extra: string[] = []): string {
  const key = tmp.path(`${name}.key`)
  const out = tmp.path(`${name}.csr`)
  const args = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', subj, ...extra, ...addext.flatMap((e) => ['-addext', e]), '-out', out]
  const r = openssl(args)
  if (r.status !== 0) throw new Error(r.out)
  return openssl(['req', '-in', out]).out.slice(openssl(['req', '-in', out]).out.indexOf('-----BEGIN'))
}

let root: any
let issuing: any
let rootPem: string
let chainFile: string

async function exportChain(certificateId: number, name: string): Promise<string> {
  const r = await call('certificates:export', { id: certificateId, format: 'pem-chain' })
  return tmp.write(name, pemOf(r.base64))
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 }, emit: () => undefined })
  file = openStoreFile(tmp.dir)
  handlers = createHandlers(services)
  // A P-384 root; the P-256 intermediate under it asks for SHA-256 (the CLI's default for its own key).
  root = await call('authorities:create', caInput('Review Root', null, 'ec-p384', 'SHA-256'))
  issuing = await call('authorities:create', caInput('Review Issuing', root.id, 'ec-p256', 'SHA-256'))
  rootPem = tmp.write('root.pem', (await call('authorities:get', { authorityId: root.id })).certificatePem)
  chainFile = tmp.write('issuing.pem', (await call('authorities:get', { authorityId: issuing.id })).certificatePem)
})

afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

describe('the signing key decides the hash', () => {
  it('the P-384 root signs itself and the P-256 intermediate with SHA-384; OpenSSL verifies', () => {
    expect(openssl(['x509', '-in', rootPem, '-noout', '-text']).out).toContain('Signature Algorithm: ecdsa-with-SHA384')
    expect(openssl(['x509', '-in', chainFile, '-noout', '-text']).out).toContain('Signature Algorithm: ecdsa-with-SHA384')
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, chainFile]).out).toContain(': OK')
  })
  it("CRLs follow the CA's key whatever the CRL settings say", async () => {
    await call('authorities:updateCrlSettings', { authorityId: issuing.id, settings: { validityHours: 24, hash: 'SHA-512', rsaPss: false } })
    const rootCrl = await call('crl:generate', { authorityId: root.id })
    const issCrl = await call('crl:generate', { authorityId: issuing.id })
    const text = async (id: number) => openssl(['crl', '-noout', '-text'], pemOf((await call('crl:export', { id, format: 'pem' })).base64)).out
    expect(await text(rootCrl.id)).toContain('Signature Algorithm: ecdsa-with-SHA384')
    expect(await text(issCrl.id)).toContain('Signature Algorithm: ecdsa-with-SHA256')
  })
})

describe('CA subjects within RFC 5280', () => {
  it('refuses C=Germany and a 65-character CN, naming the subject', async () => {
    const bad = await failure('authorities:create', caInput('Bad C', null, 'ec-p256', 'SHA-256', [[{ type: 'C', value: 'Germany' }], [{ type: 'CN', value: 'x' }]]))
    expect(bad).toMatchObject({ code: 'SUBJECT_COUNTRY_INVALID', field: 'subject' })
    expect(bad.message).toContain('Germany')
    expect(await failure('authorities:create', caInput('Long CN', null, 'ec-p256', 'SHA-256', [[{ type: 'CN', value: 'c'.repeat(65) }]]))).toMatchObject({ code: 'SUBJECT_ATTRIBUTE_TOO_LONG', field: 'subject' })
    expect(await failure('authorities:createCsr', { name: 'Bad CSR', subject: [[{ type: 'C', value: 'de' }], [{ type: 'CN', value: 'x' }]], keySpec: 'ec-p256', protection: 'passphrase', passphrase: PASS, signature: { hash: 'SHA-256', rsaPss: false } })).toMatchObject({
      code: 'SUBJECT_COUNTRY_INVALID'
    })
    expect((await call('authorities:list', {})).items.map((a: any) => a.name)).not.toContain('Bad C')
  })
})

describe('issuance with a profile that honors the request', () => {
  let profileId: string
  beforeAll(async () => {
    const p = await call('profiles:create', {
      id: 'honor-all',
      profile: {
        name: 'Honor all',
        honorSubject: true,
        honorExtensions: true,
        keyUsage: ['digitalSignature'],
        extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
        san: { includeCommonName: true }
      }
    })
    profileId = p.id
  })
  const issue = (csrPem: string, confirmWarnings = false) => call('certificates:issue', { authorityId: issuing.id, profileId, confirmWarnings, items: [{ csrPem }] })

  it('item 2: refuses the CT poison and an unknown critical extension', async () => {
    const poison = await issue(opensslCsr('poison', '/CN=poison.example.com', ['subjectAltName=DNS:poison.example.com', '1.3.6.1.4.1.11129.2.4.3=critical,ASN1:NULL']), true)
    expect(poison.results[0].error).toMatchObject({ code: 'POLICY_REFUSED' })
    expect(poison.results[0].error.message).toContain('precertificate poison')
    const unknown = await issue(opensslCsr('unknown', '/CN=unknown.example.com', ['subjectAltName=DNS:unknown.example.com', '1.2.3.4.6=critical,ASN1:NULL']), true)
    expect(unknown.results[0].error.code).toBe('POLICY_REFUSED')
    expect(unknown.results[0].error.message).toContain('1.2.3.4.6')
  })

  it('item 2: copies a well-formed TLS Feature only after confirmation, drops a malformed Subject Directory Attributes; OpenSSL verifies', async () => {
    const csr = opensslCsr('tlsf', '/CN=staple.example.com', ['subjectAltName=DNS:staple.example.com', 'tlsfeature=status_request', '2.5.29.9=ASN1:NULL'])
    const unconfirmed = await issue(csr)
    expect(unconfirmed.results[0].error.code).toBe('POLICY_WARNINGS_UNCONFIRMED')
    const r = await issue(csr, true)
    expect(r.issued).toBe(1)
    const file = await exportChain(r.results[0].certificateId, 'tlsf.pem')
    const text = openssl(['x509', '-in', file, '-noout', '-text']).out
    expect(text).toContain('TLS Feature')
    expect(text).not.toContain('Subject Directory Attributes')
    expect(text).not.toContain('1.2.3.4.6')
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', file, file]).out).toContain(': OK')
  })

  it("item 6: issuance signs with the issuing key's hash, whatever the profile says", async () => {
    await call('profiles:create', { id: 'sha384', profile: { name: 'SHA-384 profile', signature: { hash: 'SHA-384' }, keyUsage: ['digitalSignature'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'], san: { includeCommonName: true } } })
    const byP256 = await call('certificates:issue', { authorityId: issuing.id, profileId: 'sha384', items: [{ csrPem: opensslCsr('h1', '/CN=h1.example.com') }] })
    expect(byP256.issued).toBe(1)
    expect(openssl(['x509', '-in', await exportChain(byP256.results[0].certificateId, 'h1.pem'), '-noout', '-text']).out).toContain('Signature Algorithm: ecdsa-with-SHA256')
    const byP384 = await call('certificates:issue', { authorityId: root.id, profileId, items: [{ csrPem: opensslCsr('h2', '/CN=h2.example.com') }] })
    expect(byP384.issued).toBe(1)
    const file = await exportChain(byP384.results[0].certificateId, 'h2.pem')
    expect(openssl(['x509', '-in', file, '-noout', '-text']).out).toContain('Signature Algorithm: ecdsa-with-SHA384')
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, file]).out).toContain(': OK')
  })

  it('item 4: CN+UID stays one RDN', async () => {
    const r = await issue(opensslCsr('mv', '/C=CH/CN=zurich.example.com+UID=jdoe', ['subjectAltName=DNS:zurich.example.com'], ['-multivalue-rdn']))
    expect(r.issued).toBe(1)
    const file = await exportChain(r.results[0].certificateId, 'mv.pem')
    expect(openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253']).out).toMatch(/subject=(UID=jdoe\+CN=zurich\.example\.com|CN=zurich\.example\.com\+UID=jdoe),C=CH/)
  })

  it('item 8: CN=192.168.1.1 gives an iPAddress SAN only', async () => {
    const r = await issue(opensslCsr('ip', '/CN=192.168.1.1', ['subjectAltName=DNS:192.168.1.1']))
    expect(r.issued).toBe(1)
    const file = await exportChain(r.results[0].certificateId, 'ip.pem')
    const san = openssl(['x509', '-in', file, '-noout', '-ext', 'subjectAltName']).out
    expect(san).toContain('IP Address:192.168.1.1')
    expect(san).not.toContain('DNS:')
  })
})

describe('revocation', () => {
  it('refuses removeFromCRL as a reason (certificateHold is a hold: tests/integration/revocation/hold-release.test.ts)', async () => {
    const list = await call('certificates:list', { authorityId: issuing.id })
    const id = list.items[0].id
    expect(await failure('certificates:revoke', { id, reason: 'removeFromCRL' })).toMatchObject({ code: 'REVOCATION_REASON_NOT_ALLOWED', field: 'reason' })
    expect((await call('certificates:get', { id })).status).not.toBe('revoked')
  })

  it("a CA whose own certificate is revoked shows as revoked, may not issue or sign a CA, and still signs CRLs listing what it revoked", async () => {
    expect((await call('authorities:get', { authorityId: issuing.id })).revoked).toBe(false)
    await call('certificates:revoke', { id: issuing.certificateId, reason: 'cACompromise' })
    const listed = (await call('authorities:list', {})).items.find((a: any) => a.id === issuing.id)
    expect(listed).toMatchObject({ revoked: true, revocationReason: 'cACompromise', canIssue: false, cannotIssueReason: { code: 'AUTHORITY_REVOKED' } })
    expect((await call('authorities:get', { authorityId: issuing.id })).revoked).toBe(true)
    const gate = services.authorities.requireIssuing(issuing.id)
    expect(gate.ok ? 'OK' : gate.error.code).toBe('AUTHORITY_REVOKED')
    // Issuance itself goes through that gate: nothing is signed by the revoked CA.
    const before = countRows(file.db, 'certificates')
    expect(await failure('certificates:issue', { authorityId: issuing.id, profileId: null, items: [{ csrPem: opensslCsr('after-revoke', '/CN=late.example.com') }] })).toMatchObject({ code: 'AUTHORITY_REVOKED' })
    expect(countRows(file.db, 'certificates')).toBe(before)
    expect(services.authorities.requireIssuing(root.id).ok).toBe(true)
    // The root's CRL lists the intermediate; OpenSSL rejects the chain with it.
    const crl = await call('crl:generate', { authorityId: root.id })
    const crlFile = tmp.write('root.crl.pem', pemOf((await call('crl:export', { id: crl.id, format: 'pem' })).base64))
    expect(openssl(['verify', '-crl_check', '-CAfile', rootPem, '-CRLfile', crlFile, chainFile]).out).toContain('certificate revoked')
    // The revoked CA still publishes CRLs.
    expect((await call('crl:generate', { authorityId: issuing.id })).crlNumber).toBeGreaterThan(0)
  })
})

describe('issuance wiring: key separation and the issuer-paired hash without a profile', () => {
  it('a CA key may be re-certified as a CA (cross-certificate) but never as an end entity', async () => {
    const pending = await call('authorities:createCsr', {
      name: 'Cross Sub',
      subject: [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'Cross Sub CA' }]],
      keySpec: 'ec-p256',
      protection: 'passphrase',
      passphrase: PASS,
      signature: { hash: 'SHA-256', rsaPss: false }
    })
    const asEndEntity = await call('certificates:issue', { authorityId: root.id, profileId: null, items: [{ csrPem: pending.csrPem }] })
    expect(asEndEntity.results[0]).toMatchObject({ ok: false, error: { code: 'CSR_KEY_IS_CA_KEY' } })
    expect(asEndEntity.results[0].error.message).toMatch(/use a CA profile to re-certify/)
    const asCa = await call('certificates:issue', { authorityId: root.id, profileId: 'intermediate-ca', confirmWarnings: true, items: [{ csrPem: pending.csrPem }] })
    expect(asCa.results[0]).toMatchObject({ ok: true })
    const pem = pemOf((await call('certificates:export', { id: asCa.results[0].certificateId, format: 'pem' })).base64)
    const text = openssl(['x509', '-noout', '-text'], pem).out
    expect(text).toMatch(/CA:TRUE/)
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem], pem).out).toContain('OK')
  })

  it("without a profile, a P-384 issuer signs with SHA-384 and refuses an explicit SHA-256", async () => {
    const paired = await call('certificates:issue', { authorityId: root.id, profileId: null, items: [{ csrPem: opensslCsr('np1', '/CN=np1.example.com', ['subjectAltName=DNS:np1.example.com']) }] })
    expect(paired.results[0]).toMatchObject({ ok: true })
    const pem = pemOf((await call('certificates:export', { id: paired.results[0].certificateId, format: 'pem' })).base64)
    expect(new X509Certificate(pem).toString()).toBeTruthy()
    expect(openssl(['x509', '-noout', '-text'], pem).out).toMatch(/Signature Algorithm: ecdsa-with-SHA384/)
    const conflicting = await call('certificates:issue', {
      authorityId: root.id,
      profileId: null,
      items: [{ csrPem: opensslCsr('np2', '/CN=np2.example.com', ['subjectAltName=DNS:np2.example.com']), input: { subject: {}, sans: [], signatureHash: 'SHA-256' } }]
    })
    expect(conflicting.results[0]).toMatchObject({ ok: false })
    expect(JSON.stringify(conflicting.results[0].error)).toMatch(/SHA-384/)
  })
})

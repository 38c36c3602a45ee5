/* eslint-disable @typescript-eslint/no-explicit-any -- IPC responses are read loosely; dispatch validated them against the contract */
// The signing engine end to end over createServices and the IPC dispatch (schemas checked
// both ways): CA hierarchy, batch issuance, export in every format, revocation and CRLs,
// every artifact checked by OpenSSL, keytool and node:crypto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import type { EventName, EventPayload } from '../../../src/shared/ipc/events'
import type { ChannelName } from '../../../src/shared/ipc/contract'
import { keytool, openssl, tempDir, FIXTURES } from '../../unit/engine/helpers'

const PASS = 'correct horse battery staple'
const tmp = tempDir('pkidesk-flow-')
let services: Services
let file: StoreFile
let handlers: Handlers
const events: { name: EventName; payload: unknown }[] = []

// Responses are read loosely here: dispatch has already validated them against the contract.
async function call<T = any>(channel: ChannelName, req: unknown): Promise<T> {
  const r = await dispatch(handlers, channel, req)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}
async function callErr(channel: ChannelName, req: unknown): Promise<string> {
  const r = await dispatch(handlers, channel, req)
  return r.ok ? 'OK' : r.error.code
}
const csrPem = (name: string): string => readFileSync(`${FIXTURES}/${name}`, 'utf8')
const pemOf = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8')

const subject = (cn: string) => [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Flow Test' }], [{ type: 'CN', value: cn }]]
const caInput = (name: string, parentId: string | null, keySpec: string, validityDays: number, pathLength: number | null) => ({
  name,
  parentId,
  subject: subject(name),
  keySpec,
  protection: 'passphrase',
  passphrase: PASS,
  validityDays,
  pathLength,
  nameConstraints: null,
  signature: { hash: 'SHA-256', rsaPss: false },
  crlDistributionPoints: ['http://crl.example.com/ca.crl'],
  ocspUrls: [],
  caIssuersUrls: []
})

let root: any
let issuing: any
let rootPem: string
let issuingPem: string

beforeAll(async () => {
  services = createServices({
    dataDir: tmp.dir,
    keychain: createMemoryKeychain(),
    scrypt: { N: 2 ** 14, r: 8, p: 1 },
    emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void events.push({ name, payload })
  })
  file = openStoreFile(tmp.dir)
  handlers = createHandlers(services)
  root = await call('authorities:create', caInput('Flow Root', null, 'ec-p256', 3650, 1))
  issuing = await call('authorities:create', caInput('Flow Issuing', root.id, 'rsa-2048', 1825, 0))
  rootPem = tmp.write('root.pem', (await call('authorities:get', { authorityId: root.id })).certificatePem)
  issuingPem = tmp.write('issuing.pem', (await call('authorities:get', { authorityId: issuing.id })).certificatePem)
})

afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

describe('CA hierarchy', () => {
  it('creates a root and an intermediate that OpenSSL verifies strictly, with CA extensions', () => {
    expect(root.state).toBe('active')
    expect(root.selfSigned).toBe(true)
    expect(root.unlocked).toBe(true)
    expect(issuing.parentId).toBe(root.id)
    expect(issuing.pathLength).toBe(0)
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, issuingPem]).out).toContain(': OK')
    const text = openssl(['x509', '-in', issuingPem, '-noout', '-text']).out
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/)
    expect(text).toContain('Authority Key Identifier')
    expect(text).toContain('Public-Key: (2048 bit)')
    expect(events.some((e) => e.name === 'changed' && (e.payload as { domain?: string }).domain === 'authorities')).toBe(true)
  })

  it('refuses a CA that would outlive its parent, a second CA under a pathlen:0 CA, and a taken name', async () => {
    expect(await callErr('authorities:create', caInput('Too Long', root.id, 'ec-p256', 3651 + 10, 0))).toBe('NOT_AFTER_BEYOND_ISSUER')
    expect(await callErr('authorities:create', caInput('Below Zero', issuing.id, 'ec-p256', 100, null))).toBe('ISSUER_PATH_LENGTH_EXHAUSTED')
    expect(await callErr('authorities:create', caInput('Flow Root', null, 'ec-p256', 100, null))).toBe('NAME_TAKEN')
  })

  it('makes a CSR for an external parent, then imports the certificate OpenSSL issued', async () => {
    const r = await call('authorities:createCsr', { name: 'External Child', subject: subject('External Child'), keySpec: 'ec-p384', protection: 'passphrase', passphrase: PASS, signature: { hash: 'SHA-384', rsaPss: false } })
    expect(r.authority.state).toBe('pending-certificate')
    const csrFile = tmp.write('ext.csr', r.csrPem)
    expect(openssl(['req', '-in', csrFile, '-verify', '-noout']).out).toMatch(/verify OK/)
    // An external root made by OpenSSL signs it.
    const extKey = tmp.path('ext-root.key')
    const extRoot = tmp.path('ext-root.pem')
    expect(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', extKey, '-subj', '/CN=External Root', '-days', '3650', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', extRoot]).status).toBe(0)
    const extFile = tmp.write('ext.cnf', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    const child = tmp.path('ext-child.pem')
    expect(openssl(['x509', '-req', '-in', csrFile, '-CA', extRoot, '-CAkey', extKey, '-days', '365', '-extfile', extFile, '-out', child]).status).toBe(0)
    expect(await callErr('authorities:importCertificate', { authorityId: r.authority.id, certificate: { encoding: 'pem', data: readFileSync(rootPem, 'utf8') } })).toBe('CERTIFICATE_KEY_MISMATCH')
    const done = await call('authorities:importCertificate', { authorityId: r.authority.id, certificate: { encoding: 'pem', data: readFileSync(child, 'utf8') } })
    expect(done.state).toBe('active')
    const issued = await call('certificates:issue', { authorityId: done.id, profileId: null, items: [{ csrPem: csrPem('csr-p256.pem') }] })
    expect(issued.issued).toBe(1)
    const leaf = await call('certificates:export', { id: issued.results[0].certificateId, format: 'pem-chain' })
    const chainFile = tmp.write('ext-chain.pem', pemOf(leaf.base64))
    expect(openssl(['verify', '-x509_strict', '-CAfile', extRoot, '-untrusted', chainFile, chainFile]).out).toContain(': OK')
  })

  it('imports an existing CA from a PFX made by openssl pkcs12 -export, and refuses a wrong PFX password', async () => {
    const key = tmp.path('pfx-ca.key')
    const cert = tmp.path('pfx-ca.pem')
    const pfx = tmp.path('pfx-ca.p12')
    expect(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', key, '-subj', '/CN=PFX CA', '-days', '100', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', cert]).status).toBe(0)
    expect(openssl(['pkcs12', '-export', '-inkey', key, '-in', cert, '-passout', `pass:${PASS}`, '-out', pfx]).status).toBe(0)
    const data = readFileSync(pfx).toString('base64')
    const wrong = await dispatch(handlers, 'authorities:import', { name: 'PFX CA', source: { kind: 'pfx', pfx: { encoding: 'base64', data }, pfxPassword: 'not the password' }, protection: 'passphrase', passphrase: PASS })
    expect(wrong.ok).toBe(false)
    const ca = await call('authorities:import', { name: 'PFX CA', source: { kind: 'pfx', pfx: { encoding: 'base64', data }, pfxPassword: PASS }, protection: 'passphrase', passphrase: PASS })
    expect(ca).toMatchObject({ state: 'active', keySpec: 'ec-p384', selfSigned: true })
    const issued = await call('certificates:issue', { authorityId: ca.id, profileId: null, items: [{ csrPem: csrPem('csr-ed25519.pem') }] })
    const leaf = tmp.write('pfx-leaf.pem', pemOf((await call('certificates:export', { id: issued.results[0].certificateId, format: 'pem' })).base64))
    expect(openssl(['verify', '-x509_strict', '-CAfile', cert, leaf]).out).toContain(': OK')
  })

  it('imports an existing CA from certificate + encrypted PKCS#8, and refuses a CSR carrying that CA key', async () => {
    const key = tmp.path('imp.key')
    const cert = tmp.path('imp.pem')
    expect(openssl(['req', '-x509', '-newkey', 'rsa:2048', '-keyout', key, '-passout', `pass:${PASS}`, '-subj', '/CN=Imported CA', '-days', '100', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', cert]).status).toBe(0)
    const imported = await call('authorities:import', {
      name: 'Imported CA',
      source: { kind: 'pem', certificate: { encoding: 'pem', data: readFileSync(cert, 'utf8') }, key: { encoding: 'pem', data: readFileSync(key, 'utf8') }, keyPassword: PASS },
      protection: 'passphrase',
      passphrase: PASS
    })
    expect(imported.state).toBe('active')
    expect(imported.selfSigned).toBe(true)
    const caCsr = tmp.path('ca-key.csr')
    expect(openssl(['req', '-new', '-key', key, '-passin', `pass:${PASS}`, '-subj', '/CN=sneaky', '-out', caCsr]).status).toBe(0)
    const r = await call('certificates:issue', { authorityId: issuing.id, profileId: null, items: [{ csrPem: readFileSync(caCsr, 'utf8') }] })
    expect(r.results[0]).toMatchObject({ ok: false, error: { code: 'CSR_KEY_IS_CA_KEY' } })
  })
})

describe('issuance, export, revocation, CRLs', () => {
  let ids: number[] = []

  it('issues a batch: per-item results, progress events, rows + audit entries, chain verified by OpenSSL and node:crypto', async () => {
    const auditBefore = services.audit.verify()
    const names = ['csr-rsa2048.pem', 'csr-p256.pem', 'csr-p384.pem', 'csr-p521.pem', 'csr-ed25519.pem', 'csr-ed448.pem', 'csr-rsa3072.pem']
    const items = [...names.map((n: any) => ({ csrPem: csrPem(n) })), { csrPem: csrPem('bad-md5.pem') }, { csrPem: csrPem('not-a-csr-certificate.pem') }]
    const r = await call('certificates:issue', { operationId: 'op-1', authorityId: issuing.id, profileId: null, items })
    expect(r.operationId).toBe('op-1')
    expect(r.issued).toBe(7)
    expect(r.failed).toBe(2)
    expect(r.results.slice(7).map((x: any) => x.error.code)).toEqual(['SIGNATURE_ALGORITHM_UNSUPPORTED', 'CSR_IS_CERTIFICATE'])
    const progress = events.filter((e: any) => e.name === 'progress' && (e.payload as { operationId?: string }).operationId === 'op-1').map((e: any) => e.payload)
    expect(progress.at(-1)).toMatchObject({ done: 9, total: 9, finished: true })
    ids = r.results.filter((x: any) => x.ok).map((x: any) => x.certificateId)
    const auditAfter = services.audit.verify()
    expect(auditAfter.intact).toBe(true)
    expect(auditAfter.entries - auditBefore.entries).toBe(7)
    for (const id of ids) {
      const e = await call('certificates:export', { id, format: 'pem' })
      const file = tmp.write(`leaf-${id}.pem`, pemOf(e.base64))
      expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', issuingPem, file]).out).toContain(': OK')
      const x = new X509Certificate(readFileSync(file))
      expect(x.verify(new X509Certificate(readFileSync(issuingPem)).publicKey)).toBe(true)
      expect(x.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/)
    }
  })

  it('certificates:get decodes every field in words, with fingerprints and the chain', async () => {
    const d = await call('certificates:get', { id: ids[0] })
    const x = new X509Certificate(d.view.pem)
    expect(d.view.fingerprints.sha256).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase())
    expect(d.view.fingerprints.sha1).toBe(x.fingerprint.replace(/:/g, '').toLowerCase())
    expect(d.chain.map((c: any) => c.authorityId)).toEqual([issuing.id, root.id])
    expect(d.view.extensions.map((e: any) => e.name)).toEqual([
      'Basic Constraints',
      'Key Usage',
      'Extended Key Usage',
      'Subject Alternative Name',
      'Subject Key Identifier',
      'Authority Key Identifier'
    ])
    expect(d.view.extensions[3].lines).toContain('UPN:ops@corp.example')
    expect(d.status).toBe('issued')
    expect(d.profileId).toBeNull()
  })

  it('exports PEM, DER, the chain end-entity → root, PKCS#7 (DER and PEM) as OpenSSL reads them', async () => {
    const id = ids[1]
    const der = await call('certificates:export', { id, format: 'der' })
    expect(der.fileName).toMatch(/\.cer$/)
    expect(new X509Certificate(Buffer.from(der.base64, 'base64')).subject).toContain('CN=host.example.com')
    const chain = pemOf((await call('certificates:export', { id, format: 'pem-chain' })).base64)
    const subjects = openssl(['crl2pkcs7', '-nocrl', '-certfile', tmp.write('c.pem', chain)]).out
    expect(subjects).toContain('BEGIN PKCS7')
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----/g)!
    expect(blocks).toHaveLength(3)
    expect(new X509Certificate(chain.split('-----END CERTIFICATE-----')[2]! + '-----END CERTIFICATE-----\n').subject).toContain('CN=Flow Root')
    for (const format of ['p7b-der', 'p7b-pem'] as const) {
      const f = await call('certificates:export', { id, format })
      const bytes = Buffer.from(f.base64, 'base64')
      if (format === 'p7b-pem') expect(bytes.toString('utf8')).toMatch(/^-----BEGIN PKCS7-----/)
      // The two encodings never share a default file name: .p7b is the binary one.
      expect(f.fileName).toMatch(format === 'p7b-pem' ? /-pkcs7\.pem$/ : /\.p7b$/)
      const out = openssl(['pkcs7', ...(format === 'p7b-der' ? ['-inform', 'DER'] : []), '-print_certs', '-noout'], bytes).out
      expect(out.match(/subject=/g)).toHaveLength(3)
      expect(out.indexOf('CN = host.example.com')).toBeLessThan(out.indexOf('CN = Flow Root'))
    }
  })

  it('csr:generate that cannot make its request leaves no key behind, and says so in the audit trail', async () => {
    const keysBefore = countRows(file.db, 'vault_keys')
    // An attribute type the encoder does not know: refused only when the request is built.
    const code = await callErr('csr:generate', { subject: [[{ type: '1.2.3.not-an-oid', value: 'x' }]], sans: [], keySpec: 'ec-p256', protection: 'passphrase', passphrase: PASS })
    expect(code).not.toBe('OK')
    expect(countRows(file.db, 'vault_keys')).toBe(keysBefore)
    // Newest first: the removal, the vault locking the key it removes, the generation.
    const last = file.db.prepare('SELECT action FROM audit_log ORDER BY seq DESC LIMIT 3').all() as { action: string }[]
    expect(last.map((r) => r.action)).toEqual(['csr.generate.undone', 'vault.lock', 'csr.generate'])
  })

  it('exports PFX (modern and legacy) with the key the app generated (csr:generate), opened by OpenSSL and keytool', async () => {
    const gen = await call('csr:generate', { subject: [[{ type: 'CN', value: 'generated.example' }]], sans: [{ type: 'dns', value: 'generated.example' }], keySpec: 'ec-p256', protection: 'passphrase', passphrase: PASS })
    expect(JSON.stringify(gen)).not.toMatch(/PRIVATE KEY/)
    const issued = await call('certificates:issue', { authorityId: issuing.id, profileId: null, items: [{ csrPem: gen.pem }] })
    const id = issued.results[0].certificateId
    expect((await call('certificates:get', { id })).hasKey).toBe(true)
    // A PFX never crosses IPC (the window asks main to write it); the service makes it.
    expect(await callErr('certificates:export', { id, format: 'pfx-modern', password: PASS })).toBe('EXPORT_KEY_OVER_IPC')
    const pfxOf = async (certId: number, format: 'pfx-modern' | 'pfx-legacy', password: string) => {
      const r = await services.certificates.export(certId, format, password, true)
      if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`)
      return r.value
    }
    const short = await services.certificates.export(id, 'pfx-modern', 'short', true)
    expect(short.ok ? 'OK' : short.error.code).toBe('PASSPHRASE_TOO_SHORT')
    for (const format of ['pfx-modern', 'pfx-legacy'] as const) {
      const f = await pfxOf(id, format, PASS)
      expect(f.containsKey).toBe(true)
      const file = tmp.write(f.fileName, Buffer.from(f.base64, 'base64'))
      const info = openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${PASS}`, '-nodes'])
      expect(info.status).toBe(0)
      expect(info.out).toContain('BEGIN PRIVATE KEY')
      expect(info.out).toContain(format === 'pfx-modern' ? 'AES-256-CBC' : 'pbeWithSHA1And3-KeyTripleDES-CBC')
      expect(openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:not the password', '-nodes']).status).not.toBe(0)
      const kt = keytool(['-list', '-storetype', 'PKCS12', '-keystore', file, '-storepass', PASS])
      expect(kt.out).toContain('PrivateKeyEntry')
    }
    // A certificate whose key the app does not hold: certificates only.
    const f = await pfxOf(ids[0]!, 'pfx-modern', 'pw')
    expect(f.containsKey).toBe(false)
    expect(openssl(['pkcs12', '-info', '-in', tmp.write('nokey.pfx', Buffer.from(f.base64, 'base64')), '-passin', 'pass:pw', '-nokeys']).out).not.toContain('Shrouded Keybag')
  })

  it('revokes with a reason and invalidity date; CRLs are numbered monotonically and verify -crl_check shows the revoked certificate', async () => {
    const revokedId = ids[2]
    const invalidity = new Date(Date.now() - 3_600_000).toISOString()
    const s = await call('certificates:revoke', { id: revokedId, reason: 'keyCompromise', invalidityDate: invalidity })
    expect(s.status).toBe('revoked')
    expect(await callErr('certificates:revoke', { id: revokedId, reason: 'superseded' })).toBe('ALREADY_REVOKED')
    const settings = await call('authorities:updateCrlSettings', { authorityId: issuing.id, settings: { validityHours: 24, hash: 'SHA-384', rsaPss: true } })
    expect(settings.crlSettings).toEqual({ validityHours: 24, hash: 'SHA-384', rsaPss: true })
    const c1 = await call('crl:generate', { authorityId: issuing.id })
    expect(Date.parse(c1.nextUpdate) - Date.parse(c1.thisUpdate)).toBe(24 * 3_600_000)
    const c2 = await call('crl:generate', { authorityId: issuing.id })
    expect([c1.crlNumber, c2.crlNumber]).toEqual([1, 2])
    expect(c2.entries).toBe(1)
    const list = await call('crl:list', { authorityId: issuing.id })
    expect(list.items.map((c: any) => c.crlNumber)).toEqual([2, 1])
    const pem = pemOf((await call('crl:export', { id: c2.id, format: 'pem' })).base64)
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----/)
    const crlFile = tmp.write('issuing.crl.pem', pem)
    const text = openssl(['crl', '-in', crlFile, '-CAfile', issuingPem, '-verify', '-noout', '-text']).out
    expect(text).toContain('verify OK')
    expect(text).toMatch(/CRL Number: \s+2/)
    expect(text).toMatch(/Key Compromise/)
    expect(text).toContain('Signature Algorithm: rsassaPss')
    expect(text).toMatch(/Hash Algorithm: sha384/)
    const der = Buffer.from((await call('crl:export', { id: c2.id, format: 'der' })).base64, 'base64')
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-hash'], der).status).toBe(0)
    const chainCa = tmp.write('cas.pem', readFileSync(rootPem, 'utf8') + readFileSync(issuingPem, 'utf8'))
    const leaf = tmp.write('revoked.pem', pemOf((await call('certificates:export', { id: revokedId, format: 'pem' })).base64))
    const v = openssl(['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', chainCa, leaf])
    expect(v.out).toContain('certificate revoked')
    const good = tmp.write('good.pem', pemOf((await call('certificates:export', { id: ids[0], format: 'pem' })).base64))
    expect(openssl(['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', chainCa, good]).out).toContain(': OK')
  })

  it('lists with search, status, CA filter, sort and cursor pages', async () => {
    const all = await call('certificates:list', { authorityId: issuing.id, sort: { field: 'serial', direction: 'asc' }, limit: 3 })
    // 7 from the batch + 1 generated-key certificate.
    expect(all.total).toBe(8)
    const seen: string[] = all.items.map((i: any) => i.serial)
    let cursor = all.nextCursor
    while (cursor) {
      const page = await call('certificates:list', { authorityId: issuing.id, sort: { field: 'serial', direction: 'asc' }, limit: 3, cursor })
      seen.push(...page.items.map((i: any) => i.serial))
      cursor = page.nextCursor
    }
    expect(seen).toHaveLength(8)
    expect([...seen].sort()).toEqual(seen)
    const revoked = await call('certificates:list', { status: 'revoked' })
    expect(revoked.items.map((i: any) => i.id)).toEqual([ids[2]])
    const search = await call('certificates:list', { search: 'generated.EXAMPLE' })
    expect(search.items.map((i: any) => i.commonName)).toEqual(['generated.example'])
    const bySerial = await call('certificates:list', { search: seen[0]!.slice(0, 12).toUpperCase().replace(/(..)(?=.)/g, '$1:') })
    expect(bySerial.items.map((i: any) => i.serial)).toEqual([seen[0]])
    const expiring = await call('certificates:list', { expiringWithinDays: 100 })
    expect(expiring.items.every((i: any) => i.status === 'issued')).toBe(true)
    expect(await callErr('certificates:list', { cursor: 'garbage' })).toBe('INVALID_CURSOR')
  })

  it('issues through a stored profile (policy evaluate): its rules shape the certificate, its errors refuse the item', async () => {
    const r = await call('certificates:issue', {
      authorityId: issuing.id,
      profileId: 'tls-server',
      confirmWarnings: true,
      items: [{ csrPem: csrPem('csr-p256.pem') }, { csrPem: csrPem('csr-rsa2048.pem') }]
    })
    expect(r.results[0].ok).toBe(true)
    expect(r.results[1]).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED' } })
    const d = await call('certificates:get', { id: r.results[0].certificateId })
    expect(d.profileId).toBe('tls-server')
    expect(Date.parse(d.notAfter) - Date.parse(d.notBefore)).toBe(90 * 86_400_000)
    const file = tmp.write('profiled.pem', d.view.pem)
    expect(openssl(['verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', issuingPem, file]).out).toContain(': OK')
    expect(openssl(['x509', '-in', file, '-noout', '-ext', 'extendedKeyUsage']).out).toContain('TLS Web Server Authentication')
    // A key already certified for an end entity (csr-p384, in the batch above) may not become a CA's.
    const asCa = await call('certificates:issue', { authorityId: root.id, profileId: 'intermediate-ca', confirmWarnings: true, items: [{ csrPem: csrPem('csr-p384.pem') }] })
    expect(asCa.results[0]).toMatchObject({ ok: false, error: { code: 'KEY_USED_BY_END_ENTITY' } })
    const byProfile = await call('certificates:list', { profileId: 'tls-server' })
    expect(byProfile.items.map((i: any) => i.id)).toEqual([r.results[0].certificateId])
    // The OUs are not in the profile's subject rules: dropped; O comes from the CSR.
    expect(d.subjectText).toBe('CN=host.example.com, O=Acme Ünïcode, C=DE')
    const unconfirmed = await call('certificates:issue', { authorityId: issuing.id, profileId: 'tls-server', items: [{ csrPem: csrPem('csr-p256.pem') }] })
    expect(unconfirmed.results[0].ok).toBe(true) // this request raises no warning, so no confirmation is needed
    expect(await callErr('certificates:issue', { authorityId: issuing.id, profileId: 'no-such-profile', items: [{ csrPem: csrPem('csr-p256.pem') }] })).toBe('PROFILE_NOT_FOUND')
  })

  it('is atomic: when a row cannot be written, no certificate and no audit entry of that chunk remain', async () => {
    const before = countRows(file.db, 'certificates')
    const auditBefore = services.audit.verify().entries
    file.db.exec("CREATE TRIGGER fail_issue BEFORE INSERT ON audit_log WHEN NEW.action = 'certificate.issue' AND NEW.details LIKE '%op-atomic%' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    try {
      await expect(call('certificates:issue', { operationId: 'op-atomic', authorityId: issuing.id, profileId: null, items: [{ csrPem: csrPem('csr-p256.pem') }, { csrPem: csrPem('csr-p384.pem') }] })).rejects.toThrow(/INTERNAL/)
    } finally {
      file.db.exec('DROP TRIGGER fail_issue')
    }
    expect(countRows(file.db, 'certificates')).toBe(before)
    expect(services.audit.verify().entries).toBe(auditBefore)
  })

  it('never lets key material cross IPC and refuses a locked CA', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    void privateKey
    await call('authorities:lock', { authorityId: issuing.id })
    expect(await callErr('certificates:issue', { authorityId: issuing.id, profileId: null, items: [{ csrPem: csrPem('csr-p256.pem') }] })).toBe('AUTHORITY_LOCKED')
    expect(await callErr('crl:generate', { authorityId: issuing.id })).toBe('AUTHORITY_LOCKED')
    expect(await callErr('authorities:unlock', { authorityId: issuing.id, passphrase: 'wrong passphrase!!' })).not.toBe('OK')
    const u = await call('authorities:unlock', { authorityId: issuing.id, passphrase: PASS })
    expect(u.unlocked).toBe(true)
    const detail = await call('authorities:get', { authorityId: issuing.id })
    expect(JSON.stringify(detail)).not.toMatch(/PRIVATE KEY|envelope/)
  })
})

describe('certificate content and policy rules: the hash follows the signing key, CA subjects, honorExtensions, multi-valued RDNs, IP CNs, a revoked CA', () => {
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

    it('refuses the CT poison and an unknown critical extension', async () => {
      const poison = await issue(opensslCsr('poison', '/CN=poison.example.com', ['subjectAltName=DNS:poison.example.com', '1.3.6.1.4.1.11129.2.4.3=critical,ASN1:NULL']), true)
      expect(poison.results[0].error).toMatchObject({ code: 'POLICY_REFUSED' })
      expect(poison.results[0].error.message).toContain('precertificate poison')
      const unknown = await issue(opensslCsr('unknown', '/CN=unknown.example.com', ['subjectAltName=DNS:unknown.example.com', '1.2.3.4.6=critical,ASN1:NULL']), true)
      expect(unknown.results[0].error.code).toBe('POLICY_REFUSED')
      expect(unknown.results[0].error.message).toContain('1.2.3.4.6')
    })

    it('copies a well-formed TLS Feature only after confirmation, drops a malformed Subject Directory Attributes; OpenSSL verifies', async () => {
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

    it("issuance signs with the issuing key's hash, whatever the profile says", async () => {
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

    it('CN+UID stays one RDN', async () => {
      const r = await issue(opensslCsr('mv', '/C=CH/CN=zurich.example.com+UID=jdoe', ['subjectAltName=DNS:zurich.example.com'], ['-multivalue-rdn']))
      expect(r.issued).toBe(1)
      const file = await exportChain(r.results[0].certificateId, 'mv.pem')
      expect(openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253']).out).toMatch(/subject=(UID=jdoe\+CN=zurich\.example\.com|CN=zurich\.example\.com\+UID=jdoe),C=CH/)
    })

    it('CN=192.168.1.1 gives an iPAddress SAN only', async () => {
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
})

describe('certificates.findBySerial', () => {
  it('finds a serial exactly, with or without leading zeros, in any case, never by substring', () => {
    const page = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10 })
    const c = page.ok ? page.value.items[0]! : undefined
    const serial = c!.serial
    const stripped = serial.replace(/^0+/, '')
    for (const spelling of [serial, serial.toUpperCase(), `00${serial}`, `0000${serial}`, stripped, `0${stripped}`])
      expect(services.certificates.findBySerial(spelling).map((r) => r.id), spelling).toEqual([c!.id])
    expect(services.certificates.findBySerial(serial.slice(0, -2))).toEqual([])
    expect(services.certificates.findBySerial(serial, 'another-ca')).toEqual([])
    expect(services.certificates.findBySerial('not hex')).toEqual([])
  })
})

// The authorities service for a CA whose parent is outside PKI Desk, over a real SQLite store:
// a refused install (certificate without keyCertSign, PEM PKCS#7 of another key) leaves the CA
// pending with nothing stored or audited; an install with the chain keeps that chain, so the
// certificates the CA issues export with the external root (OpenSSL reads the PKCS#7); a
// pending CA is discarded with its key (the CLI's undo when its CSR cannot be written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'

const PASS = 'correct horse battery staple'
let dir: string
let services: Services
const f = (name: string): string => join(dir, name)
const openssl = (args: readonly string[]): string => execFileSync('openssl', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const auditTotal = (): number => {
  const page = services.audit.list({ offset: 0, limit: 1 })
  return page.ok ? page.value.total : -1
}

async function pending(name: string): Promise<{ id: string; csr: string }> {
  const r = await services.authorities.createCsr({ name, subject: [[{ type: 'CN', value: `${name} CA` }]], keySpec: 'ec-p256', protection: 'passphrase', passphrase: PASS, signature: { hash: 'SHA-256', rsaPss: false } })
  if (!r.ok) throw new Error(r.error.message)
  writeFileSync(f(`${r.value.authority.id}.csr`), r.value.csrPem)
  return { id: r.value.authority.id, csr: f(`${r.value.authority.id}.csr`) }
}
const sign = (csr: string, ext: string, out: string): string => {
  writeFileSync(f('ext.cnf'), ext)
  openssl(['x509', '-req', '-in', csr, '-CA', f('root.pem'), '-CAkey', f('root.key'), '-days', '365', '-extfile', f('ext.cnf'), '-out', out])
  return readFileSync(out, 'utf8')
}
const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkidesk-extparent-svc-'))
  services = createServices({ dataDir: f('store'), keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('root.key'), '-subj', '/CN=Outside Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('root.pem')])
})
afterAll(() => {
  services?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('installing the certificate of a CA with an external parent', () => {
  it('refuses a CA certificate without keyCertSign and a PKCS#7 for another key: still pending, nothing stored or audited', async () => {
    const ca = await pending('Refusals')
    const before = { audit: auditTotal(), certificates: services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 100 }) }
    const noSign = sign(ca.csr, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n', f('nosign.pem'))
    const r1 = await services.authorities.importCertificate(ca.id, { encoding: 'pem', data: noSign })
    expect(r1.ok || r1.error).toMatchObject({ code: 'AUTHORITY_NOT_CA', field: 'certificate' })
    if (!r1.ok) expect(r1.error.message).toMatch(/keyUsage lacks keyCertSign/)
    // A PKCS#7 (PEM) holding only the root: no certificate for the pending key.
    const p7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', f('root.pem')])
    const r2 = await services.authorities.importCertificate(ca.id, { encoding: 'pem', data: p7 })
    expect(r2.ok || r2.error.code).toBe('CERTIFICATE_KEY_MISMATCH')
    const junk = await services.authorities.importCertificate(ca.id, { encoding: 'base64', data: Buffer.from('not a certificate').toString('base64') })
    expect(junk.ok || junk.error.code).toBe('CERTIFICATE_CORRUPT')
    expect(services.authorities.get(ca.id)).toMatchObject({ ok: true, value: { state: 'pending-certificate', certificateId: null, canIssue: false, cannotIssueReason: { code: 'AUTHORITY_PENDING' } } })
    expect(auditTotal()).toBe(before.audit)
    const after = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 100 })
    expect(after.ok && after.value.items.length).toBe(before.certificates.ok && before.certificates.value.items.length)
  })

  it('keeps the chain that came with it: a leaf it issues exports with the outside root (PKCS#7 read by OpenSSL)', async () => {
    const ca = await pending('Chained')
    const caPem = sign(ca.csr, CA_EXT, f('chained.pem'))
    const p7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', f('chained.pem'), '-certfile', f('root.pem')])
    const installed = await services.authorities.importCertificate(ca.id, { encoding: 'pem', data: p7 })
    expect(installed.ok ? installed.value : installed.error).toMatchObject({ state: 'active', canIssue: true, parentId: null })
    const detail = services.certificates.get(installed.ok ? installed.value.certificateId! : -1)
    expect(detail.ok && detail.value.chain.map((c) => c.subjectText)).toEqual(['CN=Outside Root'])
    const audit = services.audit.list({ offset: 0, limit: 1, action: 'authority.certificate.import' })
    expect(audit.ok && JSON.parse(audit.value.entries[0]!.details)).toMatchObject({ sha256: new X509Certificate(caPem).fingerprint256.replace(/:/g, '').toLowerCase(), chain: 1 })

    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-subj', '/CN=svc.example.com', '-addext', 'subjectAltName=DNS:svc.example.com', '-out', f('leaf.csr')])
    const issued = await services.issuance.issue({ authorityId: ca.id, profileId: 'tls-server', confirmWarnings: false, items: [{ csrPem: readFileSync(f('leaf.csr'), 'utf8') }] })
    expect(issued.ok).toBe(true)
    const first = issued.ok ? issued.value.results[0] : undefined
    expect(first?.ok).toBe(true)
    const leafId = first?.ok ? first.certificateId : -1
    const bundle = await services.certificates.export(leafId, 'p7b-der', undefined, false)
    expect(bundle.ok).toBe(true)
    writeFileSync(f('leaf.p7b'), Buffer.from(bundle.ok ? bundle.value.base64 : '', 'base64'))
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', f('leaf.p7b'), '-print_certs'])
    expect(printed.match(/subject=/g)).toHaveLength(3)
    writeFileSync(f('leaf-chain.pem'), printed)
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), '-untrusted', f('leaf-chain.pem'), f('leaf-chain.pem')])).toContain(': OK')
  })

  it('discards a pending CA with its key, audited; an active CA is not discarded', async () => {
    const ca = await pending('Discarded')
    const keyId = services.authorities.list().find((a) => a.id === ca.id)!.keyId!
    expect(services.vault.key(keyId)).not.toBeNull()
    expect(await services.authorities.discardPending(ca.id, 'the CSR could not be written')).toEqual({ ok: true, value: undefined })
    expect(services.authorities.list().some((a) => a.id === ca.id)).toBe(false)
    expect(services.vault.key(keyId)).toBeNull()
    const audit = services.audit.list({ offset: 0, limit: 1, action: 'authority.create.undone' })
    expect(audit.ok && JSON.parse(audit.value.entries[0]!.details)).toEqual({ reason: 'the CSR could not be written' })
    const active = services.authorities.list().find((a) => a.state === 'active')!
    const refused = await services.authorities.discardPending(active.id, 'no')
    expect(refused.ok || refused.error.code).toBe('AUTHORITY_NOT_PENDING')
  })
})

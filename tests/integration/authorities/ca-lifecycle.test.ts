// CA renewal and re-key through the services (authorities:renew / authorities:rekey): the next
// certificate keeps the subject and every extension of the one it follows (name constraints,
// CRL distribution points, AIA byte for byte), nothing is half-written when the store fails or
// another renewal got there first, and every refusal is a catalogued code: a revoked CA is not
// renewed (re-keying it is the way out), a locked signer, a parent outside PKI Desk, a retired CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'

const PASS = 'correct horse battery staple'
const tmp = tempDir('pkidesk-ca-lifecycle-')
let services: Services
let file: StoreFile

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}
const certOf = (id: string): Buffer => (file.db.prepare('SELECT cert_der FROM authorities WHERE id = ?').get(id) as { cert_der: Buffer }).cert_der
const actions = (): string[] => (file.db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map((r) => r.action)
const extensionsOf = (der: Uint8Array): Map<string, { critical: boolean; value: string }> =>
  new Map((AsnConvert.parse(der, Certificate).tbsCertificate.extensions ?? []).map((e) => [e.extnID, { critical: e.critical, value: Buffer.from(e.extnValue.buffer).toString('hex') }]))

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 }, emit: () => undefined })
  file = openStoreFile(tmp.dir)
})
afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

describe('the next certificate of a CA', () => {
  it('keeps name constraints, CRL distribution points and AIA byte for byte (renewal and re-key), with a new serial and SKI only for a new key', async () => {
    const root = await createRootCa(services, 'Constrained Root', {
      pathLength: 1,
      nameConstraints: { permitted: [{ type: 'dns', value: 'example.com' }], excluded: [{ type: 'dns', value: 'bad.example.com' }] },
      crlDistributionPoints: ['http://crl.example.com/root.crl'],
      ocspUrls: ['http://ocsp.example.com'],
      caIssuersUrls: ['http://ca.example.com/root.cer']
    })
    const first = certOf(root.id)
    const renewed = must(await services.caLifecycle.renew({ authorityId: root.id, validityDays: 4000 }))
    const second = certOf(root.id)
    const a = extensionsOf(first)
    const b = extensionsOf(second)
    for (const oid of ['2.5.29.30', '2.5.29.31', '1.3.6.1.5.5.7.1.1', '2.5.29.19', '2.5.29.15', '2.5.29.14']) expect(b.get(oid), oid).toEqual(a.get(oid))
    expect(b.get('2.5.29.30')!.critical).toBe(true)
    expect(renewed.serial).not.toBe(new X509Certificate(first).serialNumber)
    expect(renewed.nameConstraints).toEqual({ critical: true, permitted: ['DNS example.com'], excluded: ['DNS bad.example.com'] })
    expect(renewed.pathLength).toBe(1)
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], second).out
    expect(text).toContain('Permitted:')
    expect(text).toContain('DNS:example.com')
    expect(text).toContain('URI:http://crl.example.com/root.crl')
    expect(text).toContain('OCSP - URI:http://ocsp.example.com')
    expect(Math.round((Date.parse(renewed.notAfter!) - Date.parse(renewed.notBefore!)) / 86_400_000)).toBe(4000)

    const r = must(await services.caLifecycle.rekey({ authorityId: root.id, keySpec: 'ec-p384', protection: 'keychain' }))
    const third = certOf(r.authority.id)
    const c = extensionsOf(third)
    for (const oid of ['2.5.29.30', '2.5.29.31', '1.3.6.1.5.5.7.1.1', '2.5.29.19', '2.5.29.15']) expect(c.get(oid), oid).toEqual(a.get(oid))
    expect(c.get('2.5.29.14')).not.toEqual(a.get('2.5.29.14'))
    // Without a validity the new certificate is as long as the one it follows.
    expect(Math.round((Date.parse(r.authority.notAfter!) - Date.parse(r.authority.notBefore!)) / 86_400_000)).toBe(4000)
    const x = new X509Certificate(third)
    expect(x.verify(x.publicKey)).toBe(true)
    expect(x.subject).toBe(new X509Certificate(first).subject)
  })

  it('a store failure in the last transaction leaves the CA as it was: renewal unchanged, a root re-key removes its new key row (audited)', async () => {
    const root = await createRootCa(services, 'Failing Root')
    const before = certOf(root.id)
    const keys = countRows(file.db, 'vault_keys')
    const certificates = countRows(file.db, 'certificates')
    file.db.exec("CREATE TRIGGER fail_ca_certificate BEFORE INSERT ON certificates WHEN NEW.is_ca = 1 BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    try {
      await expect(services.caLifecycle.renew({ authorityId: root.id })).rejects.toThrow(/injected failure/)
      expect(certOf(root.id).equals(before)).toBe(true)
      await expect(services.caLifecycle.rekey({ authorityId: root.id, keySpec: 'ec-p256', protection: 'keychain' })).rejects.toThrow(/injected failure/)
    } finally {
      file.db.exec('DROP TRIGGER fail_ca_certificate')
    }
    const after = services.authorities.list().find((a) => a.id === root.id)!
    expect(after.state).toBe('active')
    expect(after.name).toBe('Failing Root')
    expect(certOf(root.id).equals(before)).toBe(true)
    expect(countRows(file.db, 'vault_keys')).toBe(keys)
    expect(countRows(file.db, 'certificates')).toBe(certificates)
    expect(services.authorities.list().filter((a) => a.name.startsWith('Failing Root'))).toHaveLength(1)
    expect(actions().filter((a) => !a.startsWith('vault.')).slice(-2)).toEqual(['authority.rekey.key', 'authority.rekey.undone'])
    expect(services.audit.verify().intact).toBe(true)
  })

  it('two renewals or re-keys at once: one wins, the other is AUTHORITY_CHANGED with nothing saved', async () => {
    const root = await createRootCa(services, 'Raced Root')
    const renewals = await Promise.all([services.caLifecycle.renew({ authorityId: root.id }), services.caLifecycle.renew({ authorityId: root.id })])
    expect(renewals.filter((r) => r.ok)).toHaveLength(1)
    expect(renewals.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'AUTHORITY_CHANGED' } })
    expect(actions().filter((a) => a === 'authority.renew').length).toBeGreaterThanOrEqual(1)

    const keys = countRows(file.db, 'vault_keys')
    const rekeys = await Promise.all([
      services.caLifecycle.rekey({ authorityId: root.id, keySpec: 'ec-p256', protection: 'keychain' }),
      services.caLifecycle.rekey({ authorityId: root.id, keySpec: 'ec-p256', protection: 'keychain' })
    ])
    expect(rekeys.filter((r) => r.ok)).toHaveLength(1)
    expect(rekeys.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'AUTHORITY_CHANGED' } })
    expect(countRows(file.db, 'vault_keys')).toBe(keys + 1)
    expect(services.authorities.list().filter((a) => a.name === 'Raced Root' && a.state === 'active')).toHaveLength(1)
    expect(actions()).toContain('authority.rekey.undone')
  })

  it('refuses with coded reasons: a revoked CA is re-keyed, not renewed; a locked signer; a retired CA; a parent outside PKI Desk', async () => {
    const root = await createRootCa(services, 'Refusing Root', { pathLength: 1, protection: 'passphrase', passphrase: PASS })
    const issuingCa = await createRootCa(services, 'Refusing Issuing', { parentId: root.id, validityDays: 365 })
    const issuing = services.authorities.list().find((a) => a.id === issuingCa.id)!
    // The parent signs an intermediate's renewal: locked, it is AUTHORITY_LOCKED on parentId.
    must(services.authorities.lock(root.id))
    expect(await services.caLifecycle.renew({ authorityId: issuing.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_LOCKED', field: 'parentId' } })
    // A root signs its own renewal: locked, AUTHORITY_LOCKED on authorityId.
    expect(await services.caLifecycle.renew({ authorityId: root.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_LOCKED', field: 'authorityId' } })
    must(await services.authorities.unlock(root.id, PASS))

    must(services.certificates.revoke(issuing.certificateId!, 'keyCompromise'))
    expect(await services.caLifecycle.renew({ authorityId: issuing.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_REVOKED' } })
    const rekeyed = must(await services.caLifecycle.rekey({ authorityId: issuing.id, keySpec: 'ec-p256', protection: 'keychain', validityDays: 200 }))
    expect(rekeyed.authority.revoked).toBe(false)
    expect(rekeyed.authority.canIssue).toBe(true)
    expect(rekeyed.retired.revoked).toBe(true)
    expect(await services.caLifecycle.renew({ authorityId: rekeyed.retired.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_RETIRED' } })
    expect(await services.caLifecycle.rekey({ authorityId: rekeyed.retired.id, keySpec: 'ec-p256', protection: 'keychain' })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_RETIRED' } })

    // An intermediate whose parent is outside PKI Desk (imported; its root made by OpenSSL).
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tmp.path('ext-root.key'), '-out', tmp.path('ext-root.pem'), '-subj', '/CN=Outside Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tmp.path('ext-int.key'), '-out', tmp.path('ext-int.csr'), '-subj', '/CN=Outside Issued'])
    tmp.write('ext.cnf', '[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    const signed = openssl(['x509', '-req', '-in', tmp.path('ext-int.csr'), '-CA', tmp.path('ext-root.pem'), '-CAkey', tmp.path('ext-root.key'), '-CAcreateserial', '-out', tmp.path('ext-int.pem'), '-days', '365', '-extfile', tmp.path('ext.cnf'), '-extensions', 'v3'])
    expect(signed.status).toBe(0)
    const imported = must(
      await services.authorities.import({
        name: 'Outside Issued',
        source: { kind: 'pem', certificate: { encoding: 'pem', data: readFileSync(tmp.path('ext-int.pem'), 'utf8') }, key: { encoding: 'pem', data: readFileSync(tmp.path('ext-int.key'), 'utf8') } },
        protection: 'keychain'
      })
    )
    expect(imported.issuerText).toContain('Outside Root')
    expect(await services.caLifecycle.renew({ authorityId: imported.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_PARENT_EXTERNAL' } })
    expect(await services.caLifecycle.rekey({ authorityId: imported.id, keySpec: 'ec-p256', protection: 'keychain' })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_PARENT_EXTERNAL' } })
  })

  it("renews a certificate of a re-keyed CA with the CA that replaced it (its chain: the new key's certificate)", async () => {
    const root = await createRootCa(services, 'Renewing Root')
    const made = must(await services.csr.generate({ subject: [[{ type: 'CN', value: 'app.example.com' }]], sans: [{ type: 'dns', value: 'app.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' }))
    const issued = must(await services.issuance.issue({ authorityId: root.id, profileId: 'tls-server', confirmWarnings: true, items: [{ csrPem: made.pem, input: { subject: {}, sans: [] } }] })).results[0]!
    if (!issued.ok) throw new Error(issued.error.message)
    const r = must(await services.caLifecycle.rekey({ authorityId: root.id, keySpec: 'ec-p384', protection: 'keychain' }))
    const renewed = must(await services.renewal.renew({ id: issued.certificateId, confirmWarnings: true }))
    expect(renewed.authorityId).toBe(r.authority.id)
    const leaf = new X509Certificate((file.db.prepare('SELECT der FROM certificates WHERE id = ?').get(renewed.certificateId) as { der: Buffer }).der)
    expect(leaf.verify(new X509Certificate(certOf(r.authority.id)).publicKey)).toBe(true)
    expect(leaf.verify(new X509Certificate(certOf(root.id)).publicKey)).toBe(false)
  })

  it('is reachable over IPC: authorities:renew and authorities:rekey validate their input and answer summaries', async () => {
    const root = await createRootCa(services, 'IPC Root')
    const handlers = createHandlers(services)
    const bad = await dispatch(handlers, 'authorities:rekey', { authorityId: root.id, keySpec: 'dsa-1024', protection: 'keychain' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const renewed = await dispatch(handlers, 'authorities:renew', { authorityId: root.id, validityDays: 30 })
    expect(renewed).toMatchObject({ ok: true, value: { id: root.id, state: 'active' } })
    const rekeyed = await dispatch(handlers, 'authorities:rekey', { authorityId: root.id, keySpec: 'ed25519', protection: 'keychain' })
    expect(rekeyed).toMatchObject({ ok: true, value: { authority: { name: 'IPC Root', keySpec: 'ed25519' }, retired: { id: root.id, name: 'IPC Root (key 1)', state: 'retired' } } })
  })
})

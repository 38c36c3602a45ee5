// Renewal with the same profile (certificates:renew): a new certificate for the key the vault
// holds, with the old subject and names, under the profile as it is now; checked by
// node:crypto and OpenSSL. And every refusal: a key the app does not hold (ask for a CSR,
// naming the profile), a CA certificate, a compromised key, a locked passphrase key, a
// profile's warnings not confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { certificateOfAuthority } from '../../../src/main/store/certificates-repo'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import type { DistinguishedName, GeneralName } from '../../../src/shared/domain/names'
import type { KeyProtection } from '../../../src/shared/domain/keys'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const PASS = 'correct horse battery staple'
const tmp = tempDir('pkidesk-renew-')
let services: Services
let file: StoreFile
let caId: string
let caPem: string
const tlsServer = JSON.parse(readFileSync(join(__dirname, '../../../resources/profiles/tls-server.json'), 'utf8')) as { profile: Record<string, unknown> }

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}
const derOf = (id: number): Buffer => (file.db.prepare('SELECT der FROM certificates WHERE id = ?').get(id) as { der: Buffer }).der

/** A certificate for a key the vault generates (as the CSR screen does), issued with `profileId`. */
async function issueHeld(cn: string, profileId: string | null, protection: KeyProtection = 'keychain', input: { subject?: Record<string, string>; sans?: GeneralName[] } = {}, subject: DistinguishedName = [[{ type: 'O', value: 'Renewals' }], [{ type: 'CN', value: cn }]]): Promise<{ id: number; keyId: string }> {
  const made = must(
    await services.csr.generate({ subject, sans: [{ type: 'dns', value: cn }], keySpec: 'ec-p256', protection, ...(protection === 'keychain' ? {} : { passphrase: PASS }), hash: 'SHA-256' })
  )
  const r = must(await services.issuance.issue({ authorityId: caId, profileId, confirmWarnings: true, items: [{ csrPem: made.pem, input: { subject: input.subject ?? {}, sans: input.sans ?? [] } }] }))
  const item = r.results[0]!
  if (!item.ok) throw new Error(`${item.error.code}: ${item.error.message}`)
  return { id: item.certificateId, keyId: made.keyId }
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  file = openStoreFile(tmp.dir)
  const root = await createRootCa(services, 'Renewal Root', {
    subject: [[{ type: 'O', value: 'Renewals' }], [{ type: 'CN', value: 'Renewal Root' }]],
    keySpec: 'ec-p384',
    signature: { hash: 'SHA-384', rsaPss: false }
  })
  caId = root.id
  caPem = root.pem
})
afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

describe('renewal with the same profile', () => {
  it('issues a new certificate for the same key, subject and names, under the profile as it is now', async () => {
    const old = await issueHeld('www.renew.example', 'tls-server')
    const oldX = new X509Certificate(derOf(old.id))
    const auditBefore = services.audit.verify().entries
    const renewed = must(await services.renewal.renew({ id: old.id, confirmWarnings: false }))
    expect(renewed).toMatchObject({ renewedFrom: old.id, authorityId: caId, profileId: 'tls-server' })
    const x = new X509Certificate(derOf(renewed.certificateId))
    // Independent checks: node:crypto and OpenSSL verify it under the CA.
    expect(x.verify(createPublicKey(caPem))).toBe(true)
    const leaf = tmp.write('renewed.pem', x.toString())
    expect(openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', tmp.write('ca.pem', caPem), leaf]).out).toContain(': OK')
    // Same key, subject and names; a new serial and a validity that starts now.
    expect(x.publicKey.export({ type: 'spki', format: 'der' }).equals(oldX.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true)
    expect(x.subject).toBe(oldX.subject)
    expect(x.subjectAltName).toBe(oldX.subjectAltName)
    expect(x.serialNumber).not.toBe(oldX.serialNumber)
    expect(x.serialNumber.toLowerCase()).toBe(renewed.serial)
    expect(Date.parse(x.validTo) - Date.parse(x.validFrom)).toBe(90 * 86_400_000)
    expect(openssl(['x509', '-in', leaf, '-noout', '-ext', 'extendedKeyUsage']).out).toContain('TLS Web Server Authentication')
    // The new record holds the key link; the old one is untouched.
    const detail = must(services.certificates.get(renewed.certificateId))
    expect(detail).toMatchObject({ hasKey: true, profileId: 'tls-server', authorityId: caId, status: 'issued' })
    expect(must(services.certificates.get(old.id)).status).toBe('issued')
    // One audit entry, in the issue's transaction, naming the certificate renewed.
    const audit = services.audit.verify()
    expect(audit.intact).toBe(true)
    expect(audit.entries - auditBefore).toBe(1)
    const entry = file.db.prepare("SELECT details FROM audit_log WHERE action = 'certificate.issue' ORDER BY seq DESC LIMIT 1").get() as { details: string }
    expect(JSON.parse(entry.details)).toMatchObject({ renewalOf: old.id, serial: renewed.serial, profileId: 'tls-server' })
  })

  it('re-enters what the profile only takes from operator input, so the renewal keeps it', async () => {
    must(
      services.profiles.create(
        {
          ...tlsServer.profile,
          name: 'Devices (entered names)',
          subjectAttributes: [{ type: 'CN', mandatory: true, sources: ['entered'] }],
          san: { fromCsr: false, includeCommonName: false, allowedTypes: ['dns'], rules: [{ type: 'dns', mandatory: true, sources: ['entered'] }] }
        },
        { id: 'entered-names' }
      )
    )
    // The CSR names something else; the operator entered the real names at issuance.
    const old = await issueHeld('csr-name.example', 'entered-names', 'keychain', { subject: { CN: 'dev-7.renew.example' }, sans: [{ type: 'dns', value: 'dev-7.renew.example' }] })
    const oldX = new X509Certificate(derOf(old.id))
    expect(oldX.subject).toBe('CN=dev-7.renew.example')
    const renewed = must(await services.renewal.renew({ id: old.id, confirmWarnings: false }))
    const x = new X509Certificate(derOf(renewed.certificateId))
    expect(x.subject).toBe('CN=dev-7.renew.example')
    expect(x.subjectAltName).toBe('DNS:dev-7.renew.example')
  })

  it('asks for a passphrase key\'s passphrase, unlocks it for the renewal only, and locks it again', async () => {
    const old = await issueHeld('locked.renew.example', 'tls-server', 'passphrase')
    services.vault.lock(old.keyId)
    expect(services.vault.isUnlocked(old.keyId)).toBe(false)
    expect(await services.renewal.renew({ id: old.id, confirmWarnings: false })).toMatchObject({ ok: false, error: { field: 'keyPassphrase' } })
    expect(await services.renewal.renew({ id: old.id, confirmWarnings: false, keyPassphrase: 'wrong passphrase!' })).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG', field: 'keyPassphrase' } })
    const renewed = must(await services.renewal.renew({ id: old.id, confirmWarnings: false, keyPassphrase: PASS }))
    expect(new X509Certificate(derOf(renewed.certificateId)).verify(createPublicKey(caPem))).toBe(true)
    expect(services.vault.isUnlocked(old.keyId)).toBe(false)
  })

  it("refuses a profile's warnings until they are confirmed, listing every finding", async () => {
    must(services.profiles.create({ ...tlsServer.profile, name: 'Any purpose', extendedKeyUsages: ['2.5.29.37.0'] }, { id: 'any-purpose' }))
    const old = await issueHeld('any.renew.example', 'any-purpose')
    const refused = await services.renewal.renew({ id: old.id, confirmWarnings: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'POLICY_WARNINGS_UNCONFIRMED', details: { findings: [expect.objectContaining({ code: 'EKU_ANY_ON_END_ENTITY', severity: 'warning' })] } } })
    must(await services.renewal.renew({ id: old.id, confirmWarnings: true }))
  })

  it('a certificate whose key the app does not hold needs a new CSR: the error names the profile', async () => {
    const outside = createKeyObjectSigner('outside', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const csr = must(await buildCsr({ subject: [[{ type: 'CN', value: 'outside.renew.example' }]], sans: [{ type: 'dns', value: 'outside.renew.example' }], ca: false, hash: 'SHA-256', rsaPss: false }, outside))
    const r = must(await services.issuance.issue({ authorityId: caId, profileId: 'tls-server', confirmWarnings: false, items: [{ csrPem: toPem('CERTIFICATE REQUEST', csr), input: { subject: {}, sans: [] } }] }))
    const item = r.results[0]!
    if (!item.ok) throw new Error(item.error.message)
    const refused = await services.renewal.renew({ id: item.certificateId, confirmWarnings: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'RENEW_NEEDS_CSR', field: 'id', details: { profileId: 'tls-server', authorityId: caId } } })
    if (!refused.ok) expect(refused.error.message).toContain('"TLS server (90 days)"')
  })

  it('refuses a CA certificate and a certificate revoked for key compromise', async () => {
    const caCert = file.store.read((tx) => certificateOfAuthority(tx, caId))
    expect(caCert).not.toBeNull()
    expect(await services.renewal.renew({ id: caCert!.id, confirmWarnings: false })).toMatchObject({ ok: false, error: { code: 'RENEW_CA_CERTIFICATE', field: 'id' } })
    const old = await issueHeld('stolen.renew.example', 'tls-server')
    must(services.certificates.revoke(old.id, 'keyCompromise'))
    expect(await services.renewal.renew({ id: old.id, confirmWarnings: false })).toMatchObject({ ok: false, error: { code: 'KEY_COMPROMISED', field: 'id' } })
    expect(await services.renewal.renew({ id: 999_999, confirmWarnings: false })).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_NOT_FOUND', field: 'id' } })
  })

  it('a key compromised on any of its certificates is never certified again: renewal and plain issuance refuse it', async () => {
    const a = await issueHeld('twice.renew.example', 'tls-server')
    const b = must(await services.renewal.renew({ id: a.id, confirmWarnings: false }))
    must(services.certificates.revoke(b.certificateId, 'keyCompromise'))
    const refused = await services.renewal.renew({ id: a.id, confirmWarnings: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_COMPROMISED', field: 'id' } })
    if (!refused.ok) expect(refused.error.message).toContain(b.serial.toUpperCase())
    // A CSR for a key whose certificate was revoked for keyCompromise is refused at issuance too.
    const outside = createKeyObjectSigner('leaked', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const csr = toPem('CERTIFICATE REQUEST', must(await buildCsr({ subject: [[{ type: 'CN', value: 'leaked.renew.example' }]], sans: [{ type: 'dns', value: 'leaked.renew.example' }], ca: false, hash: 'SHA-256', rsaPss: false }, outside)))
    const first = must(await services.issuance.issue({ authorityId: caId, profileId: 'tls-server', confirmWarnings: false, items: [{ csrPem: csr, input: { subject: {}, sans: [] } }] })).results[0]!
    if (!first.ok) throw new Error(first.error.message)
    must(services.certificates.revoke(first.certificateId, 'keyCompromise'))
    const again = must(await services.issuance.issue({ authorityId: caId, profileId: 'tls-server', confirmWarnings: true, items: [{ csrPem: csr, input: { subject: {}, sans: [] } }] })).results[0]!
    expect(again).toMatchObject({ ok: false, error: { code: 'KEY_COMPROMISED' } })
  })

  it('a subject or SAN the profile would now change is a warning to confirm, not a silent change', async () => {
    const body = { ...tlsServer.profile, name: 'Services', honorSubject: false, subjectAttributes: [{ type: 'CN', sources: ['csr'] }, { type: 'O', sources: ['csr'] }] }
    must(services.profiles.create(body, { id: 'services' }))
    const old = await issueHeld('svc1.renew.example', 'services')
    expect(new X509Certificate(derOf(old.id)).subject).toBe('O=Renewals\nCN=svc1.renew.example')
    // The profile drops its O rule later: a renewal would lose O.
    const current = must(services.profiles.get('services'))
    must(services.profiles.update('services', { ...body, subjectAttributes: [{ type: 'CN', sources: ['csr'] }] }, current.updatedAt))
    const refused = await services.renewal.renew({ id: old.id, confirmWarnings: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'POLICY_WARNINGS_UNCONFIRMED', field: 'id', details: { findings: [expect.objectContaining({ code: 'RENEWAL_SUBJECT_CHANGED', severity: 'warning' })] } } })
    if (!refused.ok) expect(refused.error.message).toContain('"CN=svc1.renew.example" instead of "CN=svc1.renew.example, O=Renewals"')
    const renewed = must(await services.renewal.renew({ id: old.id, confirmWarnings: true }))
    expect(new X509Certificate(derOf(renewed.certificateId)).subject).toBe('CN=svc1.renew.example')
  })

  it("an archived profile: unarchive it or sign a new CSR with another profile", async () => {
    must(services.profiles.create({ ...tlsServer.profile, name: 'Retired' }, { id: 'retired' }))
    const old = await issueHeld('retired.renew.example', 'retired')
    must(services.profiles.archive('retired', true))
    const refused = await services.renewal.renew({ id: old.id, confirmWarnings: false })
    expect(refused).toMatchObject({ ok: false, error: { code: 'PROFILE_ARCHIVED', field: 'id' } })
    if (!refused.ok) expect(refused.error.message).toMatch(/"Retired" is archived: unarchive it in Profiles .* or sign a new CSR for this key with another profile/)
  })

  it('certificates:renew over the IPC contract: a locked CA is named, nothing is issued', async () => {
    const old = await issueHeld('ipc.renew.example', 'tls-server')
    const handlers = createHandlers(services)
    must(services.authorities.lock(caId))
    const count = (): number => countRows(file.db, 'certificates')
    const before = count()
    expect(await dispatch(handlers, 'certificates:renew', { id: old.id })).toMatchObject({ ok: false, error: { code: 'AUTHORITY_LOCKED', field: 'authorityId' } })
    expect(count()).toBe(before)
    must(await services.authorities.unlock(caId))
    const r = await dispatch(handlers, 'certificates:renew', { id: old.id })
    expect(r).toMatchObject({ ok: true, value: { renewedFrom: old.id, profileId: 'tls-server' } })
    expect(count()).toBe(before + 1)
  })
})

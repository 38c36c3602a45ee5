// Hold and release through the certificates service and the IPC dispatch: a certificate
// revoked with certificateHold is listed on the next CRL (OpenSSL `verify -crl_check`
// refuses it), a release takes it off the CRL after that (OpenSSL accepts it again), both
// audited; only a held certificate is released, and a hold can be made final; a CA whose own
// certificate is held issues nothing until released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCsr, toPem } from '../../../src/main/engine'
import type { ChannelName } from '../../../src/shared/ipc/contract'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'

const tmp = tempDir('pkidesk-hold-')
let services: Services
let handlers: Handlers
let ca: { id: string; pem: string }
let caFile: string

async function call<T = unknown>(channel: ChannelName, req: unknown): Promise<T> {
  const r = await dispatch(handlers, channel, req)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}
async function failure(channel: ChannelName, req: unknown): Promise<{ code: string; field?: string; message: string }> {
  const r = await dispatch(handlers, channel, req)
  if (r.ok) throw new Error(`${channel} succeeded`)
  return r.error
}

async function issueOne(cn: string): Promise<{ id: number; file: string }> {
  const signer = createKeyObjectSigner(cn, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csr = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
  if (!csr.ok) throw new Error(csr.error.message)
  const r = await services.issuance.issue({ authorityId: ca.id, profileId: null, confirmWarnings: false, items: [{ csrPem: toPem('CERTIFICATE REQUEST', csr.value), input: { subject: {}, sans: [] } }] })
  if (!r.ok || !r.value.results[0]!.ok) throw new Error(JSON.stringify(r))
  const id = r.value.results[0]!.certificateId
  const d = services.certificates.get(id)
  if (!d.ok) throw new Error(d.error.message)
  return { id, file: tmp.write(`${cn}.pem`, d.value.view.pem) }
}

/** A new CRL of the CA, as a PEM file, and what OpenSSL says of `certFile` with it. */
async function verifyWithNextCrl(certFile: string, name: string): Promise<{ out: string; status: number; entries: number }> {
  const crl = await services.certificates.generateCrl(ca.id)
  if (!crl.ok) throw new Error(crl.error.message)
  const pem = services.certificates.exportCrl(crl.value.id, 'pem')
  if (!pem.ok) throw new Error(pem.error.message)
  const crlFile = tmp.write(name, Buffer.from(pem.value.base64, 'base64'))
  const r = openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, certFile])
  return { ...r, entries: crl.value.entries }
}

const auditOf = (action: string): Record<string, unknown>[] => {
  const r = services.audit.list({ offset: 0, action, limit: 100 })
  if (!r.ok) throw new Error(r.error.message)
  return r.value.entries.map((e) => JSON.parse(e.details) as Record<string, unknown>)
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
  handlers = createHandlers(services)
  ca = await createRootCa(services, 'Hold Root')
  caFile = tmp.write('root.pem', ca.pem)
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('hold and release', () => {
  it('a held certificate fails openssl verify -crl_check with the hold CRL and passes with the CRL after its release', async () => {
    const leaf = await issueOne('held.example.com')
    const held = await call<{ status: string; revocationReason: string }>('certificates:revoke', { id: leaf.id, reason: 'certificateHold' })
    expect(held).toMatchObject({ status: 'revoked', revocationReason: 'certificateHold' })

    const onHold = await verifyWithNextCrl(leaf.file, 'hold.crl.pem')
    expect(onHold.entries).toBe(1)
    expect(onHold.status).not.toBe(0)
    expect(onHold.out).toContain('certificate revoked')
    const crlText = openssl(['crl', '-in', tmp.path('hold.crl.pem'), '-noout', '-text']).out
    expect(crlText).toContain('Certificate Hold')

    const released = await call<{ status: string; revokedAt: string | null; revocationReason: string | null }>('certificates:release', { id: leaf.id })
    expect(released).toMatchObject({ status: 'issued', revokedAt: null, revocationReason: null })

    const after = await verifyWithNextCrl(leaf.file, 'released.crl.pem')
    expect(after.entries).toBe(0)
    expect(after.out).toContain(': OK')
    expect(after.status).toBe(0)

    const serial = services.certificates.get(leaf.id)
    if (!serial.ok) throw new Error(serial.error.message)
    expect(auditOf('certificate.revoke')).toContainEqual(expect.objectContaining({ serial: serial.value.serial, reason: 'certificateHold' }))
    expect(auditOf('certificate.release')).toEqual([expect.objectContaining({ serial: serial.value.serial, authorityId: ca.id, heldSince: expect.any(String) })])
  })

  it('refuses to release a certificate that is not on hold, with a coded reason, and changes nothing', async () => {
    const valid = await issueOne('valid.example.com')
    expect(await failure('certificates:release', { id: valid.id })).toMatchObject({ code: 'CERTIFICATE_NOT_ON_HOLD', field: 'id', message: expect.stringContaining('it is not revoked') })
    const compromised = await issueOne('compromised.example.com')
    await call('certificates:revoke', { id: compromised.id, reason: 'keyCompromise' })
    expect(await failure('certificates:release', { id: compromised.id })).toMatchObject({ code: 'CERTIFICATE_NOT_ON_HOLD', message: expect.stringContaining('keyCompromise, which is final') })
    expect(await failure('certificates:release', { id: 999_999 })).toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' })
    const d = services.certificates.get(compromised.id)
    expect(d.ok && d.value.revocationReason).toBe('keyCompromise')
    expect(auditOf('certificate.release').some((e) => e.serial === (d.ok ? d.value.serial : ''))).toBe(false)
  })

  it("a CA whose own certificate is on hold issues nothing until the hold is released", async () => {
    const parent = await createRootCa(services, 'Hold Parent', { pathLength: 1 })
    const sub = await services.authorities.create({
      name: 'Held Sub',
      parentId: parent.id,
      subject: [[{ type: 'CN', value: 'Held Sub' }]],
      keySpec: 'ec-p256',
      protection: 'keychain',
      validityDays: 365,
      pathLength: null,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    })
    if (!sub.ok) throw new Error(sub.error.message)
    const own = sub.value.certificateId!
    await call('certificates:revoke', { id: own, reason: 'certificateHold' })
    expect(services.authorities.list().find((a) => a.id === sub.value.id)).toMatchObject({ revoked: true, revocationReason: 'certificateHold', canIssue: false })
    const gate = services.authorities.requireIssuing(sub.value.id)
    expect(gate.ok ? 'may issue' : gate.error.code).toBe('AUTHORITY_REVOKED')
    await call('certificates:release', { id: own })
    expect(services.authorities.list().find((a) => a.id === sub.value.id)).toMatchObject({ revoked: false, canIssue: true })
    expect(services.authorities.requireIssuing(sub.value.id).ok).toBe(true)
  })

  it('a hold made final keeps the hold date, cannot be released, and removeFromCRL stays refused', async () => {
    const leaf = await issueOne('final.example.com')
    const held = await call<{ revokedAt: string }>('certificates:revoke', { id: leaf.id, reason: 'certificateHold' })
    expect(await failure('certificates:revoke', { id: leaf.id, reason: 'certificateHold' })).toMatchObject({ code: 'ALREADY_REVOKED', message: expect.stringContaining('on hold') })
    const final = await call<{ revokedAt: string; revocationReason: string }>('certificates:revoke', { id: leaf.id, reason: 'superseded' })
    expect(final).toMatchObject({ revokedAt: held.revokedAt, revocationReason: 'superseded' })
    expect(await failure('certificates:release', { id: leaf.id })).toMatchObject({ code: 'CERTIFICATE_NOT_ON_HOLD' })
    expect(await failure('certificates:revoke', { id: leaf.id, reason: 'keyCompromise' })).toMatchObject({ code: 'ALREADY_REVOKED' })
    const other = await issueOne('delta.example.com')
    expect(await failure('certificates:revoke', { id: other.id, reason: 'removeFromCRL' })).toMatchObject({ code: 'REVOCATION_REASON_NOT_ALLOWED', field: 'reason' })
    const crl = await verifyWithNextCrl(leaf.file, 'final.crl.pem')
    expect(crl.out).toContain('certificate revoked')
    expect(openssl(['crl', '-in', tmp.path('final.crl.pem'), '-noout', '-text']).out).toContain('Superseded')
  })
})

// A CRL of 20,000 entries generated through the certificates service (the path that used to
// fail at ~1,500 with "Maximum ASN.1 node count exceeded"), accepted by `openssl crl -verify`,
// with `openssl verify -crl_check` finding a revoked certificate revoked and a good one OK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCsr, toPem } from '../../../src/main/engine'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'
import { seedCertificates } from '../../harness/seed'

const tmp = tempDir('pkidesk-large-crl-')
let services: Services

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

async function issueOne(caId: string, cn: string): Promise<{ id: number; pem: string; serial: string }> {
  const signer = createKeyObjectSigner(cn, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csr = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
  if (!csr.ok) throw new Error(csr.error.message)
  const r = await services.issuance.issue({ authorityId: caId, profileId: null, confirmWarnings: false, items: [{ csrPem: toPem('CERTIFICATE REQUEST', csr.value), input: { subject: {}, sans: [] } }] })
  if (!r.ok) throw new Error(r.error.message)
  const first = r.value.results[0]!
  if (!first.ok) throw new Error(JSON.stringify(first))
  const detail = services.certificates.get(first.certificateId)
  if (!detail.ok) throw new Error(detail.error.message)
  return { id: first.certificateId, pem: detail.value.view.pem, serial: detail.value.serial }
}

describe('a CRL with 20,000 entries', () => {
  it('is generated, verified by openssl crl -verify, and used by openssl verify -crl_check', async () => {
    const ca = await createRootCa(services, 'Fleet Root')
    const revoked = await issueOne(ca.id, 'revoked.fleet.example')
    const good = await issueOne(ca.id, 'good.fleet.example')
    const caDer = new X509Certificate(ca.pem).raw
    seedCertificates(tmp.dir, { authorityId: ca.id, der: caDer, issuer: 'CN=Fleet Root', count: 19_999, revokedEvery: 1 })
    const r = services.certificates.revoke(revoked.id, 'keyCompromise')
    expect(r.ok).toBe(true)

    const crl = await services.certificates.generateCrl(ca.id)
    if (!crl.ok) throw new Error(`${crl.error.code}: ${crl.error.message}`)
    expect(crl.value.entries).toBe(20_000)
    const listed = services.certificates.listCrls(ca.id)
    expect(listed.ok && listed.value.items[0]!.entries).toBe(20_000)

    const exported = services.certificates.exportCrl(crl.value.id, 'pem')
    if (!exported.ok) throw new Error(exported.error.message)
    const crlFile = tmp.write('fleet.crl.pem', Buffer.from(exported.value.base64, 'base64'))
    const caFile = tmp.write('root.pem', ca.pem)
    const checked = openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-verify', '-noout'])
    expect(checked.out).toContain('verify OK')
    expect(checked.status).toBe(0)
    const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 })
    expect(text.match(/Serial Number:/g)?.length).toBe(20_000)
    expect(text).toContain(`Serial Number: ${revoked.serial.replace(/:/g, '').toUpperCase()}`)

    const bad = openssl(['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', caFile, tmp.write('revoked.pem', revoked.pem)])
    expect(bad.status).not.toBe(0)
    expect(bad.out).toContain('certificate revoked')
    const fine = openssl(['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', caFile, tmp.write('good.pem', good.pem)])
    expect(fine.out).toContain(': OK')
    expect(fine.status).toBe(0)
  })
})

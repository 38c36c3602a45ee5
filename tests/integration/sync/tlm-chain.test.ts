// A TLM certificate lands with the chain the platform delivered (seed 002: x509_cert_chain
// end-entity → root, and PKCS#7): the chain is checked link by link, put in order when sent
// in another, refused when it does not chain up, stored with the certificate and used by the
// exports — which OpenSSL verifies. A PKCS#7 delivery is read as PKCS#7; a TLM issuer that is
// a CA of this desk (same subject and key) ties the certificate to that CA.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webcrypto } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createCsr, createTestCa, type TestCa } from '../../fixtures/sync/pki'
import { startTlm, type PrimedTlm, type TlmDelivery } from '../../fixtures/sync/platforms'
import { unwrapOk } from './helpers'

const PROFILE = '00000000-0000-4000-8000-000000000001'
let tlm: PrimedTlm | null = null
let services: Services | null = null
afterEach(async () => {
  await tlm?.close()
  tlm = null
  services?.close()
  services = null
})

async function setup(delivery: (root: TestCa, issuing: TestCa) => TlmDelivery = (root, issuing) => ({ issuers: [issuing.pem, root.pem] })) {
  const root = await createTestCa('CN=TLM Test Root')
  const issuing = await root.issueCa('CN=TLM Test Issuing CA')
  tlm = (await startTlm('k', issuing, 3, delivery(root, issuing))) as PrimedTlm
  const dataDir = mkdtempSync(join(tmpdir(), 'pkidesk-tlmchain-'))
  services = createServices({ dataDir, keychain: createMemoryKeychain() })
  unwrapOk(await services.connectors.addConnector({ name: 'tlm', type: 'digicert-tlm', baseUrl: tlm.url, credential: 'k' }))
  return { s: services, tlm, root, issuing, dataDir }
}

async function request(s: Services, fake: PrimedTlm) {
  const csr = await createCsr('CN=host1.example.com')
  const serial = await fake.prime(csr.pem)
  unwrapOk(await s.sync.requestCertificate({ connector: 'tlm', remoteProfileId: PROFILE, seatId: 'ops@example.com', csr: csr.pem }))
  return { serial, report: unwrapOk(await s.sync.run()) }
}

function inventoryId(s: Services, serial: string): number {
  const list = unwrapOk(s.certificates.list({ search: serial.toLowerCase(), limit: 10, sort: { field: 'createdAt', direction: 'desc' } }))
  expect(list.items).toHaveLength(1)
  return list.items[0]!.id
}

const pemsOf = (text: string): string[] => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? []

describe('TLM delivered chain', () => {
  it('checks a chain sent root first, stores it in order with the certificate, and the exported chain verifies with openssl', async () => {
    const { s, tlm: fake, root, dataDir } = await setup((r, i) => ({ issuers: [i.pem, r.pem], reversed: true }))
    const { serial, report } = await request(s, fake)
    expect(report.items).toEqual([expect.objectContaining({ outcome: 'done' })])
    expect(report.items[0]?.message).toMatch(/with a chain of 2 issuers/)
    expect(report.items[0]?.notes).toEqual(expect.arrayContaining([`the chain delivered with certificate ${serial} was not ordered end-entity → root; it was checked and put in order`]))
    const id = inventoryId(s, serial)
    const detail = unwrapOk(s.certificates.get(id))
    expect(detail.chain.map((c) => c.subjectText)).toEqual(['CN=TLM Test Issuing CA', 'CN=TLM Test Root'])

    const chainFile = unwrapOk(await s.certificates.export(id, 'pem-chain', undefined, false))
    const pems = pemsOf(Buffer.from(chainFile.base64, 'base64').toString('utf8'))
    expect(pems).toHaveLength(3)
    const dir = mkdtempSync(join(dataDir, 'verify-'))
    writeFileSync(join(dir, 'root.pem'), root.pem)
    writeFileSync(join(dir, 'leaf.pem'), pems[0]!)
    writeFileSync(join(dir, 'untrusted.pem'), pems[1]!)
    // The leaf verifies against the root only through the intermediate the export carries.
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'untrusted.pem'), join(dir, 'leaf.pem')]).toString()).toMatch(/leaf\.pem: OK/)
    expect(() => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'leaf.pem')], { stdio: 'pipe' })).toThrow()
    // The PKCS#7 export carries the same three certificates.
    const p7 = unwrapOk(await s.certificates.export(id, 'p7b-pem', undefined, false))
    writeFileSync(join(dir, 'c.p7b'), Buffer.from(p7.base64, 'base64'))
    expect(pemsOf(execFileSync('openssl', ['pkcs7', '-in', join(dir, 'c.p7b'), '-print_certs']).toString())).toHaveLength(3)
  })

  it('reads a delivery_format pkcs7 answer as PKCS#7 and takes the certificate with the requested serial and the CSR key', async () => {
    const { s, tlm: fake } = await setup((r, i) => ({ issuers: [i.pem, r.pem], pkcs7: true }))
    const { serial, report } = await request(s, fake)
    expect(report.items).toEqual([expect.objectContaining({ outcome: 'done' })])
    expect(unwrapOk(s.certificates.get(inventoryId(s, serial))).serial.replace(/:/g, '').toUpperCase()).toContain(serial.replace(/^0+/, ''))
  })

  it('refuses a chain whose certificates do not sign the one below: nothing lands in the inventory', async () => {
    const stranger = await createTestCa('CN=Someone Else')
    const { s, tlm: fake } = await setup((_r, i) => ({ issuers: [i.pem, stranger.pem] }))
    const { serial, report } = await request(s, fake)
    expect(report.items).toEqual([expect.objectContaining({ outcome: 'failed' })])
    expect(report.items[0]?.message).toMatch(new RegExp(`chain delivered with certificate ${serial} does not chain up: CN=Someone Else signs neither`))
    expect(unwrapOk(s.sync.outbox())[0]?.lastError).toMatchObject({ code: 'REMOTE_CHAIN_INVALID', retryable: false })
    expect(unwrapOk(s.certificates.list({ search: serial.toLowerCase(), limit: 10, sort: { field: 'createdAt', direction: 'desc' } })).items).toHaveLength(0)
  })

  it('ties the certificate to a local CA that has the TLM issuer subject and key', async () => {
    const { s, tlm: fake, issuing } = await setup()
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', (issuing as TestCa & { keys: webcrypto.CryptoKeyPair }).keys.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`
    const ca = unwrapOk(
      await s.authorities.import({
        name: 'TLM issuing (offline copy)',
        source: { kind: 'pem', certificate: { encoding: 'pem', data: issuing.pem }, key: { encoding: 'pem', data: keyPem } },
        protection: 'keychain'
      })
    )
    const { serial, report } = await request(s, fake)
    expect(report.items[0]?.notes).toEqual(expect.arrayContaining(['its issuer is local CA TLM issuing (offline copy) (same subject and key): it is listed and exported under that CA']))
    expect(unwrapOk(s.certificates.get(inventoryId(s, serial))).authorityId).toBe(ca.id)
  })
})

// DigiCert TLM contract (seed 002 + WIRE-NOTES): x-api-key, limit/offset pagination, submit
// {profile:{id}, seat:{seat_id}, csr}, immediate certificate or request_id + pickup, status,
// additional formats; the issued certificate lands in the inventory with its source, and
// is checked independently (node:crypto and OpenSSL) against the CSR's key.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { header } from '../../fixtures/sync/fake-server'
import { createCsr, createTestCa } from '../../fixtures/sync/pki'
import { startTlm, type PrimedTlm } from '../../fixtures/sync/platforms'
import { createHarness, outboxRows, unwrapOk } from './helpers'

const KEY = 'tlm-api-key'
let fake: PrimedTlm | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function setup(profileCount = 3) {
  const ca = await createTestCa()
  fake = (await startTlm(KEY, ca, profileCount)) as PrimedTlm
  const h = createHarness()
  unwrapOk(await h.connectors.addConnector({ name: 'tlm', type: 'digicert-tlm', baseUrl: fake.url, credential: KEY }))
  return { h, fake, ca }
}

function opensslVerify(caPem: string, certPem: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-tlm-'))
  writeFileSync(join(dir, 'ca.pem'), caPem)
  writeFileSync(join(dir, 'c.pem'), certPem)
  return execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'c.pem')]).toString()
}

describe('DigiCert TLM connector', () => {
  it('pulls profiles page by page with limit and offset and the x-api-key header', async () => {
    const { h, fake } = await setup(120)
    const report = unwrapOk(await h.sync.pullProfiles('tlm'))
    expect(report.items[0]).toMatchObject({ outcome: 'done', message: 'pulled 120 certificate profiles' })
    expect(h.pulled.size).toBe(120)
    expect(fake.requests.map((r) => [r.method, r.path, new Map(r.query).get('limit'), new Map(r.query).get('offset')])).toEqual([
      ['GET', '/mpki/api/v2/profile', '50', '0'],
      ['GET', '/mpki/api/v2/profile', '50', '50'],
      ['GET', '/mpki/api/v2/profile', '50', '100']
    ])
    expect(fake.requests.every((r) => header(r, 'x-api-key') === KEY)).toBe(true)
  })

  it('submits a CSR, gets the certificate at once, reads status and formats, and adds it to the inventory', async () => {
    const { h, fake, ca } = await setup()
    const csr = await createCsr('CN=host1.example.com')
    const serial = await fake.prime(csr.pem)
    const item = unwrapOk(
      await h.sync.requestCertificate({ connector: 'tlm', remoteProfileId: '00000000-0000-4000-8000-000000000001', seatId: 'ops@example.com', csr: csr.pem })
    )
    expect(item.state).toBe('queued')
    expect(fake.requests).toHaveLength(0)
    const report = unwrapOk(await h.sync.run())
    expect(report.items[0]).toMatchObject({ outcome: 'done' })
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /mpki/api/v1/certificate',
      `GET /mpki/api/v1/certificate/${serial}`,
      `GET /mpki/api/v1/certificate/${serial}/additional-formats`
    ])
    const submitted = fake.requests[0]?.body as Record<string, unknown>
    expect(submitted).toEqual({ profile: { id: '00000000-0000-4000-8000-000000000001' }, seat: { seat_id: 'ops@example.com' }, csr: expect.stringContaining('BEGIN CERTIFICATE REQUEST') })
    const landed = h.inventory.get(serial)
    expect(landed?.source).toBe('tlm')
    expect(landed?.chain).toHaveLength(1)
    // Independent checks: the certificate's key is the CSR's; OpenSSL verifies it under the CA.
    const cert = new X509Certificate(landed?.pem ?? '')
    expect(Buffer.from(cert.publicKey.export({ type: 'spki', format: 'der' })).equals(Buffer.from(csr.spki))).toBe(true)
    expect(opensslVerify(ca.pem, landed?.pem ?? '')).toMatch(/: OK/)
    expect(unwrapOk(h.sync.outbox())[0]?.notes.join()).toMatch(new RegExp(`certificate ${serial} added to the inventory \\(source tlm\\)`))
  })

  it('picks up a request awaiting approval across runs without submitting the CSR twice', async () => {
    const { h, fake } = await setup()
    fake.mode = 'approval'
    fake.pendingPickups = 2
    const csr = await createCsr()
    const serial = await fake.prime(csr.pem)
    // A DER CSR file is taken as is and sent as PEM.
    const der = new Uint8Array(Buffer.from(csr.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))
    unwrapOk(await h.sync.requestCertificate({ connector: 'tlm', remoteProfileId: '00000000-0000-4000-8000-000000000000', seatId: 'seat-1', csr: der }))
    const r1 = unwrapOk(await h.sync.run())
    expect(r1.items[0]).toMatchObject({ outcome: 'pending', attempts: 0 })
    expect(r1.remaining).toBe(1)
    expect(outboxRows(h.db)[0]).toMatchObject({ state: 'queued', attempts: 0 })
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items[0]).toMatchObject({ outcome: 'done' })
    expect(fake.requests.filter((r) => r.path === '/mpki/api/v1/certificate')).toHaveLength(1)
    expect((fake.requests[0]?.body as { csr: string }).csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/)
    expect(fake.requests.filter((r) => r.path === '/mpki/api/v1/certificate-pickup/req-1' && r.method === 'POST')).toHaveLength(3)
    expect(h.inventory.has(serial)).toBe(true)
  })

  it('refuses a certificate whose key is not the CSR\'s, and keeps it out of the inventory', async () => {
    const { h, fake } = await setup()
    const csr = await createCsr()
    const other = await createCsr()
    await fake.prime(other.pem)
    unwrapOk(await h.sync.requestCertificate({ connector: 'tlm', remoteProfileId: '00000000-0000-4000-8000-000000000000', seatId: 's', csr: csr.pem }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed' })
    expect(r.items[0]?.message).toMatch(/public key is not the CSR's/)
    expect(h.inventory.size).toBe(0)
  })

  it('refuses a CSR that does not parse before anything is queued, and maps {"errors"} answers', async () => {
    const { h, fake } = await setup()
    const bad = await h.sync.requestCertificate({ connector: 'tlm', remoteProfileId: 'x', seatId: 's', csr: 'not a csr' })
    expect(bad.ok).toBe(false)
    expect(outboxRows(h.db)).toHaveLength(0)
    const csr = await createCsr()
    unwrapOk(await h.sync.requestCertificate({ connector: 'tlm', remoteProfileId: 'missing-profile', seatId: 's', csr: csr.pem }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed' })
    const item = unwrapOk(h.sync.outbox())[0]
    expect(item?.lastError).toMatchObject({ code: 'REMOTE_NOT_FOUND', httpStatus: 404, remoteCode: 'not_found', retryable: false })
    expect(item?.lastError?.message).toMatch(/"Profile missing-profile not found"/)
    expect(fake.requests).toHaveLength(1)
  })
})

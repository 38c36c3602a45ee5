// The sync service as the app and CLI build it (createServices): pulled Lamassu profiles
// become local profiles through the profiles engine, a starter profile is pushed in
// Lamassu's dialect and generated on a firewall, a TLM certificate lands in the inventory
// with its connector as source, and that inventory certificate is assigned on IoT.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { FakeServer } from '../../fixtures/sync/fake-server'
import { createCsr, createTestCa } from '../../fixtures/sync/pki'
import { startIot, startLamassu, startPaloAlto, startTlm, type PrimedTlm } from '../../fixtures/sync/platforms'
import { unwrapOk } from './helpers'
import tlmSeedProfiles from '../../fixtures/sync/tlm-profiles-seed.json'
import lamassuSeedList from '../../fixtures/sync/lamassu-list-seed.json'

const servers: FakeServer[] = []
let services: Services | null = null
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  services?.close()
  services = null
})

describe('sync wired into createServices', () => {
  it('pulls into local profiles, pushes and generates from them, and imports and assigns certificates', async () => {
    services = createServices({ dataDir: mkdtempSync(join(tmpdir(), 'pkidesk-syncw-')), keychain: createMemoryKeychain() })
    const s = services
    const lam = await startLamassu('t', lamassuSeedList.list)
    servers.push(lam)
    unwrapOk(await s.connectors.addConnector({ name: 'lamassu', type: 'lamassu', baseUrl: lam.url, credential: 't' }))
    const pull = unwrapOk(await s.sync.pullProfiles('lamassu'))
    expect(pull.items[0]).toMatchObject({ outcome: 'done' })
    const local = unwrapOk(s.profiles.get('iot-device-profile'))
    expect(local).toMatchObject({ name: 'IoT Device Certificate Profile', signAsCa: false })

    // One remote profile that does not convert is skipped and named; the others land.
    lam.profiles.set('broken', { id: 'broken', name: 'Broken', validity: { type: 'Forever' } })
    lam.profiles.set('fine', { id: 'fine', name: 'Fine', validity: { type: 'Duration', duration: '30d' } })
    const partial = unwrapOk(await s.sync.pullProfiles('lamassu'))
    expect(partial.items[0]).toMatchObject({ outcome: 'done' })
    expect(partial.items[0]?.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^skipped remote profile broken \("Broken"\): .*validity\.type/), '1 of 3 remote profiles skipped; the others were saved']))
    expect(unwrapOk(s.profiles.get('fine')).name).toBe('Fine')
    expect(s.profiles.get('broken').ok).toBe(false)

    // A push says what the Lamassu dialect cannot carry, on the queued item and after the run.
    const queued = unwrapOk(await s.sync.pushProfile('tls-server', 'lamassu'))
    expect(queued.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^san: Lamassu has no field for san/)]))
    const push = unwrapOk(await s.sync.run())
    expect(push.items[0]?.notes).toEqual(queued.notes)
    expect(push.items[0]).toMatchObject({ outcome: 'done', message: 'created issuance profile tls-server' })
    expect(lam.profiles.get('tls-server')).toMatchObject({ id: 'tls-server', validity: { type: 'Duration', duration: '90d' }, extended_key_usages: ['1.3.6.1.5.5.7.3.1'] })

    const pa = await startPaloAlto('p')
    servers.push(pa)
    unwrapOk(await s.connectors.addConnector({ name: 'fw', type: 'paloalto', baseUrl: pa.url, credential: 'p' }))
    unwrapOk(await s.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls-server', scope: { device: 'fw-01' }, commonName: 'fw-01.example.com' }))
    expect(unwrapOk(await s.sync.run()).items[0]).toMatchObject({ outcome: 'done' })
    expect(pa.requests[0]?.body).toMatchObject({ common_name: 'fw-01.example.com', device: 'fw-01', digest: 'sha256', day_till_expiration: 90, algorithm: { rsa_number_of_bits: 2048 } })

    const ca = await createTestCa()
    const tlm = (await startTlm('k', ca, [...tlmSeedProfiles, { ...tlmSeedProfiles[0], id: '00000000-0000-4000-8000-000000000000', name: 'Second' }])) as PrimedTlm
    servers.push(tlm)
    unwrapOk(await s.connectors.addConnector({ name: 'tlm-eu', type: 'digicert-tlm', baseUrl: tlm.url, credential: 'k' }))
    // The seed's own profile example converts into a local profile.
    const tlmPull = unwrapOk(await s.sync.pullProfiles('tlm-eu'))
    expect(tlmPull.items[0]).toMatchObject({ outcome: 'done', message: 'pulled 2 certificate profiles' })
    expect(unwrapOk(s.profiles.get('d6743d9a-fb67-4a64-a33e-8a3229d28cc4'))).toMatchObject({ name: 'Profile name' })
    const csr = await createCsr('CN=host.example.com')
    const serial = await tlm.prime(csr.pem)
    unwrapOk(await s.sync.requestCertificate({ connector: 'tlm-eu', remoteProfileId: '00000000-0000-4000-8000-000000000000', seatId: 'seat', csr: csr.pem }))
    expect(unwrapOk(await s.sync.run()).items[0]).toMatchObject({ outcome: 'done' })
    const [row] = s.certificates.findBySerial(serial)
    expect(row?.source).toBe('tlm-eu')
    expect(new X509Certificate(unwrapOk(s.certificates.der(row!.id))).serialNumber).toBe(serial)

    const iot = await startIot('i', { EST1: { name: 'EST', method: 'EST' } })
    servers.push(iot)
    unwrapOk(await s.connectors.addConnector({ name: 'iot', type: 'digicert-iot', baseUrl: iot.url, credential: 'i' }))
    unwrapOk(await s.sync.assignAuthCert({ connector: 'iot', serial, enrollmentProfileId: 'EST1', usageLimit: 5 }))
    const assigned = unwrapOk(await s.sync.run())
    expect(assigned.items[0]).toMatchObject({ outcome: 'done' })
    expect(assigned.items[0]?.message).toMatch(/status ACTIVE, used 0 of 5/)
    expect(new X509Certificate((iot.requests[0]?.body as { pem: string }).pem).serialNumber).toBe(serial)
  })
})

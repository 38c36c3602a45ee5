// CertCentral (seed 000), IoT Device Manager (seed 001) and Palo Alto (seed 003) contracts:
// paths, auth headers, bodies built from local data, the returned ids/status, and their
// documented error shapes.
import { createHash, X509Certificate } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { FakeServer } from '../../fixtures/sync/fake-server'
import { header } from '../../fixtures/sync/fake-server'
import { createCsr, createTestCa } from '../../fixtures/sync/pki'
import { startCertCentral, startIot, startPaloAlto } from '../../fixtures/sync/platforms'
import { createHarness, unwrapOk } from './helpers'

const servers: FakeServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

const account = { accountId: 'acct-1', divisionId: 12, organizationName: 'Example Org', productType: 'ssl_basic', caCertId: 'CA-7' }

describe('CertCentral automation connector', () => {
  it('pushes a local profile as createProfile with X-DC-DEVKEY and shows the returned id', async () => {
    const fake = await startCertCentral('dev-key')
    servers.push(fake)
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'cc', type: 'digicert-certcentral', baseUrl: fake.url, credential: 'dev-key', settings: { certCentral: account } }))
    h.localProfiles.set('web', {
      certCentral: { name: 'Web servers', validityPeriod: '1Y', keySizeAndAlgorithm: 'ECC P256', signatureHash: 'sha256', autoRenewSettings: { daysBeforeExpiry: 30, isAutoReplace: true } }
    })
    unwrapOk(await h.sync.pushProfile('web', 'cc'))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done', message: 'created automation profile "Web servers" with id 1001' })
    const req = fake.requests[0]
    expect(req).toMatchObject({ method: 'POST', path: '/automationws/v1/profile/createProfile' })
    expect(header(req as never, 'x-dc-devkey')).toBe('dev-key')
    expect(req?.body).toEqual({
      ...account,
      name: 'Web servers',
      validityPeriod: '1Y',
      keySizeAndAlgorithm: 'ECC P256',
      signatureHash: 'sha256',
      autoRenewSettings: { daysBeforeExpiry: 30, isAutoReplace: true }
    })
    // The returned id was kept: a second push of the same profile updates that remote profile.
    h.localProfiles.set('web', { certCentral: { name: 'Web servers', validityPeriod: '90D', keySizeAndAlgorithm: 'ECC P256', signatureHash: 'sha256' } })
    const again = unwrapOk(await h.sync.pushProfile('web', 'cc'))
    expect(again.notes).toContain('updates automation profile 1001, created by an earlier push of this profile')
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items[0]).toMatchObject({ outcome: 'done', message: 'updated automation profile 1001 ("Web servers")' })
    expect(fake.requests[1]).toMatchObject({ method: 'PUT', path: '/automationws/v1/profile/1001' })
    expect(fake.created).toEqual([expect.objectContaining({ name: 'Web servers', validityPeriod: '90D' })])
    // Another local profile with the same name is a create; the platform's {"error": …} with HTTP 200 is still a failure.
    h.localProfiles.set('web-copy', { certCentral: { name: 'Web servers', validityPeriod: '1Y' } })
    unwrapOk(await h.sync.pushProfile('web-copy', 'cc'))
    const r3 = unwrapOk(await h.sync.run())
    expect(r3.items[0]).toMatchObject({ outcome: 'failed' })
    expect(r3.items[0]?.message).toMatch(/"A profile with this name already exists\." \(duplicate_name\)/)
  })

  it('takes account fields from the profile first and from the connector for what the profile lacks; neither refuses by field', async () => {
    const fake = await startCertCentral('dev-key')
    const fake2 = await startCertCentral('dev-key')
    servers.push(fake, fake2)
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'bare', type: 'digicert-certcentral', baseUrl: fake.url, credential: 'dev-key' }))
    unwrapOk(await h.connectors.addConnector({ name: 'acct', type: 'digicert-certcentral', baseUrl: fake2.url, credential: 'dev-key', settings: { certCentral: account } }))
    // A profile imported from CertCentral carries the seed's required account fields itself.
    const own = { name: 'Imported', validityPeriod: '1Y', accountId: 'acct-9', divisionId: 99, organizationName: 'Own Org', productType: 'ssl_plus' }
    h.localProfiles.set('own', { certCentral: own })
    h.localProfiles.set('none', { certCentral: { name: 'Plain', validityPeriod: '1Y', organizationName: 'Plain Org' } })
    unwrapOk(await h.sync.pushProfile('own', 'bare'))
    const merged = unwrapOk(await h.sync.pushProfile('own', 'acct'))
    expect(merged.notes).toEqual(['caCertId: taken from connector acct'])
    const filled = unwrapOk(await h.sync.pushProfile('none', 'acct'))
    expect(filled.notes).toEqual(expect.arrayContaining(['accountId: taken from connector acct', 'divisionId: taken from connector acct', 'productType: taken from connector acct']))
    const missing = await h.sync.pushProfile('none', 'bare')
    expect(missing).toMatchObject({ ok: false, error: { code: 'CERTCENTRAL_ACCOUNT_MISSING', field: 'settings.certCentral.accountId' } })
    expect(missing.ok ? '' : missing.error.message).toMatch(/needs accountId, divisionId, productType; neither the profile nor connector bare/)
    unwrapOk(await h.sync.run())
    expect(fake.created).toEqual([{ ...own }])
    expect(fake2.created).toEqual([
      { ...own, caCertId: 'CA-7' },
      { ...account, name: 'Plain', validityPeriod: '1Y', organizationName: 'Plain Org' }
    ])
  })

  it('refuses, before queueing, a validity over 397 days and auto-renew not below the validity', async () => {
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'cc', type: 'digicert-certcentral', baseUrl: 'https://caas.example.com', credential: 'k', settings: { certCentral: account } }))
    h.localProfiles.set('long', { certCentral: { name: 'Long', validityPeriod: '2Y' } })
    h.localProfiles.set('renew', { certCentral: { name: 'Renew', validityPeriod: '90D', autoRenewSettings: { daysBeforeExpiry: 90 } } })
    expect(await h.sync.pushProfile('long', 'cc')).toMatchObject({ ok: false, error: { code: 'CERTCENTRAL_VALIDITY_TOO_LONG', field: 'validityPeriod' } })
    expect(await h.sync.pushProfile('renew', 'cc')).toMatchObject({ ok: false, error: { code: 'CERTCENTRAL_INVALID_AUTO_RENEW' } })
    expect(unwrapOk(h.sync.outbox())).toHaveLength(0)
  })
})

describe('IoT Device Manager connector', () => {
  it('assigns a local certificate with dates, usage limit and registered values, and reports status and usage', async () => {
    const fake = await startIot('iot-key', { 'IOT_est-1': { name: 'EST', method: 'EST' }, 'IOT_acme-1': { name: 'ACME', method: 'ACME' } })
    servers.push(fake)
    const h = createHarness()
    const ca = await createTestCa()
    const subject = 'CN=device-1, OU=Unit 1, OU=Unit 2, 2.5.4.9=1 Main St'
    const csr = await createCsr(subject)
    const pem = await ca.issue({ spki: csr.spki, subject, serialHex: '57DB86CA2713C7' })
    h.inventory.set('57DB86CA2713C7', { pem, source: 'local', chain: [] })
    unwrapOk(await h.connectors.addConnector({ name: 'iot', type: 'digicert-iot', baseUrl: fake.url, credential: 'iot-key' }))
    const values = unwrapOk(h.sync.parseRegisteredValues(['subject.common_name=device-1', 'subject.organization_unit=Unit 1', 'subject.organization_unit=Unit 2', 'subject.street_address=1 Main St']))
    unwrapOk(
      await h.sync.assignAuthCert({ connector: 'iot', serial: '57db86ca2713c7', enrollmentProfileId: 'IOT_est-1', startDate: '2026-01-01', endDate: '2026-12-31', usageLimit: 100, registeredValues: values })
    )
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done' })
    expect(r.items[0]?.message).toBe('assigned as authentication certificate a876d305-713c-4f0e-93c1-855a518f885e to enrollment profile EST: status ACTIVE, used 0 of 100')
    const req = fake.requests[0]
    expect(req).toMatchObject({ method: 'POST', path: '/iot/api/v1/enrollment-profile/IOT_est-1/authentication-certificate' })
    expect(header(req as never, 'x-api-key')).toBe('iot-key')
    expect(req?.body).toEqual({
      pem: expect.stringContaining('BEGIN CERTIFICATE'),
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      usage_limit: 100,
      registered_values: [
        { certificate_field: 'subject.common_name', matcher: 'equals', value: 'device-1' },
        { certificate_field: 'subject.organization_unit', matcher: 'equals', value: ['Unit 1', 'Unit 2'] },
        { certificate_field: 'subject.street_address', matcher: 'equals', value: ['1 Main St'] }
      ]
    })
    expect(unwrapOk(h.sync.outbox())[0]?.notes).toEqual([])
  })

  it('refuses, before queueing, a certificate whose own fields do not match its registered values, by field', async () => {
    const h = createHarness()
    const ca = await createTestCa()
    const csr = await createCsr('CN=device-1, OU=Unit 1')
    h.inventory.set('0B', { pem: await ca.issue({ spki: csr.spki, subject: 'CN=device-1, OU=Unit 1', serialHex: '0b' }), source: 'local', chain: [] })
    unwrapOk(await h.connectors.addConnector({ name: 'iot', type: 'digicert-iot', baseUrl: 'https://iot.example.com', credential: 'k' }))
    const assign = (pairs: string[]) => h.sync.assignAuthCert({ connector: 'iot', serial: '0B', enrollmentProfileId: 'IOT_est-1', registeredValues: unwrapOk(h.sync.parseRegisteredValues(pairs)) })
    const cn = await assign(['subject.common_name=device-2'])
    expect(cn).toMatchObject({ ok: false, error: { code: 'IOT_REGISTERED_VALUE_MISMATCH', field: 'registeredValues.subject.common_name' } })
    expect(cn.ok ? '' : cn.error.message).toMatch(/subject\.common_name is "device-1", not the registered "device-2"/)
    expect(await assign(['subject.organization_unit=Unit 1', 'subject.organization_unit=Unit 2'])).toMatchObject({ ok: false, error: { field: 'registeredValues.subject.organization_unit' } })
    expect(await assign(['subject.organization_name=Acme'])).toMatchObject({ ok: false, error: { field: 'registeredValues.subject.organization_name' } })
    expect(unwrapOk(h.sync.outbox())).toHaveLength(0)
    // A challenge password is not in a certificate: queued, with a note saying the platform checks it.
    const ok = unwrapOk(await assign(['subject.common_name=device-1', 'challenge_password=s3cret']))
    expect(ok.notes).toEqual(['challenge_password is not part of a certificate; it is checked by the platform at enrollment only'])
  })

  it('refreshes each assignment at every run: DISABLED, a thumbprint that is not the local SHA-256, then DELETED', async () => {
    const fake = await startIot('iot-key', { 'IOT_est-1': { name: 'EST', method: 'EST' } })
    servers.push(fake)
    const h = createHarness()
    const ca = await createTestCa()
    const csr = await createCsr('CN=device-1')
    const pem = await ca.issue({ spki: csr.spki, subject: 'CN=device-1', serialHex: '0c' })
    h.inventory.set('0C', { pem, source: 'local', chain: [] })
    const sha = createHash('sha256').update(new X509Certificate(pem).raw).digest('hex')
    unwrapOk(await h.connectors.addConnector({ name: 'iot', type: 'digicert-iot', baseUrl: fake.url, credential: 'iot-key' }))
    unwrapOk(await h.sync.assignAuthCert({ connector: 'iot', serial: '0C', enrollmentProfileId: 'IOT_est-1', usageLimit: 5 }))
    const first = unwrapOk(await h.sync.run())
    expect(first.items).toEqual([expect.objectContaining({ action: 'iot.auth-cert.assign', outcome: 'done', notes: [] })])
    const id = 'a876d305-713c-4f0e-93c1-855a518f885e'
    expect(fake.assignments.get(id)?.certificate_thumbprint).toBe(sha)

    Object.assign(fake.assignments.get(id) as object, { status: 'DISABLED', number_of_usage: 5 })
    const second = unwrapOk(await h.sync.run())
    expect(second.items).toEqual([expect.objectContaining({ action: 'iot.auth-cert.refresh', outcome: 'done', message: `authentication certificate ${id} (certificate 0C): status DISABLED, used 5 of 5` })])
    expect(second.items[0]?.notes).toEqual([`assignment ${id} is DISABLED on the platform, not ACTIVE: enrollments with it are refused`, `assignment ${id} has used all 5 enrollments`])
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/iot/api/v1/enrollment-profile/IOT_est-1/authentication-certificate/${id}` })

    Object.assign(fake.assignments.get(id) as object, { status: 'ACTIVE', number_of_usage: 1, certificate_thumbprint: 'ab'.repeat(32) })
    const third = unwrapOk(await h.sync.run())
    expect(third.items[0]?.notes).toEqual([`the platform's thumbprint ${'ab'.repeat(32)} is not the local certificate's SHA-256 ${sha}: it holds another certificate under assignment ${id}`])

    Object.assign(fake.assignments.get(id) as object, { status: 'DELETED' })
    const fourth = unwrapOk(await h.sync.run())
    expect(fourth.items[0]?.notes).toEqual([`assignment ${id} is DELETED on the platform; it is no longer refreshed`])
    const requests = fake.requests.length
    expect(unwrapOk(await h.sync.run()).items).toEqual([])
    expect(fake.requests).toHaveLength(requests)
  })

  it('refuses unknown fields and backwards dates locally, and shows the platform refusing a non-EST profile', async () => {
    const fake = await startIot('iot-key', { 'IOT_acme-1': { name: 'ACME', method: 'ACME' } })
    servers.push(fake)
    const h = createHarness()
    const ca = await createTestCa()
    const csr = await createCsr()
    h.inventory.set('0A', { pem: await ca.issue({ spki: csr.spki, subject: 'CN=x', serialHex: '0a' }), source: 'local', chain: [] })
    unwrapOk(await h.connectors.addConnector({ name: 'iot', type: 'digicert-iot', baseUrl: fake.url, credential: 'iot-key' }))
    expect(h.sync.parseRegisteredValues(['subject.serial=1'])).toMatchObject({ ok: false, error: { code: 'IOT_UNKNOWN_CERTIFICATE_FIELD' } })
    expect(await h.sync.assignAuthCert({ connector: 'iot', serial: '0A', enrollmentProfileId: 'IOT_acme-1', startDate: '2026-05-01', endDate: '2026-04-01' })).toMatchObject({
      ok: false,
      error: { code: 'IOT_INVALID_DATE', field: 'endDate' }
    })
    unwrapOk(await h.sync.assignAuthCert({ connector: 'iot', serial: '0A', enrollmentProfileId: 'IOT_acme-1' }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]?.outcome).toBe('failed')
    expect(unwrapOk(h.sync.outbox())[0]?.lastError).toMatchObject({ code: 'REMOTE_INVALID_REQUEST', remoteCode: 'invalid_enrollment_method', httpStatus: 400 })
  })
})

describe('Palo Alto connector', () => {
  const fields = { certificateName: 'fw-mgmt', commonName: 'fw.example.com', key: { family: 'ecdsa' as const, bits: 245 }, digest: 'SHA-256', days: 365, hostname: ['fw.example.com'] }

  it('generates in a folder with a bearer token under the configured base path, sending ECDSA 256 for the seed\'s 245', async () => {
    const fake = await startPaloAlto('pa-token', '/sse/config/v1')
    servers.push(fake)
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'fw', type: 'paloalto', baseUrl: fake.url, credential: 'pa-token', settings: { basePath: '/sse/config/v1' } }))
    h.localProfiles.set('tls', { paloAlto: fields })
    unwrapOk(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { folder: 'Shared Certs' } }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done', message: 'generated certificate "fw-mgmt" in folder Shared Certs (id cert-1)' })
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/sse/config/v1/certificates' })
    expect(header(fake.requests[0] as never, 'authorization')).toBe('Bearer pa-token')
    expect(fake.requests[0]?.body).toEqual({
      certificate_name: 'fw-mgmt',
      common_name: 'fw.example.com',
      algorithm: { ecdsa_number_of_bits: 256 },
      digest: 'sha256',
      day_till_expiration: 365,
      hostname: ['fw.example.com'],
      folder: 'Shared Certs'
    })
  })

  it('takes the connector URL as pasted from the console: the API path is kept and /certificates appended once', async () => {
    const fake = await startPaloAlto('pa-token')
    servers.push(fake)
    const h = createHarness()
    for (const [name, url] of [
      ['pasted', `${fake.url}/config/identity/v1`],
      ['endpoint', `${fake.url}/config/identity/v1/certificates/`],
      ['host', fake.url]
    ] as const) {
      unwrapOk(await h.connectors.addConnector({ name, type: 'paloalto', baseUrl: url, credential: 'pa-token' }))
      h.localProfiles.set('tls', { paloAlto: fields })
      unwrapOk(await h.sync.generateOnFirewall({ connector: name, profileId: 'tls', scope: { folder: name }, certificateName: `c-${name}` }))
    }
    const r = unwrapOk(await h.sync.run())
    expect(r.items.map((i) => i.outcome)).toEqual(['done', 'done', 'done'])
    expect(fake.requests.map((q) => q.path)).toEqual(['/config/identity/v1/certificates', '/config/identity/v1/certificates', '/config/identity/v1/certificates'])
  })

  it('refuses a scope name outside ^[a-zA-Z\\d-_\\. ]+$ or longer than 64 before queueing', async () => {
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'fw', type: 'paloalto', baseUrl: 'https://fw.example.com', credential: 't' }))
    h.localProfiles.set('tls', { paloAlto: fields })
    expect(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { device: 'fw/01' } })).toMatchObject({ ok: false, error: { code: 'PALOALTO_INVALID_SCOPE', field: 'device' } })
    expect(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { snippet: 'x'.repeat(65) } })).toMatchObject({ ok: false, error: { code: 'PALOALTO_INVALID_SCOPE' } })
    h.localProfiles.set('rsa', { paloAlto: { ...fields, key: { family: 'rsa', bits: 8192 } } })
    expect(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'rsa', scope: { folder: 'ok' } })).toMatchObject({ ok: false, error: { code: 'PALOALTO_UNSUPPORTED_KEY' } })
    // RSA 1024 is in the seed's list but below the baseline: never queued, never sent.
    h.localProfiles.set('weak', { paloAlto: { ...fields, key: { family: 'rsa', bits: 1024 } } })
    const weak = await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'weak', scope: { folder: 'ok' } })
    expect(weak).toMatchObject({ ok: false, error: { code: 'PALOALTO_UNSUPPORTED_KEY', field: 'algorithm' } })
    expect(weak.ok ? '' : weak.error.message).toMatch(/RSA 1024 is below the 2048-bit baseline and is never sent/)
    expect(unwrapOk(h.sync.outbox())).toHaveLength(0)
  })

  it('maps E006 Name Not Unique (409), E016 Invalid Credential (401) and E007 Unauthorized (403) with the request id', async () => {
    const fake = await startPaloAlto('pa-token')
    servers.push(fake)
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'fw', type: 'paloalto', baseUrl: fake.url, credential: 'pa-token' }))
    h.localProfiles.set('tls', { paloAlto: fields })
    unwrapOk(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { folder: 'A' } }))
    unwrapOk(await h.sync.run())
    unwrapOk(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { folder: 'A' }, certificateName: 'fw-mgmt' }))
    // Same name, same folder: the first item is done, so this is a new item.
    let items = unwrapOk(h.sync.outbox())
    expect(items.map((i) => i.state)).toEqual(['queued', 'done'])
    let r = unwrapOk(await h.sync.run())
    let err = unwrapOk(h.sync.outbox())[0]?.lastError
    expect(r.items[0]?.outcome).toBe('failed')
    expect(err).toMatchObject({ code: 'PALOALTO_NAME_NOT_UNIQUE', remoteCode: 'E006', httpStatus: 409, requestId: '123e4567-e89b-12d3-a456-426655440000', retryable: false })
    expect(err?.message).toMatch(/already exists in that folder, snippet or device; choose another certificate name/)

    unwrapOk(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { folder: 'Restricted' } }))
    r = unwrapOk(await h.sync.run())
    expect(r.items[0]?.outcome).toBe('failed')
    expect(unwrapOk(h.sync.outbox())[0]?.lastError).toMatchObject({ code: 'PALOALTO_UNAUTHORIZED', remoteCode: 'E007', httpStatus: 403 })

    unwrapOk(await h.connectors.updateConnector({ name: 'fw', credential: 'stolen' }))
    unwrapOk(await h.sync.generateOnFirewall({ connector: 'fw', profileId: 'tls', scope: { folder: 'B' } }))
    r = unwrapOk(await h.sync.run())
    expect(r.items[0]?.outcome).toBe('failed')
    err = unwrapOk(h.sync.outbox())[0]?.lastError
    expect(err).toMatchObject({ code: 'PALOALTO_INVALID_CREDENTIAL', remoteCode: 'E016', httpStatus: 401 })
    items = unwrapOk(h.sync.outbox())
    expect(items.filter((i) => i.state === 'failed')).toHaveLength(3)
  })
})

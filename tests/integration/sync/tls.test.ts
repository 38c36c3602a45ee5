// TLS verification is always on: an HTTPS platform whose certificate chains to a private
// root is refused until that root is in the connector's CA bundle; plain http is refused
// for anything but loopback.
import { afterEach, describe, expect, it } from 'vitest'
import { startFake, type FakeServer } from '../../fixtures/sync/fake-server'
import { createTlsServerCert } from '../../fixtures/sync/pki'
import { createHarness, unwrapOk } from './helpers'

let server: FakeServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

describe('connector TLS', () => {
  it('refuses an unknown issuer, then trusts it through the per-connector CA bundle', async () => {
    const tls = await createTlsServerCert()
    server = await startFake(() => ({ status: 200, body: { list: [], next: '' } }), { key: tls.keyPem, cert: tls.certPem })
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'onprem', type: 'lamassu', baseUrl: server.url, credential: 'tok' }))
    const refused = unwrapOk(await h.connectors.testConnector('onprem'))
    expect(refused).toMatchObject({ ok: false, error: { code: 'REMOTE_TLS_FAILED', retryable: false } })
    expect(refused.message).toMatch(/could not be verified.*add the issuing CA to the connector's CA bundle/)
    expect(server.requests).toHaveLength(0)

    unwrapOk(await h.connectors.updateConnector({ name: 'onprem', settings: { caBundlePem: tls.caPem } }))
    expect(unwrapOk(await h.connectors.testConnector('onprem'))).toMatchObject({ ok: true })
    expect(server.requests).toHaveLength(1)
  })

  it('does not follow a redirect with the credential', async () => {
    let target: FakeServer | null = await startFake(() => ({ status: 200, body: { list: [], next: '' } }))
    server = await startFake(() => ({ status: 302, headers: { location: `${target?.url}/api/ca/v1/profiles` } }))
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'moved', type: 'lamassu', baseUrl: server.url, credential: 'tok' }))
    expect(unwrapOk(await h.connectors.testConnector('moved'))).toMatchObject({ ok: false, error: { code: 'REMOTE_REDIRECT_REFUSED', retryable: false } })
    expect(target.requests).toHaveLength(0)
    await target.close()
    target = null
  })

  it('refuses plain http to a non-loopback host and a CA bundle that is not a CA', async () => {
    const h = createHarness()
    expect(await h.connectors.addConnector({ name: 'x', type: 'lamassu', baseUrl: 'http://ca.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'CONNECTOR_URL_INSECURE', field: 'baseUrl' }
    })
    const tls = await createTlsServerCert()
    expect(await h.connectors.addConnector({ name: 'y', type: 'lamassu', baseUrl: 'https://ca.example.com', settings: { caBundlePem: tls.certPem } })).toMatchObject({
      ok: false,
      error: { code: 'CONNECTOR_CA_BUNDLE_INVALID' }
    })
    expect(await h.connectors.listConnectors()).toHaveLength(0)
  })
})

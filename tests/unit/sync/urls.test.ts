// Connector URLs as operators paste them: stored as given; the API base keeps a path already
// there, adds the platform's default path only when there is none, and never doubles the
// endpoint the driver appends (the Palo Alto case of issue 17).
import { describe, expect, it } from 'vitest'
import { apiBaseUrl } from '../../../src/main/sync/urls'
import { createHarness, unwrapOk } from '../../integration/sync/helpers'

describe('connector API base', () => {
  it.each([
    ['paloalto', 'https://fw.example.com/config/identity/v1', 'https://fw.example.com/config/identity/v1'],
    ['paloalto', 'https://fw.example.com/config/identity/v1/certificates', 'https://fw.example.com/config/identity/v1'],
    ['paloalto', 'https://fw.example.com', 'https://fw.example.com/config/identity/v1'],
    ['paloalto', 'https://api.sase.example.com/sse/config/v1/', 'https://api.sase.example.com/sse/config/v1'],
    ['lamassu', 'https://lamassu.example.com', 'https://lamassu.example.com/api/ca/v1'],
    ['lamassu', 'https://lamassu.example.com/api/ca/v1', 'https://lamassu.example.com/api/ca/v1'],
    ['lamassu', 'https://pki.example.com/lamassu/api/ca/v1/profiles/', 'https://pki.example.com/lamassu/api/ca/v1'],
    ['digicert-tlm', 'https://demo.one.digicert.com', 'https://demo.one.digicert.com/mpki/api'],
    ['digicert-tlm', 'https://demo.one.digicert.com/mpki/api/v2', 'https://demo.one.digicert.com/mpki/api'],
    ['digicert-tlm', 'https://demo.one.digicert.com/mpki/api/v2/profile', 'https://demo.one.digicert.com/mpki/api'],
    ['digicert-iot', 'https://one.digicert.com/iot/api/v1', 'https://one.digicert.com/iot/api/v1'],
    ['digicert-certcentral', 'https://caas.digicert.com', 'https://caas.digicert.com/automationws/v1'],
    ['digicert-certcentral', 'https://caas.digicert.com/automationws/v1/profile/createProfile', 'https://caas.digicert.com/automationws/v1']
  ] as const)('%s %s → %s', (type, pasted, base) => {
    expect(apiBaseUrl(type, pasted)).toBe(base)
  })

  it('uses the Palo Alto basePath setting only for a URL without a path', () => {
    expect(apiBaseUrl('paloalto', 'https://fw.example.com', '/sse/config/v1')).toBe('https://fw.example.com/sse/config/v1')
    expect(apiBaseUrl('paloalto', 'https://fw.example.com/config/identity/v1', '/sse/config/v1')).toBe('https://fw.example.com/config/identity/v1')
  })

  it('stores the URL as pasted, trailing slashes trimmed', async () => {
    const h = createHarness()
    const c = unwrapOk(await h.connectors.addConnector({ name: 'fw', type: 'paloalto', baseUrl: 'https://fw.example.com/config/identity/v1/' }))
    expect(c.baseUrl).toBe('https://fw.example.com/config/identity/v1')
  })
})

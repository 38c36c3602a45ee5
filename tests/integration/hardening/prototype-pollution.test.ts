// A profile that tries to set Object.prototype.confirmWarnings: refused when imported or
// pulled, harmless when an older store already holds it in extras (exported and pushed
// without writing through __proto__), and an issuance with warnings is still refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import { startLamassu, type LamassuFake } from '../../fixtures/sync/platforms'
import { createRootCa } from '../issuance/root-ca'
import { openssl, tempDir } from '../../unit/engine/helpers'

const TOKEN = 'lamassu-token-123'
const tmp = tempDir('pkidesk-pollution-')
let services: Services
let handlers: Handlers
let fake: LamassuFake
let caId: string

function opensslCsr(name: string, subj: string, addext: string[]): string {
  const out = tmp.path(`${name}.csr`)
  const r = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tmp.path(`${name}.key`), '-subj', subj, ...addext.flatMap((e) => ['-addext', e]), '-out', out])
  if (r.status !== 0) throw new Error(r.out)
  const text = openssl(['req', '-in', out]).out
  return text.slice(text.indexOf('-----BEGIN'))
}

const polluted = (): string[] => ['confirmWarnings', 'polluted'].filter((k) => k in Object.prototype || ({} as Record<string, unknown>)[k] !== undefined)

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
  handlers = createHandlers(services)
  caId = (await createRootCa(services, 'Pollution Root')).id
  // The remote platform offers a profile with a __proto__ key too.
  fake = await startLamassu(TOKEN, [JSON.parse('{"id":"evil","name":"Evil","validity":{"type":"Duration","duration":"90d"},"sign_as_ca":false,"__proto__":{"confirmWarnings":true,"polluted":true}}') as Record<string, unknown>])
  const added = await services.connectors.addConnector({ name: 'lamassu-lab', type: 'lamassu', baseUrl: fake.url, credential: TOKEN })
  if (!added.ok) throw new Error(added.error.message)
})
afterAll(async () => {
  await fake.close()
  services.close()
  tmp.cleanup()
})

describe('prototype pollution through profiles', () => {
  it('refuses a profile file with a __proto__, constructor or prototype key, naming it', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const r = services.profiles.import(`{"name":"web","signature_algorithm":"sha256WithRSA","certificate":{"subject":{},"${key}":{"confirmWarnings":true}}}`, 'auto')
      expect(r.ok || r.error.code).toBe('JSON_FORBIDDEN_KEY')
      expect(!r.ok && r.error.message).toContain(`"${key}"`)
    }
    expect(polluted()).toEqual([])
  })

  it('refuses a pulled remote profile with a __proto__ key', async () => {
    const r = await services.sync.pullProfiles('lamassu-lab')
    expect(r.ok).toBe(true)
    const listed = await dispatch(handlers, 'profiles:list', {})
    expect(listed.ok && (listed.value as { items: { name: string }[] }).items.map((p) => p.name)).not.toContain('Evil')
    const item = (r as { value: { items: { id: number }[] } }).value.items[0]!
    const outbox = services.sync.outbox({ connector: 'lamassu-lab' })
    const pulled = outbox.ok ? outbox.value.find((i) => i.id === item.id) : undefined
    expect(pulled?.lastError).toMatchObject({ code: 'REMOTE_RESPONSE_REFUSED', message: expect.stringContaining('"__proto__" key') })
    expect(polluted()).toEqual([])
  })

  it('exports and pushes a stored profile whose extras hold __proto__ paths without touching Object.prototype', async () => {
    // What an older build stored from such a file: the unmapped field kept under its dotted path.
    const created = services.profiles.create(
      {
        name: 'Honor all',
        honorSubject: true,
        honorExtensions: true,
        keyUsage: ['digitalSignature'],
        extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
        san: { includeCommonName: true },
        extras: {
          lamassu: { '__proto__.confirmWarnings': true, 'constructor.prototype.polluted': true },
          'digicert-tlm': { '__proto__.confirmWarnings': true },
          certcentral: { '__proto__.confirmWarnings': true },
          paloalto: { '__proto__.confirmWarnings': true }
        }
      },
      { id: 'honor-all' }
    )
    expect(created.ok).toBe(true)
    for (const dialect of ['lamassu', 'digicert-tlm', 'certcentral', 'paloalto', 'pkidesk'] as const) expect(services.profiles.export('honor-all', dialect).ok).toBe(true)
    expect(polluted()).toEqual([])
    expect((await services.sync.pushProfile('honor-all', 'lamassu-lab')).ok).toBe(true)
    const run = await services.sync.run({ connector: 'lamassu-lab' })
    expect(run.ok && run.value.done).toBeGreaterThanOrEqual(1)
    expect(fake.profiles.has('honor-all')).toBe(true)
    expect(polluted()).toEqual([])
  })

  it('still refuses an issuance with warnings when the request leaves confirmWarnings out', async () => {
    const csrPem = opensslCsr('tlsf', '/CN=staple.example.com', ['subjectAltName=DNS:staple.example.com', 'tlsfeature=status_request'])
    const r = await dispatch(handlers, 'certificates:issue', { authorityId: caId, profileId: 'honor-all', items: [{ csrPem }] })
    expect(r.ok).toBe(true)
    const value = (r as { value: { issued: number; results: { ok: boolean; error?: { code: string } }[] } }).value
    expect(value.issued).toBe(0)
    expect(value.results[0]!.error?.code).toBe('POLICY_WARNINGS_UNCONFIRMED')
  })

  it('takes no default from a prototype: a request that only inherits confirmWarnings is refused', async () => {
    // Polluting Object.prototype itself breaks the ASN.1 library too; an object that inherits
    // the flag shows the same read without it.
    const csrPem = opensslCsr('tlsf2', '/CN=staple2.example.com', ['subjectAltName=DNS:staple2.example.com', 'tlsfeature=status_request'])
    const request = Object.assign(Object.create({ confirmWarnings: true }) as object, { authorityId: caId, profileId: 'honor-all', items: [{ csrPem }] })
    const r = await dispatch(handlers, 'certificates:issue', request)
    const value = (r as { value: { issued: number; results: { error?: { code: string } }[] } }).value
    expect(value.issued).toBe(0)
    expect(value.results[0]!.error?.code).toBe('POLICY_WARNINGS_UNCONFIRMED')
  })
})

// The port sync uses (ProfileBridge): local profiles converted for Lamassu, CertCentral and
// Palo Alto, and pulled Lamassu/TLM profiles saved, updated, or kept when edited locally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createProfileBridge } from '../../../src/main/services/profiles-service'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { ProfileBridge } from '../../../src/main/sync/local-bridge'
import { tempDir } from '../../unit/engine/helpers'
import { openStoreFile, type StoreFile } from '../store-file'

const FIX = join(__dirname, '../../fixtures/profiles')
const load = (n: string) => JSON.parse(readFileSync(join(FIX, n), 'utf8')) as Record<string, unknown>
const tmp = tempDir('pkidesk-bridge-')
let services: Services
let file: StoreFile
let bridge: ProfileBridge
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
  bridge = createProfileBridge((file = openStoreFile(tmp.dir)).store, services.profiles)
})
afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

describe('ProfileBridge', () => {
  it('converts local profiles for Lamassu and CertCentral', () => {
    const l = must(bridge.toLamassu('iot-device')).body
    expect(l).toMatchObject({ id: 'iot-device', name: 'IoT device (30 days)', validity: { type: 'Duration', duration: '30d' }, crypto_enforcement: { allowed_rsa_key_sizes: [2048], allowed_ecdsa_key_sizes: [256] } })
    const conv = must(bridge.toCertCentral('tls-server'))
    const c = conv.body
    // The starter profile holds no account fields: the conversion says so (the connector may supply them).
    expect(conv.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^accountId: CertCentral requires accountId/)]))
    expect(c).toMatchObject({ name: 'TLS server (90 days)', validityPeriod: '90D', signatureHash: 'sha256', keySizeAndAlgorithm: 'RSA 2048' })
    expect(bridge.toLamassu('missing').ok).toBe(false)
  })

  it('gives Palo Alto the fixed fields of an imported generate profile', () => {
    const imported = must(services.profiles.import(readFileSync(join(FIX, 'paloalto-generate.json'), 'utf8'), 'auto'))
    const f = must(bridge.toPaloAlto(imported.profile.id)).body
    expect(f).toEqual({
      certificateName: 'gp-portal',
      commonName: 'portal.example.com',
      key: { family: 'rsa', bits: 3072 },
      digest: 'sha384',
      days: 365,
      alternateEmail: ['netops@example.com'],
      hostname: ['portal.example.com'],
      ip: ['192.0.2.10'],
      department: ['Network Operations'],
      locality: 'Santa Clara',
      state: 'CA',
      countryCode: 'US',
      ocspResponderUrl: 'http://ocsp.example.com',
      signedBy: 'corp-issuing-ca',
      isCertificateAuthority: false,
      isBlockPrivateKey: true
    })
  })

  it('saves a pulled profile, updates it when the remote changes, keeps it when edited locally', () => {
    const body = load('lamassu-web-server.json')
    const first = must(bridge.importPulled({ platform: 'lamassu', connectorName: 'lamassu-prod', profile: { remoteId: 'web-server-profile', name: 'Web Server Certificate Profile', body }, existingLocalId: null, remoteChanged: false }))
    expect(first.localId).toBe('web-server-profile')
    expect(must(services.profiles.get(first.localId)).source).toBe('lamassu-prod')

    const same = must(bridge.importPulled({ platform: 'lamassu', connectorName: 'lamassu-prod', profile: { remoteId: 'web-server-profile', name: 'x', body }, existingLocalId: first.localId, remoteChanged: false }))
    expect(same).toMatchObject({ localId: first.localId })

    const changed = { ...body, validity: { type: 'Duration', duration: '180d' } }
    const updated = must(bridge.importPulled({ platform: 'lamassu', connectorName: 'lamassu-prod', profile: { remoteId: 'web-server-profile', name: 'x', body: changed }, existingLocalId: first.localId, remoteChanged: true }))
    expect(updated.localId).toBe(first.localId)
    expect(must(services.profiles.get(first.localId)).validity).toEqual({ type: 'Duration', duration: '180d' })

    const local = must(services.profiles.get(first.localId))
    const { id: _i, archived: _a, source: _s, createdAt: _c, updatedAt: _u, ...edit } = local
    must(services.profiles.update(first.localId, { ...edit, description: 'tuned here' }))
    const kept = must(bridge.importPulled({ platform: 'lamassu', connectorName: 'lamassu-prod', profile: { remoteId: 'web-server-profile', name: 'x', body }, existingLocalId: first.localId, remoteChanged: true }))
    expect(kept.notes.join('\n')).toContain('edited since the last pull')
    expect(must(services.profiles.get(first.localId)).description).toBe('tuned here')
  })

  it('saves a pulled TLM profile that is not Active archived, with the conversion notes', () => {
    const tlm = (load('tlm-profile-list.json') as unknown as Record<string, unknown>[])[0]!
    const r = must(bridge.importPulled({ platform: 'digicert-tlm', connectorName: 'tlm-eu', profile: { remoteId: 'inactive-1', name: 'Old', body: { ...tlm, id: 'inactive-1', name: 'Old TLM', status: 'Inactive' } }, existingLocalId: null, remoteChanged: false }))
    expect(must(services.profiles.get(r.localId)).archived).toBe(true)
    expect(r.notes.join('\n')).toMatch(/status: The TLM profile is Inactive, not Active: it is saved archived/)
  })

  it('a pulled TLM profile whose name is taken gets the connector name appended', () => {
    const tlm = (load('tlm-profile-list.json') as unknown as Record<string, unknown>[])[0]!
    must(services.profiles.create({ name: 'Profile name' }))
    const r = must(bridge.importPulled({ platform: 'digicert-tlm', connectorName: 'tlm-eu', profile: { remoteId: String(tlm.id), name: 'Profile name', body: tlm }, existingLocalId: null, remoteChanged: false }))
    expect(must(services.profiles.get(r.localId)).name).toBe('Profile name (tlm-eu)')
  })
})

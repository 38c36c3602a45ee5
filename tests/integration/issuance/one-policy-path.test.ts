// One policy path: the built-in minimal profile is a ProfileBody run through evaluate, so the
// crypto baseline and the lint hold without a profile too; and no issuance path reaches the
// TBS encoder with a template evaluate did not produce (evaluate-bypass.test.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { MINIMAL_PROFILE } from '../../../src/main/engine/batch'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const tmp = tempDir('pkidesk-one-path-')
let services: Services
let ca: { id: string; pem: string }

/** A key and CSR made by OpenSSL, the independent implementation. */
function opensslCsr(name: string, keyArgs: string[], subject: string, extra: string[] = []): string {
  const key = tmp.path(`${name}.key`)
  const gen = openssl(['genpkey', ...keyArgs, '-out', key])
  if (gen.status !== 0) throw new Error(gen.out)
  const out = tmp.path(`${name}.csr`)
  const req = openssl(['req', '-new', '-key', key, '-subj', subject, '-out', out, ...extra])
  if (req.status !== 0) throw new Error(req.out)
  return openssl(['req', '-in', out]).out.replace(/^[\s\S]*?(-----BEGIN)/, '$1')
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  ca = await createRootCa(services, 'One Path Root')
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

const issue = (csrPem: string, profileId: string | null, confirmWarnings = false) =>
  services.issuance.issue({ authorityId: ca.id, profileId, confirmWarnings, items: [{ csrPem, input: { subject: {}, sans: [] } }] })

describe('the built-in minimal profile', () => {
  it('is a ProfileBody with the crypto baseline, the private lint level and CN to SAN', () => {
    expect(MINIMAL_PROFILE.lintLevel).toBe('private')
    expect(MINIMAL_PROFILE.extendedKeyUsages).toEqual(['1.3.6.1.5.5.7.3.1'])
    expect(MINIMAL_PROFILE.san.includeCommonName).toBe(true)
  })

  it('refuses an RSA-1024 request, like every profile (even one with crypto enforcement off)', async () => {
    const weak = opensslCsr('rsa1024', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], '/CN=weak.example.com')
    const builtIn = await issue(weak, null, true)
    expect(builtIn.ok && builtIn.value.issued).toBe(0)
    const r = builtIn.ok ? builtIn.value.results[0]! : null
    expect(r?.ok).toBe(false)
    if (r && !r.ok) expect(r.error.details?.findings.map((f) => f.code)).toContain('RSA_KEY_TOO_SMALL')
    const lax = services.profiles.create({ name: 'Anything goes', keyUsage: ['digitalSignature'], crypto: { enabled: false } }, { id: 'lax' })
    expect(lax.ok).toBe(true)
    const viaProfile = await issue(weak, 'lax', true)
    const item = viaProfile.ok ? viaProfile.value.results[0]! : null
    expect(item?.ok).toBe(false)
    if (item && !item.ok) expect(item.error.details?.findings.map((f) => f.code)).toContain('RSA_KEY_TOO_SMALL')
  })

  it('issues a CN-only request with the CN as a DNS SAN, checked by OpenSSL', async () => {
    const pem = opensslCsr('cn-only', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=cn-only.example.net')
    const r = await issue(pem, null)
    expect(r.ok && r.value.issued).toBe(1)
    const res = r.ok ? r.value.results[0]! : null
    if (!res?.ok) throw new Error(JSON.stringify(res))
    const der = services.certificates.get(res.certificateId)
    if (!der.ok) throw new Error(der.error.message)
    const certPath = tmp.write('cn-only.pem', der.value.view.pem)
    const text = openssl(['x509', '-in', certPath, '-noout', '-ext', 'subjectAltName,extendedKeyUsage']).out
    expect(text).toContain('DNS:cn-only.example.net')
    expect(text).toContain('TLS Web Server Authentication')
  })
})

describe('a CN-only request under imported TLS profiles', () => {
  it('the Lamassu seed web-server profile issues it with the CN as a DNS SAN (OpenSSL reads it); public-tls without CN to SAN refuses it', async () => {
    const lamassu = services.profiles.import(readFileSync(join(__dirname, '../../fixtures/profiles/lamassu-web-server.json'), 'utf8'), 'lamassu', { id: 'lamassu-web' })
    if (!lamassu.ok) throw new Error(lamassu.error.message)
    expect(lamassu.value.profile.lintLevel).toBe('private')
    const pem = opensslCsr('lamassu-cn-only', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=device-17.example.org')
    const r = await issue(pem, 'lamassu-web')
    const res = r.ok ? r.value.results[0]! : null
    if (!res?.ok) throw new Error(JSON.stringify(res))
    const detail = services.certificates.get(res.certificateId)
    if (!detail.ok) throw new Error(detail.error.message)
    const text = openssl(['x509', '-in', tmp.write('lamassu-cn-only.pem', detail.value.view.pem), '-noout', '-ext', 'subjectAltName']).out
    expect(text).toContain('DNS:device-17.example.org')

    const strict = services.profiles.create({ ...lamassu.value.profile, name: 'Public TLS, no CN to SAN', lintLevel: 'public-tls', san: { ...lamassu.value.profile.san, includeCommonName: false } }, { id: 'public-strict' })
    if (!strict.ok) throw new Error(strict.error.message)
    const refused = await issue(pem, 'public-strict', true)
    const item = refused.ok ? refused.value.results[0]! : null
    expect(item?.ok).toBe(false)
    if (item && !item.ok) expect(item.error.details?.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toContain('TLS_SAN_MISSING')
  })
})

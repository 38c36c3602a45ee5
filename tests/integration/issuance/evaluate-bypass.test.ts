// No issuance path may skip evaluate. Here evaluate is replaced by one that returns a copy of
// the template it computed (same content, not the sealed object evaluate returns): every path
// that issues from a request (a stored profile, the built-in minimal profile, a renewal) must
// then refuse instead of signing. If any path built its template some other way, or encoded
// without asking whether evaluate produced it, a certificate would be issued and this fails.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as EvaluateModule from '../../../src/main/engine/policy/evaluate'

const bypass = vi.hoisted(() => ({ on: false }))
vi.mock('../../../src/main/engine/policy/evaluate', async (importOriginal) => {
  const real = await importOriginal<typeof EvaluateModule>()
  return {
    ...real,
    evaluate: (...args: Parameters<typeof real.evaluate>) => {
      const r = real.evaluate(...args)
      return bypass.on ? { ...r, template: { ...r.template } } : r
    }
  }
})

import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const tmp = tempDir('pkidesk-bypass-')
let services: Services
let ca: { id: string }
let csrPem: string

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  ca = await createRootCa(services, 'Bypass Root')
  // A key the vault holds, so the certificate can also be renewed.
  const generated = await services.csr.generate({ subject: [[{ type: 'CN', value: 'bypass.example.com' }]], sans: [{ type: 'dns', value: 'bypass.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
  if (!generated.ok) throw new Error(generated.error.message)
  csrPem = generated.value.pem
  expect(services.profiles.create({ name: 'Web', keyUsage: ['digitalSignature'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }, { id: 'web' }).ok).toBe(true)
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

const issue = (profileId: string | null) => services.issuance.issue({ authorityId: ca.id, profileId, confirmWarnings: true, items: [{ csrPem, input: { subject: {}, sans: [] } }] })
const codeOf = (r: Awaited<ReturnType<typeof issue>>): string => {
  if (!r.ok) return r.error.code
  const item = r.value.results[0]!
  return item.ok ? 'ISSUED' : item.error.code
}

describe('every issuance path goes through evaluate', () => {
  it('with the real evaluate, a stored profile and the built-in one issue', async () => {
    bypass.on = false
    expect(codeOf(await issue('web'))).toBe('ISSUED')
    expect(codeOf(await issue(null))).toBe('ISSUED')
  })
  it('with a template evaluate did not seal, nothing is signed: stored profile, built-in profile, renewal', async () => {
    const first = await issue('web')
    const id = first.ok && first.value.results[0]!.ok ? first.value.results[0]!.certificateId : -1
    bypass.on = true
    try {
      expect(codeOf(await issue('web'))).toBe('POLICY_NOT_EVALUATED')
      expect(codeOf(await issue(null))).toBe('POLICY_NOT_EVALUATED')
      expect(id).toBeGreaterThan(0)
      const renewed = await services.renewal.renew({ id, confirmWarnings: true })
      expect(renewed.ok ? 'ISSUED' : renewed.error.code).toBe('POLICY_NOT_EVALUATED')
    } finally {
      bypass.on = false
    }
  })
})

// The CSR service is the one intake for requests: the CSR screen's inspect and the profile
// preview read through it, so a request reads the same in both (a bad signature is shown by
// inspect, refused by the preview); a generated request verifies under OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { FIXTURES, openssl, tempDir } from '../../unit/engine/helpers'

const tmp = tempDir('pkidesk-csr-service-')
let services: Services
const goodPem = readFileSync(`${FIXTURES}/csr-p256.pem`, 'utf8')

/** The fixture with one bit of its signature flipped, as PEM. */
function tamperedPem(): string {
  const der = Buffer.from(goodPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  der[der.length - 5]! ^= 0x01
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`
}

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('CSR intake', () => {
  it('inspect reads every request of a file and the preview reads the first of the same text identically', () => {
    const twice = `${goodPem}${readFileSync(`${FIXTURES}/csr-rsa2048.pem`, 'utf8')}`
    const inspected = services.csr.inspect({ encoding: 'pem', data: twice })
    expect(inspected.ok).toBe(true)
    if (!inspected.ok) return
    expect(inspected.value.items.map((i) => i.ok && i.csr.publicKey.family)).toEqual(['ec', 'rsa'])
    const first = services.csr.request(twice, 'csrPem')
    expect(first.ok).toBe(true)
    if (!first.ok || !inspected.value.items[0]!.ok) return
    expect(first.value.subjectText).toBe(inspected.value.items[0]!.csr.subjectText)
    expect(first.value.publicKey.sha256).toBe(inspected.value.items[0]!.csr.publicKey.sha256)
  })

  it('a request whose signature fails: inspect shows whose it is, the preview refuses it on csrPem', () => {
    const pem = tamperedPem()
    const inspected = services.csr.inspect({ encoding: 'pem', data: pem })
    const item = inspected.ok ? inspected.value.items[0] : undefined
    expect(item?.ok && item.csr.signatureValid).toBe(false)
    expect(item?.ok && item.csr.subjectText.length).toBeGreaterThan(0)
    const preview = services.profiles.preview({ csrPem: pem })
    expect(preview.ok ? 'OK' : [preview.error.code, preview.error.field]).toEqual(['CSR_SIGNATURE_INVALID', 'csrPem'])
  })

  it('text with no request is refused with the caller\'s field', () => {
    const r = services.csr.request('no request here', 'csrPem')
    expect(r.ok ? null : r.error.field).toBe('csrPem')
  })
})

describe('CSR generation', () => {
  it('a generated request verifies under OpenSSL and names the key the vault now holds', async () => {
    const r = await services.csr.generate({ subject: [[{ type: 'CN', value: 'gen.example' }]], sans: [{ type: 'dns', value: 'gen.example' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const verified = openssl(['req', '-verify', '-noout', '-subject'], r.value.pem)
    expect(verified.status).toBe(0)
    expect(verified.out).toMatch(/CN\s*=\s*gen\.example/)
    expect(services.vault.key(r.value.keyId)?.spkiSha256).toBe(r.value.csr.publicKey.sha256)
  })
})

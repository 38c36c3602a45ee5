// What goes wrong with a token, each with its code and nothing lost: a module that is not
// there, a token that is absent, a wrong PIN (nothing unlocked, the attempt audited), a key
// that is not on the token, a key type the token cannot make, a pending CA discarded (its
// generated key pair leaves the token), and the token removed in the
// middle of a batch (the run stops before the next signature; what was signed is stored,
// verified by OpenSSL and audited; the CA is locked). RSA keys on the token sign PKCS#1 v1.5
// and PSS, both verified by node:crypto's OpenSSL.
import { verify, X509Certificate, generateKeyPairSync, createPublicKey } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCsr, toPem } from '../../../src/main/engine'
import { openssl } from '../../unit/engine/helpers'
import { caInput, softHsm, USER_PIN, type SoftHsm } from './softhsm'

let hsm: SoftHsm
let services: Services
let paced: (() => void) | null = null

const on = (token: string, pin = USER_PIN) => ({ module: hsm.module, token, pin })

async function csrs(n: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const signer = createKeyObjectSigner(`k${i}`, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const csr = await buildCsr({ subject: [[{ type: 'CN', value: `device${i}.example.test` }]], sans: [{ type: 'dns', value: `device${i}.example.test` }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
    if (!csr.ok) throw new Error(csr.error.message)
    out.push(toPem('CERTIFICATE REQUEST', csr.value))
  }
  return out
}

beforeAll(() => {
  hsm = softHsm(['Errors', 'Removable', 'RSA'])
  services = createServices({
    dataDir: join(hsm.dir, 'store'),
    keychain: createMemoryKeychain(),
    issuance: {
      pace: async () => {
        paced?.()
      }
    }
  })
})
afterAll(() => services.close())

describe('token failures, each with its code', () => {
  it('says when the module cannot be loaded or the token is absent', async () => {
    const missing = await services.vault.tokens('/usr/lib/no-such-pkcs11.so')
    expect(missing.ok ? null : missing.error.code).toBe('PKCS11_MODULE_UNLOADABLE')
    writeFileSync(join(hsm.dir, 'not-a-library.so'), 'text')
    const garbage = await services.authorities.create({ ...caInput('Garbage'), token: { module: join(hsm.dir, 'not-a-library.so'), token: 'Errors', pin: USER_PIN } })
    expect(garbage.ok ? null : garbage.error.code).toBe('PKCS11_MODULE_UNLOADABLE')
    const absent = await services.authorities.create({ ...caInput('Absent'), token: on('No Such Token') })
    expect(absent.ok ? null : [absent.error.code, absent.error.message]).toEqual(['PKCS11_TOKEN_ABSENT', expect.stringContaining('"Errors"')])
    expect(services.authorities.list()).toEqual([])
  })

  it('loads no library the renderer names: authorities:create takes only a module main offers', async () => {
    writeFileSync(join(hsm.dir, 'evil.so'), 'not a module')
    const create = createHandlers(services)['authorities:create']
    const r = await create({ ...caInput('From the renderer'), token: { module: join(hsm.dir, 'evil.so'), token: 'Errors', pin: USER_PIN } })
    expect(r.ok ? null : [r.error.code, r.error.field]).toEqual(['PKCS11_MODULE_UNLOADABLE', 'token'])
    expect(r.ok ? '' : r.error.message).toMatch(/not one of the PKCS#11 modules PKI Desk offers/)
    // A module it offers (SoftHSM2 at its install path) is taken.
    const offered = await services.pkcs11.modules()
    expect(offered.map((m) => m.path)).toContain(hsm.module)
    const made = await create({ ...caInput('Offered'), token: { module: hsm.module, token: 'Errors', pin: USER_PIN } })
    expect(made.ok ? made.value.keyProtection : made.error.message).toBe('pkcs11')
    if (made.ok) services.authorities.lock(made.value.id)
  })

  it('refuses a wrong PIN at creation and at unlock, unlocks nothing and audits the attempt', async () => {
    const wrong = await services.authorities.create({ ...caInput('Wrong PIN'), token: on('Errors', '000000') })
    expect(wrong.ok ? null : wrong.error.code).toBe('PKCS11_PIN_INCORRECT')
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/tries/)
    const created = await services.authorities.create({ ...caInput('Errors CA'), token: on('Errors') })
    if (!created.ok) throw new Error(created.error.message)
    services.authorities.lock(created.value.id)
    const r = await services.authorities.unlock(created.value.id, '000000')
    expect(r.ok ? null : r.error.code).toBe('PKCS11_PIN_INCORRECT')
    expect(services.authorities.list().find((a) => a.id === created.value.id)!.unlocked).toBe(false)
    const trail = services.audit.list({ offset: 0, limit: 50 })
    expect(JSON.stringify(trail)).toContain('vault.unlock-failed')
    // The right PIN unlocks it, and signs.
    expect((await services.authorities.unlock(created.value.id, USER_PIN)).ok).toBe(true)
    const crl = await services.certificates.generateCrl(created.value.id)
    expect(crl.ok).toBe(true)
  })

  it('says when the key is not on the token, and when the token cannot make the key type', async () => {
    const cert = services.authorities.get(services.authorities.list().find((a) => a.name === 'Errors CA')!.id)
    if (!cert.ok) throw new Error(cert.error.message)
    const notThere = await services.authorities.adopt({ name: 'Nothing', certificate: { encoding: 'pem', data: cert.value.certificatePem! }, token: { ...on('Removable'), keyLabel: 'no such key' } })
    expect(notThere.ok ? null : notThere.error.code).toBe('PKCS11_KEY_NOT_FOUND')
    const ed = await services.authorities.create({ ...caInput('Edwards', 'ed448'), token: on('Errors') })
    expect(ed.ok ? null : ed.error.code).toBe('PKCS11_MECHANISM_UNSUPPORTED')
  })

  it('removes the key pair it generated from the token when a pending CA is discarded', async () => {
    const pending = await services.authorities.createCsr({
      name: 'Discarded',
      subject: [[{ type: 'CN', value: 'Discarded' }]],
      keySpec: 'ec-p256',
      protection: 'keychain',
      signature: { hash: 'SHA-256', rsaPss: false },
      token: { ...on('Errors'), keyLabel: 'discard-me' }
    })
    if (!pending.ok) throw new Error(pending.error.message)
    const objects = () => hsm.run('pkcs11-tool', ['--token-label', 'Errors', '--login', '--pin', USER_PIN, '--list-objects'])
    expect(objects()).toContain('label:      discard-me')
    expect((await services.authorities.discardPending(pending.value.authority.id, 'the CSR could not be written')).ok).toBe(true)
    expect(objects()).not.toContain('discard-me')
    // The token's other CA key is untouched and still signs.
    const other = services.authorities.list().find((a) => a.name === 'Errors CA')!
    expect((await services.certificates.generateCrl(other.id)).ok).toBe(true)
  })

  it('stops a batch when the token is removed mid-run, keeping and auditing what was signed', async () => {
    const created = await services.authorities.create({ ...caInput('Removable CA'), token: on('Removable') })
    if (!created.ok) throw new Error(created.error.message)
    const caPem = services.authorities.get(created.value.id)
    if (!caPem.ok) throw new Error(caPem.error.message)
    writeFileSync(join(hsm.dir, 'removable.pem'), caPem.value.certificatePem!)
    const items = (await csrs(8)).map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } }))
    let finished = 0
    paced = () => {
      // Before the fourth signature, the token goes (its slot deleted).
      if (++finished === 4) hsm.deleteToken('Removable')
    }
    const r = await services.issuance.issue({ authorityId: created.value.id, profileId: null, confirmWarnings: true, items })
    paced = null
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.issued).toBe(3)
    const codes = r.value.results.map((x) => (x.ok ? 'issued' : x.error.code))
    expect(codes).toEqual(['issued', 'issued', 'issued', 'PKCS11_SESSION_LOST', 'NOT_ATTEMPTED', 'NOT_ATTEMPTED', 'NOT_ATTEMPTED', 'NOT_ATTEMPTED'])
    const lost = r.value.results[3]!
    expect(lost.ok ? '' : lost.error.message).toMatch(/certificates signed before it are kept/)
    // The three signed before are stored and verify under the CA.
    for (const x of r.value.results.slice(0, 3)) {
      if (!x.ok) throw new Error('expected issued')
      const got = services.certificates.get(x.certificateId)
      if (!got.ok) throw new Error(got.error.message)
      writeFileSync(join(hsm.dir, 'leaf.pem'), got.value.view.pem)
      expect(openssl(['verify', '-CAfile', join(hsm.dir, 'removable.pem'), join(hsm.dir, 'leaf.pem')]).out).toContain(': OK')
    }
    expect(JSON.stringify(services.audit.list({ offset: 0, limit: 200 })).match(/certificate\.issue/g)?.length).toBe(3)
    // The CA is locked now: its token is gone.
    expect(services.authorities.list().find((a) => a.id === created.value.id)!.unlocked).toBe(false)
    const again = await services.authorities.unlock(created.value.id, USER_PIN)
    expect(again.ok ? null : again.error.code).toBe('PKCS11_TOKEN_ABSENT')
  })

  it('signs with RSA keys on the token in PKCS#1 v1.5 and PSS, both verified by OpenSSL', async () => {
    const created = await services.authorities.create({ ...caInput('RSA Token CA', 'rsa-2048'), token: on('RSA') })
    if (!created.ok) throw new Error(created.error.message)
    const signer = services.vault.signer(created.value.keyId!)
    if (!signer.ok) throw new Error(signer.error.message)
    const pub = createPublicKey({ key: Buffer.from(signer.value.publicKeySpki), format: 'der', type: 'spki' })
    const data = Buffer.from('to be signed')
    const v15 = await signer.value.sign(data, { hash: 'SHA-384' })
    expect(verify('sha384', data, pub, v15)).toBe(true)
    const pss = await signer.value.sign(data, { hash: 'SHA-256', rsaPss: true })
    expect(verify('sha256', data, { key: pub, padding: 6, saltLength: 32 }, pss)).toBe(true)
    expect(verify('sha256', data, pub, pss)).toBe(false)
    // The CA certificate it made for itself verifies.
    const detail = services.authorities.get(created.value.id)
    if (!detail.ok) throw new Error(detail.error.message)
    expect(new X509Certificate(detail.value.certificatePem!).verify(pub)).toBe(true)
  })
})

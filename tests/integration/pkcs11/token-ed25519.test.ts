// Ed25519 CA keys on a PKCS#11 token (SoftHSM2 2.6 offers CKM_EC_EDWARDS_KEY_PAIR_GEN and
// CKM_EDDSA): the key pair is generated there, pure EdDSA signatures come back, and what it
// signs — the CA's own certificate and a CRL — is checked by OpenSSL; pkcs11-tool reads the
// key type from the token; the token's key listing calls the key usable; Ed448 stays refused.
import { createPublicKey, verify, X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { openssl } from '../../unit/engine/helpers'
import { caInput, softHsm, USER_PIN, type SoftHsm } from './softhsm'

let hsm: SoftHsm
let services: Services
const on = (token: string) => ({ module: hsm.module, token, pin: USER_PIN })

beforeAll(() => {
  hsm = softHsm(['Edwards'])
  services = createServices({ dataDir: join(hsm.dir, 'store'), keychain: createMemoryKeychain() })
})
afterAll(() => services.close())

describe('Ed25519 keys on a token', () => {
  it('generates the key on the token and signs the CA certificate and a CRL with it, both verified by OpenSSL', async () => {
    const created = await services.authorities.create({ ...caInput('Ed Token CA', 'ed25519'), token: { ...on('Edwards'), keyLabel: 'ed-root' } })
    if (!created.ok) throw new Error(`${created.error.code}: ${created.error.message}`)
    expect(created.value.keyProtection).toBe('pkcs11')

    // The token says it holds an EdDSA key under that label.
    const objects = hsm.run('pkcs11-tool', ['--token-label', 'Edwards', '--login', '--pin', USER_PIN, '--list-objects', '--type', 'privkey'])
    expect(objects).toMatch(/Private Key Object; EC_EDWARDS/)
    expect(objects).toContain('label:      ed-root')

    // A signature from the token is pure Ed25519 over the message, as node:crypto verifies it.
    const signer = services.vault.signer(created.value.keyId!)
    if (!signer.ok) throw new Error(signer.error.message)
    const pub = createPublicKey({ key: Buffer.from(signer.value.publicKeySpki), format: 'der', type: 'spki' })
    expect(pub.asymmetricKeyType).toBe('ed25519')
    const data = Buffer.from('signed on the token')
    const sig = await signer.value.sign(data, { hash: 'SHA-256' })
    expect(sig.length).toBe(64)
    expect(verify(null, data, pub, sig)).toBe(true)
    expect(verify(null, Buffer.from('something else'), pub, sig)).toBe(false)

    const detail = services.authorities.get(created.value.id)
    if (!detail.ok) throw new Error(detail.error.message)
    const caFile = join(hsm.dir, 'ed-root.pem')
    writeFileSync(caFile, detail.value.certificatePem!)
    expect(new X509Certificate(detail.value.certificatePem!).publicKey.asymmetricKeyType).toBe('ed25519')
    expect(openssl(['verify', '-x509_strict', '-CAfile', caFile, caFile]).out).toContain(': OK')
    expect(openssl(['x509', '-in', caFile, '-noout', '-text']).out).toContain('Signature Algorithm: ED25519')

    const crl = await services.certificates.generateCrl(created.value.id)
    if (!crl.ok) throw new Error(`${crl.error.code}: ${crl.error.message}`)
    const exported = services.certificates.exportCrl(crl.value.id, 'pem')
    if (!exported.ok) throw new Error(exported.error.message)
    const crlFile = join(hsm.dir, 'ed-root.crl.pem')
    writeFileSync(crlFile, Buffer.from(exported.value.base64, 'base64'))
    expect(openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout']).out).toContain('verify OK')
  })

  it('lists an Ed25519 key on the token as usable, and still refuses Ed448', async () => {
    const keys = await services.vault.tokenKeys(hsm.module, 'Edwards', USER_PIN)
    if (!keys.ok) throw new Error(keys.error.message)
    expect(keys.value.find((k) => k.label === 'ed-root')).toMatchObject({ type: 'Ed25519', usable: true })
    const ed448 = await services.authorities.create({ ...caInput('Ed448 CA', 'ed448'), token: on('Edwards') })
    expect(ed448.ok ? null : ed448.error.code).toBe('PKCS11_MECHANISM_UNSUPPORTED')
  })
})

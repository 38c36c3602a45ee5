// Describe before refusing: a well-formed request PKI Desk will not sign (DSA, secp256k1, an
// MD5 signature) is read for its subject, key and signature check, and still refused by code.
import { describe, expect, it } from 'vitest'
import { describeRequest, readCsrInput } from '../../../src/main/engine/csr'
import { fixture } from './helpers'

function der(name: string): Uint8Array {
  const pem = Buffer.from(fixture(name)).toString('utf8')
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'))
}

describe('describe before refusing', () => {
  it('a DSA request: refused with KEY_UNSUPPORTED, described with its subject, DSA key size and a verified signature', () => {
    const r = readCsrInput(fixture('bad-dsa.pem'))
    const item = r.ok ? r.value[0] : undefined
    expect(item).toMatchObject({ ok: false, error: { code: 'KEY_UNSUPPORTED' } })
    if (!item || item.ok) return
    expect(item.described).toMatchObject({ subjectText: 'CN=dsa', key: 'DSA 2048 bits', signatureAlgorithm: 'dsa-with-sha256', signatureValid: true })
  })

  it('secp256k1 and an MD5 signature are described too', () => {
    expect(describeRequest(der('bad-secp256k1.pem'))).toMatchObject({ subjectText: 'CN=k1', key: 'EC secp256k1', signatureValid: true })
    expect(describeRequest(der('bad-md5.pem'))).toMatchObject({ subjectText: 'CN=md5', key: 'RSA 2048 bits', signatureAlgorithm: 'md5WithRSAEncryption', signatureValid: true })
  })

  it('a DSA request with one signature bit flipped is described as not verifying', () => {
    const bytes = der('bad-dsa.pem')
    bytes[bytes.length - 3]! ^= 0x01
    expect(describeRequest(bytes)?.signatureValid).toBe(false)
  })

  it('what is not a request is not described', () => {
    expect(describeRequest(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toBeNull()
    const cert = readCsrInput(fixture('not-a-csr-certificate.pem'))
    expect(cert.ok && cert.value[0]).toMatchObject({ ok: false, error: { code: 'CSR_IS_CERTIFICATE' } })
    expect(cert.ok && !cert.value[0]!.ok && cert.value[0]!.described).toBeFalsy()
  })
})

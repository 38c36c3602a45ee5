import { describe, expect, it } from 'vitest'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { readCsrInput, parseCsrDer, MAX_CSR_INPUT_BYTES, type CsrItem } from '../../../src/main/engine'
import { fixture, opensslBytes } from './helpers'

function single(bytes: Uint8Array): CsrItem {
  const r = readCsrInput(bytes)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  expect(r.value).toHaveLength(1)
  return r.value[0]!
}

function okCsr(name: string) {
  const item = single(fixture(name))
  if (!item.ok) throw new Error(`${name}: ${item.error.code} ${item.error.message}`)
  return item.csr
}

function errorCode(bytes: Uint8Array): string {
  const r = readCsrInput(bytes)
  if (!r.ok) return r.error.code
  const item = r.value[0]!
  return item.ok ? 'OK' : item.error.code
}

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))

describe('CSR intake: key types (fixtures made by openssl req)', () => {
  it.each([
    ['csr-rsa2048.pem', 'rsa', 2048, undefined],
    ['csr-rsa3072.pem', 'rsa', 3072, undefined],
    ['csr-rsa4096.pem', 'rsa', 4096, undefined],
    ['csr-rsa8192.pem', 'rsa', 8192, undefined],
    ['csr-p256.pem', 'ec', 256, 'P-256'],
    ['csr-p384.pem', 'ec', 384, 'P-384'],
    ['csr-p521.pem', 'ec', 521, 'P-521'],
    ['csr-ed25519.pem', 'ed25519', 256, undefined],
    ['csr-ed448.pem', 'ed448', 456, undefined]
  ])('%s → %s %d %s', (name, family, size, curve) => {
    const csr = okCsr(name)
    expect(csr.publicKey.family).toBe(family)
    expect(csr.publicKey.size).toBe(size)
    expect(csr.publicKey.curve).toBe(curve)
    expect(csr.signatureValid).toBe(true)
    // SHA-256 of the SPKI as OpenSSL extracts it.
    const spki = opensslBytes(['req', '-in', `tests/fixtures/engine/${name}`, '-pubkey', '-noout'])
    const der = opensslBytes(['pkey', '-pubin', '-outform', 'DER'], spki)
    expect(csr.publicKey.sha256).toBe(createHash('sha256').update(der).digest('hex'))
  })

  it('reports the subject as RDNs in order, UTF-8 and repeated OUs intact', () => {
    const csr = okCsr('csr-rsa2048.pem')
    expect(csr.subject).toEqual([
      [{ type: 'C', value: 'DE' }],
      [{ type: 'O', value: 'Acme Ünïcode' }],
      [{ type: 'OU', value: 'Ops' }],
      [{ type: 'OU', value: 'Web' }],
      [{ type: 'CN', value: 'host.example.com' }]
    ])
    expect(csr.subjectText).toBe('CN=host.example.com, OU=Web, OU=Ops, O=Acme Ünïcode, C=DE')
  })

  it('reports multi-valued RDNs', () => {
    const csr = okCsr('csr-multivalued.pem')
    expect(csr.subject[1]).toEqual([
      { type: 'CN', value: 'multi' },
      { type: 'UID', value: '42' }
    ])
    expect(csr.subjectText).toBe('CN=multi + UID=42, O=Acme')
  })

  it('reports requested SANs of every kind: dns, ip v4/v6, email, uri, upn', () => {
    const csr = okCsr('csr-rsa2048.pem')
    expect(csr.sans).toEqual([
      { type: 'dns', value: 'host.example.com' },
      { type: 'dns', value: 'www.example.com' },
      { type: 'ip', value: '192.0.2.7' },
      { type: 'ip', value: '2001:db8::7' },
      { type: 'email', value: 'ops@example.com' },
      { type: 'uri', value: 'https://example.com/id' },
      { type: 'upn', value: 'ops@corp.example' }
    ])
    expect(csr.requestedExtensions).toEqual([{ oid: '2.5.29.17', name: 'Subject Alternative Name', critical: false }])
  })

  it('reports requested key usage, extended key usage and the signature algorithm', () => {
    const csr = okCsr('csr-p256.pem')
    expect(csr.requestedKeyUsage).toEqual(['digitalSignature'])
    expect(csr.requestedExtKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    expect(csr.signatureAlgorithm).toBe('ecdsa-with-SHA256')
    expect(csr.requestedExtensions.map((e) => [e.name, e.critical])).toEqual([
      ['Subject Alternative Name', false],
      ['Key Usage', true],
      ['Extended Key Usage', false]
    ])
    expect(okCsr('csr-ed25519.pem').signatureAlgorithm).toBe('Ed25519')
  })

  it('accepts DER, CRLF, text around the blocks, NEW CERTIFICATE REQUEST headers and several requests in one file', () => {
    expect(single(fixture('csr-rsa2048.der')).ok).toBe(true)
    const a = Buffer.from(fixture('csr-p256.pem')).toString('utf8')
    const b = Buffer.from(fixture('csr-ed25519.pem')).toString('utf8').replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')
    const file = `Subject: host\r\n${a.replace(/\n/g, '\r\n')}\r\nsome notes in between\r\n${b}\ntrailing text`
    const r = readCsrInput(text(file))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.map((i) => i.ok && i.csr.publicKey.family)).toEqual(['ec', 'ed25519'])
  })

  it('keeps good requests and reports bad ones per item', () => {
    const good = Buffer.from(fixture('csr-p384.pem')).toString('utf8')
    const r = readCsrInput(text(`${good}${Buffer.from(fixture('bad-dsa.pem')).toString('utf8')}`))
    expect(r.ok && r.value.map((i) => (i.ok ? 'OK' : i.error.code))).toEqual(['OK', 'KEY_UNSUPPORTED'])
  })
})

describe('CSR intake: broken and wrong inputs are refused with a code naming what they are', () => {
  const pem = Buffer.from(fixture('csr-p256.pem')).toString('utf8')
  const der = parseDer(pem)

  function parseDer(p: string): Buffer {
    return Buffer.from(p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  }

  it('empty file (zero bytes or whitespace)', () => {
    expect(errorCode(new Uint8Array(0))).toBe('CSR_EMPTY')
    expect(errorCode(text(' \r\n\n'))).toBe('CSR_EMPTY')
  })

  it('file over the 1 MiB limit', () => {
    expect(errorCode(new Uint8Array(MAX_CSR_INPUT_BYTES + 1).fill(0x41))).toBe('CSR_TOO_LARGE')
  })

  it('a certificate (PEM and DER)', () => {
    expect(errorCode(fixture('not-a-csr-certificate.pem'))).toBe('CSR_IS_CERTIFICATE')
    const certDer = parseDer(Buffer.from(fixture('not-a-csr-certificate.pem')).toString('utf8'))
    expect(errorCode(certDer)).toBe('CSR_IS_CERTIFICATE')
  })

  it('a private key (PKCS#8 PEM, traditional EC PEM, DER, encrypted)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(errorCode(text(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string))).toBe('CSR_IS_PRIVATE_KEY')
    expect(errorCode(text(privateKey.export({ type: 'sec1', format: 'pem' }) as string))).toBe('CSR_IS_PRIVATE_KEY')
    expect(errorCode(privateKey.export({ type: 'pkcs8', format: 'der' }))).toBe('CSR_IS_PRIVATE_KEY')
    const enc = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x'.repeat(12) }) as string
    expect(errorCode(text(enc))).toBe('CSR_IS_PRIVATE_KEY')
  })

  it('truncated data (PEM without END, DER cut short)', () => {
    expect(errorCode(text(pem.slice(0, pem.length - 40)))).toBe('CSR_TRUNCATED')
    expect(errorCode(der.subarray(0, der.length - 10))).toBe('CSR_TRUNCATED')
  })

  it('corrupt data (bad base64, random binary, extra bytes)', () => {
    expect(errorCode(text(pem.replace(/[A-Za-z0-9]{8}\n/, '!!!!!!!!\n')))).toBe('CSR_CORRUPT')
    expect(errorCode(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]))).toBe('CSR_CORRUPT')
    expect(errorCode(Uint8Array.from([0xff, 0x00, 0x13, 0x37]))).toBe('CSR_CORRUPT')
    expect(errorCode(Buffer.concat([der, Buffer.from([0])]))).toBe('CSR_CORRUPT')
  })

  it('text without any request block', () => {
    expect(errorCode(text('hello, this is not a CSR\n'))).toBe('CSR_NOT_FOUND')
  })

  it('a PEM block of another kind (public key)', () => {
    const { publicKey } = generateKeyPairSync('ed25519')
    expect(errorCode(text(publicKey.export({ type: 'spki', format: 'pem' }) as string))).toBe('CSR_WRONG_KIND')
  })

  it('a bad signature (no proof of possession)', () => {
    const tampered = Buffer.from(der)
    tampered[tampered.length - 5]! ^= 0x01
    expect(errorCode(tampered)).toBe('CSR_SIGNATURE_INVALID')
    // Subject altered after signing.
    const altered = Buffer.from(der)
    const at = altered.indexOf(Buffer.from('host.example.com'))
    altered[at] = 'g'.charCodeAt(0)
    expect(errorCode(altered)).toBe('CSR_SIGNATURE_INVALID')
  })

  it('a bad signature at intake (badSignature: report): read, with its subject, and marked as not verifying', () => {
    const tampered = Buffer.from(der)
    tampered[tampered.length - 5]! ^= 0x01
    const r = readCsrInput(tampered, { badSignature: 'report' })
    const item = r.ok ? r.value[0] : undefined
    expect(item?.ok).toBe(true)
    if (!item?.ok) return
    expect(item.csr.signatureValid).toBe(false)
    expect(item.csr.subjectText).toContain('CN=host.example.com')
    // The untouched request still verifies in this mode.
    const good = readCsrInput(der, { badSignature: 'report' })
    expect(good.ok && good.value[0]?.ok && good.value[0].csr.signatureValid).toBe(true)
  })

  it('unsupported key algorithms: DSA and curves other than P-256/384/521', () => {
    expect(errorCode(fixture('bad-dsa.pem'))).toBe('KEY_UNSUPPORTED')
    expect(errorCode(fixture('bad-secp256k1.pem'))).toBe('KEY_UNSUPPORTED')
  })

  it('unsupported signature algorithms: MD5 and unknown OIDs', () => {
    expect(errorCode(fixture('bad-md5.pem'))).toBe('SIGNATURE_ALGORITHM_UNSUPPORTED')
    // Rewrite ecdsa-with-SHA256 (2a 86 48 ce 3d 04 03 02) into an unknown arc.
    const unknown = Buffer.from(der)
    const oid = Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])
    const at = unknown.lastIndexOf(oid)
    unknown[at + 7] = 0x7f
    const r = parseCsrDer(unknown)
    expect(r.ok ? 'OK' : r.error.code).toBe('SIGNATURE_ALGORITHM_UNSUPPORTED')
    expect(r.ok ? '' : r.error.message).toContain('1.2.840.10045.4.3.127')
  })

  it('every refusal is one sentence', () => {
    const r = readCsrInput(fixture('bad-md5.pem'))
    const item = r.ok ? r.value[0] : undefined
    expect(item && !item.ok && item.error.message).toMatch(/^[A-Z][^\n]+\.$/)
  })
})

// The lean PKCS#7 writer held byte-equal to the @peculiar/asn1-cms encoding, and the limits
// for foreign DER (engine/der-limits.ts) sized by measurement: a fifth of a 100,000-entry CRL
// and a tenth of a 10,000-certificate bundle parse within a fifth and a tenth of the caps
// (asn1js counts nodes linearly), while asn1js's own defaults refuse them.
import { unwrap } from '../../../src/shared/errors'
import { afterAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate, CertificateList } from '@peculiar/asn1-x509'
import { CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerInfos } from '@peculiar/asn1-cms'
import { buildCrl, buildPkcs7 } from '../../../src/main/engine'
import { FOREIGN_DER_LIMITS, parseForeignDer, type DerLimits } from '../../../src/main/engine/der-limits'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { opensslBytes, openssl, tempDir } from './helpers'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

function referencePkcs7(certificates: readonly Uint8Array[]): Uint8Array {
  const signed = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: new CertificateSet(certificates.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([])
  })
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: AsnConvert.serialize(signed) })))
}

/** Self-signed certificates made by OpenSSL (RSA and EC), DER. */
const certs = ['rsa:2048', 'ec'].map((alg, i) => {
  const key = tmp.path(`k${i}.pem`)
  const args = alg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', alg]
  return new Uint8Array(opensslBytes(['req', '-x509', ...args, '-nodes', '-keyout', key, '-subj', `/O=Bundle/CN=bundle-${i}.example`, '-days', '30', '-outform', 'DER']))
})

const scaled = (f: number): DerLimits => ({ ...FOREIGN_DER_LIMITS, maxNodes: Math.floor(FOREIGN_DER_LIMITS.maxNodes * f) })

describe('PKCS#7 bundles: assembled around the certificates, byte-equal to asn1-cms', () => {
  it('one, two and a repeated list, in the given order', () => {
    for (const list of [[certs[0]!], [certs[1]!, certs[0]!], [certs[0]!, certs[1]!, certs[1]!, certs[0]!]]) {
      expect(Buffer.from(unwrap(buildPkcs7(list))).toString('hex')).toBe(Buffer.from(referencePkcs7(list)).toString('hex'))
    }
  })

  it('refuses an empty bundle as a value, not bytes that import as nothing', () => {
    expect(buildPkcs7([])).toMatchObject({ ok: false, error: { code: 'MISSING_INPUT', field: 'certificates' } })
  })

  it('OpenSSL prints every certificate of a 1,000-certificate bundle', () => {
    const list = Array.from({ length: 1000 }, (_, i) => certs[i % 2]!)
    const out = openssl(['pkcs7', '-inform', 'DER', '-in', tmp.write('b.p7b', unwrap(buildPkcs7(list))), '-print_certs', '-noout'])
    expect(out.status).toBe(0)
    expect(out.out.match(/subject=/g)?.length).toBe(1000)
  })
})

describe('foreign DER limits', () => {
  it('a 1,000-certificate bundle parses within a tenth of the node cap (so 10,000 fit), and asn1js defaults refuse it', () => {
    const bundle = unwrap(buildPkcs7(Array.from({ length: 1000 }, (_, i) => certs[i % 2]!)))
    expect(bundle.length * 10).toBeLessThan(FOREIGN_DER_LIMITS.maxContentLength)
    const info = parseForeignDer(bundle, ContentInfo, scaled(0.1))
    expect(parseForeignDer(info.content, SignedData, scaled(0.1)).certificates).toHaveLength(1000)
    expect(() => AsnConvert.parse(bundle, ContentInfo)).toThrow(/node count/)
  })

  it('a 20,000-entry CRL parses within a fifth of the node cap (so 100,000 fit), and asn1js defaults refuse it', async () => {
    const signer = createKeyObjectSigner('k', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      serial: `7f${randomBytes(15).toString('hex')}`,
      revokedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
      reason: 'keyCompromise' as const,
      // The largest entry shape: reason and invalidity date.
      invalidityDate: new Date(Date.UTC(2025, 11, 1))
    }))
    const crl = await buildCrl({ issuerSubjectDer: Uint8Array.of(0x30, 0), issuerSki: new Uint8Array(20), crlNumber: 1, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), entries, hash: 'SHA-256', rsaPss: false }, signer)
    if (!crl.ok) throw new Error(crl.error.message)
    expect(crl.value.length * 5).toBeLessThan(FOREIGN_DER_LIMITS.maxContentLength)
    expect(parseForeignDer(crl.value, CertificateList, scaled(0.2)).tbsCertList.revokedCertificates).toHaveLength(20_000)
    expect(() => AsnConvert.parse(crl.value, CertificateList)).toThrow(/node count/)
  })

  it('refuses nesting deeper than the cap and more nodes than the cap', () => {
    // 100 nested SEQUENCEs: under asn1js's default depth of 100, over ours of 64.
    let deep: Uint8Array = Uint8Array.of(0x05, 0x00)
    for (let i = 0; i < 100; i++) deep = Uint8Array.from([0x30, ...lengthOf(deep.length), ...deep])
    expect(() => parseForeignDer(deep, CertificateList)).toThrow(/depth/)
    const flat = Buffer.alloc(2 + 4 + 2 * 50_000)
    flat.set([0x30, 0x83, 0x01, 0x86, 0xa0], 0)
    for (let i = 0; i < 50_000; i++) flat.set([0x05, 0x00], 5 + 2 * i)
    expect(() => parseForeignDer(flat.subarray(0, 5 + 100_000), CertificateList, scaled(0.01))).toThrow(/node count/)
  })
})

function lengthOf(n: number): number[] {
  return n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
}

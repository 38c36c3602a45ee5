import { unwrap } from '../../../src/shared/errors'
import { describe, expect, it, afterAll } from 'vitest'
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import type { KeySpec } from '../../../src/shared/domain/keys'
import { buildCertificate, buildCrl, buildCsr, buildPkcs7, describeCertificate, newSerial, readCsrInput, toPem, type CertificateTemplate, type IssuerInfo } from '../../../src/main/engine'
import { fixture, openssl, tempDir, testLeaf, testRoot } from './helpers'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

const NOW = new Date('2026-01-01T00:00:00Z')
const days = (n: number): Date => new Date(NOW.getTime() + n * 86_400_000)

function keyFor(spec: KeySpec): KeyObject {
  switch (spec) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey
    case 'ec-p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey
    case 'ed448':
      return generateKeyPairSync('ed448').privateKey
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey
    default:
      throw new Error(`no test key for ${spec}`)
  }
}

function caTemplate(cn: string, spki: Uint8Array, pathLength?: number, notAfter = days(3650)): CertificateTemplate {
  return {
    subject: [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'PKI Desk Test' }], [{ type: 'CN', value: cn }]],
    subjectPublicKeySpki: spki,
    notBefore: NOW,
    notAfter,
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: true, critical: true, ...(pathLength !== undefined ? { pathLength } : {}) },
    keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true }
  }
}

function issuerOf(der: Uint8Array, ski: Uint8Array): IssuerInfo {
  const c = AsnConvert.parse(der, Certificate)
  return { subjectDer: new Uint8Array(AsnConvert.serialize(c.tbsCertificate.subject)), ski, notAfter: c.tbsCertificate.validity.notAfter.getTime() }
}

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

function csrOf(name: string) {
  const r = readCsrInput(fixture(name))
  const first = r.ok ? r.value[0] : undefined
  if (!first?.ok) throw new Error('fixture')
  return first.csr
}

describe('certificate builder, checked by OpenSSL and node:crypto', () => {
  it.each<[KeySpec, KeySpec, boolean]>([
    ['ec-p256', 'rsa-2048', false],
    ['rsa-3072', 'ec-p384', true],
    ['ed25519', 'ec-p521', false],
    ['ec-p384', 'ed25519', false]
  ])('root %s → intermediate %s (rsaPss root: %s) → leaf: openssl verify -x509_strict passes', async (rootSpec, interSpec, pss) => {
    const rootKey = keyFor(rootSpec)
    const rootSigner = createKeyObjectSigner('root', rootSpec, rootKey)
    const rootT = { ...caTemplate(`Root ${rootSpec}`, rootSigner.publicKeySpki, 1), signature: { hash: 'SHA-384' as const, rsaPss: pss } }
    const root = await must(buildCertificate(rootT, null, rootSigner))
    const interKey = keyFor(interSpec)
    const interSigner = createKeyObjectSigner('inter', interSpec, interKey)
    const inter = await must(buildCertificate({ ...caTemplate(`Issuing ${interSpec}`, interSigner.publicKeySpki, 0, days(1800)), signature: { hash: 'SHA-256', rsaPss: pss } }, issuerOf(root.der, root.ski), rootSigner))
    const csr = csrOf('csr-rsa2048.pem')
    const leaf = await must(
      buildCertificate(
        {
          subject: csr.subject,
          subjectPublicKeySpki: csr.spki,
          notBefore: NOW,
          notAfter: days(90),
          signature: { hash: 'SHA-256', rsaPss: false },
          basicConstraints: { ca: false, critical: true },
          keyUsage: { usages: ['digitalSignature', 'keyEncipherment'], critical: true },
          extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1'], critical: false },
          subjectAltName: { names: csr.sans, critical: false },
          crlDistributionPoints: ['http://crl.example.com/issuing.crl'],
          authorityInfoAccess: { ocsp: ['http://ocsp.example.com'], caIssuers: ['http://pki.example.com/issuing.crt'] },
          certificatePolicies: [{ oid: '2.23.140.1.2.2', cps: 'https://pki.example.com/cps' }]
        },
        issuerOf(inter.der, inter.ski),
        interSigner
      )
    )
    const rootPem = tmp.write(`root-${rootSpec}.pem`, toPem('CERTIFICATE', root.der))
    const interPem = tmp.write(`inter-${rootSpec}.pem`, toPem('CERTIFICATE', inter.der))
    const leafPem = tmp.write(`leaf-${rootSpec}.pem`, toPem('CERTIFICATE', leaf.der))
    const v = openssl(['verify', '-x509_strict', '-attime', String(NOW.getTime() / 1000 + 3600), '-CAfile', rootPem, '-untrusted', interPem, leafPem])
    expect(v.out).toContain(': OK')
    expect(v.status).toBe(0)

    // node:crypto, independently.
    const r = new X509Certificate(root.der)
    const i = new X509Certificate(inter.der)
    const l = new X509Certificate(leaf.der)
    expect(r.verify(r.publicKey)).toBe(true)
    expect(i.verify(r.publicKey)).toBe(true)
    expect(l.verify(i.publicKey)).toBe(true)
    expect(i.checkIssued(r)).toBe(true)
    expect(l.checkIssued(i)).toBe(true)
    expect(l.ca).toBe(false)
    expect(i.ca).toBe(true)

    const text = openssl(['x509', '-in', leafPem, '-noout', '-text']).out
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/)
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/)
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication/)
    expect(text).toContain('DNS:host.example.com, DNS:www.example.com, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:7, email:ops@example.com, URI:https://example.com/id')
    expect(text).toMatch(/UPN:+ops@corp\.example/)
    expect(text).toContain('URI:http://crl.example.com/issuing.crl')
    expect(text).toContain('OCSP - URI:http://ocsp.example.com')
    expect(text).toContain('CA Issuers - URI:http://pki.example.com/issuing.crt')
    expect(text).toContain('Policy: 2.23.140.1.2.2')
    expect(text).toContain('CPS: https://pki.example.com/cps')
    expect(text).toContain('Subject: C = DE, O = Acme \\C3\\9Cn\\C3\\AFcode, OU = Ops, OU = Web, CN = host.example.com')
    // SKI/AKI chain: leaf AKI = intermediate SKI.
    expect(l.toLegacyObject().ext_key_usage).toEqual(['1.3.6.1.5.5.7.3.1'])
    const interText = openssl(['x509', '-in', interPem, '-noout', '-text']).out
    const interSki = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(interText)![1]
    expect(text).toContain(`X509v3 Authority Key Identifier: \n                ${interSki}`)
    expect(interText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(interText).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/)
    // The root has no AKI.
    expect(openssl(['x509', '-in', rootPem, '-noout', '-text']).out).not.toContain('Authority Key Identifier')
  })

  it('serials are 16 bytes, positive, minimally encoded (32 even hex digits) and random', () => {
    const seen = new Set<string>()
    for (let k = 0; k < 500; k++) {
      const s = newSerial()
      expect(s.length).toBe(16)
      expect(s[0]).toBeGreaterThan(0)
      expect(s[0]).toBeLessThan(0x80)
      seen.add(Buffer.from(s).toString('hex'))
    }
    expect(seen.size).toBe(500)
  })

  it('is a known-answer vector with a fixed Ed25519 key, serial and dates (DER is the truth)', async () => {
    const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' })
    const signer = createKeyObjectSigner('kat', 'ed25519', key)
    const t = caTemplate('KAT Root', signer.publicKeySpki, 0, new Date('2051-06-01T12:00:00Z'))
    const serial = Uint8Array.from(Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'))
    const a = await must(buildCertificate(t, null, signer, { serial }))
    const b = await must(buildCertificate(t, null, signer, { serial }))
    expect(Buffer.from(a.der).equals(Buffer.from(b.der))).toBe(true)
    expect(createHash('sha256').update(a.der).digest('hex')).toBe(KAT_SHA256)
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], a.der).out
    // UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
    expect(text).toContain('Not Before: Jan  1 00:00:00 2026 GMT')
    expect(text).toContain('Not After : Jun  1 12:00:00 2051 GMT')
    const asn = openssl(['asn1parse', '-inform', 'DER'], a.der).out
    expect(asn).toContain('UTCTIME           :260101000000Z')
    expect(asn).toContain('GENERALIZEDTIME   :20510601120000Z')
    expect(describeCertificate(a.der).serial).toBe('0102030405060708090a0b0c0d0e0f10')
    const katPem = tmp.write('kat.pem', toPem('CERTIFICATE', a.der))
    expect(openssl(['verify', '-x509_strict', '-attime', String(NOW.getTime() / 1000 + 60), '-CAfile', katPem, katPem]).status).toBe(0)
  })

  it('refuses a notAfter beyond the issuer, RSA-PSS for a non-RSA key, an empty subject without critical SAN, a duplicated extension', async () => {
    const signer = createKeyObjectSigner('r', 'ec-p256', keyFor('ec-p256'))
    const root = await must(buildCertificate(caTemplate('R', signer.publicKeySpki, undefined, days(100)), null, signer))
    const leafKey = createKeyObjectSigner('l', 'ec-p256', keyFor('ec-p256'))
    const base: CertificateTemplate = {
      subject: [[{ type: 'CN', value: 'x' }]],
      subjectPublicKeySpki: leafKey.publicKeySpki,
      notBefore: NOW,
      notAfter: days(101),
      signature: { hash: 'SHA-256', rsaPss: false }
    }
    const issuer = issuerOf(root.der, root.ski)
    const code = async (t: CertificateTemplate): Promise<string> => {
      const r = await buildCertificate(t, issuer, signer)
      return r.ok ? 'OK' : r.error.code
    }
    expect(await code(base)).toBe('NOT_AFTER_BEYOND_ISSUER')
    expect(await code({ ...base, notAfter: days(99) })).toBe('OK')
    expect(await code({ ...base, notAfter: days(99), signature: { hash: 'SHA-256', rsaPss: true } })).toBe('TEMPLATE_INVALID')
    expect(await code({ ...base, notAfter: days(99), subject: [] })).toBe('TEMPLATE_INVALID')
    expect(await code({ ...base, notAfter: days(99), subject: [], subjectAltName: { names: [{ type: 'dns', value: 'a.example' }], critical: true } })).toBe('OK')
    expect(await code({ ...base, notAfter: days(99), additionalExtensions: [{ oid: '2.5.29.17', critical: false, value: new Uint8Array([0x30, 0]) }] })).toBe('TEMPLATE_INVALID')
    expect(await code({ ...base, notAfter: NOW })).toBe('TEMPLATE_INVALID')
  })
})

describe('CSR builder', () => {
  it.each<KeySpec>(['ec-p256', 'rsa-2048', 'ed25519', 'ed448'])('%s: openssl req -verify accepts it and our parser reads it back', async (spec) => {
    const signer = createKeyObjectSigner('k', spec, keyFor(spec))
    const der = await must(buildCsr({ subject: [[{ type: 'O', value: 'Acme' }], [{ type: 'CN', value: 'sub.example' }]], sans: [{ type: 'dns', value: 'sub.example' }, { type: 'ip', value: '10.1.2.3' }], ca: spec === 'ec-p256', hash: 'SHA-384', rsaPss: false }, signer))
    const v = openssl(['req', '-inform', 'DER', '-verify', '-noout', '-text'], der)
    expect(v.out).toMatch(/verify OK|Certificate request self-signature verify OK/)
    expect(v.out).toContain('DNS:sub.example, IP Address:10.1.2.3')
    const back = readCsrInput(der)
    const first = back.ok ? back.value[0] : undefined
    expect(first?.ok && first.csr.subjectText).toBe('CN=sub.example, O=Acme')
    if (spec === 'ec-p256') expect(v.out).toMatch(/Basic Constraints: critical\s+CA:TRUE/)
  })
})

describe('CRL and PKCS#7', () => {
  it('a CRL verifies with openssl crl -verify and openssl verify -crl_check shows the revoked certificate', async () => {
    const signer = createKeyObjectSigner('r', 'ec-p256', keyFor('ec-p256'))
    const root = await must(buildCertificate(caTemplate('CRL Root', signer.publicKeySpki), null, signer))
    const issuer = issuerOf(root.der, root.ski)
    const mk = async (cn: string) =>
      must(
        buildCertificate(
          { subject: [[{ type: 'CN', value: cn }]], subjectPublicKeySpki: createKeyObjectSigner('x', 'ec-p256', keyFor('ec-p256')).publicKeySpki, notBefore: NOW, notAfter: days(30), signature: { hash: 'SHA-256', rsaPss: false }, basicConstraints: { ca: false, critical: true } },
          issuer,
          signer
        )
      )
    const revoked = await mk('revoked.example')
    const good = await mk('good.example')
    const crl = await must(buildCrl(
      {
        issuerSubjectDer: issuer.subjectDer,
        issuerSki: issuer.ski,
        crlNumber: 42,
        thisUpdate: NOW,
        nextUpdate: days(7),
        entries: [{ serial: revoked.serial, revokedAt: days(1), reason: 'keyCompromise', invalidityDate: new Date(NOW.getTime() + 1234) }],
        hash: 'SHA-256',
        rsaPss: false
      },
      signer
    ))
    const rootPem = tmp.write('crl-root.pem', toPem('CERTIFICATE', root.der))
    const crlPem = tmp.write('root.crl.pem', toPem('X509 CRL', crl))
    const c = openssl(['crl', '-in', crlPem, '-CAfile', rootPem, '-verify', '-noout', '-text'])
    expect(c.out).toContain('verify OK')
    expect(c.out).toMatch(/X509v3 CRL Number: \s+42/)
    expect(c.out).toContain(`Serial Number: ${revoked.serial.toUpperCase()}`)
    expect(c.out).toMatch(/CRL Reason Code: \s+Key Compromise/)
    expect(c.out).toContain('Invalidity Date: \n                Jan  1 00:00:01 2026 GMT')
    expect(c.out).toContain(`X509v3 Authority Key Identifier: \n                ${Buffer.from(root.ski).toString('hex').toUpperCase().match(/../g)!.join(':')}`)
    const at = String(NOW.getTime() / 1000 + 2 * 86400)
    const bad = openssl(['verify', '-attime', at, '-crl_check', '-CRLfile', crlPem, '-CAfile', rootPem, tmp.write('revoked.pem', toPem('CERTIFICATE', revoked.der))])
    expect(bad.status).not.toBe(0)
    expect(bad.out).toContain('certificate revoked')
    const fine = openssl(['verify', '-attime', at, '-crl_check', '-CRLfile', crlPem, '-CAfile', rootPem, tmp.write('good.pem', toPem('CERTIFICATE', good.der))])
    expect(fine.out).toContain(': OK')
  })

  it('a certificates-only .p7b (DER and PEM labelled PKCS7) prints the same certificates in OpenSSL', async () => {
    const signer = createKeyObjectSigner('r', 'rsa-2048', keyFor('rsa-2048'))
    const root = await must(buildCertificate(caTemplate('P7 Root', signer.publicKeySpki), null, signer))
    const csr = csrOf('csr-ed25519.pem')
    const leaf = await must(buildCertificate({ subject: csr.subject, subjectPublicKeySpki: csr.spki, notBefore: NOW, notAfter: days(10), signature: { hash: 'SHA-256', rsaPss: false } }, issuerOf(root.der, root.ski), signer))
    const p7 = unwrap(buildPkcs7([leaf.der, root.der]))
    const pem = toPem('PKCS7', p7)
    expect(pem.startsWith('-----BEGIN PKCS7-----')).toBe(true)
    for (const [args, input] of [[['-inform', 'DER'], p7], [[], Buffer.from(pem)]] as const) {
      const out = openssl(['pkcs7', ...args, '-print_certs'], input).out
      const certs = out.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
      expect(certs).toEqual([toPem('CERTIFICATE', leaf.der).trim(), toPem('CERTIFICATE', root.der).trim()])
    }
  })
})

// Recorded once from this builder and checked by OpenSSL below; any change to the encoding shows here.
const KAT_SHA256 = '6bf6ce1efe38aae33e9b179d24bd432d12868010601a5a81b825a2f126742968'

import { encodeTbs } from '../../../src/main/engine/certificate-builder'
import { encodeTbsLean, encodeName } from '../../../src/main/engine/tbs-lean'
import { toAsnName } from '../../../src/main/engine'

describe('lean TBS encoder', () => {
  it('produces exactly the bytes of the asn1-x509 reference encoder over varied templates', async () => {
    const spkis = (['ec-p256', 'rsa-2048', 'ed25519'] as const).map((s) => createKeyObjectSigner('s', s, keyFor(s)).publicKeySpki)
    const issuer: IssuerInfo = { subjectDer: new Uint8Array(AsnConvert.serialize(toAsnName([[{ type: 'CN', value: 'Issuer' }]]))), ski: new Uint8Array(20).fill(9), notAfter: days(40000) }
    const templates: CertificateTemplate[] = [
      { subject: [[{ type: 'CN', value: 'a' }]], subjectPublicKeySpki: spkis[0]!, notBefore: NOW, notAfter: days(1), signature: { hash: 'SHA-256', rsaPss: false } },
      // A CA renewal's carried-over extensions (a name constraint and a CDP of the certificate it follows).
      { subject: [[{ type: 'CN', value: 'ca' }]], subjectPublicKeySpki: spkis[0]!, notBefore: NOW, notAfter: days(1), signature: { hash: 'SHA-256', rsaPss: false }, basicConstraints: { ca: true, critical: true }, keyUsage: { usages: ['keyCertSign'], critical: true }, carriedOver: [{ oid: '2.5.29.30', critical: true, value: Uint8Array.of(0x30, 0x0f, 0xa0, 0x0d, 0x30, 0x0b, 0x82, 0x09, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x61) }, { oid: '2.5.29.31', critical: false, value: Uint8Array.of(0x30, 0x00) }] },
      {
        subject: [[{ type: 'C', value: 'DE' }], [{ type: 'ST', value: 'Bayern' }], [{ type: 'O', value: 'Größe & Söhne, GmbH' }], [{ type: 'OU', value: 'a' }], [{ type: 'OU', value: 'b' }], [{ type: 'emailAddress', value: 'x@y.z' }], [{ type: 'DC', value: 'corp' }], [{ type: 'CN', value: 'x'.repeat(200) }]],
        subjectPublicKeySpki: spkis[1]!,
        notBefore: NOW,
        notAfter: new Date('2060-02-29T23:59:59Z'),
        signature: { hash: 'SHA-512', rsaPss: true },
        basicConstraints: { ca: true, pathLength: 3, critical: true },
        keyUsage: { usages: ['digitalSignature', 'nonRepudiation', 'keyCertSign', 'cRLSign', 'decipherOnly'], critical: true },
        extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.311.20.2.2'], critical: true },
        subjectAltName: { names: [{ type: 'email', value: 'x@y.z' }, { type: 'upn', value: 'user@corp' }, { type: 'ip', value: '::1' }], critical: false },
        crlDistributionPoints: ['http://a/1.crl', 'ldap://b/c'],
        authorityInfoAccess: { ocsp: ['http://o'], caIssuers: [] },
        certificatePolicies: [{ oid: '2.5.29.32.0' }, { oid: '1.2.3.4', cps: 'https://cps' }],
        nameConstraints: { permitted: [{ type: 'dns', value: '.example.com' }, { type: 'ip', value: '10.0.0.0/8' }], excluded: [{ type: 'email', value: 'bad.example' }] },
        additionalExtensions: [{ oid: '1.3.6.1.5.5.7.1.24', critical: false, value: Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]) }]
      },
      {
        subject: [[{ type: 'CN', value: 'multi' }, { type: 'UID', value: '7' }]],
        subjectPublicKeySpki: spkis[2]!,
        notBefore: new Date('2049-12-31T23:59:59Z'),
        notAfter: new Date('2050-01-01T00:00:00Z'),
        signature: { hash: 'SHA-384', rsaPss: false },
        basicConstraints: { ca: false, critical: false },
        subjectAltName: { names: [{ type: 'dns', value: 'a.example' }, { type: 'uri', value: 'urn:x' }, { type: 'ip', value: '192.0.2.1' }, { type: 'ip', value: '2001:db8::' }], critical: true }
      }
    ]
    for (const t of templates) {
      for (const iss of [issuer, null]) {
        const serial = newSerial()
        const spec = t.signature.rsaPss ? 'rsa-2048' : 'ec-p256'
        const lean = encodeTbsLean(t, iss, spec, serial)
        const ref = encodeTbs(t, iss, spec, serial)
        expect(Buffer.from(lean.tbs).toString('hex')).toBe(Buffer.from(ref.tbs).toString('hex'))
        expect(Buffer.from(lean.algorithm).equals(Buffer.from(ref.algorithm))).toBe(true)
        expect(Buffer.from(lean.ski).equals(Buffer.from(ref.ski))).toBe(true)
      }
    }
  })

  it('sorts the attributes of a multi-valued RDN as DER SET OF requires', () => {
    const a = encodeName([[{ type: 'CN', value: 'multi' }, { type: 'UID', value: '7' }]])
    const b = encodeName([[{ type: 'UID', value: '7' }, { type: 'CN', value: 'multi' }]])
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(openssl(['asn1parse', '-inform', 'DER'], a).status).toBe(0)
  })
})

describe('a multi-valued RDN is one SET in the certificate', () => {
  // Valid from now: OpenSSL verifies it against today's date.
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
  it('CN+UID is written as one RDN (openssl prints them joined with +), lean and reference encoders agree', async () => {
    const ca = await testRoot(NOW)
    const subject = [[{ type: 'C', value: 'CH' }], [{ type: 'CN', value: 'zurich.example.com' }, { type: 'UID', value: 'jdoe' }]]
    const { template, der } = await testLeaf(ca, subject, NOW)
    const file = tmp.write('mv.pem', toPem('CERTIFICATE', der))
    const rfc2253 = openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253']).out
    expect(rfc2253).toMatch(/subject=(UID=jdoe\+CN=zurich\.example\.com|CN=zurich\.example\.com\+UID=jdoe),C=CH/)
    const caFile = tmp.write('mv-ca.pem', toPem('CERTIFICATE', ca.der))
    expect(openssl(['verify', '-x509_strict', '-CAfile', caFile, file]).out).toContain(': OK')
    const serial = new Uint8Array([1, 2, 3])
    const lean = encodeTbsLean(template, issuerInfoOf(ca.der), 'ec-p256', serial)
    const ref = encodeTbs(template, issuerInfoOf(ca.der), 'ec-p256', serial)
    expect(Buffer.from(lean.tbs).equals(Buffer.from(ref.tbs))).toBe(true)
  })
})

// The template of a CA's next certificate (engine/ca-successor.ts) and the builder's rule that
// each extension appears once: a carried-over extension (a name constraint of the previous
// certificate) is copied byte for byte unless the template sets it itself, and a known OID
// still never comes in as an additional (CSR-honoured) extension.
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCertificate, checkTemplate, type CertificateTemplate } from '../../../src/main/engine'
import { successorTemplate } from '../../../src/main/engine/ca-successor'
import { openssl } from './helpers'

const NOW = new Date('2026-01-01T00:00:00Z')
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const signer = createKeyObjectSigner('root', 'ec-p256', key)
const base: CertificateTemplate = {
  subject: [[{ type: 'O', value: 'Successors' }], [{ type: 'CN', value: 'Successor Root' }]],
  subjectPublicKeySpki: signer.publicKeySpki,
  notBefore: NOW,
  notAfter: new Date(NOW.getTime() + 365 * 86_400_000),
  signature: { hash: 'SHA-256', rsaPss: false },
  basicConstraints: { ca: true, critical: true, pathLength: 2 },
  keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true },
  nameConstraints: { permitted: [{ type: 'dns', value: 'example.com' }], excluded: [] },
  crlDistributionPoints: ['http://crl.example.com/a.crl']
}
const extensions = (der: Uint8Array) => (AsnConvert.parse(der, Certificate).tbsCertificate.extensions ?? []).map((e) => ({ oid: e.extnID, critical: e.critical, hex: Buffer.from(e.extnValue.buffer).toString('hex') }))

describe('successorTemplate', () => {
  it('carries the subject and every extension over; the builder derives SKI and AKI again; OpenSSL reads the result', async () => {
    const first = await buildCertificate(base, null, signer)
    if (!first.ok) throw new Error(first.error.message)
    const next = successorTemplate(first.value.der, { subjectPublicKeySpki: signer.publicKeySpki, notBefore: new Date(NOW.getTime() + 1000), notAfter: new Date(NOW.getTime() + 800 * 86_400_000), signature: { hash: 'SHA-256', rsaPss: false } })
    expect(next.subject).toEqual(base.subject)
    expect(next.basicConstraints).toEqual({ ca: true, critical: true, pathLength: 2 })
    expect(next.carriedOver?.map((e) => e.oid).sort()).toEqual(['2.5.29.30', '2.5.29.31'])
    const second = await buildCertificate(next, null, signer)
    if (!second.ok) throw new Error(second.error.message)
    const sort = (x: ReturnType<typeof extensions>) => [...x].sort((a, b) => a.oid.localeCompare(b.oid))
    expect(sort(extensions(second.value.der))).toEqual(sort(extensions(first.value.der)))
    expect(second.value.serial).not.toBe(first.value.serial)
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], second.value.der).out
    expect(text).toContain('DNS:example.com')
    expect(text).toContain('Not After : Mar 11 00:00:00 2028 GMT')
  })

  it('refuses a carried-over extension the template already sets (TEMPLATE_INVALID), accepts one it does not; a known OID is never an additional one', () => {
    const nc = { oid: '2.5.29.30', critical: true, value: Uint8Array.of(0x30, 0x00) }
    expect(checkTemplate({ ...base, carriedOver: [nc] }, null, signer)).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID', field: 'extensions' } })
    const { nameConstraints: _drop, ...withoutNc } = base
    expect(checkTemplate({ ...withoutNc, carriedOver: [nc] }, null, signer)).toEqual({ ok: true, value: undefined })
    expect(checkTemplate({ ...withoutNc, carriedOver: [{ oid: '2.5.29.14', critical: false, value: Uint8Array.of(0x04, 0x00) }] }, null, signer)).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID' } })
    expect(checkTemplate({ ...withoutNc, carriedOver: [nc, nc] }, null, signer)).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID' } })
    expect(checkTemplate({ ...withoutNc, additionalExtensions: [nc] }, null, signer)).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID' } })
  })
})

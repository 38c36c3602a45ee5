// The hand-assembled CRL encoder held byte-equal to the @peculiar/asn1-x509 encoding of the
// same input (the reference below is the builder PKI Desk used before), with a
// deterministic signer (Ed25519, RSA PKCS#1 v1.5) so whole CRLs compare, not just TBS.
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import 'reflect-metadata'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  CertificateList,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  InvalidityDate,
  KeyIdentifier,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version
} from '@peculiar/asn1-x509'
import { buildCrl, crlEntryCount, type CrlEntry, type CrlInput } from '../../../src/main/engine/crl-builder'
import { familyOf, signatureAlgorithm } from '../../../src/main/engine/algorithms'
import { signedEnvelope } from '../../../src/main/engine/der'
import { nameDer, toAsnName } from '../../../src/main/engine/names'
import { createKeyObjectSigner, type Signer } from '../../../src/main/vault/signer'
import type { RevocationReason } from '../../../src/shared/domain/certificate'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'
import { openssl, testRoot } from './helpers'

const REFERENCE_REASON: Record<RevocationReason, CRLReasons> = {
  unspecified: CRLReasons.unspecified,
  keyCompromise: CRLReasons.keyCompromise,
  cACompromise: CRLReasons.cACompromise,
  affiliationChanged: CRLReasons.affiliationChanged,
  superseded: CRLReasons.superseded,
  cessationOfOperation: CRLReasons.cessationOfOperation,
  certificateHold: CRLReasons.certificateHold,
  removeFromCRL: CRLReasons.removeFromCRL,
  privilegeWithdrawn: CRLReasons.privilegeWithdrawn,
  aACompromise: CRLReasons.aACompromise
}

const whole = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000)
const ext = (oid: string, value: object): Extension => new Extension({ extnID: oid, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) })

/** The asn1-schema builder: one object per entry, serialized by the library. */
async function referenceCrl(input: CrlInput, signer: Signer): Promise<Uint8Array> {
  const alg = signatureAlgorithm(familyOf(signer.spec), input.hash, input.rsaPss)
  const revoked = input.entries.map((e) => {
    const exts: Extension[] = []
    if (e.reason !== 'unspecified') exts.push(ext('2.5.29.21', new CRLReason(REFERENCE_REASON[e.reason])))
    if (e.invalidityDate) exts.push(ext('2.5.29.24', new InvalidityDate(whole(e.invalidityDate))))
    const serial = Buffer.from(e.serial, 'hex')
    return new RevokedCertificate({
      userCertificate: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.byteLength) as ArrayBuffer,
      revocationDate: new Time(whole(e.revokedAt)),
      ...(exts.length ? { crlEntryExtensions: exts } : {})
    })
  })
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: alg,
    issuer: AsnConvert.parse(input.issuerSubjectDer, Name),
    thisUpdate: new Time(input.thisUpdate),
    nextUpdate: new Time(input.nextUpdate),
    ...(revoked.length ? { revokedCertificates: revoked } : {}),
    crlExtensions: [ext('2.5.29.35', new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(input.issuerSki) })), ext('2.5.29.20', new CRLNumber(input.crlNumber))]
  })
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs))
  return signedEnvelope(tbsDer, new Uint8Array(AsnConvert.serialize(alg)), await signer.sign(tbsDer, { hash: input.hash, rsaPss: input.rsaPss }))
}

const issuerName = (): Uint8Array =>
  nameDer(toAsnName([[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Fleet' }], [{ type: 'CN', value: 'Fleet Issuing CA' }]]))

const REASONS: RevocationReason[] = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise']

function entries(n: number): CrlEntry[] {
  const base = Date.UTC(2026, 0, 1)
  return Array.from({ length: n }, (_, i) => {
    // Serials of every shape a store holds: 1 to 20 bytes, a leading 00 where the top bit is set.
    const len = 1 + (i % 20)
    const raw = randomBytes(len)
    if (raw[0]! === 0) raw[0] = 1
    const serial = (raw[0]! & 0x80 ? '00' : '') + raw.toString('hex')
    return {
      serial,
      revokedAt: new Date(base + i * 997 + (i % 3) * 250),
      reason: REASONS[i % REASONS.length]!,
      ...(i % 4 === 0 ? { invalidityDate: new Date(base - i * 1000 + 500) } : {})
    }
  })
}

function input(list: CrlEntry[], over: Partial<CrlInput> = {}): CrlInput {
  return {
    issuerSubjectDer: issuerName(),
    issuerSki: Uint8Array.from(randomBytes(20)),
    crlNumber: 1,
    thisUpdate: new Date('2026-02-01T10:00:00.750Z'),
    nextUpdate: new Date('2026-02-08T10:00:00Z'),
    entries: list,
    hash: 'SHA-256',
    rsaPss: false,
    ...over
  }
}

const ed25519 = createKeyObjectSigner('ed', 'ed25519', generateKeyPairSync('ed25519').privateKey)
const rsa = createKeyObjectSigner('rsa', 'rsa-2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)

async function lean(i: CrlInput, signer: Signer): Promise<Uint8Array> {
  const r = await buildCrl(i, signer)
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}

describe('CRL builder: DER assembled directly, byte-equal to the asn1-x509 encoding', () => {
  it('an empty CRL omits revokedCertificates, as the reference does', async () => {
    const i = input([])
    expect(Buffer.from(await lean(i, ed25519)).toString('hex')).toBe(Buffer.from(await referenceCrl(i, ed25519)).toString('hex'))
  })

  it.each([1, 7, 300, 2500])('%i entries of every reason, serial length and invalidity date (Ed25519)', async (n) => {
    const i = input(entries(n), { crlNumber: n * 131 })
    const ours = await lean(i, ed25519)
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(await referenceCrl(i, ed25519)))).toBe(0)
    expect(crlEntryCount(ours)).toBe(n)
  })

  it('RSA (PKCS#1 v1.5) with SHA-384, CRL numbers across byte boundaries and dates after 2049', async () => {
    for (const crlNumber of [0, 127, 128, 255, 256, 65_535, 2 ** 31, 2 ** 40 + 3]) {
      const i = input(entries(40), { crlNumber, hash: 'SHA-384', thisUpdate: new Date('2049-12-31T23:59:59Z'), nextUpdate: new Date('2050-01-07T00:00:00Z') })
      expect(Buffer.from(await lean(i, rsa)).toString('hex')).toBe(Buffer.from(await referenceCrl(i, rsa)).toString('hex'))
    }
  })

  it('outer lengths past 65,535 bytes take the three-byte length form the reference writes', async () => {
    const i = input(entries(3000))
    const ours = await lean(i, ed25519)
    expect(ours.length).toBeGreaterThan(65_535)
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(await referenceCrl(i, ed25519)))).toBe(0)
  })

  it('refuses removeFromCRL and a serial that is not hex, naming the entry', async () => {
    const bad = await buildCrl(input([{ serial: '0a', revokedAt: new Date(), reason: 'removeFromCRL' }]), ed25519)
    expect(bad).toMatchObject({ ok: false, error: { code: 'CRL_ENTRY_DELTA_ONLY', field: 'entries' } })
    expect(!bad.ok && bad.error.message).toContain('0a')
    const notHex = await buildCrl(input([{ serial: 'xyz', revokedAt: new Date(), reason: 'superseded' }]), ed25519)
    expect(notHex).toMatchObject({ ok: false, error: { code: 'CRL_ENTRY_SERIAL_INVALID', field: 'entries' } })
  })

  it('crlEntryCount agrees with a full parse of a CRL it did not build (no nextUpdate)', async () => {
    const i = input(entries(5))
    const parsed = AsnConvert.parse(await referenceCrl(i, ed25519), CertificateList)
    delete (parsed.tbsCertList as { nextUpdate?: Time }).nextUpdate
    const withoutNext = new Uint8Array(AsnConvert.serialize(parsed))
    expect(crlEntryCount(withoutNext)).toBe(5)
  })
})

describe('removeFromCRL never goes into a full CRL', () => {
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)
  const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000)
  it('buildCrl refuses it', async () => {
    const ca = await testRoot(NOW)
    const info = issuerInfoOf(ca.der)
    const input = { issuerSubjectDer: info.subjectDer, issuerSki: info.ski, crlNumber: 1, thisUpdate: NOW, nextUpdate: later(7), hash: 'SHA-256' as const, rsaPss: false }
    const refused = await buildCrl({ ...input, entries: [{ serial: '01', revokedAt: NOW, reason: 'removeFromCRL' }] }, ca.signer)
    expect(refused).toMatchObject({ ok: false, error: { code: 'CRL_ENTRY_DELTA_ONLY', field: 'entries' } })
    const crl = await buildCrl({ ...input, entries: [{ serial: '01', revokedAt: NOW, reason: 'keyCompromise' }] }, ca.signer)
    if (!crl.ok) throw new Error(crl.error.message)
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl.value).out).toContain('Key Compromise')
  })
})

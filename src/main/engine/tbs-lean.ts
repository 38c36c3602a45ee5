// The lean TBSCertificate encoder used for every certificate the app signs. It produces the
// same DER as the @peculiar/asn1-x509 reference path (encodeTbs in certificate-builder.ts;
// tests assert byte equality over varied templates) at a fraction of the cost: the TBS is
// assembled from DER parts, and every part that repeats across a batch (signature algorithm,
// issuer name, validity, basicConstraints/keyUsage/EKU/CDP/AIA/policies/name constraints,
// AKI) is encoded once by asn1-x509 and reused. Only the serial, subject, SAN and SKI are
// encoded per certificate. Subject and SAN are encoded here directly (their ASN.1 is small:
// Name = SEQUENCE OF SET OF {OID, string}; GeneralName dNSName/rfc822Name/URI/iPAddress are
// IMPLICIT primitive tags); other name forms fall back to asn1-x509.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { SubjectAlternativeName, type Extension } from '@peculiar/asn1-x509'
import type { DistinguishedName, GeneralName } from '../../shared/domain/names'
import type { CertificateTemplate } from './template'
import type { IssuerInfo } from './certificate-builder'
import { extensionBuilders } from './certificate-builder'
import { familyOf, signatureAlgorithm } from './algorithms'
import type { KeySpec } from '../../shared/domain/keys'
import { attributeOid, IA5, NameError, PRINTABLE, toAsnGeneralName, ipBytes } from './names'
import { childrenOf, content, extension, integerBytes, oid, readTlv, sequence, setOf, time, tlv } from './der'

const V3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02)

const cache = new Map<string, Uint8Array>()
function cached(key: string, make: () => Uint8Array): Uint8Array {
  let v = cache.get(key)
  if (!v) {
    if (cache.size > 2048) cache.clear()
    v = make()
    cache.set(key, v)
  }
  return v
}

export function encodeName(dn: DistinguishedName): Uint8Array {
  return sequence(
    ...dn.map((rdn) =>
      setOf(
        rdn.map((a) => {
          const type = attributeOid(a.type)
          const tag = PRINTABLE.has(type) ? 0x13 : IA5.has(type) ? 0x16 : 0x0c
          return sequence(oid(type), tlv(tag, Buffer.from(a.value, tag === 0x0c ? 'utf8' : 'latin1')))
        })
      )
    )
  )
}

function encodeSan(names: readonly GeneralName[]): Uint8Array {
  if (names.some((n) => n.type === 'upn' || n.type === 'dn'))
    return new Uint8Array(AsnConvert.serialize(new SubjectAlternativeName(names.map(toAsnGeneralName))))
  return sequence(
    ...names.map((n) => {
      switch (n.type) {
        case 'dns':
          return tlv(0x82, Buffer.from(n.value, 'latin1'))
        case 'email':
          return tlv(0x81, Buffer.from(n.value, 'latin1'))
        case 'uri':
          return tlv(0x86, Buffer.from(n.value, 'latin1'))
        case 'ip':
          return tlv(0x87, ipBytes(n.value))
        default:
          throw new NameError('unreachable')
      }
    })
  )
}

/** SHA-1 of the subjectPublicKey BIT STRING value (RFC 5280 4.2.1.2 method 1), from the SPKI DER. */
export function leanKeyIdentifier(spki: Uint8Array): Uint8Array {
  const outer = readTlv(spki, 0)
  const bits = childrenOf(spki, outer)[1]!
  return new Uint8Array(createHash('sha1').update(content(spki, bits).subarray(1)).digest())
}

const extDer = (e: Extension): Uint8Array => new Uint8Array(AsnConvert.serialize(e))

export function encodeTbsLean(
  t: CertificateTemplate,
  issuer: IssuerInfo | null,
  signerSpec: KeySpec,
  serial: Uint8Array
): { tbs: Uint8Array; algorithm: Uint8Array; ski: Uint8Array; aki: Uint8Array | null } {
  const family = familyOf(signerSpec)
  const algorithm = cached(`alg|${family}|${t.signature.hash}|${t.signature.rsaPss}`, () => new Uint8Array(AsnConvert.serialize(signatureAlgorithm(family, t.signature.hash, t.signature.rsaPss))))
  const subject = encodeName(t.subject)
  const issuerName = issuer ? issuer.subjectDer : subject
  const validity = cached(`val|${t.notBefore.getTime()}|${t.notAfter.getTime()}`, () => sequence(time(t.notBefore), time(t.notAfter)))
  const ski = leanKeyIdentifier(t.subjectPublicKeySpki)
  const aki = issuer ? issuer.ski : null
  const b = extensionBuilders(t)
  const exts: Uint8Array[] = []
  const add = (key: string, make: (() => Extension) | null): void => {
    if (make) exts.push(cached(key, () => extDer(make())))
  }
  add(`bc|${JSON.stringify(t.basicConstraints)}`, b.basicConstraints)
  add(`ku|${JSON.stringify(t.keyUsage)}`, b.keyUsage)
  add(`eku|${JSON.stringify(t.extendedKeyUsage)}`, b.extendedKeyUsage)
  if (t.subjectAltName && t.subjectAltName.names.length > 0) exts.push(extension('2.5.29.17', t.subjectAltName.critical, encodeSan(t.subjectAltName.names)))
  exts.push(extension('2.5.29.14', false, tlv(0x04, ski)))
  if (aki) exts.push(cached(`aki|${Buffer.from(aki).toString('hex')}`, () => extension('2.5.29.35', false, sequence(tlv(0x80, aki)))))
  add(`cdp|${JSON.stringify(t.crlDistributionPoints)}`, b.crlDistributionPoints)
  add(`aia|${JSON.stringify(t.authorityInfoAccess)}`, b.authorityInfoAccess)
  add(`cp|${JSON.stringify(t.certificatePolicies)}`, b.certificatePolicies)
  add(`nc|${JSON.stringify(t.nameConstraints)}`, b.nameConstraints)
  for (const a of t.additionalExtensions ?? []) exts.push(extension(a.oid, a.critical, a.value))
  for (const a of t.carriedOver ?? []) exts.push(extension(a.oid, a.critical, a.value))
  const tbs = sequence(V3, integerBytes(serial), algorithm, issuerName, validity, subject, t.subjectPublicKeySpki, tlv(0xa3, sequence(...exts)))
  return { tbs, algorithm, ski, aki }
}

// Certificates and extensions decoded into words for the operator: the detail screen, the
// CLI's `show`, and the requested-extension list of a CSR. Views only: the DER stays the truth.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  type GeneralName as AsnGeneralName
} from '@peculiar/asn1-x509'
import { keyUsageName, type GeneralName, type KeyUsageName } from '../../shared/domain/names'
import { EKU_LABEL_BY_OID, EXTENSION_LABELS } from '../../shared/domain/oids'
import type { CertificateView, ExtensionView } from '../../shared/domain/certificate'
import type { RawExtension } from './template'
import { dnToText, fromAsnGeneralName, fromAsnName, generalNameText } from './names'
import { readPublicKey, readSignatureAlgorithm } from './algorithms'
import { toPem } from './pem'
import { leanExtKeyUsage, leanSubjectAltNames } from './csr-lean'

/** Extension and EKU names for display, from the OID registry. */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = EXTENSION_LABELS
export const EKU_NAMES: Readonly<Record<string, string>> = EKU_LABEL_BY_OID

export function keyUsageNames(ku: KeyUsage): KeyUsageName[] {
  const flags = ku.toNumber()
  return keyUsageName.options.filter((_, i) => (flags & (1 << i)) !== 0)
}

export function hexColon(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
}

function sansFrom(names: readonly AsnGeneralName[]): { dto: GeneralName[]; text: string[] } {
  const dto: GeneralName[] = []
  const text: string[] = []
  for (const n of names) {
    const g = fromAsnGeneralName(n)
    if (typeof g !== 'string') dto.push(g)
    text.push(generalNameText(g))
  }
  return { dto, text }
}

/** One extension in words; unknown or unreadable ones show their DER in hex. */
export function describeExtension(ext: RawExtension): ExtensionView {
  const name = EXTENSION_NAMES[ext.oid] ?? `Unknown extension (${ext.oid})`
  let lines: string[]
  try {
    lines = extensionLines(ext)
  } catch {
    lines = [`Unreadable value, DER: ${Buffer.from(ext.value).toString('hex')}`]
  }
  return { oid: ext.oid, name, critical: ext.critical, lines }
}

function extensionLines(ext: RawExtension): string[] {
  const v = ext.value
  switch (ext.oid) {
    case '2.5.29.19': {
      const bc = AsnConvert.parse(v, BasicConstraints)
      return [`Certificate authority: ${bc.cA ? 'yes' : 'no'}`, ...(bc.pathLenConstraint !== undefined ? [`Path length: at most ${bc.pathLenConstraint} CA below`] : [])]
    }
    case '2.5.29.15':
      return keyUsageNames(AsnConvert.parse(v, KeyUsage))
    case '2.5.29.37':
      return AsnConvert.parse(v, ExtendedKeyUsage).map((oid) => (EKU_NAMES[oid] ? `${EKU_NAMES[oid]} (${oid})` : oid))
    case '2.5.29.17':
    case '2.5.29.18':
      return sansFrom(AsnConvert.parse(v, SubjectAlternativeName)).text
    case '2.5.29.14':
      return [hexColon(new Uint8Array(AsnConvert.parse(v, SubjectKeyIdentifier).buffer))]
    case '2.5.29.35': {
      const aki = AsnConvert.parse(v, AuthorityKeyIdentifier)
      const lines: string[] = []
      if (aki.keyIdentifier) lines.push(`Key identifier: ${hexColon(new Uint8Array(aki.keyIdentifier.buffer))}`)
      if (aki.authorityCertIssuer) lines.push(...sansFrom(aki.authorityCertIssuer).text.map((t) => `Issuer: ${t}`))
      if (aki.authorityCertSerialNumber) lines.push(`Issuer serial: ${Buffer.from(aki.authorityCertSerialNumber).toString('hex')}`)
      return lines
    }
    case '2.5.29.31':
      return AsnConvert.parse(v, CRLDistributionPoints).flatMap((dp) =>
        dp.distributionPoint?.fullName ? sansFrom(dp.distributionPoint.fullName).text.map((t) => `Full name: ${t}`) : ['Distribution point (relative name)']
      )
    case '1.3.6.1.5.5.7.1.1':
      return AsnConvert.parse(v, AuthorityInfoAccessSyntax).map((ad) => {
        const method = ad.accessMethod === '1.3.6.1.5.5.7.48.1' ? 'OCSP' : ad.accessMethod === '1.3.6.1.5.5.7.48.2' ? 'CA Issuers' : ad.accessMethod
        return `${method}: ${generalNameText(fromAsnGeneralName(ad.accessLocation))}`
      })
    case '2.5.29.32':
      return AsnConvert.parse(v, CertificatePolicies).flatMap((p) => [
        `Policy: ${p.policyIdentifier === '2.5.29.32.0' ? 'any policy (2.5.29.32.0)' : p.policyIdentifier}`,
        ...(p.policyQualifiers ?? []).map((q) =>
          q.policyQualifierId === '1.3.6.1.5.5.7.2.1' ? `  CPS: ${ia5Text(new Uint8Array(q.qualifier))}` : `  Qualifier ${q.policyQualifierId}`
        )
      ])
    case '2.5.29.30': {
      const nc = AsnConvert.parse(v, NameConstraints)
      return [
        ...(nc.permittedSubtrees ?? []).map((s) => `Permitted: ${generalNameText(fromAsnGeneralName(s.base))}`),
        ...(nc.excludedSubtrees ?? []).map((s) => `Excluded: ${generalNameText(fromAsnGeneralName(s.base))}`)
      ]
    }
    default:
      return [`DER: ${Buffer.from(v).toString('hex')}`]
  }
}

function ia5Text(der: Uint8Array): string {
  const len = der[1]! < 0x80 ? der[1]! : -1
  return len >= 0 ? Buffer.from(der.subarray(2, 2 + len)).toString('latin1') : Buffer.from(der).toString('hex')
}

/**
 * A CSR's requested extensions: the names, and the SANs/key usages it asks for.
 * `reference: true` reads them with asn1-schema alone (what the tests hold the lean path to).
 */
export function describeRequestedExtensions(extensions: readonly RawExtension[], options: { readonly reference?: boolean } = {}): {
  list: { oid: string; name: string; critical: boolean }[]
  sans: GeneralName[]
  keyUsage?: KeyUsageName[]
  extKeyUsage?: string[]
} {
  let sans: GeneralName[] = []
  let keyUsage: KeyUsageName[] | undefined
  let extKeyUsage: string[] | undefined
  for (const e of extensions) {
    // The lean readers (engine/csr-lean.ts) for the common forms, held equal to asn1-schema by
    // tests/unit/engine/csr-lean.test.ts; asn1-schema for every other form.
    if (e.oid === '2.5.29.17') sans = (options.reference ? null : leanSubjectAltNames(e.value)) ?? sansFrom(AsnConvert.parse(e.value, SubjectAlternativeName)).dto
    else if (e.oid === '2.5.29.15') keyUsage = keyUsageNames(AsnConvert.parse(e.value, KeyUsage))
    else if (e.oid === '2.5.29.37') extKeyUsage = (options.reference ? null : leanExtKeyUsage(e.value)) ?? [...AsnConvert.parse(e.value, ExtendedKeyUsage)]
  }
  return {
    list: extensions.map((e) => ({ oid: e.oid, name: EXTENSION_NAMES[e.oid] ?? `Unknown extension (${e.oid})`, critical: e.critical })),
    sans,
    ...(keyUsage ? { keyUsage } : {}),
    ...(extKeyUsage ? { extKeyUsage } : {})
  }
}

/** Everything the detail screen shows of a certificate, from its DER. */
export function describeCertificate(der: Uint8Array): CertificateView {
  const cert = AsnConvert.parse(der, Certificate)
  const tbs = cert.tbsCertificate
  const subject = fromAsnName(tbs.subject)
  const issuer = fromAsnName(tbs.issuer)
  const spki = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo))
  const key = readPublicKey(spki)
  const alg = readSignatureAlgorithm(cert.signatureAlgorithm)
  const exts: RawExtension[] = (tbs.extensions ?? []).map((e) => ({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) }))
  const sanExt = exts.find((e) => e.oid === '2.5.29.17')
  const bcExt = exts.find((e) => e.oid === '2.5.29.19')
  const subjectDer = Buffer.from(AsnConvert.serialize(tbs.subject))
  const issuerDer = Buffer.from(AsnConvert.serialize(tbs.issuer))
  return {
    version: tbs.version + 1,
    serial: serialHex(new Uint8Array(tbs.serialNumber)),
    subject,
    subjectText: dnToText(subject),
    issuer,
    issuerText: dnToText(issuer),
    notBefore: tbs.validity.notBefore.getTime().toISOString(),
    notAfter: tbs.validity.notAfter.getTime().toISOString(),
    signatureAlgorithm: alg.ok ? alg.value.name : cert.signatureAlgorithm.algorithm,
    publicKey: key.ok
      ? { family: key.value.family, size: key.value.size, ...(key.value.curve ? { curve: key.value.curve } : {}), sha256: key.value.sha256 }
      : { family: 'rsa', size: 0, sha256: createHash('sha256').update(spki).digest('hex') },
    sans: sanExt ? sansFrom(AsnConvert.parse(sanExt.value, SubjectAlternativeName)).dto : [],
    extensions: exts.map(describeExtension),
    fingerprints: { sha256: createHash('sha256').update(der).digest('hex'), sha1: createHash('sha1').update(der).digest('hex') },
    selfSigned: subjectDer.equals(issuerDer),
    isCa: bcExt ? AsnConvert.parse(bcExt.value, BasicConstraints).cA : false,
    pem: toPem('CERTIFICATE', der)
  }
}

/** Lowercase hex of an INTEGER's content bytes, leading zero octet kept when DER needs it (even length). */
export function serialHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

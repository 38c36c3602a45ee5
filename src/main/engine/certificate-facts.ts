// Certificate facts decoded from the DER, for every rule that decides something: basic
// constraints and path length, subject and authority key identifiers, key usage, extended key
// usage, SANs, name constraints (permitted and excluded subtrees, every GeneralName form), the
// subject CN, the validity window and the key. `describe.ts` renders words for people; no rule
// reads those words. Pure: bytes in, plain data out.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  type GeneralName as AsnGeneralName,
  type GeneralSubtrees
} from '@peculiar/asn1-x509'
import { keyUsageName, type DistinguishedName, type GeneralName, type KeyUsageName } from '../../shared/domain/names'
import { curveInfo, EXTENSIONS, KEY_ALGORITHM_NAMES, KEY_FAMILY_BY_OID } from '../../shared/domain/oids'
import type { KeyFamily } from '../../shared/domain/keys'
import { commonName, fromAsnGeneralName, fromAsnName, UPN_OID } from './names'
import { content, decodeOid, readTlv } from './der'

/**
 * One GeneralName exactly as a name constraint or SAN carries it (RFC 5280 4.2.1.6). `ip`
 * in a name constraint is an address with its mask, written as CIDR when the mask is a prefix.
 */
export type GeneralNameFact =
  | { readonly form: 'dns'; readonly value: string }
  | { readonly form: 'email'; readonly value: string }
  | { readonly form: 'uri'; readonly value: string }
  | { readonly form: 'ip'; readonly address: Uint8Array; readonly mask: Uint8Array | null; readonly value: string }
  | { readonly form: 'directoryName'; readonly dn: DistinguishedName; readonly value: string }
  | { readonly form: 'otherName'; readonly typeId: string; readonly der: Uint8Array; readonly value: string }
  | { readonly form: 'registeredID'; readonly value: string }
  | { readonly form: 'x400Address' | 'ediPartyName'; readonly der: Uint8Array; readonly value: string }

export interface GeneralSubtreeFact {
  readonly base: GeneralNameFact
  /** RFC 5280 says 0; kept to refuse anything else. */
  readonly minimum: number
  readonly maximum?: number
}

export interface NameConstraintsFacts {
  readonly critical: boolean
  readonly permitted: readonly GeneralSubtreeFact[]
  readonly excluded: readonly GeneralSubtreeFact[]
}

export interface CertificateFacts {
  readonly serialHex: string
  readonly subject: DistinguishedName
  /** The most specific CN of the subject, or null. */
  readonly commonName: string | null
  readonly issuer: DistinguishedName
  readonly selfIssued: boolean
  readonly notBefore: Date
  readonly notAfter: Date
  readonly key: { readonly algorithmOid: string; readonly algorithm: string; readonly family: KeyFamily | null; readonly curve: string | null; readonly spkiSha256: string }
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | null; readonly critical: boolean } | null
  readonly subjectKeyId: Uint8Array | null
  readonly authorityKeyId: Uint8Array | null
  readonly keyUsage: { readonly usages: readonly KeyUsageName[]; readonly critical: boolean } | null
  readonly extendedKeyUsage: { readonly oids: readonly string[]; readonly critical: boolean } | null
  readonly subjectAltNames: readonly GeneralNameFact[]
  readonly nameConstraints: NameConstraintsFacts | null
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function ipText(address: Uint8Array, mask: Uint8Array | null): string {
  const addr =
    address.length === 4
      ? Array.from(address).join('.')
      : Array.from({ length: 8 }, (_, i) => ((address[i * 2]! << 8) | address[i * 2 + 1]!).toString(16)).join(':')
  if (!mask) return addr
  let bits = 0
  let prefix = true
  for (const byte of mask) {
    for (let b = 7; b >= 0; b--) {
      const set = (byte >> b) & 1
      if (set && !prefix) return `${addr} mask ${hex(mask)}`
      if (set) bits++
      else prefix = false
    }
  }
  return `${addr}/${bits}`
}

/** A GeneralName as a fact; `inConstraint`: an iPAddress holds address + mask (RFC 5280 4.2.1.10). */
export function generalNameFact(g: AsnGeneralName, inConstraint: boolean): GeneralNameFact {
  if (g.dNSName !== undefined) return { form: 'dns', value: g.dNSName }
  if (g.rfc822Name !== undefined) return { form: 'email', value: g.rfc822Name }
  if (g.uniformResourceIdentifier !== undefined) return { form: 'uri', value: g.uniformResourceIdentifier }
  if (g.iPAddress !== undefined) {
    // The octets as encoded ([7] IMPLICIT OCTET STRING), not the library's text form.
    const encoded = new Uint8Array(AsnConvert.serialize(g))
    const bytes = content(encoded, readTlv(encoded, 0)).slice()
    const half = bytes.length / 2
    const address = inConstraint && (bytes.length === 8 || bytes.length === 32) ? bytes.slice(0, half) : bytes
    const mask = inConstraint && (bytes.length === 8 || bytes.length === 32) ? bytes.slice(half) : null
    return { form: 'ip', address, mask, value: ipText(address, mask) }
  }
  if (g.directoryName !== undefined) {
    const dn = fromAsnName(g.directoryName)
    const dto = fromAsnGeneralName(g)
    return { form: 'directoryName', dn, value: typeof dto === 'string' ? dto : dto.value }
  }
  if (g.otherName !== undefined) {
    const der = new Uint8Array(g.otherName.value)
    const dto = g.otherName.typeId === UPN_OID ? fromAsnGeneralName(g) : null
    return { form: 'otherName', typeId: g.otherName.typeId, der, value: dto && typeof dto !== 'string' ? dto.value : `${g.otherName.typeId}:${hex(der)}` }
  }
  if (g.registeredID !== undefined) return { form: 'registeredID', value: g.registeredID }
  const der = new Uint8Array(AsnConvert.serialize(g))
  return { form: g.x400Address !== undefined ? 'x400Address' : 'ediPartyName', der, value: hex(der) }
}

function subtrees(list: GeneralSubtrees | undefined): GeneralSubtreeFact[] {
  return (list ?? []).map((s) => ({ base: generalNameFact(s.base, true), minimum: s.minimum ?? 0, ...(s.maximum !== undefined ? { maximum: s.maximum } : {}) }))
}

/** A SAN fact as the DTO the rest of the app uses (dns, ip, email, uri, upn, dn), or null for forms it has no type for. */
export function generalNameOfFact(f: GeneralNameFact): GeneralName | null {
  switch (f.form) {
    case 'dns':
    case 'email':
    case 'uri':
    case 'ip':
      return { type: f.form, value: f.value }
    case 'directoryName':
      return { type: 'dn', value: f.value }
    case 'otherName':
      return f.typeId === UPN_OID ? { type: 'upn', value: f.value } : null
    default:
      return null
  }
}

/** Decodes a certificate's facts. Throws when the bytes are not an X.509 certificate or an extension does not decode. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  const cert = AsnConvert.parse(der, Certificate)
  const tbs = cert.tbsCertificate
  const subject = fromAsnName(tbs.subject)
  const issuer = fromAsnName(tbs.issuer)
  const spkiDer = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo))
  const algorithmOid = tbs.subjectPublicKeyInfo.algorithm.algorithm
  const params = tbs.subjectPublicKeyInfo.algorithm.parameters
  let curve: string | null = null
  if (params && new Uint8Array(params)[0] === 0x06) {
    const p = new Uint8Array(params)
    const oid = decodeOid(content(p, readTlv(p, 0)))
    curve = curveInfo(oid)?.name ?? oid
  }
  const facts: { -readonly [K in keyof CertificateFacts]: CertificateFacts[K] } = {
    serialHex: hex(new Uint8Array(tbs.serialNumber)).replace(/^00(?=[0-9a-f]{2})/, ''),
    subject,
    commonName: commonName(subject) || null,
    issuer,
    selfIssued: Buffer.compare(Buffer.from(AsnConvert.serialize(tbs.subject)), Buffer.from(AsnConvert.serialize(tbs.issuer))) === 0,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    key: {
      algorithmOid,
      algorithm: KEY_ALGORITHM_NAMES[algorithmOid] ?? algorithmOid,
      family: KEY_FAMILY_BY_OID[algorithmOid] ?? null,
      curve,
      spkiSha256: createHash('sha256').update(spkiDer).digest('hex')
    },
    basicConstraints: null,
    subjectKeyId: null,
    authorityKeyId: null,
    keyUsage: null,
    extendedKeyUsage: null,
    subjectAltNames: [],
    nameConstraints: null
  }
  for (const ext of tbs.extensions ?? []) {
    const value = ext.extnValue.buffer
    switch (ext.extnID) {
      case EXTENSIONS.basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints)
        facts.basicConstraints = { ca: bc.cA, pathLength: bc.pathLenConstraint ?? null, critical: ext.critical }
        break
      }
      case EXTENSIONS.subjectKeyIdentifier:
        facts.subjectKeyId = new Uint8Array(AsnConvert.parse(value, SubjectKeyIdentifier).buffer)
        break
      case EXTENSIONS.authorityKeyIdentifier: {
        const aki = AsnConvert.parse(value, AuthorityKeyIdentifier)
        if (aki.keyIdentifier) facts.authorityKeyId = new Uint8Array(aki.keyIdentifier.buffer)
        break
      }
      case EXTENSIONS.keyUsage: {
        const flags = AsnConvert.parse(value, KeyUsage).toNumber()
        facts.keyUsage = { usages: keyUsageName.options.filter((_, i) => (flags & (1 << i)) !== 0), critical: ext.critical }
        break
      }
      case EXTENSIONS.extKeyUsage:
        facts.extendedKeyUsage = { oids: [...AsnConvert.parse(value, ExtendedKeyUsage)], critical: ext.critical }
        break
      case EXTENSIONS.subjectAltName:
        facts.subjectAltNames = AsnConvert.parse(value, SubjectAlternativeName).map((g) => generalNameFact(g, false))
        break
      case EXTENSIONS.nameConstraints: {
        const nc = AsnConvert.parse(value, NameConstraints)
        facts.nameConstraints = { critical: ext.critical, permitted: subtrees(nc.permittedSubtrees), excluded: subtrees(nc.excludedSubtrees) }
        break
      }
    }
  }
  return facts
}

/** The issuer facts a path-length rule needs: whether the certificate may sign CAs below it. */
export function pathLengthOf(facts: CertificateFacts): number | null {
  return facts.basicConstraints?.ca ? facts.basicConstraints.pathLength : null
}

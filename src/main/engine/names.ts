// Distinguished names and general names between the shared DTOs and ASN.1.
// Attribute value encodings follow RFC 5280 4.1.2.4 / RFC 4519 practice: countryName,
// serialNumber and dnQualifier are PrintableString, emailAddress and domainComponent
// IA5String, everything else UTF8String.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import {
  AttributeTypeAndValue,
  AttributeValue,
  GeneralName as AsnGeneralName,
  Name,
  OtherName,
  RelativeDistinguishedName
} from '@peculiar/asn1-x509'
import { dnText, readDnText, type DistinguishedName, type GeneralName } from '../../shared/domain/names'
import type { NameConstraintBase } from '../../shared/domain/authority'
import { ATTRIBUTE_TYPES, attributeInfo, attributeOidOf, attributeShort } from '../../shared/domain/oids'

/** Attribute OIDs written as PrintableString / IA5String (the rest UTF8String), from the registry. */
export const PRINTABLE: ReadonlySet<string> = new Set(ATTRIBUTE_TYPES.filter((a) => a.stringType === 'printable').map((a) => a.oid))
export const IA5: ReadonlySet<string> = new Set(ATTRIBUTE_TYPES.filter((a) => a.stringType === 'ia5').map((a) => a.oid))

export const UPN_OID = '1.3.6.1.4.1.311.20.2.3'

export class NameError extends Error {}

export function attributeOid(type: string): string {
  const oid = attributeOidOf(type)
  if (!oid) throw new NameError(`"${type}" is not a known attribute type; use a short name such as CN, O, OU, C or a dotted OID.`)
  return oid
}

export function attributeShortName(oid: string): string {
  return attributeShort(oid)
}

export function toAsnName(dn: DistinguishedName): Name {
  return new Name(
    dn.map((rdn) => {
      const atvs = rdn.map((a) => {
        const type = attributeOid(a.type)
        const value = PRINTABLE.has(type)
          ? new AttributeValue({ printableString: a.value })
          : IA5.has(type)
            ? new AttributeValue({ ia5String: a.value })
            : new AttributeValue({ utf8String: a.value })
        return new AttributeTypeAndValue({ type, value })
      })
      // DER orders the members of a SET OF (a multi-valued RDN) by their encodings (X.690 11.6).
      const sorted = atvs.length > 1 ? atvs.map((v) => ({ v, der: Buffer.from(AsnConvert.serialize(v)) })).sort((x, y) => Buffer.compare(x.der, y.der)).map((x) => x.v) : atvs
      return new RelativeDistinguishedName(sorted)
    })
  )
}

function attributeText(v: AttributeValue): string {
  if (v.anyValue) return '#' + Buffer.from(v.anyValue).toString('hex')
  return v.toString()
}

export function fromAsnName(name: Name): DistinguishedName {
  return name.map((rdn) => rdn.map((atv) => ({ type: attributeShortName(atv.type), value: attributeText(atv.value) })))
}

/** RFC 4514 order (most specific RDN first), e.g. `CN=www.example.com, O=Example, C=DE`: shared dnText. */
export function dnToText(dn: DistinguishedName): string {
  return dnText(dn)
}

export function commonName(dn: DistinguishedName): string {
  for (let i = dn.length - 1; i >= 0; i--) for (const a of dn[i]!) if (a.type === 'CN') return a.value
  return ''
}

/** An IP address (or CIDR, for name constraints) as iPAddress octets; NameError when malformed. */
export function ipBytes(value: string): Buffer {
  return ipToBytes(value)
}

function ipToBytes(value: string): Buffer {
  const [addr, prefix] = value.split('/') as [string, string | undefined]
  let bytes: number[]
  if (addr.includes(':')) bytes = ipv6Bytes(addr)
  else {
    const parts = addr.split('.')
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new NameError(`"${value}" is not an IPv4 or IPv6 address.`)
    bytes = parts.map(Number)
  }
  if (prefix === undefined) return Buffer.from(bytes)
  const bits = Number(prefix)
  if (!/^\d+$/.test(prefix) || bits > bytes.length * 8) throw new NameError(`"${value}" has an invalid prefix length.`)
  const mask = bytes.map((_, i) => {
    const b = Math.max(0, Math.min(8, bits - i * 8))
    return (0xff << (8 - b)) & 0xff
  })
  return Buffer.from([...bytes, ...mask])
}

function ipv6Bytes(addr: string): number[] {
  const halves = addr.split('::')
  if (halves.length > 2) throw new NameError(`"${addr}" is not an IPv6 address.`)
  const parse = (s: string): number[] => (s ? s.split(':') : []).flatMap((g) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new NameError(`"${addr}" is not an IPv6 address.`)
    const n = parseInt(g, 16)
    return [n >> 8, n & 0xff]
  })
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  const fill = 16 - head.length - tail.length
  if (fill < 0 || (halves.length === 1 && fill !== 0)) throw new NameError(`"${addr}" is not an IPv6 address.`)
  return [...head, ...new Array<number>(fill).fill(0), ...tail]
}

export function ipFromBytes(bytes: Uint8Array): string {
  const fmt = (b: Uint8Array): string => {
    if (b.length === 4) return Array.from(b).join('.')
    const groups: string[] = []
    for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16))
    // Compress the longest run of zero groups (RFC 5952).
    let best = -1
    let bestLen = 1
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++
        continue
      }
      let j = i
      while (j < 8 && groups[j] === '0') j++
      if (j - i > bestLen) {
        best = i
        bestLen = j - i
      }
      i = j
    }
    if (best < 0) return groups.join(':')
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`
  }
  if (bytes.length === 4 || bytes.length === 16) return fmt(bytes)
  if (bytes.length === 8 || bytes.length === 32) {
    const half = bytes.length / 2
    const mask = bytes.subarray(half)
    let bits = 0
    for (const m of mask) bits += m.toString(2).replace(/0/g, '').length
    return `${fmt(bytes.subarray(0, half))}/${bits}`
  }
  return Buffer.from(bytes).toString('hex')
}

/** A UPN otherName's value: a UTF8String (asn1-x509 adds the [0] EXPLICIT wrapper itself). */
function upnValue(value: string): ArrayBuffer {
  const body = Buffer.from(value, 'utf8')
  const tlv = Buffer.concat([derHeader(0x0c, body.length), body])
  return tlv.buffer.slice(tlv.byteOffset, tlv.byteOffset + tlv.byteLength) as ArrayBuffer
}

function derHeader(tag: number, len: number): Buffer {
  if (len < 0x80) return Buffer.from([tag, len])
  if (len < 0x100) return Buffer.from([tag, 0x81, len])
  return Buffer.from([tag, 0x82, len >> 8, len & 0xff])
}

export function toAsnGeneralName(name: GeneralName): AsnGeneralName {
  switch (name.type) {
    case 'dns':
      return new AsnGeneralName({ dNSName: name.value })
    case 'email':
      return new AsnGeneralName({ rfc822Name: name.value })
    case 'uri':
      return new AsnGeneralName({ uniformResourceIdentifier: name.value })
    case 'ip': {
      // asn1-x509's converter encodes the text (CIDR too); validate and canonicalise first.
      return new AsnGeneralName({ iPAddress: ipFromBytes(ipToBytes(name.value)) })
    }
    case 'upn':
      return new AsnGeneralName({ otherName: new OtherName({ typeId: UPN_OID, value: upnValue(name.value) }) })
    case 'dn':
      throw new NameError('A directory name cannot be given as text here; use the subject fields instead.')
  }
}

/** The base of a name-constraint subtree: an iPAddress is address + mask (CIDR), a `dn` is directory-name text. NameError when malformed. */
export function constraintBaseToAsn(base: NameConstraintBase): AsnGeneralName {
  if (base.type !== 'dn') return toAsnGeneralName(base)
  const dn = readDnText(base.value)
  if (!dn.ok) throw new NameError(dn.message)
  return new AsnGeneralName({ directoryName: toAsnName(dn.dn) })
}

function otherNameText(o: OtherName): GeneralName | string {
  if (o.typeId === UPN_OID) {
    try {
      const v = new Uint8Array(o.value)
      // The UTF8String TLV (the [0] EXPLICIT wrapper is already removed by asn1-x509).
      let i = 0
      const readLen = (): number => {
        const first = v[i++]!
        if (first < 0x80) return first
        let n = 0
        for (let k = 0; k < (first & 0x7f); k++) n = (n << 8) | v[i++]!
        return n
      }
      if (v[i++] !== 0x0c) return `otherName ${o.typeId}`
      const len = readLen()
      return { type: 'upn', value: Buffer.from(v.subarray(i, i + len)).toString('utf8') }
    } catch {
      return `otherName ${o.typeId}`
    }
  }
  return `otherName ${o.typeId}`
}

/** The names we show as DTOs; anything else (x400, EDI, registeredID, other otherNames) comes back as a text description. */
export function fromAsnGeneralName(g: AsnGeneralName): GeneralName | string {
  if (g.dNSName !== undefined) return { type: 'dns', value: g.dNSName }
  if (g.rfc822Name !== undefined) return { type: 'email', value: g.rfc822Name }
  if (g.uniformResourceIdentifier !== undefined) return { type: 'uri', value: g.uniformResourceIdentifier }
  if (g.iPAddress !== undefined) return { type: 'ip', value: g.iPAddress }
  if (g.otherName) return otherNameText(g.otherName)
  if (g.directoryName) return { type: 'dn', value: dnToText(fromAsnName(g.directoryName)) }
  if (g.registeredID) return `registeredID ${g.registeredID}`
  return 'unsupported name form'
}

export function generalNameText(n: GeneralName | string): string {
  if (typeof n === 'string') return n
  const label = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', upn: 'UPN', dn: 'DirName' }[n.type]
  return `${label}:${n.value}`
}

export function nameDer(name: Name): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(name))
}

/** PrintableString's alphabet (X.680 41.4). */
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/
// eslint-disable-next-line no-control-regex
const IA5_RE = /^[\x00-\x7f]*$/

export interface DnProblem {
  readonly code: 'SUBJECT_COUNTRY_INVALID' | 'SUBJECT_ATTRIBUTE_TOO_LONG' | 'SUBJECT_ATTRIBUTE_NOT_PRINTABLE' | 'SUBJECT_ATTRIBUTE_NOT_ASCII' | 'SUBJECT_ATTRIBUTE_UNKNOWN'
  /** `subject.C`, `subject.CN`… */
  readonly field: string
  readonly message: string
}

/**
 * What RFC 5280 forbids in a subject's values, one problem per attribute value: countryName is
 * exactly two upper-case ASCII letters (ISO 3166-1 alpha-2), values fit their ub-* length, and
 * PrintableString / IA5String attributes stay in their alphabet.
 */
export function checkDistinguishedName(dn: DistinguishedName): DnProblem[] {
  const out: DnProblem[] = []
  for (const rdn of dn)
    for (const a of rdn) {
      let oid: string
      try {
        oid = attributeOid(a.type)
      } catch (e) {
        out.push({ code: 'SUBJECT_ATTRIBUTE_UNKNOWN', field: `subject.${a.type}`, message: (e as Error).message })
        continue
      }
      const short = attributeShortName(oid)
      const field = `subject.${short}`
      if (oid === '2.5.4.6') {
        if (!/^[A-Z]{2}$/.test(a.value))
          out.push({ code: 'SUBJECT_COUNTRY_INVALID', field, message: `Subject: country (C) "${a.value}" must be a two-letter ISO 3166 code in capitals, such as DE or US.` })
        continue
      }
      const max = attributeInfo(oid)?.upperBound
      const length = [...a.value].length
      if (max !== undefined && length > max)
        out.push({ code: 'SUBJECT_ATTRIBUTE_TOO_LONG', field, message: `Subject: ${short} is ${length} characters, more than the ${max} RFC 5280 allows; shorten it.` })
      if (PRINTABLE.has(oid) && !PRINTABLE_RE.test(a.value))
        out.push({ code: 'SUBJECT_ATTRIBUTE_NOT_PRINTABLE', field, message: `Subject: ${short} "${a.value}" may hold only letters, digits, spaces and ' ( ) + , - . / : = ? (PrintableString).` })
      if (IA5.has(oid) && !IA5_RE.test(a.value))
        out.push({ code: 'SUBJECT_ATTRIBUTE_NOT_ASCII', field, message: `Subject: ${short} "${a.value}" must be ASCII (IA5String).` })
    }
  return out
}

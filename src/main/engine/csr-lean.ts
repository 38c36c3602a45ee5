// The lean DER path for what issuance needs from a CSR beyond splitRequest's frame: the
// subject as a DistinguishedName and the extensionRequest's extensions. asn1-schema parses
// were ~55% of the CPU of reading a CSR (~650 µs for a P-256 request on this machine); these
// walkers read the common shapes directly and answer null for any other shape, which the
// caller then reads with asn1-schema as before. tests/unit/engine/csr-lean.test.ts holds
// them equal to the reference readers and shows which shapes fall back.
import type { DistinguishedName } from '../../shared/domain/names'
import type { RawExtension } from './template'
import { childrenOf, content, decodeOid, readTlv } from './der'
import { attributeShortName } from './names'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** UTF8String, PrintableString and IA5String as text; null for other string types or bytes the reference might read otherwise. */
function stringValue(tag: number, bytes: Uint8Array): string | null {
  if (tag === 0x0c) {
    try {
      return utf8.decode(bytes)
    } catch {
      return null
    }
  }
  if (tag === 0x13 || tag === 0x16) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return null
    return Buffer.from(bytes).toString('latin1')
  }
  return null
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue { OID, value }). */
export function leanName(der: Uint8Array): DistinguishedName | null {
  try {
    const outer = readTlv(der, 0)
    if (outer.tag !== 0x30 || outer.end !== der.length) return null
    const dn: { type: string; value: string }[][] = []
    for (const rdn of childrenOf(der, outer)) {
      if (rdn.tag !== 0x31) return null
      const atvs: { type: string; value: string }[] = []
      for (const atv of childrenOf(der, rdn)) {
        if (atv.tag !== 0x30) return null
        const parts = childrenOf(der, atv)
        if (parts.length !== 2 || parts[0]!.tag !== 0x06) return null
        const value = stringValue(parts[1]!.tag, content(der, parts[1]!))
        if (value === null) return null
        atvs.push({ type: attributeShortName(decodeOid(content(der, parts[0]!))), value })
      }
      if (atvs.length === 0) return null
      dn.push(atvs)
    }
    return dn
  } catch {
    return null
  }
}

/** Extensions ::= SEQUENCE OF Extension { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
export function leanExtensions(der: Uint8Array): RawExtension[] | null {
  try {
    const outer = readTlv(der, 0)
    if (outer.tag !== 0x30 || outer.end !== der.length) return null
    const out: RawExtension[] = []
    for (const e of childrenOf(der, outer)) {
      if (e.tag !== 0x30) return null
      const parts = childrenOf(der, e)
      if (parts.length < 2 || parts.length > 3 || parts[0]!.tag !== 0x06) return null
      let critical = false
      if (parts.length === 3) {
        const flag = content(der, parts[1]!)
        if (parts[1]!.tag !== 0x01 || flag.length !== 1) return null
        critical = flag[0] !== 0
      }
      const value = parts[parts.length - 1]!
      if (value.tag !== 0x04) return null
      out.push({ oid: decodeOid(content(der, parts[0]!)), critical, value: new Uint8Array(content(der, value)) })
    }
    return out
  } catch {
    return null
  }
}

/** ASCII text of an IA5String-like value; null when a byte is outside ASCII (the reference may read those otherwise). */
function asciiText(bytes: Uint8Array): string | null {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return null
  return Buffer.from(bytes).toString('latin1')
}

const LEAN_SAN_TYPES: Readonly<Record<number, 'email' | 'dns' | 'uri'>> = { 0x81: 'email', 0x82: 'dns', 0x86: 'uri' }

/**
 * SubjectAltName ::= GeneralNames (SEQUENCE OF GeneralName): the rfc822Name [1], dNSName [2]
 * and uniformResourceIdentifier [6] forms in ASCII, which is what fleets' CSRs carry. Null for
 * any other form (IP address, otherName, directoryName, registeredID) or shape: the caller
 * reads those with asn1-schema.
 */
export function leanSubjectAltNames(der: Uint8Array): { type: 'email' | 'dns' | 'uri'; value: string }[] | null {
  try {
    const outer = readTlv(der, 0)
    if (outer.tag !== 0x30 || outer.end !== der.length) return null
    const out: { type: 'email' | 'dns' | 'uri'; value: string }[] = []
    for (const n of childrenOf(der, outer)) {
      const type = LEAN_SAN_TYPES[n.tag]
      if (!type) return null
      const value = asciiText(content(der, n))
      if (value === null) return null
      out.push({ type, value })
    }
    return out
  } catch {
    return null
  }
}

/** ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (OID); null for any other shape. */
export function leanExtKeyUsage(der: Uint8Array): string[] | null {
  try {
    const outer = readTlv(der, 0)
    if (outer.tag !== 0x30 || outer.end !== der.length) return null
    const out: string[] = []
    for (const p of childrenOf(der, outer)) {
      if (p.tag !== 0x06) return null
      out.push(decodeOid(content(der, p)))
    }
    return out
  } catch {
    return null
  }
}

// One OID registry (src/shared/domain/oids.ts): every reader and writer names attributes,
// EKUs, curves and signature hashes the same way because they all derive from it.
import { describe, expect, it } from 'vitest'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Name } from '@peculiar/asn1-x509'
import { ATTRIBUTE_TYPES, CURVES, EKU, EKU_LABEL_BY_OID, SIGNATURE_ALGORITHMS } from '../../../src/shared/domain/oids'
import { canonicalAttributeType, SUBJECT_ATTRIBUTE_OIDS } from '../../../src/shared/domain/profile'
import { attributeOid, attributeShortName, fromAsnName, toAsnName } from '../../../src/main/engine/names'
import { encodeName } from '../../../src/main/engine/tbs-lean'
import { templateAttributeType } from '../../../src/main/engine/policy'
import { SIGNATURE_HASHES } from '../../../src/main/engine/policy/lint'
import { EKU_NAMES } from '../../../src/main/engine/describe'

describe('the OID registry', () => {
  it('every attribute type: the profile model, the DN encoder, both TBS encoders and the reader agree on its OID, name and string type', () => {
    for (const a of ATTRIBUTE_TYPES) {
      expect(SUBJECT_ATTRIBUTE_OIDS[a.short]).toBe(a.oid)
      expect(attributeOid(a.short)).toBe(a.oid)
      expect(attributeShortName(a.oid)).toBe(a.short)
      expect(canonicalAttributeType(a.oid)).toBe(a.short)
      expect(templateAttributeType(a.short)).toBe(a.short)
      for (const alias of a.aliases) expect(canonicalAttributeType(alias.toUpperCase())).toBe(a.short)
      const value = a.short === 'C' ? 'DE' : 'x1'
      const dn = [[{ type: a.short, value }]]
      const reference = new Uint8Array(AsnConvert.serialize(toAsnName(dn)))
      // The lean encoder writes the same bytes (same tag: UTF8String, PrintableString or IA5String).
      expect(Buffer.from(encodeName(dn)).toString('hex')).toBe(Buffer.from(reference).toString('hex'))
      const tag = reference[reference.length - value.length - 2]
      expect(tag).toBe(a.stringType === 'printable' ? 0x13 : a.stringType === 'ia5' ? 0x16 : 0x0c)
      expect(fromAsnName(AsnConvert.parse(reference, Name))).toEqual(dn)
    }
  })
  it('seed and RFC 4514 spellings map to one name', () => {
    expect(['commonName', 'cn', 'CN', '2.5.4.3'].map(canonicalAttributeType)).toEqual(['CN', 'CN', 'CN', 'CN'])
    expect(['S', 'stateOrProvinceName', 'st'].map(canonicalAttributeType)).toEqual(['ST', 'ST', 'ST'])
    expect(['E', 'email', 'emailAddress'].map(canonicalAttributeType)).toEqual(['emailAddress', 'emailAddress', 'emailAddress'])
    expect(canonicalAttributeType('1.2.3.4')).toBe('1.2.3.4')
  })
  it('EKUs, curves and signature hashes have one entry each', () => {
    expect(EKU_NAMES[EKU.serverAuth]).toBe(EKU_LABEL_BY_OID[EKU.serverAuth])
    expect(new Set(CURVES.map((c) => c.oid)).size).toBe(CURVES.length)
    expect(CURVES.filter((c) => c.supported).map((c) => c.name)).toEqual(['P-256', 'P-384', 'P-521'])
    for (const s of SIGNATURE_ALGORITHMS) expect(SIGNATURE_HASHES[s.oid]).toBe(s.hash)
  })
})

describe('oidName: the structure view names every OID the registry holds', () => {
  it('attribute types by their long name, the rest by the name their table gives', async () => {
    const { oidName, EXTENSIONS, KEY_ALGORITHMS, EXTENDED_KEY_USAGES } = await import('../../../src/shared/domain/oids')
    for (const a of ATTRIBUTE_TYPES) expect(oidName(a.oid), a.short).toBeDefined()
    expect(oidName('2.5.4.3')).toBe('commonName')
    expect(oidName('2.5.4.6')).toBe('countryName')
    for (const [name, oid] of Object.entries(EXTENSIONS)) expect(oidName(oid)).toBe(name)
    // a key algorithm that is also a signature algorithm (Ed25519, RSASSA-PSS) takes the signature's name
    for (const [name, oid] of Object.entries(KEY_ALGORITHMS)) expect(oidName(oid)).toBe(SIGNATURE_ALGORITHMS.find((s) => s.oid === oid)?.name ?? name)
    for (const e of EXTENDED_KEY_USAGES) expect(oidName(e.oid)).toBe(e.name)
    for (const c of CURVES) expect(oidName(c.oid)).toBe(c.name)
    for (const s of SIGNATURE_ALGORITHMS) expect(oidName(s.oid)).toBe(s.name)
    expect(oidName('2.5.29.20')).toBe('cRLNumber')
    expect(oidName('1.2.840.113549.1.9.14')).toBe('extensionRequest')
    expect(oidName('1.2.3.4.5.6.7')).toBeUndefined()
  })
})

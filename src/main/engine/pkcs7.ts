// Certificates-only PKCS#7 (a degenerate SignedData, RFC 2315 / RFC 5652 5): the `.p7b`
// Windows and Java import. No signers, no content.
//
// Assembled around the certificates' DER as given (never parsed and re-encoded): a bundle
// of 10,000 certificates takes milliseconds here where asn1-schema took ~1 ms per
// certificate. tests/unit/engine/pkcs7.test.ts holds it byte-equal to the @peculiar/asn1-cms
// encoding. Certificates keep the caller's order (leaf first, as the reference writes them).
// Reading one (a platform's delivery) goes through @peculiar/asn1-cms.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { ContentInfo, SignedData } from '@peculiar/asn1-cms'
import { fail, ok, type Result } from '../../shared/errors'
import { oid, sequence, tlv } from './der'

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2'
const OID_DATA = '1.2.840.113549.1.7.1'

/** MISSING_INPUT for no certificate: an empty bundle imports as nothing, silently. */
export function buildPkcs7(certificates: readonly Uint8Array[]): Result<Uint8Array> {
  if (certificates.length === 0) return fail('MISSING_INPUT', 'A PKCS#7 bundle needs at least one certificate: choose the certificates to put in it.', 'certificates')
  const signed = sequence(
    Uint8Array.of(0x02, 0x01, 0x01), // version 1
    tlv(0x31), // digestAlgorithms: none
    sequence(oid(OID_DATA)), // encapContentInfo without content
    tlv(0xa0, ...certificates), // [0] IMPLICIT CertificateSet
    tlv(0x31) // signerInfos: none
  )
  return ok(sequence(oid(OID_SIGNED_DATA), tlv(0xa0, signed)))
}

/**
 * The certificates of a PKCS#7 SignedData (DER), in the order the bundle holds them; null when
 * the bytes are not a SignedData or hold no certificate. Used for platforms that deliver a
 * certificate as PKCS#7 (TLM `delivery_format: pkcs7`, `additional-formats`).
 */
export function readPkcs7Certificates(der: Uint8Array): Uint8Array[] | null {
  try {
    const info = AsnConvert.parse(der, ContentInfo)
    if (info.contentType !== OID_SIGNED_DATA) return null
    const signed = AsnConvert.parse(info.content, SignedData)
    const out: Uint8Array[] = []
    for (const c of signed.certificates ?? []) if (c.certificate) out.push(new Uint8Array(AsnConvert.serialize(c.certificate)))
    return out.length ? out : null
  } catch {
    return null
  }
}

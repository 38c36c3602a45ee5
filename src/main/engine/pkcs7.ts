// Certificates-only PKCS#7 (a degenerate SignedData, RFC 2315 / RFC 5652 5): the `.p7b`
// Windows and Java import. No signers, no content.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import { CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerInfos } from '@peculiar/asn1-cms'

export function buildPkcs7(certificates: readonly Uint8Array[]): Uint8Array {
  const signed = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: new CertificateSet(certificates.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([])
  })
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: AsnConvert.serialize(signed) })))
}

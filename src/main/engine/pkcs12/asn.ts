// ASN.1 structures PKCS#12 needs that the @peculiar packages do not ship: PBES2/PBKDF2
// parameters (RFC 8018), PKCS#12 PBE parameters (RFC 7292 App. C) and CMS EncryptedData
// (RFC 5652 8). Declared with the asn1-schema decorators called as plain functions, the
// way the @peculiar packages' compiled output registers theirs.
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { EncryptedContentInfo } from '@peculiar/asn1-cms'

export const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
  pbeWithSHAAnd3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeWithSHAAnd2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  pbeWithSHAAnd128BitRC2Cbc: '1.2.840.113549.1.12.1.5',
  pbeWithSHAAnd40BitRC2Cbc: '1.2.840.113549.1.12.1.6',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /** Oracle's trusted-certificate attribute: Java lists a certificate-only entry only when it is present. */
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0'
} as const

export class Pbkdf2Params {
  salt = new ArrayBuffer(0)
  iterationCount = 0
  keyLength?: number
  prf?: AlgorithmIdentifier
  constructor(params: Partial<Pbkdf2Params> = {}) {
    Object.assign(this, params)
  }
}
AsnType({ type: AsnTypeTypes.Sequence })(Pbkdf2Params)
AsnProp({ type: AsnPropTypes.OctetString })(Pbkdf2Params.prototype, 'salt')
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount')
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, 'keyLength')
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, 'prf')

export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier()
  encryptionScheme = new AlgorithmIdentifier()
  constructor(params: Partial<Pbes2Params> = {}) {
    Object.assign(this, params)
  }
}
AsnType({ type: AsnTypeTypes.Sequence })(Pbes2Params)
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc')
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme')

export class Pkcs12PbeParams {
  salt = new ArrayBuffer(0)
  iterations = 0
  constructor(params: Partial<Pkcs12PbeParams> = {}) {
    Object.assign(this, params)
  }
}
AsnType({ type: AsnTypeTypes.Sequence })(Pkcs12PbeParams)
AsnProp({ type: AsnPropTypes.OctetString })(Pkcs12PbeParams.prototype, 'salt')
AsnProp({ type: AsnPropTypes.Integer })(Pkcs12PbeParams.prototype, 'iterations')

export class CmsEncryptedData {
  version = 0
  encryptedContentInfo = new EncryptedContentInfo()
  constructor(params: Partial<CmsEncryptedData> = {}) {
    Object.assign(this, params)
  }
}
AsnType({ type: AsnTypeTypes.Sequence })(CmsEncryptedData)
AsnProp({ type: AsnPropTypes.Integer })(CmsEncryptedData.prototype, 'version')
AsnProp({ type: EncryptedContentInfo })(CmsEncryptedData.prototype, 'encryptedContentInfo')

export { OctetString }

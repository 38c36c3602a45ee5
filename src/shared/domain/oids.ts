// The one OID registry: subject attribute types (short name, OID, the names the seeds and
// RFC 4514 use for them, the ASN.1 string type a value is written as), extended key usages,
// extensions, elliptic curves, key and signature algorithms. Every table elsewhere is derived
// from these lists, so two readers can no longer disagree on a name. Pure data: the renderer
// imports it too.

/** How an attribute value is written in a certificate (RFC 5280 4.1.2.4, Appendix A). */
export type AttributeStringType = 'utf8' | 'printable' | 'ia5'

export interface AttributeTypeInfo {
  /** The model's canonical name (the one templates, rules and display text use). */
  readonly short: string
  readonly oid: string
  /** Other names accepted for it, compared case-insensitively (long names, RFC 4514 keys). */
  readonly aliases: readonly string[]
  readonly stringType: AttributeStringType
  /** RFC 5280 Appendix A upper bound in characters, where it sets one. */
  readonly upperBound?: number
  /** Broadest first: where the type goes in a DN when the CSR gives no order (lower is broader). */
  readonly order?: number
}

export const ATTRIBUTE_TYPES: readonly AttributeTypeInfo[] = [
  { short: 'DC', oid: '0.9.2342.19200300.100.1.25', aliases: ['domainComponent'], stringType: 'ia5', order: 0 },
  { short: 'C', oid: '2.5.4.6', aliases: ['countryName'], stringType: 'printable', order: 1 },
  { short: 'ST', oid: '2.5.4.8', aliases: ['S', 'stateOrProvinceName'], stringType: 'utf8', upperBound: 128, order: 2 },
  { short: 'L', oid: '2.5.4.7', aliases: ['localityName'], stringType: 'utf8', upperBound: 128, order: 3 },
  { short: 'street', oid: '2.5.4.9', aliases: ['streetAddress'], stringType: 'utf8', order: 4 },
  { short: 'postalCode', oid: '2.5.4.17', aliases: [], stringType: 'utf8', upperBound: 40, order: 5 },
  { short: 'O', oid: '2.5.4.10', aliases: ['organizationName'], stringType: 'utf8', upperBound: 64, order: 6 },
  { short: 'OU', oid: '2.5.4.11', aliases: ['organizationalUnitName'], stringType: 'utf8', upperBound: 64, order: 7 },
  { short: 'title', oid: '2.5.4.12', aliases: [], stringType: 'utf8', upperBound: 64, order: 8 },
  { short: 'SN', oid: '2.5.4.4', aliases: ['surname'], stringType: 'utf8', order: 9 },
  { short: 'GN', oid: '2.5.4.42', aliases: ['givenName'], stringType: 'utf8', order: 10 },
  { short: 'serialNumber', oid: '2.5.4.5', aliases: [], stringType: 'printable', upperBound: 64, order: 11 },
  { short: 'CN', oid: '2.5.4.3', aliases: ['commonName'], stringType: 'utf8', upperBound: 64, order: 12 },
  { short: 'emailAddress', oid: '1.2.840.113549.1.9.1', aliases: ['email', 'E'], stringType: 'ia5', upperBound: 255, order: 13 },
  { short: 'UID', oid: '0.9.2342.19200300.100.1.1', aliases: ['userId'], stringType: 'utf8', order: 14 },
  { short: 'description', oid: '2.5.4.13', aliases: [], stringType: 'utf8' },
  { short: 'businessCategory', oid: '2.5.4.15', aliases: [], stringType: 'utf8' },
  { short: 'initials', oid: '2.5.4.43', aliases: [], stringType: 'utf8' },
  { short: 'generationQualifier', oid: '2.5.4.44', aliases: [], stringType: 'utf8' },
  { short: 'x500UniqueIdentifier', oid: '2.5.4.45', aliases: [], stringType: 'utf8' },
  { short: 'dnQualifier', oid: '2.5.4.46', aliases: [], stringType: 'printable' },
  { short: 'pseudonym', oid: '2.5.4.65', aliases: [], stringType: 'utf8' },
  { short: 'organizationIdentifier', oid: '2.5.4.97', aliases: [], stringType: 'utf8' },
  { short: 'unstructuredName', oid: '1.2.840.113549.1.9.2', aliases: [], stringType: 'utf8' },
  { short: 'unstructuredAddress', oid: '1.2.840.113549.1.9.8', aliases: [], stringType: 'utf8' }
]

const OID_TEXT = /^[0-2](\.(0|[1-9]\d*))+$/
const byShort = new Map(ATTRIBUTE_TYPES.map((a) => [a.short, a]))
const byOid = new Map(ATTRIBUTE_TYPES.map((a) => [a.oid, a]))
const byAlias = new Map<string, AttributeTypeInfo>(ATTRIBUTE_TYPES.flatMap((a) => [a.short, ...a.aliases].map((n) => [n.toLowerCase(), a] as const)))

/** The registry entry for a short name, alias (any case) or dotted OID; undefined when unknown. */
export function attributeInfo(type: string): AttributeTypeInfo | undefined {
  const t = type.trim()
  if (OID_TEXT.test(t)) return byOid.get(t)
  return byShort.get(t) ?? byAlias.get(t.toLowerCase())
}

/** The canonical short name of an attribute given by name, alias or OID; unknown OIDs stay dotted. */
export function attributeShort(type: string): string {
  return attributeInfo(type)?.short ?? type.trim()
}

/** The OID of an attribute given by name or OID; undefined for an unknown name. */
export function attributeOidOf(type: string): string | undefined {
  const t = type.trim()
  return attributeInfo(t)?.oid ?? (OID_TEXT.test(t) ? t : undefined)
}

export function isDottedOid(text: string): boolean {
  return OID_TEXT.test(text)
}

// ---------------------------------------------------------------------------------------

/** Extended key usage OIDs by name (RFC 5280 4.2.1.12, RFC 4945, Microsoft). */
export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ipsecIKE: '1.3.6.1.5.5.7.3.17',
  smartcardLogon: '1.3.6.1.4.1.311.20.2.2',
  anyExtendedKeyUsage: '2.5.29.37.0'
} as const

export interface EkuInfo {
  readonly name: string
  readonly oid: string
  readonly label: string
}

const EKU_LABELS: Readonly<Record<keyof typeof EKU, string>> = {
  serverAuth: 'TLS Web Server Authentication',
  clientAuth: 'TLS Web Client Authentication',
  codeSigning: 'Code Signing',
  emailProtection: 'E-mail Protection',
  timeStamping: 'Time Stamping',
  ocspSigning: 'OCSP Signing',
  ipsecIKE: 'IPsec Internet Key Exchange',
  smartcardLogon: 'Microsoft Smartcard Logon',
  anyExtendedKeyUsage: 'Any Extended Key Usage'
}
export const EXTENDED_KEY_USAGES: readonly EkuInfo[] = (Object.keys(EKU) as (keyof typeof EKU)[]).map((name) => ({ name, oid: EKU[name], label: EKU_LABELS[name] }))
export const EKU_NAME_BY_OID: Readonly<Record<string, string>> = Object.fromEntries(EXTENDED_KEY_USAGES.map((e) => [e.oid, e.name]))
export const EKU_LABEL_BY_OID: Readonly<Record<string, string>> = Object.fromEntries(EXTENDED_KEY_USAGES.map((e) => [e.oid, e.label]))

// ---------------------------------------------------------------------------------------

export const EXTENSIONS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyConstraints: '2.5.29.36',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  tlsFeature: '1.3.6.1.5.5.7.1.24'
} as const

export const EXTENSION_LABELS: Readonly<Record<string, string>> = {
  [EXTENSIONS.basicConstraints]: 'Basic Constraints',
  [EXTENSIONS.keyUsage]: 'Key Usage',
  [EXTENSIONS.extKeyUsage]: 'Extended Key Usage',
  [EXTENSIONS.subjectAltName]: 'Subject Alternative Name',
  [EXTENSIONS.issuerAltName]: 'Issuer Alternative Name',
  [EXTENSIONS.subjectKeyIdentifier]: 'Subject Key Identifier',
  [EXTENSIONS.authorityKeyIdentifier]: 'Authority Key Identifier',
  [EXTENSIONS.cRLDistributionPoints]: 'CRL Distribution Points',
  [EXTENSIONS.authorityInfoAccess]: 'Authority Information Access',
  [EXTENSIONS.certificatePolicies]: 'Certificate Policies',
  [EXTENSIONS.nameConstraints]: 'Name Constraints',
  [EXTENSIONS.policyConstraints]: 'Policy Constraints',
  [EXTENSIONS.inhibitAnyPolicy]: 'Inhibit anyPolicy',
  [EXTENSIONS.tlsFeature]: 'TLS Feature',
  '1.3.6.1.4.1.11129.2.4.2': 'CT Precertificate SCTs',
  '1.3.6.1.4.1.11129.2.4.3': 'CT Precertificate Poison',
  '1.3.6.1.4.1.311.20.2': 'Microsoft Certificate Template Name',
  '1.3.6.1.4.1.311.21.7': 'Microsoft Certificate Template',
  '2.16.840.1.113730.1.1': 'Netscape Cert Type',
  '2.16.840.1.113730.1.13': 'Netscape Comment'
}

// ---------------------------------------------------------------------------------------

export interface CurveInfo {
  readonly name: string
  readonly oid: string
  readonly bits: number
  /** PKI Desk signs with and certifies keys on this curve (the NIST curves). */
  readonly supported: boolean
}

export const CURVES: readonly CurveInfo[] = [
  { name: 'P-256', oid: '1.2.840.10045.3.1.7', bits: 256, supported: true },
  { name: 'P-384', oid: '1.3.132.0.34', bits: 384, supported: true },
  { name: 'P-521', oid: '1.3.132.0.35', bits: 521, supported: true },
  { name: 'secp256k1', oid: '1.3.132.0.10', bits: 256, supported: false },
  { name: 'P-224', oid: '1.3.132.0.33', bits: 224, supported: false },
  { name: 'P-192', oid: '1.2.840.10045.3.1.1', bits: 192, supported: false },
  { name: 'brainpoolP256r1', oid: '1.3.36.3.3.2.8.1.1.7', bits: 256, supported: false },
  { name: 'brainpoolP384r1', oid: '1.3.36.3.3.2.8.1.1.11', bits: 384, supported: false },
  { name: 'brainpoolP512r1', oid: '1.3.36.3.3.2.8.1.1.13', bits: 512, supported: false }
]
const curveByOid = new Map(CURVES.map((c) => [c.oid, c]))
export function curveInfo(oid: string): CurveInfo | undefined {
  return curveByOid.get(oid)
}

// ---------------------------------------------------------------------------------------

export const KEY_ALGORITHMS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  dsa: '1.2.840.10040.4.1',
  x25519: '1.3.101.110',
  x448: '1.3.101.111'
} as const

/** SubjectPublicKeyInfo algorithm → the key family PKI Desk certifies (absent: described, never signed). */
export const KEY_FAMILY_BY_OID: Readonly<Record<string, 'rsa' | 'ec' | 'ed25519' | 'ed448'>> = {
  [KEY_ALGORITHMS.rsaEncryption]: 'rsa',
  [KEY_ALGORITHMS.rsassaPss]: 'rsa',
  [KEY_ALGORITHMS.ecPublicKey]: 'ec',
  [KEY_ALGORITHMS.ed25519]: 'ed25519',
  [KEY_ALGORITHMS.ed448]: 'ed448'
}

export const KEY_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [KEY_ALGORITHMS.rsaEncryption]: 'RSA',
  [KEY_ALGORITHMS.rsassaPss]: 'RSA-PSS',
  [KEY_ALGORITHMS.ecPublicKey]: 'EC',
  [KEY_ALGORITHMS.ed25519]: 'Ed25519',
  [KEY_ALGORITHMS.ed448]: 'Ed448',
  [KEY_ALGORITHMS.dsa]: 'DSA',
  [KEY_ALGORITHMS.x25519]: 'X25519',
  [KEY_ALGORITHMS.x448]: 'X448'
}

export interface SignatureAlgorithmInfo {
  readonly oid: string
  readonly name: string
  /** The hash it signs over: SHA-256…, MD5, SHA-1, or EdDSA / RSASSA-PSS (parameters decide). */
  readonly hash: string
  /** The key algorithm it needs. */
  readonly key: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa'
}

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithmInfo[] = [
  { oid: '1.2.840.113549.1.1.2', name: 'md2WithRSAEncryption', hash: 'MD2', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.3', name: 'md4WithRSAEncryption', hash: 'MD4', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.4', name: 'md5WithRSAEncryption', hash: 'MD5', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.5', name: 'sha1WithRSAEncryption', hash: 'SHA-1', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.14', name: 'sha224WithRSAEncryption', hash: 'SHA-224', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption', hash: 'SHA-256', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.12', name: 'sha384WithRSAEncryption', hash: 'SHA-384', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.13', name: 'sha512WithRSAEncryption', hash: 'SHA-512', key: 'rsa' },
  { oid: '1.2.840.113549.1.1.10', name: 'rsassaPss', hash: 'RSASSA-PSS', key: 'rsa' },
  { oid: '1.2.840.10045.4.1', name: 'ecdsa-with-SHA1', hash: 'SHA-1', key: 'ec' },
  { oid: '1.2.840.10045.4.3.1', name: 'ecdsa-with-SHA224', hash: 'SHA-224', key: 'ec' },
  { oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256', hash: 'SHA-256', key: 'ec' },
  { oid: '1.2.840.10045.4.3.3', name: 'ecdsa-with-SHA384', hash: 'SHA-384', key: 'ec' },
  { oid: '1.2.840.10045.4.3.4', name: 'ecdsa-with-SHA512', hash: 'SHA-512', key: 'ec' },
  { oid: '1.3.101.112', name: 'Ed25519', hash: 'EdDSA', key: 'ed25519' },
  { oid: '1.3.101.113', name: 'Ed448', hash: 'EdDSA', key: 'ed448' },
  { oid: '1.2.840.10040.4.3', name: 'dsa-with-sha1', hash: 'SHA-1', key: 'dsa' },
  { oid: '2.16.840.1.101.3.4.3.1', name: 'dsa-with-sha224', hash: 'SHA-224', key: 'dsa' },
  { oid: '2.16.840.1.101.3.4.3.2', name: 'dsa-with-sha256', hash: 'SHA-256', key: 'dsa' }
]
const sigByOid = new Map(SIGNATURE_ALGORITHMS.map((s) => [s.oid, s]))
export function signatureAlgorithmInfo(oid: string): SignatureAlgorithmInfo | undefined {
  return sigByOid.get(oid)
}

// ---------------------------------------------------------------------------------------

/** OIDs the tables above have no use for but a certificate, CSR or CRL carries: named for the structure view. */
const OTHER_OIDS: Readonly<Record<string, string>> = {
  '2.5.29.20': 'cRLNumber',
  '2.5.29.21': 'cRLReason',
  '2.5.29.24': 'invalidityDate',
  '2.5.29.27': 'deltaCRLIndicator',
  '2.5.29.28': 'issuingDistributionPoint',
  '2.5.29.29': 'certificateIssuer',
  '2.5.29.46': 'freshestCRL',
  '2.5.29.32.0': 'anyPolicy',
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.14': 'extensionRequest',
  '1.2.840.113549.1.1.8': 'mgf1',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.6.1.5.5.7.48.1': 'ocsp',
  '1.3.6.1.5.5.7.48.2': 'caIssuers',
  '1.3.6.1.5.5.7.2.1': 'cps',
  '1.3.6.1.5.5.7.2.2': 'unotice'
}

let namesByOid: ReadonlyMap<string, string> | undefined

/**
 * The name of any OID the registry knows (attribute type, extension, extended key usage,
 * curve, key or signature algorithm, the CRL and CSR OIDs above), as OpenSSL and KeyStore
 * Explorer print them; undefined for an unknown OID.
 */
export function oidName(oid: string): string | undefined {
  if (!namesByOid) {
    const m = new Map<string, string>(Object.entries(OTHER_OIDS))
    for (const [name, o] of Object.entries(KEY_ALGORITHMS)) m.set(o, name)
    for (const s of SIGNATURE_ALGORITHMS) m.set(s.oid, s.name)
    for (const c of CURVES) m.set(c.oid, c.name)
    for (const [name, o] of Object.entries(EXTENSIONS)) m.set(o, name)
    for (const [o, label] of Object.entries(EXTENSION_LABELS)) if (!m.has(o)) m.set(o, label)
    for (const e of EXTENDED_KEY_USAGES) m.set(e.oid, e.name)
    for (const a of ATTRIBUTE_TYPES) m.set(a.oid, a.aliases.find((n) => /^[a-z]/.test(n) && n.length > 2) ?? a.short)
    namesByOid = m
  }
  return namesByOid.get(oid)
}

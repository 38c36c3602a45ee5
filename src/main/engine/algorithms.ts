// Signature algorithm identifiers (RFC 4055, 5758, 8410) and public-key facts. Signing
// algorithms are chosen from the key family and an explicit hash; SHA-1 and MD5 are never
// produced. Reading side: every algorithm we accept in a CSR or certificate, with what
// node:crypto needs to verify it.
import 'reflect-metadata'
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { childrenOf, content, decodeOid, DerError, readTlv } from './der'
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509'
import { RsaSaPssParams } from '@peculiar/asn1-rsa'
import { fail, ok, type Result } from '../../shared/errors'
import type { PublicKeyInfo } from '../../shared/domain/csr'
import type { KeyFamily, KeySpec, SignatureHash } from '../../shared/domain/keys'
import { CURVES as CURVE_LIST, KEY_ALGORITHM_NAMES } from '../../shared/domain/oids'

const HASH_OID: Record<SignatureHash, string> = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3'
}
const HASH_BYTES: Record<SignatureHash, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }
const RSA_PKCS1: Record<SignatureHash, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13'
}
const ECDSA: Record<SignatureHash, string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4'
}
export const OID_RSA_PSS = '1.2.840.113549.1.1.10'
export const OID_ED25519 = '1.3.101.112'
export const OID_ED448 = '1.3.101.113'
export const OID_RSA = '1.2.840.113549.1.1.1'
export const OID_EC = '1.2.840.10045.2.1'
const OID_MGF1 = '1.2.840.113549.1.1.8'

/** The curves PKI Desk certifies keys on, from the registry. */
const CURVES: Readonly<Record<string, { name: string; bits: number }>> = Object.fromEntries(CURVE_LIST.filter((c) => c.supported).map((c) => [c.oid, { name: c.name, bits: c.bits }]))

export function familyOf(spec: KeySpec): KeyFamily {
  if (spec.startsWith('rsa-')) return 'rsa'
  if (spec.startsWith('ec-')) return 'ec'
  return spec === 'ed25519' ? 'ed25519' : 'ed448'
}

/** The AlgorithmIdentifier a key of `family` signs under with `hash` (ignored for EdDSA). */
export function signatureAlgorithm(family: KeyFamily, hash: SignatureHash, rsaPss: boolean): AlgorithmIdentifier {
  switch (family) {
    case 'rsa':
      if (!rsaPss) return new AlgorithmIdentifier({ algorithm: RSA_PKCS1[hash], parameters: null })
      return new AlgorithmIdentifier({
        algorithm: OID_RSA_PSS,
        parameters: AsnConvert.serialize(
          new RsaSaPssParams({
            hashAlgorithm: new AlgorithmIdentifier({ algorithm: HASH_OID[hash], parameters: null }),
            maskGenAlgorithm: new AlgorithmIdentifier({
              algorithm: OID_MGF1,
              parameters: AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: HASH_OID[hash], parameters: null }))
            }),
            saltLength: HASH_BYTES[hash],
            trailerField: 1
          })
        )
      })
    case 'ec':
      return new AlgorithmIdentifier({ algorithm: ECDSA[hash] })
    case 'ed25519':
      return new AlgorithmIdentifier({ algorithm: OID_ED25519 })
    case 'ed448':
      return new AlgorithmIdentifier({ algorithm: OID_ED448 })
  }
}

/** How to verify a signature made under an AlgorithmIdentifier, or why we refuse it. */
export interface VerifyAlgorithm {
  readonly name: string
  /** node:crypto digest name, null for EdDSA. */
  readonly digest: string | null
  readonly family: KeyFamily
  readonly pssSaltLength?: number
}

const READABLE: Record<string, VerifyAlgorithm> = {
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', digest: 'sha1', family: 'rsa' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', digest: 'sha224', family: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', digest: 'sha256', family: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', digest: 'sha384', family: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', digest: 'sha512', family: 'rsa' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', digest: 'sha1', family: 'ec' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', digest: 'sha224', family: 'ec' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', digest: 'sha256', family: 'ec' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', digest: 'sha384', family: 'ec' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', digest: 'sha512', family: 'ec' },
  [OID_ED25519]: { name: 'Ed25519', digest: null, family: 'ed25519' },
  [OID_ED448]: { name: 'Ed448', digest: null, family: 'ed448' }
}
const REFUSED: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.1': 'dsa-with-sha224',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256'
}
const DIGEST_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512'
}

export function readSignatureAlgorithm(alg: AlgorithmIdentifier): Result<VerifyAlgorithm> {
  const known = READABLE[alg.algorithm]
  if (known) return ok(known)
  if (alg.algorithm === OID_RSA_PSS) {
    try {
      const p = alg.parameters ? AsnConvert.parse(alg.parameters, RsaSaPssParams) : new RsaSaPssParams()
      const digest = DIGEST_BY_OID[p.hashAlgorithm.algorithm]
      if (!digest) return fail('SIGNATURE_ALGORITHM_UNSUPPORTED', `RSASSA-PSS with hash ${p.hashAlgorithm.algorithm} is not supported.`)
      return ok({ name: `rsassaPss (${digest.toUpperCase()}, salt ${p.saltLength})`, digest, family: 'rsa', pssSaltLength: p.saltLength })
    } catch {
      return fail('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The RSASSA-PSS parameters cannot be read.')
    }
  }
  const refused = REFUSED[alg.algorithm]
  if (refused) return fail('SIGNATURE_ALGORITHM_UNSUPPORTED', `The signature algorithm ${refused} is not accepted (MD2/MD4/MD5 and DSA are insecure or unsupported); sign the request again with SHA-256.`)
  return fail('SIGNATURE_ALGORITHM_UNSUPPORTED', `The signature algorithm ${alg.algorithm} is unknown; sign the request with RSA, ECDSA or Ed25519 and SHA-256.`)
}

export function verifySignature(alg: VerifyAlgorithm, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (alg.digest === null) return nodeVerify(null, data, key, signature)
    if (alg.pssSaltLength !== undefined)
      return nodeVerify(alg.digest, data, { key, padding: 6, saltLength: alg.pssSaltLength }, signature)
    return nodeVerify(alg.digest, data, { key, dsaEncoding: 'der' }, signature)
  } catch {
    return false
  }
}

/**
 * What a request's key and signature are when PKI Desk cannot sign for them (DSA, secp256k1, an
 * unknown algorithm): the key in words, the signature algorithm's name, and whether the
 * signature verifies where node's crypto can check it (null: it cannot). For intake only.
 */
export function describeForeignKey(spkiDer: Uint8Array, alg: AlgorithmIdentifier, data: Uint8Array, signature: Uint8Array): { key: string; signatureAlgorithm: string; signatureValid: boolean | null } {
  const attempt = <T,>(f: () => T, otherwise: T): T => {
    try {
      return f()
    } catch {
      return otherwise
    }
  }
  const keyObject: KeyObject | null = attempt(() => createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }), null)
  const oid = attempt(() => AsnConvert.parse(spkiDer, SubjectPublicKeyInfo).algorithm.algorithm, '(unreadable)')
  const details = keyObject?.asymmetricKeyDetails
  const type = keyObject?.asymmetricKeyType
  const key =
    type === 'dsa'
      ? `DSA ${details?.modulusLength ?? '?'} bits`
      : type === 'ec'
        ? `EC ${details?.namedCurve ?? 'unnamed curve'}`
        : type
          ? `${type.toUpperCase()}${details?.modulusLength ? ` ${details.modulusLength} bits` : ''}`
          : `${KEY_ALGORITHM_NAMES[oid] ?? 'unknown key algorithm'} (${oid})`
  const known = READABLE[alg.algorithm]
  const name = known?.name ?? REFUSED[alg.algorithm] ?? alg.algorithm
  const digest = known?.digest ?? FOREIGN_DIGEST[alg.algorithm]
  let signatureValid: boolean | null = null
  if (keyObject && digest !== undefined) {
    try {
      signatureValid = nodeVerify(digest, data, { key: keyObject, dsaEncoding: 'der' }, signature)
    } catch {
      signatureValid = null
    }
  }
  return { key, signatureAlgorithm: name, signatureValid }
}

/** Digests of the signature algorithms PKI Desk refuses but can still check on intake. */
const FOREIGN_DIGEST: Readonly<Record<string, string>> = {
  '1.2.840.10040.4.3': 'sha1',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
  '1.2.840.113549.1.1.4': 'md5'
}

export interface PublicKeyFacts extends PublicKeyInfo {
  readonly keyObject: KeyObject
}

/** Reads an SPKI: family, size, curve and SHA-256, or KEY_UNSUPPORTED (DSA, other curves, unknown OIDs). */
export function readPublicKey(spkiDer: Uint8Array): Result<PublicKeyFacts> {
  let oid: string
  let curveOid = ''
  try {
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { OID, params? }, subjectPublicKey BIT STRING }
    const outer = readTlv(spkiDer, 0)
    if (outer.end !== spkiDer.length) throw new DerError('trailing bytes')
    const [alg, bits] = childrenOf(spkiDer, outer)
    if (!alg || !bits || alg.tag !== 0x30 || bits.tag !== 0x03) throw new DerError('not an SPKI')
    const [algOid, params] = childrenOf(spkiDer, alg)
    if (!algOid || algOid.tag !== 0x06) throw new DerError('no algorithm')
    oid = decodeOid(content(spkiDer, algOid))
    if (params?.tag === 0x06) curveOid = decodeOid(content(spkiDer, params))
  } catch {
    return fail('PUBLIC_KEY_CORRUPT', 'The public key cannot be read: the data is damaged.')
  }
  const sha256 = createHash('sha256').update(spkiDer).digest('hex')
  let family: KeyFamily
  let curve: string | undefined
  if (oid === OID_RSA || oid === OID_RSA_PSS) family = 'rsa'
  else if (oid === OID_EC) {
    family = 'ec'
    const c = CURVES[curveOid]
    if (!c) return fail('KEY_UNSUPPORTED', `The elliptic curve ${curveOid || '(unnamed)'} is not supported; use P-256, P-384 or P-521.`)
    curve = c.name
  } else if (oid === OID_ED25519) family = 'ed25519'
  else if (oid === OID_ED448) family = 'ed448'
  else if (oid === '1.2.840.10040.4.1') return fail('KEY_UNSUPPORTED', 'DSA keys are not supported; use an RSA, ECDSA or Ed25519 key.')
  else return fail('KEY_UNSUPPORTED', `The key algorithm ${oid} is unknown; use an RSA, ECDSA or Ed25519 key.`)
  let keyObject: KeyObject
  try {
    keyObject = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' })
  } catch {
    return fail('PUBLIC_KEY_CORRUPT', 'The public key is malformed and cannot be used.')
  }
  let size: number
  if (family === 'rsa') size = keyObject.asymmetricKeyDetails?.modulusLength ?? 0
  else if (family === 'ec') size = CURVES[curveOid]!.bits
  else size = family === 'ed25519' ? 256 : 456
  return ok({ family, size, ...(curve ? { curve } : {}), sha256, keyObject })
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo)
  return new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest())
}


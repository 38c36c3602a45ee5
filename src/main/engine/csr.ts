// CSR intake: finds every certification request in a file (PEM with any text around the
// blocks, either header, CRLF; or DER), checks proof of possession, and reports what the
// operator must see. Anything else is refused with a code that says what the input is.
// Whether a key or name is *allowed* is the profile's decision, not this parser's.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, Certificate, CertificateList, Extensions, Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509'
import { PrivateKeyInfo, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8'
import { fail, ok, type AppError, type ErrorCode, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'
import { aKeyOf } from '../../shared/domain/keys'
import type { CsrDescription } from '../../shared/domain/csr'
import type { ParsedCsr, RawExtension } from './template'
import { describeForeignKey, readPublicKey, readSignatureAlgorithm, verifySignature } from './algorithms'
import { checkBinaryInput } from './input-limits'
import { derFraming, readPemBlocks, looksLikePem, type PemItem } from './pem'
import { childrenOf, content, decodeOid, DerError, readTlv, slice } from './der'
import { dnToText, fromAsnName } from './names'
import { describeRequestedExtensions } from './describe'
import { parseForeignDer } from './der-limits'
import { leanExtensions, leanName } from './csr-lean'
import type { DistinguishedName } from '../../shared/domain/names'

export const MAX_CSR_INPUT_BYTES = LIMITS.csrFileBytes
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14'

/** A refused item that is a well-formed request carries `described`: what it is, before why it cannot be signed. */
export type CsrItem =
  | { readonly ok: true; readonly index: number; readonly csr: ParsedCsr }
  | { readonly ok: false; readonly index: number; readonly error: AppError; readonly described?: CsrDescription }

/**
 * `report`: a request whose signature does not verify is still read (signatureValid false), so
 * the operator sees whose request it is and why it cannot be signed (intake). `refuse`, the
 * default: it fails with CSR_SIGNATURE_INVALID (everything that signs or relies on the request).
 */
export interface CsrReadOptions {
  readonly badSignature?: 'refuse' | 'report'
}

function itemError(code: ErrorCode, message: string): AppError {
  return { code, message }
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY'])
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'])
const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'])

function labelError(label: string): AppError {
  if (KEY_LABELS.has(label))
    return itemError('CSR_IS_PRIVATE_KEY', 'This is a private key, not a certificate request: never share it; send the CSR made from it instead.')
  if (CERT_LABELS.has(label)) return itemError('CSR_IS_CERTIFICATE', 'This is a certificate, not a certificate request: load the CSR file instead.')
  return itemError('CSR_WRONG_KIND', `This is a PEM "${label}" block, not a certificate request: load a CSR (BEGIN CERTIFICATE REQUEST).`)
}

/** Splits an input file into requests, each parsed or refused. Fails as a whole only for empty or oversized input. */
export function readCsrInput(bytes: Uint8Array, options: CsrReadOptions = {}): Result<CsrItem[]> {
  if (bytes.length === 0 || (looksLikeText(bytes) && Buffer.from(bytes).toString('utf8').trim() === ''))
    return fail('CSR_EMPTY', 'The file is empty: choose the file that holds the certificate request.')
  if (bytes.length > MAX_CSR_INPUT_BYTES)
    return fail('CSR_TOO_LARGE', `The file is ${bytes.length} bytes, over the 1 MiB limit for requests: check that it is a CSR file.`)
  if (looksLikePem(bytes)) {
    const blocks = readPemBlocks(Buffer.from(bytes).toString('utf8'))
    if (!blocks.ok) return blocks
    return ok(blocks.value.map((b, index) => pemItem(b, index, options)))
  }
  if (looksLikeText(bytes))
    return ok([{ ok: false, index: 0, error: itemError('CSR_NOT_FOUND', 'The file is text without a "BEGIN CERTIFICATE REQUEST" block: it holds no request.') }])
  return ok([derItem(bytes, 0, options)])
}

function pemItem(block: PemItem, index: number, options: CsrReadOptions): CsrItem {
  if (block.kind === 'truncated')
    return { ok: false, index, error: itemError('CSR_TRUNCATED', `The "${block.label}" block has no END line: the file was cut short; copy the whole request.`) }
  if (!CSR_LABELS.has(block.label)) return { ok: false, index, error: labelError(block.label) }
  if (block.kind === 'corrupt') return { ok: false, index, error: itemError('CSR_CORRUPT', 'The request block is not valid base64: the file is damaged.') }
  return derItem(block.der, index, options)
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096)
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!
    if (b === 9 || b === 10 || b === 13) continue
    if (b < 0x20 || b === 0x7f) return false
  }
  return true
}

function derItem(der: Uint8Array, index: number, options: CsrReadOptions): CsrItem {
  const r = parseCsrDer(der, options)
  if (r.ok) return { ok: true, index, csr: r.value }
  const described = r.error.code === 'KEY_UNSUPPORTED' || r.error.code === 'SIGNATURE_ALGORITHM_UNSUPPORTED' ? describeRequest(der) : null
  return { ok: false, index, error: r.error, ...(described ? { described } : {}) }
}

/**
 * Describe before refusing: a well-formed request whose key or signature algorithm PKI Desk
 * does not sign for still shows its subject, SANs, key and whether its signature verifies.
 * Null when it is not well-formed after all.
 */
export function describeRequest(der: Uint8Array): CsrDescription | null {
  try {
    const req = splitRequest(der)
    const subject = fromAsnName(AsnConvert.parse(req.subject, Name))
    const extensions: RawExtension[] = []
    for (const attr of req.attributes) {
      if (attr.type !== OID_EXTENSION_REQUEST) continue
      for (const v of attr.values) for (const e of AsnConvert.parse(v, Extensions)) extensions.push({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) })
    }
    const described = describeRequestedExtensions(extensions)
    const facts = describeForeignKey(req.spki, req.signatureAlgorithm, req.info, req.signature)
    return { subject, subjectText: dnToText(subject), sans: described.sans, requestedExtensions: described.list, ...facts }
  } catch {
    return null
  }
}

function whatElse(der: Uint8Array): AppError | null {
  const tries: [new () => object, AppError][] = [
    [Certificate, itemError('CSR_IS_CERTIFICATE', 'This is a certificate, not a certificate request: load the CSR file instead.')],
    [PrivateKeyInfo, labelError('PRIVATE KEY')],
    [EncryptedPrivateKeyInfo, labelError('ENCRYPTED PRIVATE KEY')],
    [CertificateList, itemError('CSR_WRONG_KIND', 'This is a certificate revocation list, not a certificate request.')],
    [SubjectPublicKeyInfo, itemError('CSR_WRONG_KIND', 'This is a bare public key, not a certificate request: a CSR also proves possession of the private key.')]
  ]
  for (const [type, error] of tries) {
    try {
      parseForeignDer(der, type)
      return error
    } catch {
      /* not this either */
    }
  }
  return null
}

/** Parses one DER CertificationRequest and verifies its self-signature. */
export function parseCsrDer(der: Uint8Array, options: CsrReadOptions = {}): Result<ParsedCsr> {
  const limits = checkBinaryInput(der, { limit: 'csrFileBytes', prefix: 'CSR', what: 'The request' })
  if (!limits.ok) return limits
  const framing = derFraming(der)
  if (framing === 'truncated') return fail('CSR_TRUNCATED', 'The request is cut short (its length runs past the end of the data): copy the whole file again.')
  if (framing === 'invalid') return fail('CSR_CORRUPT', 'The data is not a certificate request (not DER, not PEM): the file is damaged or of another kind.')
  let req: RequestParts
  try {
    req = splitRequest(der)
  } catch {
    const other = whatElse(der)
    if (other) return { ok: false, error: other }
    return fail('CSR_CORRUPT', 'The data is DER but not a certificate request: the file is damaged or of another kind.')
  }
  if (framing === 'trailing') return fail('CSR_CORRUPT', 'The request has extra bytes after its end: the file is damaged.')
  const spki = req.spki
  const key = readPublicKey(spki)
  if (!key.ok) return fail(key.error.code === 'KEY_UNSUPPORTED' ? 'KEY_UNSUPPORTED' : 'CSR_CORRUPT', key.error.message)
  const alg = readSignatureAlgorithm(req.signatureAlgorithm)
  if (!alg.ok) return fail('SIGNATURE_ALGORITHM_UNSUPPORTED', alg.error.message)
  const signatureValid = alg.value.family === key.value.family && verifySignature(alg.value, key.value.keyObject, req.info, req.signature)
  if (!signatureValid && options.badSignature !== 'report') {
    if (alg.value.family !== key.value.family)
      return fail('CSR_SIGNATURE_INVALID', `The request is signed with ${alg.value.name} but carries ${aKeyOf(key.value.family)}: it does not prove possession of the key.`)
    return fail('CSR_SIGNATURE_INVALID', 'The request\'s signature does not verify: it was altered or not signed by its key (no proof of possession). Ask for a new CSR.')
  }
  const extensions: RawExtension[] = []
  try {
    for (const attr of req.attributes) {
      if (attr.type !== OID_EXTENSION_REQUEST) continue
      for (const v of attr.values) extensions.push(...(leanExtensions(v) ?? referenceExtensions(v)))
    }
  } catch {
    return fail('CSR_CORRUPT', 'The request\'s extension request attribute cannot be read: the file is damaged.')
  }
  let subject: DistinguishedName
  try {
    subject = leanName(req.subject) ?? referenceName(req.subject)
  } catch {
    return fail('CSR_CORRUPT', 'The request\'s subject cannot be read: the file is damaged.')
  }
  const described = describeRequestedExtensions(extensions)
  const { keyObject: _k, ...publicKey } = key.value
  void _k
  return ok({
    subject,
    subjectText: dnToText(subject),
    sans: described.sans,
    ...(described.keyUsage ? { requestedKeyUsage: described.keyUsage } : {}),
    ...(described.extKeyUsage ? { requestedExtKeyUsage: described.extKeyUsage } : {}),
    requestedExtensions: described.list,
    publicKey,
    signatureAlgorithm: alg.value.name,
    signatureValid,
    der,
    spki,
    extensions
  })
}

/** The asn1-schema reader of an extensionRequest value: the reference the lean walker is held to, and its fallback. */
export function referenceExtensions(der: Uint8Array): RawExtension[] {
  return AsnConvert.parse(der, Extensions).map((e) => ({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) }))
}

/** The asn1-schema reader of a Name: the reference for leanName, and its fallback. */
export function referenceName(der: Uint8Array): DistinguishedName {
  return fromAsnName(AsnConvert.parse(der, Name))
}

// A batch's requests share a handful of signature algorithms: parse each encoding once.
const algorithmCache = new Map<string, AlgorithmIdentifier>()
function algorithmOf(der: Uint8Array): AlgorithmIdentifier {
  const key = Buffer.from(der).toString('hex')
  let hit = algorithmCache.get(key)
  if (!hit) {
    hit = AsnConvert.parse(der, AlgorithmIdentifier)
    if (algorithmCache.size < 64) algorithmCache.set(key, hit)
  }
  return hit
}

interface RequestParts {
  /** CertificationRequestInfo exactly as signed. */
  readonly info: Uint8Array
  readonly subject: Uint8Array
  readonly spki: Uint8Array
  readonly attributes: { type: string; values: Uint8Array[] }[]
  readonly signatureAlgorithm: AlgorithmIdentifier
  readonly signature: Uint8Array
}

/**
 * CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
 * CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject Name, subjectPKInfo, attributes [0] }
 * Split with the DER walker (the hot path of batch issuance); the parts that need decoding
 * (subject, algorithm, extensions) go through asn1-x509. Throws DerError when the shape differs.
 */
function splitRequest(der: Uint8Array): RequestParts {
  const outer = readTlv(der, 0)
  const top = childrenOf(der, outer)
  if (top.length !== 3 || top[0]!.tag !== 0x30 || top[1]!.tag !== 0x30 || top[2]!.tag !== 0x03) throw new DerError('not a CertificationRequest')
  const cri = childrenOf(der, top[0]!)
  if (cri.length < 3 || cri.length > 4 || cri[0]!.tag !== 0x02 || cri[1]!.tag !== 0x30 || cri[2]!.tag !== 0x30) throw new DerError('not a CertificationRequestInfo')
  const version = content(der, cri[0]!)
  if (version.length !== 1 || version[0] !== 0) throw new DerError('unknown version')
  const attributes: { type: string; values: Uint8Array[] }[] = []
  if (cri[3]) {
    if (cri[3].tag !== 0xa0) throw new DerError('attributes')
    for (const a of childrenOf(der, cri[3])) {
      const parts = childrenOf(der, a)
      if (parts.length !== 2 || parts[0]!.tag !== 0x06 || parts[1]!.tag !== 0x31) throw new DerError('attribute')
      attributes.push({ type: decodeOid(content(der, parts[0]!)), values: childrenOf(der, parts[1]!).map((v) => slice(der, v)) })
    }
  }
  const bits = content(der, top[2]!)
  if (bits[0] !== 0) throw new DerError('signature has unused bits')
  return {
    info: slice(der, top[0]!),
    subject: slice(der, cri[1]!),
    spki: slice(der, cri[2]!),
    attributes,
    signatureAlgorithm: algorithmOf(slice(der, top[1]!)),
    signature: bits.subarray(1)
  }
}

// Builds a v2 CRL (RFC 5280 5): issuer copied byte for byte from the CA certificate's
// subject, AKI = the CA's SKI, cRLNumber given by the caller (monotonic per CA, kept by the
// store), one entry per revoked certificate with its reason (absent for 'unspecified', as
// RFC 5280 5.3.1 asks) and optional invalidity date.
//
// The DER is assembled directly (no object per entry, nothing parsed back): a CRL of 100,000
// entries is ~4.5 MB and asn1-schema needs ~1 s and a node per element to build it, where
// this writes it in tens of milliseconds. tests/unit/engine/crl-builder.test.ts holds the
// output byte-equal to the @peculiar/asn1-x509 encoding of the same input.
import { fail, ok, type Result } from '../../shared/errors'
import type { RevocationReason } from '../../shared/domain/certificate'
import type { SignatureHash } from '../../shared/domain/keys'
import type { Signer } from './signer'
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { familyOf, signatureAlgorithm } from './algorithms'
import { childrenOf, DerError, extension, integerBytes, readTlv, sequence, signedEnvelope, tlv } from './der'

export interface CrlEntry {
  /** Lowercase hex of the serial INTEGER's content bytes. */
  readonly serial: string
  readonly revokedAt: Date
  readonly reason: RevocationReason
  readonly invalidityDate?: Date
}

export interface CrlInput {
  readonly issuerSubjectDer: Uint8Array
  readonly issuerSki: Uint8Array
  readonly crlNumber: number
  readonly thisUpdate: Date
  readonly nextUpdate: Date
  readonly entries: readonly CrlEntry[]
  readonly hash: SignatureHash
  readonly rsaPss: boolean
}

export type CrlBuildErrorCode = 'CRL_ENTRY_DELTA_ONLY' | 'CRL_ENTRY_SERIAL_INVALID'

/** CRLReason ENUMERATED values (RFC 5280 5.3.1); 7 is not used. */
const REASON_CODE: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10
}

/** The encoded reasonCode extension per reason: ten constants instead of one object per entry. */
const REASON_EXTENSION = new Map<RevocationReason, Uint8Array>(
  (Object.keys(REASON_CODE) as RevocationReason[]).map((r) => [r, extension('2.5.29.21', false, Uint8Array.of(0x0a, 0x01, REASON_CODE[r]))])
)

/** Entries encoded between two yields to the event loop (~5 ms of work on this machine). */
const ENTRIES_PER_SLICE = 10_000

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 5.1.2.4), whole seconds, as asn1-x509's Time writes it. */
function crlTime(d: Date): Uint8Array {
  const out = Buffer.alloc(timeLength(d, false))
  writeTime(out, 0, d, false)
  return out
}

/** Writes two decimal digits (no string, no allocation: this runs twice per entry). */
function digits2(out: Buffer, at: number, n: number): number {
  out[at] = 0x30 + Math.floor(n / 10)
  out[at + 1] = 0x30 + (n % 10)
  return at + 2
}

/** crlTime(d) (or the GeneralizedTime of `generalized`) written straight into `out`; returns the new offset. */
function writeTime(out: Buffer, at: number, d: Date, generalized: boolean): number {
  const y = d.getUTCFullYear()
  const long = generalized || y > 2049
  out[at++] = long ? 0x18 : 0x17
  out[at++] = long ? 15 : 13
  if (long) {
    at = digits2(out, at, Math.floor(y / 100))
  }
  at = digits2(out, at, y % 100)
  at = digits2(out, at, d.getUTCMonth() + 1)
  at = digits2(out, at, d.getUTCDate())
  at = digits2(out, at, d.getUTCHours())
  at = digits2(out, at, d.getUTCMinutes())
  at = digits2(out, at, d.getUTCSeconds())
  out[at++] = 0x5a // Z
  return at
}

const timeLength = (d: Date, generalized: boolean): number => (generalized || d.getUTCFullYear() > 2049 ? 17 : 15)

/** Extension { invalidityDate, OCTET STRING { GeneralizedTime } }: 30 18 06 03 55 1d 18 04 11 <17 bytes>. */
const INVALIDITY_PREFIX = Uint8Array.of(0x30, 0x18, 0x06, 0x03, 0x55, 0x1d, 0x18, 0x04, 0x11)
const INVALIDITY_LENGTH = INVALIDITY_PREFIX.length + 17

function headerLength(len: number): number {
  return len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : len < 0x1000000 ? 5 : 6
}

function writeHeader(out: Buffer, at: number, tag: number, len: number): number {
  out[at++] = tag
  if (len < 0x80) {
    out[at++] = len
    return at
  }
  const n = headerLength(len) - 2
  out[at++] = 0x80 | n
  for (let i = n - 1; i >= 0; i--) out[at++] = Math.floor(len / 256 ** i) & 0xff
  return at
}

const HEX = /^(?:[0-9a-f]{2})+$/

/**
 * revokedCertificates' content: SEQUENCE OF SEQUENCE { userCertificate INTEGER,
 * revocationDate Time, crlEntryExtensions Extensions OPTIONAL }, written into one buffer.
 */
async function encodeRevoked(entries: readonly CrlEntry[]): Promise<Result<Buffer>> {
  let out = Buffer.allocUnsafe(Math.max(256, entries.length * 64))
  let at = 0
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % ENTRIES_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve))
    const e = entries[i]!
    if (e.reason === 'removeFromCRL')
      return fail('CRL_ENTRY_DELTA_ONLY', `Entry ${e.serial} has reason removeFromCRL, which only a delta CRL may carry (RFC 5280 5.3.1): list it without a reason or leave it out.`, 'entries')
    if (!HEX.test(e.serial)) return fail('CRL_ENTRY_SERIAL_INVALID', `Entry serial "${e.serial}" is not the lowercase hex of an INTEGER's content bytes: the store record is damaged.`, 'entries')
    const serialLen = e.serial.length / 2
    const reasonExt = e.reason === 'unspecified' ? undefined : REASON_EXTENSION.get(e.reason)!
    const extsLen = (reasonExt?.length ?? 0) + (e.invalidityDate ? INVALIDITY_LENGTH : 0)
    const bodyLen = headerLength(serialLen) + serialLen + timeLength(e.revokedAt, false) + (extsLen ? headerLength(extsLen) + extsLen : 0)
    const need = headerLength(bodyLen) + bodyLen
    if (at + need > out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + need))
      out.copy(bigger, 0, 0, at)
      out = bigger
    }
    at = writeHeader(out, at, 0x30, bodyLen)
    at = writeHeader(out, at, 0x02, serialLen)
    at += out.write(e.serial, at, 'hex')
    at = writeTime(out, at, e.revokedAt, false)
    if (extsLen) {
      at = writeHeader(out, at, 0x30, extsLen)
      if (reasonExt) {
        out.set(reasonExt, at)
        at += reasonExt.length
      }
      if (e.invalidityDate) {
        out.set(INVALIDITY_PREFIX, at)
        at = writeTime(out, at + INVALIDITY_PREFIX.length, e.invalidityDate, true)
      }
    }
  }
  return ok(out.subarray(0, at))
}

/** A non-negative INTEGER's DER content bytes (cRLNumber). */
function unsignedInteger(n: number): Uint8Array {
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0)
  return Uint8Array.from(bytes)
}

/**
 * TBSCertList ::= SEQUENCE { version v2, signature, issuer, thisUpdate, nextUpdate,
 * revokedCertificates OPTIONAL (absent when empty), [0] crlExtensions { AKI, cRLNumber } },
 * signed by `signer`. Yields to the event loop every 10,000 entries.
 */
export async function buildCrl(input: CrlInput, signer: Signer): Promise<Result<Uint8Array>> {
  const revoked = await encodeRevoked(input.entries)
  if (!revoked.ok) return revoked
  const alg = new Uint8Array(AsnConvert.serialize(signatureAlgorithm(familyOf(signer.spec), input.hash, input.rsaPss)))
  const aki = extension('2.5.29.35', false, sequence(tlv(0x80, input.issuerSki)))
  const crlNumber = extension('2.5.29.20', false, integerBytes(unsignedInteger(input.crlNumber)))
  const tbs = sequence(
    Uint8Array.of(0x02, 0x01, 0x01),
    alg,
    input.issuerSubjectDer,
    crlTime(input.thisUpdate),
    crlTime(input.nextUpdate),
    ...(revoked.value.length ? [tlv(0x30, revoked.value)] : []),
    tlv(0xa0, sequence(aki, crlNumber))
  )
  const sig = await signer.sign(tbs, { hash: input.hash, rsaPss: input.rsaPss })
  return ok(signedEnvelope(tbs, alg, sig))
}

/**
 * How many revokedCertificates a CertificateList lists, counted with the DER walker (no
 * object per entry, no node limit): the CRL summary reads this for every stored CRL.
 */
export function crlEntryCount(der: Uint8Array): number {
  const tbs = childrenOf(der, readTlv(der, 0))[0]
  if (!tbs) throw new DerError('not a CertificateList')
  const fields = childrenOf(der, tbs)
  // version, signature, issuer, thisUpdate, then nextUpdate (a Time) if present, then revokedCertificates (a SEQUENCE).
  let i = fields[0]?.tag === 0x02 ? 4 : 3
  if (fields[i] && (fields[i]!.tag === 0x17 || fields[i]!.tag === 0x18)) i++
  const list = fields[i]
  if (!list || list.tag !== 0x30) return 0
  let n = 0
  for (let p = list.contentStart; p < list.end; n++) p = readTlv(der, p, list.end).end
  return n
}

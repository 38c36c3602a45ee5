// The few DER frames the builders assemble around bytes that must not be re-encoded: the
// signed TBS goes into the final structure exactly as it was signed.

function lengthBytes(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len)
  const out: number[] = []
  for (let n = len; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff)
  return Uint8Array.from([0x80 | out.length, ...out])
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0
  for (const p of parts) len += p.length
  const head = lengthBytes(len)
  const out = new Uint8Array(1 + head.length + len)
  out[0] = tag
  out.set(head, 1)
  let off = 1 + head.length
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts)

/** A BIT STRING with no unused bits (signatures). */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), bytes)

/** SEQUENCE { tbs, algorithm, BIT STRING signature }: Certificate, CertificateList and CertificationRequest all share it. */
export function signedEnvelope(tbs: Uint8Array, algorithm: Uint8Array, signature: Uint8Array): Uint8Array {
  return sequence(tbs, algorithm, bitString(signature))
}

// ---- Reading: a strict TLV walker for the hot paths (CSR intake, SPKI), definite lengths only.

export interface Tlv {
  readonly tag: number
  /** Offset of the tag byte. */
  readonly start: number
  /** Offset of the first content byte. */
  readonly contentStart: number
  /** Offset just past the element. */
  readonly end: number
}

export class DerError extends Error {}

export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated')
  const tag = bytes[offset]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here')
  let len = bytes[offset + 1]!
  let p = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || p + n > limit) throw new DerError('bad length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p + i]!
    p += n
  }
  if (p + len > limit) throw new DerError('truncated')
  return { tag, start: offset, contentStart: p, end: p + len }
}

/** The elements inside a constructed element. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = []
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(bytes, p, parent.end)
    out.push(t)
    p = t.end
  }
  return out
}

export const slice = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.start, t.end)
export const content = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.contentStart, t.end)

export function decodeOid(c: Uint8Array): string {
  const parts: number[] = []
  let v = 0
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i]! & 0x7f)
    if ((c[i]! & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2
        parts.push(first, v - first * 40)
      } else parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

// ---- Writing: the primitives the lean TBS encoder needs.

const oidCache = new Map<string, Uint8Array>()

export function oid(dotted: string): Uint8Array {
  const hit = oidCache.get(dotted)
  if (hit) return hit
  const arcs = dotted.split('.').map(Number)
  const body: number[] = []
  const push = (n: number): void => {
    const stack = [n & 0x7f]
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) stack.unshift((n & 0x7f) | 0x80)
    body.push(...stack)
  }
  push(arcs[0]! * 40 + arcs[1]!)
  for (const a of arcs.slice(2)) push(a)
  const der = tlv(0x06, Uint8Array.from(body))
  if (oidCache.size < 4096) oidCache.set(dotted, der)
  return der
}

const TRUE = Uint8Array.of(0x01, 0x01, 0xff)
export const octetString = (b: Uint8Array): Uint8Array => tlv(0x04, b)
export const integerBytes = (b: Uint8Array): Uint8Array => tlv(0x02, b)

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
export function extension(extnId: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(extnId), TRUE, octetString(value)) : sequence(oid(extnId), octetString(value))
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z. */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear()
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${two(y % 100)}${rest}`, 'latin1'))
  return tlv(0x18, Buffer.from(`${String(y).padStart(4, '0')}${rest}`, 'latin1'))
}

/** DER SET OF: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: Uint8Array[]): Uint8Array {
  const sorted = items.length > 1 ? [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) : items
  return tlv(0x31, ...sorted)
}

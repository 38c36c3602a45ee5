// The checks every binary input passes before an ASN.1 parser sees it: its size against
// LIMITS (src/shared/limits.ts) and the nesting of its constructed elements, measured by a
// flat scan (no recursion, so a hostile depth cannot overflow the stack the way a
// recursive decoder does). BER's indefinite lengths are followed too: PFX files from some
// tools use them.
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'

/**
 * The deepest nesting of constructed elements in `bytes`, scanning at most until `max` is
 * passed (then max + 1). Malformed framing stops the scan: the parser that follows reports
 * it in its own words, so this answers the depth seen so far.
 */
export function berDepth(bytes: Uint8Array, max: number = LIMITS.derDepth): number {
  return berShape(bytes, max).depth
}

/**
 * berDepth and the number of elements (constructed and primitive, end-of-contents markers
 * not counted) in one flat scan; it stops as soon as either passes its bound (the answer is
 * then bound + 1 for that one).
 */
export function berShape(bytes: Uint8Array, maxDepth: number = LIMITS.derDepth, maxNodes = Number.MAX_SAFE_INTEGER): { depth: number; nodes: number } {
  // ends[i]: offset where the i-th open constructed element ends; -1 while indefinite.
  const ends: number[] = []
  let deepest = 0
  let nodes = 0
  let p = 0
  while (p < bytes.length) {
    while (ends.length && ends[ends.length - 1]! >= 0 && p >= ends[ends.length - 1]!) ends.pop()
    if (p + 2 > bytes.length) break
    const tag = bytes[p]!
    let q = p + 1
    if ((tag & 0x1f) === 0x1f) {
      while (q < bytes.length && bytes[q]! & 0x80) q++
      q++
    }
    if (q >= bytes.length) break
    if (tag === 0 && bytes[q] === 0) {
      // end-of-contents: closes the innermost indefinite element
      if (ends.length && ends[ends.length - 1] === -1) ends.pop()
      p = q + 1
      continue
    }
    if (++nodes > maxNodes) break
    const first = bytes[q++]!
    let len = -1
    if (first < 0x80) len = first
    else if (first > 0x80) {
      const n = first & 0x7f
      if (n > 4 || q + n > bytes.length) break
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + bytes[q + i]!
      q += n
    }
    if (tag & 0x20) {
      ends.push(len < 0 ? -1 : q + len)
      if (ends.length > deepest) deepest = ends.length
      if (deepest > maxDepth) break
      p = q
    } else {
      if (len < 0) break // a primitive element cannot be indefinite
      p = q + len
    }
  }
  return { depth: deepest, nodes }
}

export interface BinaryInputRule {
  /** LIMITS entry that bounds the size. */
  readonly limit: 'csrFileBytes' | 'certificateBytes' | 'certificateBundleBytes' | 'crlBytes' | 'pfxBytes' | 'keyFileBytes'
  /** Code prefix of the refusal: CSR, CERTIFICATE, PFX, KEY → CSR_TOO_LARGE, CSR_TOO_DEEP (all in the catalog). */
  readonly prefix: 'CSR' | 'CERTIFICATE' | 'PFX' | 'KEY'
  /** "The request", "The PFX file": how the refusal names the input. */
  readonly what: string
  readonly field?: string
}

/** Size, then (for DER) nesting: one coded refusal each, before any parser runs. */
export function checkBinaryInput(bytes: Uint8Array, rule: BinaryInputRule, der = true): Result<void> {
  const max = LIMITS[rule.limit]
  if (bytes.length > max)
    return fail(`${rule.prefix}_TOO_LARGE` as const, `${rule.what} is ${bytes.length.toLocaleString('en-US')} bytes, over the ${describeBytes(max)} limit: check that it is the right file.`, rule.field)
  if (der && berDepth(bytes) > LIMITS.derDepth)
    return fail(`${rule.prefix}_TOO_DEEP` as const, `${rule.what} nests ASN.1 elements more than ${LIMITS.derDepth} levels deep, which no real file does: the file is damaged or hostile.`, rule.field)
  return ok(undefined)
}

function describeBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`
}

// The structure view (KeyStore Explorer's ASN.1 viewer, `openssl asn1parse`): a DER document as
// a tree of elements with their offsets, header lengths, tags, lengths and decoded values.
//
// Framing walks the headers with der.ts's strict DER reader, one element at a time, so a page
// of a 100,000-entry CRL costs its own elements only: asn1js's fromBER decodes a constructed
// element together with everything under it (~5 s and ~0.8 GB for such a CRL, der-limits.ts)
// and keeps no offsets, only lengths. asn1js decodes each primitive's value (OIDs, strings,
// times). Before anything is described, one flat scan (berShape) refuses a document nested
// deeper than LIMITS.derDepth or holding more elements than FOREIGN_DER_LIMITS.maxNodes; each
// answer then holds at most `pageSize` siblings and `responseNodes` elements, and what it
// leaves out is a `more` continuation the view asks for when the operator opens it.
import * as asn1js from 'asn1js'
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'
import { oidName } from '../../shared/domain/oids'
import type { Asn1Bytes, Asn1More, Asn1Node, Asn1Page } from '../../shared/domain/asn1'
import { readTlv, type Tlv } from './der'
import { FOREIGN_DER_LIMITS } from './der-limits'
import { berShape } from './input-limits'

export interface Asn1TreeLimits {
  readonly maxDepth: number
  readonly maxNodes: number
  /** Siblings in one answer; the rest is a continuation. */
  readonly pageSize: number
  /** Elements in one answer. */
  readonly responseNodes: number
}

export const ASN1_TREE_LIMITS: Asn1TreeLimits = Object.freeze({
  maxDepth: LIMITS.derDepth,
  maxNodes: FOREIGN_DER_LIMITS.maxNodes,
  pageSize: 100,
  responseNodes: 2_000
})

/** Content bytes shown in a node's value before it is cut short (the bytes pane shows more). */
const VALUE_BYTES = 32
/** An OCTET/BIT STRING larger than this is not tried as encapsulated DER. */
const ENCAPSULATED_MAX = 1024 * 1024
/** Bytes asn1Bytes returns at most. */
export const BYTES_SHOWN = 4096

const UNIVERSAL: Readonly<Record<number, string>> = {
  0: 'EOC', 1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER',
  7: 'ObjectDescriptor', 8: 'EXTERNAL', 9: 'REAL', 10: 'ENUMERATED', 11: 'EMBEDDED PDV', 12: 'UTF8String',
  13: 'RELATIVE-OID', 16: 'SEQUENCE', 17: 'SET', 18: 'NumericString', 19: 'PrintableString', 20: 'T61String',
  21: 'VideotexString', 22: 'IA5String', 23: 'UTCTime', 24: 'GeneralizedTime', 25: 'GraphicString',
  26: 'VisibleString', 27: 'GeneralString', 28: 'UniversalString', 30: 'BMPString'
}
const CLASSES = ['universal', 'application', 'context', 'private'] as const
const STRING_TAGS = new Set([12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30])

class TreeRefusal extends Error {
  constructor(readonly result: Result<never>) {
    super(result.ok ? '' : result.error.message)
  }
}

function frame(der: Uint8Array, offset: number, limit: number): Tlv {
  try {
    return readTlv(der, offset, limit)
  } catch (e) {
    throw new TreeRefusal(fail('ASN1_MALFORMED', `The element at offset ${offset} cannot be read as DER (${(e as Error).message}): the document is damaged.`))
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase()

function cutHex(bytes: Uint8Array): string {
  return bytes.length > VALUE_BYTES ? `${hex(bytes.subarray(0, VALUE_BYTES))}… (${bytes.length.toLocaleString('en-US')} bytes)` : hex(bytes)
}

function tagName(tag: number): string {
  const cls = CLASSES[tag >> 6]!
  const n = tag & 0x1f
  if (cls === 'universal') return UNIVERSAL[n] ?? `[UNIVERSAL ${n}]`
  if (cls === 'context') return `[${n}]`
  return `[${cls.toUpperCase()} ${n}]`
}

/** Does [start, end) hold exactly one element whose constructed parts all frame exactly? No recursion into primitives. */
function holdsOneElement(der: Uint8Array, start: number, end: number, depthLeft: number): Tlv | null {
  if (end - start < 2 || end - start > ENCAPSULATED_MAX) return null
  let top: Tlv
  try {
    top = readTlv(der, start, end)
    if (top.end !== end) return null
    const stack: { t: Tlv; p: number }[] = top.tag & 0x20 ? [{ t: top, p: top.contentStart }] : []
    while (stack.length) {
      const s = stack[stack.length - 1]!
      if (s.p >= s.t.end) {
        stack.pop()
        continue
      }
      const c = readTlv(der, s.p, s.t.end)
      s.p = c.end
      if (c.tag & 0x20) {
        if (stack.length >= depthLeft) return null
        stack.push({ t: c, p: c.contentStart })
      }
    }
  } catch {
    return null
  }
  return top
}

function countElements(der: Uint8Array, from: number, end: number): number {
  let n = 0
  for (let p = from; p < end; n++) p = frame(der, p, end).end
  return n
}

function decodeWithAsn1js(element: Uint8Array): asn1js.AsnType | string {
  const r = asn1js.fromBER(element, { maxDepth: 2, maxNodes: 2 })
  return r.offset === -1 ? `cannot be decoded: ${r.result.error}` : r.result
}

/** An INTEGER as OpenSSL prints it: the value in hex (no sign byte, '-' when negative), decimal in the note when short. */
function describeInteger(body: Uint8Array): { value?: string; note?: string } {
  if (body.length === 0) return { note: 'empty: not valid DER' }
  const negative = (body[0]! & 0x80) !== 0
  if (body.length > VALUE_BYTES + 1) {
    // Long ones are keys and signatures: the magnitude's first bytes (the bytes pane has them all).
    const magnitude = !negative && body[0] === 0 ? body.subarray(1) : body
    return { value: `${negative ? '(two\'s complement) ' : ''}${cutHex(magnitude)}` }
  }
  const v = BigInt.asIntN(body.length * 8, BigInt(`0x${hex(body)}`))
  const abs = (v < 0n ? -v : v).toString(16).toUpperCase()
  return { value: `${v < 0n ? '-' : ''}${abs.length % 2 ? '0' : ''}${abs}`, ...(body.length <= 8 ? { note: v.toString(10) } : {}) }
}

/** value and note of a primitive element. */
function describeValue(der: Uint8Array, t: Tlv): { value?: string; note?: string } {
  const body = der.subarray(t.contentStart, t.end)
  const cls = t.tag >> 6
  const n = t.tag & 0x1f
  if (cls !== 0) {
    // An implicit tag hides the type: text when it reads as text (dNSName, URI), else bytes.
    if (body.length > 0 && body.every((b) => b >= 0x20 && b < 0x7f)) return { value: Buffer.from(body).toString('latin1') }
    return body.length ? { value: cutHex(body) } : {}
  }
  switch (n) {
    case 1:
      return { value: body[0] ? 'TRUE' : 'FALSE' }
    case 2:
    case 10:
      return describeInteger(body)
    case 3:
      return { value: cutHex(body.subarray(1)), note: `unused bits: ${body[0] ?? 0}` }
    case 4:
      return body.length ? { value: cutHex(body) } : {}
    case 5:
      return {}
    case 6:
    case 13: {
      if (body.length > 256) return { note: `${body.length} bytes: too long for an OID` }
      const d = decodeWithAsn1js(der.subarray(t.start, t.end))
      if (typeof d === 'string') return { note: d }
      const dotted = (d as asn1js.ObjectIdentifier).getValue()
      const name = n === 6 ? oidName(dotted) : undefined
      return name ? { value: dotted, note: name } : { value: dotted }
    }
    case 23:
    case 24: {
      const text = Buffer.from(body).toString('latin1')
      const d = decodeWithAsn1js(der.subarray(t.start, t.end))
      if (typeof d === 'string') return { value: text, note: d }
      const date = (d as asn1js.UTCTime).toDate()
      return { value: text, note: Number.isNaN(date.getTime()) ? 'not a valid time' : date.toISOString() }
    }
    default:
      if (STRING_TAGS.has(n)) {
        if (body.length > 64 * 1024) return { note: `${body.length.toLocaleString('en-US')} bytes of text` }
        const d = decodeWithAsn1js(der.subarray(t.start, t.end))
        if (typeof d === 'string') return { value: cutHex(body), note: d }
        return { value: (d as asn1js.BaseStringBlock).getValue() }
      }
      return body.length ? { value: cutHex(body) } : {}
  }
}

interface Walk {
  readonly der: Uint8Array
  readonly limits: Asn1TreeLimits
  readonly nodes: Asn1Node[]
  budget: number
}

type MutableNode = { -readonly [K in keyof Asn1Node]: Asn1Node[K] }

/** Where an element's children are: its content, or the DER inside an OCTET/BIT STRING (null: none). */
function childRegion(w: Walk, t: Tlv, depth: number, extnValue: boolean): { start: number; encapsulated: boolean } | null {
  if (t.tag & 0x20) return { start: t.contentStart, encapsulated: false }
  const left = w.limits.maxDepth - depth
  if (t.tag === 0x04) {
    const inner = holdsOneElement(w.der, t.contentStart, t.end, left)
    // Any DER in an extension's extnValue; elsewhere only a SEQUENCE or SET (random bytes rarely frame as one).
    if (inner && (extnValue || inner.tag & 0x20)) return { start: t.contentStart, encapsulated: true }
  }
  if (t.tag === 0x03 && t.end - t.contentStart > 1 && w.der[t.contentStart] === 0) {
    const inner = holdsOneElement(w.der, t.contentStart + 1, t.end, left)
    if (inner && inner.tag === 0x30) return { start: t.contentStart + 1, encapsulated: true }
  }
  return null
}

function visit(w: Walk, t: Tlv, parent: number | null, depth: number, extnValue: boolean): void {
  if (depth > w.limits.maxDepth)
    throw new TreeRefusal(fail('ASN1_TOO_DEEP', `The document nests ASN.1 elements more than ${w.limits.maxDepth} levels deep, which no real certificate, request or CRL does: it is damaged or hostile.`))
  const node: MutableNode = {
    offset: t.start,
    parent,
    headerLength: t.contentStart - t.start,
    length: t.end - t.contentStart,
    tagClass: CLASSES[t.tag >> 6]!,
    tagNumber: t.tag & 0x1f,
    constructed: (t.tag & 0x20) !== 0,
    name: tagName(t.tag)
  }
  if (!node.constructed) Object.assign(node, describeValue(w.der, t))
  w.nodes.push(node)
  w.budget--
  const region = childRegion(w, t, depth, extnValue)
  if (!region) return
  if (region.encapsulated) node.encapsulated = true
  node.childCount = countElements(w.der, region.start, t.end)
  if (node.childCount === 0) return
  const more = visitChildren(w, t, region.start, depth + 1)
  if (more) node.more = more
}

/** Children of `t` from byte `from` on, a page at most; the continuation when some are left. */
function visitChildren(w: Walk, t: Tlv, from: number, depth: number): Asn1More | undefined {
  const first = w.der[t.contentStart]
  const extensionLike = t.tag === 0x30 && first === 0x06
  let p = from
  for (let taken = 0; p < t.end; taken++) {
    if (taken >= w.limits.pageSize || w.budget <= 0) return { from: p, remaining: countElements(w.der, p, t.end) }
    const c = frame(w.der, p, t.end)
    visit(w, c, t.start, depth, extensionLike && c.tag === 0x04 && c.end === t.end)
    p = c.end
  }
  return undefined
}

function checkShape(der: Uint8Array, limits: Asn1TreeLimits): Result<Tlv> {
  if (der.length === 0) return fail('ASN1_MALFORMED', 'The document is empty: there is nothing to show.')
  const shape = berShape(der, limits.maxDepth, limits.maxNodes)
  if (shape.depth > limits.maxDepth)
    return fail('ASN1_TOO_DEEP', `The document nests ASN.1 elements more than ${limits.maxDepth} levels deep, which no real certificate, request or CRL does: it is damaged or hostile.`)
  if (shape.nodes > limits.maxNodes)
    return fail('ASN1_TOO_MANY_NODES', `The document holds more than ${limits.maxNodes.toLocaleString('en-US')} ASN.1 elements, the limit for one document: it is not one the app can show.`)
  try {
    const root = frame(der, 0, der.length)
    if (root.end !== der.length) return fail('ASN1_MALFORMED', `The document has ${der.length - root.end} bytes after its outermost element: it is damaged.`)
    return ok(root)
  } catch (e) {
    if (e instanceof TreeRefusal) return e.result
    throw e
  }
}

/**
 * The tree of `der`: from the outermost element, or (with `at`) the children of the element at
 * byte `at.parent` from child offset `at.from` on (a `more` continuation). Pure; refusals are
 * ASN1_TOO_DEEP, ASN1_TOO_MANY_NODES, ASN1_MALFORMED and ASN1_OFFSET_INVALID.
 */
export function asn1Tree(der: Uint8Array, at?: { readonly parent: number; readonly from: number }, limits: Asn1TreeLimits = ASN1_TREE_LIMITS): Result<Asn1Page> {
  const root = checkShape(der, limits)
  if (!root.ok) return root
  const w: Walk = { der, limits, nodes: [], budget: limits.responseNodes }
  try {
    if (!at) {
      visit(w, root.value, null, 0, false)
      return ok({ size: der.length, nodes: w.nodes })
    }
    const badOffset = fail<never>('ASN1_OFFSET_INVALID', `No element of this document has children from offset ${at.from} under offset ${at.parent}: reopen the structure view.`, 'from')
    if (at.parent >= der.length) return badOffset
    const t = frame(der, at.parent, der.length)
    // Continuations are asked for parents this walk described: an OCTET STRING among them
    // was an encapsulating one, so any single element inside it is accepted here.
    const region = childRegion(w, t, 0, t.tag === 0x04)
    if (!region || at.from < region.start || at.from >= t.end) return badOffset
    const more = visitChildren(w, t, at.from, 1)
    return ok({ size: der.length, nodes: w.nodes, ...(more ? { more } : {}) })
  } catch (e) {
    if (e instanceof TreeRefusal) return e.result
    throw e
  }
}

/** The whole encoding of the element at `offset`, at most BYTES_SHOWN bytes of it. */
export function asn1Bytes(der: Uint8Array, offset: number): Result<Asn1Bytes> {
  if (!Number.isInteger(offset) || offset < 0 || offset >= der.length)
    return fail('ASN1_OFFSET_INVALID', `Offset ${offset} is outside the document (${der.length} bytes): reopen the structure view.`, 'offset')
  try {
    const t = frame(der, offset, der.length)
    const total = t.end - t.start
    const shown = Math.min(total, BYTES_SHOWN)
    return ok({ offset, hex: hex(der.subarray(t.start, t.start + shown)), total, shown })
  } catch (e) {
    if (e instanceof TreeRefusal) return e.result
    throw e
  }
}

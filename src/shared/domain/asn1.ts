// The structure view's DTO: a DER document as a flat list of elements (each names its parent
// by offset, offsets are unique in one document), built in main by engine/asn1-tree.ts.
// Only certificates, CSRs and CRLs are ever described: public bytes, never key material.
import { z } from 'zod'

/** Children not sent yet: the next one starts at byte `from`, `remaining` of them from there on. */
export const asn1More = z.object({ from: z.number().int().nonnegative(), remaining: z.number().int().positive() })
export type Asn1More = z.infer<typeof asn1More>

export const asn1Node = z.object({
  /** Offset of the tag byte in the document. */
  offset: z.number().int().nonnegative(),
  /** The enclosing element's offset; null for the outermost. */
  parent: z.number().int().nonnegative().nullable(),
  /** Bytes of tag and length (openssl asn1parse's hl). */
  headerLength: z.number().int().positive(),
  /** Bytes of content (openssl asn1parse's l). */
  length: z.number().int().nonnegative(),
  tagClass: z.enum(['universal', 'application', 'context', 'private']),
  tagNumber: z.number().int().nonnegative(),
  constructed: z.boolean(),
  /** SEQUENCE, INTEGER, OBJECT IDENTIFIER…, [0], [APPLICATION 1]. */
  name: z.string(),
  /** The decoded value: dotted OID, INTEGER in hex, text, time as written, bytes in hex (cut short). */
  value: z.string().optional(),
  /** What the value means: the OID's name, the INTEGER in decimal, the time in ISO 8601, unused bits. */
  note: z.string().optional(),
  /** An OCTET STRING or BIT STRING whose content is DER: its elements follow as children. */
  encapsulated: z.boolean().optional(),
  /** Elements directly inside (constructed, or encapsulated). */
  childCount: z.number().int().nonnegative().optional(),
  /** Children not in this answer: ask structure:tree with parent = offset and from = more.from. */
  more: asn1More.optional()
})
export type Asn1Node = z.infer<typeof asn1Node>

export const asn1Page = z.object({
  /** Bytes of the whole document. */
  size: z.number().int().nonnegative(),
  /** Depth-first, parents before children. */
  nodes: z.array(asn1Node),
  /** For a continuation: the parent's children still not sent after these. */
  more: asn1More.optional()
})
export type Asn1Page = z.infer<typeof asn1Page>

export const asn1Bytes = z.object({
  offset: z.number().int().nonnegative(),
  /** The element's whole encoding (header and content), uppercase hex, at most `shown` bytes. */
  hex: z.string(),
  /** Bytes of the element. */
  total: z.number().int().nonnegative(),
  shown: z.number().int().nonnegative()
})
export type Asn1Bytes = z.infer<typeof asn1Bytes>

/** Which document: a stored certificate or CRL by its id, or a CSR's PEM as csr:inspect returned it. */
export const asn1Source = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('certificate'), id: z.number().int() }),
  z.object({ kind: z.literal('crl'), id: z.number().int() }),
  z.object({ kind: z.literal('csr'), pem: z.string().min(1).max(2 * 1024 * 1024) })
])
export type Asn1Source = z.infer<typeof asn1Source>

// structure:* — the structure view of a certificate, CSR or CRL (engine/asn1-tree.ts builds it in main).
import { z } from 'zod'
import { channel } from './define'
import { asn1Bytes, asn1Page, asn1Source } from '../domain/asn1'

const offset = z.number().int().nonnegative()

export const structureChannels = {
  /** The tree from the outermost element; with `parent` and `from`, the next children of that element (a `more` continuation). */
  'structure:tree': channel(z.object({ source: asn1Source, parent: offset.optional(), from: offset.optional() }), asn1Page),
  /** One element's encoding in hex (header and content, at most 4 KiB of it). */
  'structure:bytes': channel(z.object({ source: asn1Source, offset }), asn1Bytes)
} as const

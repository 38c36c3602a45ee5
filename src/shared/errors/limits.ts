// Codes for input refused by its size or shape before any parser runs (hostile or damaged
// files): the bounds are in src/shared/limits.ts.
import type { Catalog } from './catalog'

export const limitErrors = {
  CSR_TOO_LARGE: 'A certificate request is larger than the limit for requests.',
  CSR_TOO_DEEP: 'A certificate request nests ASN.1 deeper than any real one does.',
  CERTIFICATE_TOO_LARGE: 'A certificate or certificate bundle is larger than the limit.',
  CERTIFICATE_TOO_DEEP: 'A certificate nests ASN.1 deeper than any real one does.',
  PFX_TOO_LARGE: 'A PFX file is larger than the limit.',
  PFX_TOO_DEEP: 'A PFX file nests ASN.1 deeper than any real one does.',
  KEY_TOO_LARGE: 'A key file is larger than the limit.',
  KEY_TOO_DEEP: 'A key file nests ASN.1 deeper than any real one does.',
  PEM_TOO_MANY_BLOCKS: 'A file holds more PEM blocks than the limit for one file.',
  PBE_TOO_MANY_ITERATIONS: 'An encrypted key or PFX asks for more key-derivation iterations than the limit.',
  PASSPHRASE_TOO_LONG: 'A passphrase is longer than the limit.',
  ASN1_TOO_DEEP: 'A document shown in the structure view nests ASN.1 deeper than any real one does.',
  ASN1_TOO_MANY_NODES: 'A document shown in the structure view holds more ASN.1 elements than the limit for one document.',
  ASN1_MALFORMED: 'A document shown in the structure view is not well-formed DER.',
  ASN1_OFFSET_INVALID: 'The structure view asked for an element at an offset where the document has none.',
  JSON_TOO_LARGE: 'A JSON document is larger than the limit for its kind.',
  JSON_TOO_DEEP: 'A JSON document nests deeper than the limit.',
  JSON_FORBIDDEN_KEY: 'A JSON document has a key that could reach an object prototype (__proto__, constructor, prototype).'
} as const satisfies Catalog

export type LimitErrorCode = keyof typeof limitErrors

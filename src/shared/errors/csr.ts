// Codes about reading and making certificate signing requests, and the keys and algorithms in them.
import type { Catalog } from './catalog'

export const csrErrors = {
  CSR_EMPTY: 'The file or text holds nothing.',
  CSR_NOT_FOUND: 'The text holds no certificate request.',
  CSR_NOT_SINGLE: 'Exactly one request was expected and the input holds several.',
  CSR_CORRUPT: 'The request is damaged: bad base64 or DER that does not parse.',
  CSR_TRUNCATED: 'A PEM block has no END line: the file was cut short.',
  CSR_WRONG_KIND: 'The PEM block is something other than a certificate request.',
  CSR_IS_CERTIFICATE: 'The input is a certificate, not a certificate request.',
  CSR_IS_PRIVATE_KEY: 'The input is a private key, not a certificate request; never share it.',
  CSR_SIGNATURE_INVALID: "The request is not signed by its own key (no proof of possession).",
  SUBJECT_INVALID: 'A subject name cannot be encoded (unknown attribute, bad value).',
  SUBJECT_COUNTRY_INVALID: 'The country (C) is not a two-letter ISO 3166 code in capitals.',
  SUBJECT_ATTRIBUTE_TOO_LONG: 'A subject attribute is longer than RFC 5280 allows.',
  SUBJECT_ATTRIBUTE_NOT_PRINTABLE: 'A subject attribute that must be PrintableString holds other characters.',
  SUBJECT_ATTRIBUTE_NOT_ASCII: 'A subject attribute that must be IA5String holds non-ASCII characters.',
  SUBJECT_ATTRIBUTE_UNKNOWN: 'A subject attribute type is not one PKI Desk knows.',
  SIGNATURE_ALGORITHM_UNSUPPORTED: 'The signature algorithm is not one PKI Desk supports.',
  KEY_UNSUPPORTED: 'The key type, size or curve is not one PKI Desk supports.',
  PUBLIC_KEY_CORRUPT: 'The public key cannot be read: the data is damaged.'
} as const satisfies Catalog

export type CsrErrorCode = keyof typeof csrErrors

// Codes about certificate authorities: finding one, its state, its key, its place in a chain.
import type { Catalog } from './catalog'

export const authorityErrors = {
  AUTHORITY_NOT_FOUND: 'No CA has this id or name.',
  AUTHORITY_PENDING: 'The CA has no certificate yet (its CSR awaits the parent), so it cannot sign.',
  AUTHORITY_NOT_PENDING: 'The CA already has its certificate; there is no request waiting for one.',
  AUTHORITY_NOT_YET_VALID: "The CA's certificate is not valid yet.",
  AUTHORITY_EXPIRED: "The CA's certificate has expired; it may only sign CRLs.",
  AUTHORITY_REVOKED: "The CA's own certificate was revoked; it may only sign CRLs.",
  AUTHORITY_RETIRED: 'The CA is retired and issues no new certificates.',
  AUTHORITY_LOCKED: "The CA's key is locked; unlock it, then try again.",
  AUTHORITY_NO_KEY: "The CA's private key is not held in this store, so it cannot sign.",
  AUTHORITY_KEY_MISMATCH: "The key held for the CA is not the key its certificate certifies (the key record was changed); nothing is signed.",
  AUTHORITY_NOT_CA: 'The certificate given for a CA is not a CA certificate (basicConstraints CA is not true).',
  AUTHORITY_CHAIN_INVALID: "The certificates given with a CA's certificate are not its issuers (each must sign the one before); nothing was installed.",
  AUTHORITY_CERTIFICATE_UNREADABLE: "The stored certificate of the CA cannot be read; import it again.",
  EXTENSION_URL_INVALID: 'A CRL distribution point, OCSP or caIssuers URL is not a full URL in ASCII, or is listed twice.',
  EXTENSION_URL_SCHEME: 'A CRL distribution point or caIssuers URL must be http, https or ldap; an OCSP URL http or https.',
  EXTENSION_URL_TOO_LONG: 'A CRL distribution point, OCSP or caIssuers URL is longer than 1,024 characters.',
  EXTENSION_URLS_TOO_MANY: 'More than 5 URLs of one kind (CRL distribution points, OCSP, caIssuers) are given.',
  CERTIFICATE_KEY_MISMATCH: "The certificate is for another key than the CA's (or the request's) key.",
  NOT_AFTER_BEYOND_ISSUER: 'The new CA would outlive the CA that signs it; shorten the validity.',
  ISSUER_PATH_LENGTH_EXHAUSTED: 'The parent CA has path length 0 and may not sign another CA.',
  KEY_USED_BY_END_ENTITY: 'The key was certified for an end entity here; a CA needs a key of its own.',
  AUTHORITY_PARENT_EXTERNAL: "The CA was signed by a CA outside PKI Desk, so only that CA can renew or re-key it.",
  AUTHORITY_CHANGED: 'The CA changed while its new certificate was being made (another renewal or re-key); nothing was saved, look again and retry.',
  CSR_KEY_IS_CA_KEY: "The request carries a CA's key; a CA key is never certified for an end entity.",
  NAME_CONSTRAINT_INVALID: 'A name constraint given for a new CA is malformed (the message says how to write its form).',
  NAME_NOT_PERMITTED: "A name of the certificate lies outside the permitted subtrees a CA of the chain sets; no client would accept it.",
  NAME_EXCLUDED: 'A name of the certificate lies in a subtree a CA of the chain excludes.',
  NAME_CONSTRAINT_UNCHECKABLE: "A name cannot be checked against a CA's name constraint of its form (no readable host, an other-name or min/max constraint), so it is refused.",
  NAME_CONSTRAINTS_TOO_MANY: "The chain's CAs carry more name-constraint subtrees than PKI Desk checks; nothing is signed."
} as const satisfies Catalog

export type AuthorityErrorCode = keyof typeof authorityErrors

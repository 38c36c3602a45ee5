// Codes about issuing, finding, revoking, renewing and exporting certificates, and CRLs.
import type { Catalog } from './catalog'

export const certificateErrors = {
  CERTIFICATE_NOT_FOUND: 'No certificate has this id or serial.',
  CERTIFICATE_CORRUPT: 'The certificate cannot be read: the data is not a valid X.509 certificate.',
  CERTIFICATE_SERIAL_INVALID: 'The serial is not a hexadecimal number.',
  CERTIFICATE_SERIAL_AMBIGUOUS: 'Several certificates have this serial (issued by different CAs); say which CA.',
  TEMPLATE_INVALID: 'The certificate template is incomplete or inconsistent (dates, names, extensions).',
  POLICY_REFUSED: "The profile's policy refused the request; `details.findings` lists why.",
  LINT_REFUSED: 'The certificate about to be signed failed the lint checks; `details.findings` lists why.',
  POLICY_NOT_EVALUATED: "A template did not come from the profile's policy evaluation and is not signed (a defect; report it).",
  POLICY_WARNINGS_UNCONFIRMED: "The policy has warnings the operator has not confirmed; review and confirm them.",
  KEY_COMPROMISED: 'The public key is on a certificate revoked for keyCompromise and is never certified again.',
  SERIAL_COLLISION: 'The random serial collided with an existing one; issue the request again.',
  SIGNING_FAILED: "The CA's key could not sign; nothing was issued.",
  OPERATION_ID_IN_USE: 'A signing run with this operation id is still in progress.',
  CSR_ALREADY_CERTIFIED: 'This CA and profile already certified the same request and that certificate is still valid (its serial is named); confirm to issue another (--reissue).',
  RUN_NOT_FOUND: 'No recorded issuance run has this id (`pkidesk runs` lists them).',
  RUN_IN_PROGRESS: 'The run is being signed right now, by this app or another PKI Desk process.',
  RUN_ITEMS_MISSING: 'Some requests of the run were never recorded (the app stopped before sending them) and cannot be resumed.',
  NOTHING_SELECTED: 'The selection matches no certificate.',
  SERIALS_NOT_FOUND: 'Some serials in the list are not certificates here.',
  NOTHING_TO_REVOKE: 'Every selected certificate is already revoked or was not issued here.',
  ALREADY_REVOKED: 'The certificate is already revoked.',
  NOT_ISSUED_HERE: 'The certificate was not issued by a CA held here; revoke it at its issuer.',
  REVOCATION_REASON_NOT_ALLOWED: 'The revocation reason cannot be used (removeFromCRL belongs to delta CRLs only).',
  CERTIFICATE_NOT_ON_HOLD: 'Only a certificate on hold (revoked with reason certificateHold) can be released.',
  INVALIDITY_DATE_IN_FUTURE: 'The invalidity date is in the future.',
  RENEW_CA_CERTIFICATE: 'The certificate is a CA certificate; renewal is for end-entity certificates.',
  RENEW_NEEDS_CSR: "PKI Desk does not hold the certificate's key; a renewal needs a new CSR from the key's owner.",
  CA_KEY_EXPORT_NOT_CONFIRMED: "A CA's private key is exported only when the operator asks for it explicitly.",
  KEY_EXPORT_NEEDS_CERTIFICATE: 'A PFX holds a key with its certificate; export it from the issued certificate.',
  EXPORT_KEY_OVER_IPC: 'An export that can carry a private key is written to a file, never returned to the window.',
  CRL_NOT_FOUND: 'No CRL has this id.',
  CRL_BUSY: 'Another CRL was being generated for the same CA at the same time; try again.',
  CRL_ENTRY_SERIAL_INVALID: 'A revoked serial cannot be written into the CRL (not hexadecimal, or not a positive INTEGER).',
  CRL_ENTRY_DELTA_ONLY: 'An entry has reason removeFromCRL, which only a delta CRL may carry.'
} as const satisfies Catalog

export type CertificateErrorCode = keyof typeof certificateErrors

// Codes of policy findings: what the Sign screen, `csr inspect`, `pkidesk issue` and the
// profile preview show before anything is signed (evaluate and the pre-issuance lint in
// src/main/engine/policy). An error finding blocks signing; a warning needs an explicit
// confirmation (--confirm-warnings, "Sign anyway"). CA/Browser Forum lint findings are errors
// or warnings as the profile's lint level says.
import type { Catalog } from './catalog'

export const policyFindings = {
  // The request's key and signature
  KEY_TYPE_NOT_ALLOWED: "The request's key type is one the profile does not allow (crypto.allowRsa, allowEcdsa, allowEddsa).",
  RSA_KEY_TOO_SMALL: "The request's RSA key is below the 2048-bit minimum every profile keeps.",
  RSA_KEY_SIZE_NOT_ALLOWED: "The request's RSA key size is not in the profile's crypto.rsaKeySizes.",
  ECDSA_CURVE_UNSUPPORTED: "The request's EC curve is not P-256, P-384 or P-521.",
  ECDSA_CURVE_NOT_ALLOWED: "The request's EC curve is not in the profile's crypto.ecdsaCurves.",
  CSR_WEAK_SIGNATURE_HASH: 'The request is signed with a broken hash (SHA-1, MD5): its proof of possession is weak (warning).',
  HASH_NOT_ALLOWED: 'The hash asked for (SHA-1, MD5) is refused for certificate signatures.',
  SIGNATURE_HASH_MISMATCH: "The hash asked for does not pair with the issuing CA's EC key (P-256 signs with SHA-256, P-384 with SHA-384, P-521 with SHA-512).",
  HASH_IGNORED_FOR_EDDSA: 'An Ed25519 or Ed448 issuer signs with its own hash; the one asked for is ignored (warning).',
  RSA_PSS_NEEDS_RSA_ISSUER: "The profile asks for RSA-PSS but the issuing key is not RSA; the issuer's own scheme is used (warning).",
  // Subject
  SUBJECT_ATTRIBUTE_MISSING: 'A subject attribute the profile makes mandatory was neither in the request nor entered.',
  SUBJECT_ATTRIBUTE_NOT_MULTIPLE: 'A subject attribute the profile allows once was given several times.',
  SUBJECT_ATTRIBUTE_PATTERN: "A subject value does not match the profile's pattern for it.",
  SUBJECT_PATTERN_INVALID: "The profile's pattern for a subject attribute cannot be used (fix the profile).",
  SUBJECT_INPUT_NOT_ALLOWED: 'A subject value was entered for an attribute the profile does not take from the operator.',
  SUBJECT_ATTRIBUTE_EMPTY: 'A subject attribute has an empty value.',
  SUBJECT_CN_TOO_LONG: 'The common name is longer than the 64 characters RFC 5280 allows.',
  SUBJECT_AND_SAN_EMPTY: 'The subject is empty and there is no subjectAltName, so the certificate would name nothing.',
  CA_SUBJECT_EMPTY: 'A CA certificate must have a subject.',
  // Subject alternative names
  SAN_NOT_ALLOWED: "A subjectAltName is outside the profile's allow-list.",
  SAN_TOO_MANY: "There are more subjectAltNames than the profile's san.maxCount.",
  SAN_MANDATORY_MISSING: 'A kind of subjectAltName the profile makes mandatory is missing.',
  SAN_NOT_MULTIPLE: 'A kind of subjectAltName the profile allows once was given several times.',
  SAN_INPUT_NOT_ALLOWED: 'A subjectAltName was entered of a kind the profile does not take from the operator.',
  SAN_MUST_BE_CRITICAL: 'With an empty subject the subjectAltName must be critical, and the profile makes it non-critical.',
  SAN_EMPTY: 'A subjectAltName extension holds no name.',
  SAN_INVALID: 'A subjectAltName is not well formed for its type.',
  SAN_DNS_IS_IP: 'An IP address is given as a DNS name; it must be an IP address name.',
  TLS_SAN_MISSING: 'A TLS server certificate carries no subjectAltName (CA/Browser Forum lint).',
  CN_NOT_HOSTNAME: "A TLS server certificate's CN is neither a host name nor an IP address (CA/Browser Forum lint).",
  CN_NOT_IN_SAN: "A TLS server certificate's CN is not also one of its subjectAltNames (CA/Browser Forum lint).",
  // Validity and the issuer
  VALIDITY_END_IN_PAST: "The profile's fixed end date is not after the issuance time.",
  VALIDITY_INPUT_CONFLICT: 'Both an end date and a number of days were given; give one.',
  VALIDITY_OVERRIDE_NOT_ALLOWED: 'The profile does not let the operator set the end date.',
  VALIDITY_OVERRIDE_TOO_LONG: 'The end date asked for is later than the profile allows.',
  VALIDITY_EXCEEDS_MAXIMUM: "The validity is longer than the profile's maximum.",
  VALIDITY_NOT_POSITIVE: 'notAfter is not later than notBefore.',
  TLS_VALIDITY_OVER_397_DAYS: 'A TLS server certificate is valid for more than 397 days (CA/Browser Forum lint).',
  VALIDITY_EXCEEDS_ISSUER: "The certificate would outlive the issuing CA's certificate.",
  VALIDITY_CLAMPED_TO_ISSUER: "The end date was shortened to the issuing CA's notAfter (warning).",
  ISSUER_EXPIRED: 'The issuing CA has expired.',
  ISSUER_NOT_YET_VALID: 'The issuing CA is not valid yet.',
  ISSUER_NOT_CA: 'The issuing certificate is not a CA, so it cannot sign a CA certificate.',
  PATH_LENGTH_EXCEEDS_ISSUER: "The profile's path length is not less than the issuing CA's.",
  PATH_LENGTH_WITHOUT_CA: 'A path length is set on a certificate that is not a CA.',
  PATH_LENGTH_WITHOUT_CERTSIGN: 'A path length is set without keyCertSign in keyUsage.',
  // Key usage, extended key usage and basic constraints
  KEY_USAGE_INCONSISTENT_WITH_KEY: "The key usage asked for is one the request's key type cannot perform.",
  KEY_USAGE_EMPTY: "Nothing is left of the key usage that the request's key can perform.",
  KEY_USAGE_CA_WITHOUT_CERTSIGN: 'A CA certificate lacks keyCertSign.',
  KEY_USAGE_CERTSIGN_WITHOUT_CA: 'keyCertSign is asked for by a certificate that is not a CA.',
  KEY_USAGE_ENCIPHER_ONLY_WITHOUT_AGREEMENT: 'encipherOnly or decipherOnly is asked for without keyAgreement.',
  CA_KEY_USAGE_MISSING: 'A CA certificate carries no keyUsage with keyCertSign.',
  CA_KEY_USAGE_NOT_CRITICAL: "A CA certificate's keyUsage is not critical (warning).",
  CA_BASIC_CONSTRAINTS_NOT_CRITICAL: "A CA certificate's basicConstraints is not critical.",
  EKU_ANY_ON_END_ENTITY: 'anyExtendedKeyUsage on an end-entity certificate allows any purpose (warning).',
  EKU_KU_MISMATCH: 'An extended key usage needs a keyUsage bit the certificate does not have.',
  EKU_TIMESTAMPING_NOT_EXCLUSIVE: 'A time-stamping certificate has other extended key usages, or a non-critical one (warning).',
  CSR_REQUESTS_CA: 'The request asks to be a CA but the profile issues end-entity certificates; CA:FALSE is issued (warning).',
  // Extensions the request asks for
  CSR_EXTENSION_COPIED: 'An extension of the request is copied into the certificate (honorExtensions; warning).',
  CSR_EXTENSION_NOT_COPIED: 'An extension of the request is left out: unknown, the CA decides it, or not allowed (warning).',
  CSR_EXTENSION_UNKNOWN_CRITICAL: 'The request asks for a critical extension PKI Desk does not know; no relying party could process it.',
  CSR_EXTENSION_CT_POISON: 'The request carries the Certificate Transparency precertificate poison extension.',
  CSR_EXTENSION_MALFORMED: "A critical extension of the request has a value that does not parse.",
  CSR_EXTENSION_MUST_NOT_BE_CRITICAL: 'The request marks critical an extension RFC 5280 requires non-critical.',
  // Serial number
  SERIAL_TOO_LONG: 'The serial number is longer than 20 octets.',
  SERIAL_NOT_POSITIVE: 'The serial number is not a positive integer.',
  SERIAL_LOW_ENTROPY: 'The serial number carries less than 64 random bits (warning).',
  // Renewal and the profile preview
  RENEWAL_SUBJECT_CHANGED: 'The profile as it is now gives the renewed certificate another subject (warning).',
  RENEWAL_SANS_CHANGED: 'The profile as it is now gives the renewed certificate other subjectAltNames (warning).',
  DEFAULT_CA_UNAVAILABLE: "The profile's default CA is not a usable CA here; the preview has no issuer ceiling (warning)."
} as const satisfies Catalog

export type PolicyFindingCode = keyof typeof policyFindings

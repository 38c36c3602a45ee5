// Which CSR-requested extensions honorExtensions may copy into a certificate. Only
// extensions whose OID is known here and whose value parses are copied (each with a warning
// the operator confirms); the CA's own decisions (basicConstraints, nameConstraints, key
// identifiers, CRL/AIA pointers, policy constraints and mappings…) never come from a CSR;
// the CT precertificate poison and unparseable values are refused. Pure.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { SubjectDirectoryAttributes, SubjectInfoAccessSyntax } from '@peculiar/asn1-x509'
import type { RawExtension } from '../template'
import { childrenOf, readTlv } from '../der'

export type ExtensionVerdict =
  | { readonly kind: 'copy'; readonly name: string }
  | { readonly kind: 'refuse'; readonly code: string; readonly message: string }
  /** Not copied. `known`: a recognised extension the CA decides on, so leaving it out is no fault of the request. */
  | { readonly kind: 'drop'; readonly reason: string; readonly known: boolean }

export const CT_POISON_OID = '1.3.6.1.4.1.11129.2.4.3'

/** Extensions only the CA decides: never copied from a request, whatever the profile says. */
export const CA_DECIDED_EXTENSIONS: Readonly<Record<string, string>> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.46': 'freshestCRL',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.33': 'policyMappings',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.54': 'inhibitAnyPolicy',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.16': 'privateKeyUsagePeriod',
  '1.3.6.1.4.1.11129.2.4.2': 'signedCertificateTimestampList',
  '2.5.29.15': 'keyUsage',
  '2.5.29.37': 'extKeyUsage',
  '2.5.29.17': 'subjectAltName'
}

interface Copyable {
  readonly name: string
  /** Throws when the value is not of the extension's syntax. */
  readonly check: (value: Uint8Array) => void
  /** RFC 5280 says this extension MUST NOT be critical. */
  readonly neverCritical?: boolean
}

function wholeDer(value: Uint8Array): void {
  if (readTlv(value, 0).end !== value.length) throw new Error('trailing bytes')
}

const COPYABLE: Readonly<Record<string, Copyable>> = {
  // RFC 5280 4.2.1.8: SEQUENCE SIZE (1..MAX) OF Attribute; MUST be non-critical.
  '2.5.29.9': {
    name: 'subjectDirectoryAttributes',
    neverCritical: true,
    check: (v) => {
      wholeDer(v)
      const attrs = AsnConvert.parse(v, SubjectDirectoryAttributes)
      if (attrs.length === 0) throw new Error('empty')
    }
  },
  // RFC 5280 4.2.2.2: SEQUENCE SIZE (1..MAX) OF AccessDescription; MUST be non-critical.
  '1.3.6.1.5.5.7.1.11': {
    name: 'subjectInfoAccess',
    neverCritical: true,
    check: (v) => {
      wholeDer(v)
      if (AsnConvert.parse(v, SubjectInfoAccessSyntax).length === 0) throw new Error('empty')
    }
  },
  // RFC 7633 TLS Feature (OCSP must-staple): SEQUENCE OF INTEGER.
  '1.3.6.1.5.5.7.1.24': {
    name: 'tlsFeature',
    check: (v) => {
      const outer = readTlv(v, 0)
      if (outer.tag !== 0x30 || outer.end !== v.length) throw new Error('not a SEQUENCE')
      const items = childrenOf(v, outer)
      if (items.length === 0 || items.some((i) => i.tag !== 0x02)) throw new Error('not INTEGERs')
    }
  },
  // RFC 6960 4.2.2.2.1 id-pkix-ocsp-nocheck: NULL.
  '1.3.6.1.5.5.7.48.1.5': {
    name: 'ocspNoCheck',
    check: (v) => {
      if (v.length !== 2 || v[0] !== 0x05 || v[1] !== 0x00) throw new Error('not NULL')
    }
  }
}

export function copyableExtension(ext: RawExtension): ExtensionVerdict {
  if (ext.oid === CT_POISON_OID)
    return {
      kind: 'refuse',
      code: 'CSR_EXTENSION_CT_POISON',
      message:
        'Extensions: the CSR carries the Certificate Transparency precertificate poison (1.3.6.1.4.1.11129.2.4.3); a certificate with it is unusable, so the request is refused. Ask for a CSR without it.'
    }
  const decided = CA_DECIDED_EXTENSIONS[ext.oid]
  if (decided) return { kind: 'drop', known: true, reason: `is ${decided}, which the CA sets itself and never copies from a request` }
  const known = COPYABLE[ext.oid]
  if (!known) return { kind: 'drop', known: false, reason: 'is not an extension PKI Desk knows how to check' }
  try {
    known.check(ext.value)
  } catch {
    if (ext.critical)
      return { kind: 'refuse', code: 'CSR_EXTENSION_MALFORMED', message: `Extensions: the CSR's critical ${known.name} (${ext.oid}) value is malformed; ask for a CSR with a valid value or without it.` }
    return { kind: 'drop', known: false, reason: `has a malformed value for ${known.name}` }
  }
  if (known.neverCritical && ext.critical)
    return { kind: 'refuse', code: 'CSR_EXTENSION_MUST_NOT_BE_CRITICAL', message: `Extensions: the CSR marks ${known.name} (${ext.oid}) critical, which RFC 5280 forbids; ask for a CSR with it non-critical.` }
  return { kind: 'copy', name: known.name }
}

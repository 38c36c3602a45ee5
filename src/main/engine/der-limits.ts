// Limits for DER that PKI Desk did not make (dropped files, imported PFX, certificates and
// CRLs from elsewhere), in one place so every reader of foreign input applies the same.
//
// asn1js's defaults (10,000 nodes, depth 100, 16 MiB) refuse a CRL of ~1,500 entries. These
// are sized to read a CRL of 100,000 entries (~5 MB, ~7 nodes per entry) and a PKCS#7 bundle
// of 10,000 certificates (~7 MB, ~100 nodes per certificate); tests/unit/engine/der-limits.test.ts
// parses a fifth and a tenth of those within a fifth and a tenth of the node cap. Past that
// they refuse: asn1js costs ~8 µs and ~1 KB per node (measured on a 100,000-entry CRL: 5.5 s
// of CPU, 0.8 GB), so the cap bounds a hostile file to ~15 s and ~2 GB before it is refused.
// DER PKI Desk built itself is never parsed back (engine/crl-builder.ts counts a CRL's
// entries with the DER walker).
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { LIMITS } from '../../shared/limits'

export interface DerLimits {
  /** Nesting depth: X.509 structures nest ~12 deep; 64 leaves room for odd but honest input. */
  readonly maxDepth: number
  /** ASN.1 elements in one parse. */
  readonly maxNodes: number
  /** Bytes of one element's content. */
  readonly maxContentLength: number
}

export const FOREIGN_DER_LIMITS: DerLimits = Object.freeze({
  maxDepth: LIMITS.derDepth,
  maxNodes: 2_000_000,
  maxContentLength: 64 * 1024 * 1024
})

/** AsnConvert.parse with FOREIGN_DER_LIMITS; throws as AsnConvert.parse does (callers turn that into their error value). */
export function parseForeignDer<T>(der: Uint8Array | ArrayBuffer, type: new () => T, limits: DerLimits = FOREIGN_DER_LIMITS): T {
  return AsnConvert.parse(der, type, { berOptions: { maxDepth: limits.maxDepth, maxNodes: limits.maxNodes, maxContentLength: limits.maxContentLength } })
}

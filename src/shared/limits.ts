// Every size and depth limit on input PKI Desk reads, in one place (documented in
// docs/limits.md; a test holds the two equal). Each is checked before the input is parsed,
// and each refusal is one coded line that names the limit and what to do.
//
// The numbers are sized for the largest legitimate input seen, with room: a 100,000-entry
// CRL is about 6 MB of DER, a PKCS#7 bundle of 10,000 certificates about 12 MB, a CSR under
// 10 KB (RSA 8192 with many names), a profile document under 50 KB.

const KiB = 1024
const MiB = 1024 * KiB

export const LIMITS = {
  /** A file of certificate requests (PEM with several blocks, or one DER request). */
  csrFileBytes: 1 * MiB,
  /** One certificate (DER, or a PEM file that holds one). */
  certificateBytes: 1 * MiB,
  /** A file of certificates: a PEM chain, a PKCS#7 bundle. */
  certificateBundleBytes: 64 * MiB,
  /** A CRL (DER or PEM). */
  crlBytes: 64 * MiB,
  /** A PFX / PKCS#12 file. */
  pfxBytes: 16 * MiB,
  /** A private key file (PKCS#8 PEM or DER, plain or encrypted). */
  keyFileBytes: 64 * KiB,
  /** PEM blocks read from one file (CSRs, certificates). */
  pemBlocksPerFile: 10_000,
  /** Nesting of constructed ASN.1 elements (an X.509 certificate needs about 10, a PFX about 15). */
  derDepth: 64,
  /** A profile document (any dialect's JSON). */
  profileJsonBytes: 1 * MiB,
  /** Nesting of JSON arrays and objects in a profile document or a remote response. */
  jsonDepth: 64,
  /** A passphrase or PFX password, in characters. */
  passphraseChars: 1024,
  /** The body of one response from a remote CA platform during a sync (a TLM page of 1000 profiles is far below). */
  remoteResponseBytes: 8 * MiB,
  /** PKCS#12 MAC and PBE iterations (RFC 7292 KDF; OpenSSL and Windows write 2048, Java 10,000). */
  pkcs12KdfIterations: 1_000_000,
  /** PBKDF2 iterations in a PFX or an encrypted PKCS#8 key (OWASP's 2023 advice is 600,000 for SHA-256). */
  pbkdf2Iterations: 2_000_000,
  /** An audit checkpoint file. */
  auditCheckpointBytes: 64 * KiB
} as const

export type LimitName = keyof typeof LIMITS

/** "1 MiB", "64 KiB", "10,000": how docs and messages spell a limit. */
export function describeLimit(name: LimitName): string {
  const v = LIMITS[name]
  if (name.endsWith('Bytes')) return v % MiB === 0 ? `${v / MiB} MiB` : `${v / KiB} KiB`
  return v.toLocaleString('en-US')
}

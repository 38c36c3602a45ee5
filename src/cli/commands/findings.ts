// Findings as the CLI prints them (every one, never "(and N more)"), and the default-policy
// findings `csr inspect` shows for a request before any profile is chosen: the crypto
// baseline every profile applies (RSA of 2048 bits or more, the NIST curves, a proof of
// possession signed with a sound hash) and the default crypto settings of a new profile.
// A bad signature is not listed here: `csr inspect` reports it as its own error.
import type { CsrInfo } from '../../shared/domain/csr'
import { cryptoPolicy } from '../../shared/domain/profile'

export interface FindingLike {
  readonly code: string
  readonly severity?: string
  readonly message: string
}

/** `error[RSA_KEY_TOO_SMALL]: …` / `warning[…]: …`, one line each. */
export function findingLines(findings: readonly FindingLike[]): string[] {
  return findings.map((f) => `${f.severity === 'warning' ? 'warning' : 'error'}[${f.code}]: ${f.message.replace(/\s*\r?\n\s*/g, ' ')}`)
}

/** RSA key sizes a new profile allows unless it says otherwise. */
function defaultRsaKeySizes(): readonly number[] {
  return cryptoPolicy.parse({}).rsaKeySizes
}

export function csrDefaultFindings(csr: Pick<CsrInfo, 'publicKey' | 'signatureAlgorithm'>): FindingLike[] {
  const out: FindingLike[] = []
  const key = csr.publicKey
  if (/sha1|sha-1|md5|md2|md4/i.test(csr.signatureAlgorithm))
    out.push({ code: 'CSR_WEAK_SIGNATURE_HASH', severity: 'warning', message: `Hash policy: the CSR is signed with ${csr.signatureAlgorithm}; its proof of possession rests on a broken hash (the certificate itself will not use it).` })
  if (key.family === 'rsa') {
    if (key.size < 2048)
      out.push({ code: 'RSA_KEY_TOO_SMALL', severity: 'error', message: `Crypto baseline: an RSA key of ${key.size} bits is below the 2048-bit minimum; request a certificate for a 2048-bit or larger key.` })
    const sizes = defaultRsaKeySizes()
    if (!sizes.includes(key.size))
      out.push({ code: 'RSA_KEY_SIZE_NOT_ALLOWED', severity: 'error', message: `Default crypto policy: RSA ${key.size} is not one of ${sizes.join(', ')} (a profile may allow other sizes in crypto.rsaKeySizes).` })
  }
  if (key.family === 'ec' && !['P-256', 'P-384', 'P-521'].includes(key.curve ?? ''))
    out.push({ code: 'ECDSA_CURVE_UNSUPPORTED', severity: 'error', message: `Crypto baseline: the EC curve ${key.curve ?? 'of this key'} is not one of P-256, P-384, P-521.` })
  return out
}

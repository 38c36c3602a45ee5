// Rules about *who signs and how*, shared by issuance, CA creation and CRL signing. Pure.
//
//   signingHashFor   the signing (issuer) key decides the hash for ECDSA (Mozilla Root Store
//                    Policy 5.1.2 pairing: P-256→SHA-256, P-384→SHA-384, P-521→SHA-512);
//                    RSA keys take the requested hash; Ed25519/Ed448 have no hash choice.
//   authorityMayIssue  whether a CA may sign certificates now (not revoked, within its
//                    validity, active), as a coded error.
//   keySeparation    a CA key is never certified for an end entity, an end-entity key never
//                    for a CA; re-certifying a CA key as a CA (cross-certificate, re-issue) is fine.
import { fail, ok, type Result } from '../../shared/errors'
import type { KeyFamily, KeySpec, SignatureHash } from '../../shared/domain/keys'
import { CURVE_HASH, SPEC_CURVE, keyFamily } from '../../shared/domain/keys'

/** The signing key as these rules need it: its family and, for ECDSA, its curve. */
export interface SigningKey {
  readonly family: KeyFamily
  readonly curve?: string
}

export function signingKeyOfSpec(spec: KeySpec): SigningKey {
  const curve = SPEC_CURVE[spec]
  return { family: keyFamily(spec), ...(curve ? { curve } : {}) }
}

/** The hash an ECDSA key of this curve must sign with, or null when the key leaves the choice (RSA) or has none (EdDSA). */
export function pairedHash(key: SigningKey): SignatureHash | null {
  if (key.family !== 'ec' || !key.curve) return null
  return CURVE_HASH[key.curve] ?? null
}

export type HashDecision =
  /** Sign with `hash`; `note` explains when it is not the one asked for. */
  | { readonly ok: true; readonly hash: SignatureHash; readonly note?: string }
  | { readonly ok: false; readonly code: 'SIGNATURE_HASH_MISMATCH'; readonly message: string }

/**
 * The hash a certificate or CRL is signed with. `requested` is what the profile, CRL settings
 * or operator asked for; `explicit` says the operator asked for it in this operation (a
 * conflict is then refused) rather than a stored default (the key's pairing then wins, with a note).
 */
export function signingHashFor(key: SigningKey, requested: SignatureHash, explicit: boolean): HashDecision {
  if (key.family === 'ed25519' || key.family === 'ed448') {
    const name = key.family === 'ed25519' ? 'Ed25519' : 'Ed448'
    return { ok: true, hash: requested, note: `${name} signs without a separate hash; the requested ${requested} does not apply` }
  }
  const paired = pairedHash(key)
  if (!paired || paired === requested) return { ok: true, hash: requested }
  const why = `an ECDSA ${key.curve} signing key signs with ${paired} (P-256→SHA-256, P-384→SHA-384, P-521→SHA-512)`
  if (explicit) return { ok: false, code: 'SIGNATURE_HASH_MISMATCH', message: `Signature: ${requested} was requested but ${why}; ask for ${paired} or leave the hash unset.` }
  return { ok: true, hash: paired, note: `${why}; the requested ${requested} does not apply` }
}

// ---------------------------------------------------------------------------------------

export interface AuthorityFacts {
  readonly name: string
  readonly state: 'active' | 'pending-certificate' | 'retired'
  /** The CA certificate's validity (ISO), null while it has none. */
  readonly notBefore: string | null
  readonly notAfter: string | null
  /** The CA's own certificate is revoked (by its parent, here). */
  readonly revocation: { readonly revokedAt: string; readonly reason: string | null } | null
}

/**
 * Whether a CA may sign certificates at `now`: AUTHORITY_PENDING / AUTHORITY_RETIRED / AUTHORITY_REVOKED /
 * AUTHORITY_NOT_YET_VALID / AUTHORITY_EXPIRED, else ok. CRL signing does not go through this (RFC 5280
 * lets a revoked or expired CA keep publishing CRLs for what it issued).
 */
export function authorityMayIssue(a: AuthorityFacts, now: Date): Result<void> {
  const field = 'authorityId'
  if (a.state === 'pending-certificate')
    return fail('AUTHORITY_PENDING', `"${a.name}" is pending: it has no certificate yet; install the certificate its parent issued for its CSR, then issue.`, field)
  if (a.state === 'retired') return fail('AUTHORITY_RETIRED', `"${a.name}" is retired and issues no new certificates: choose another CA.`, field)
  if (a.revocation)
    return fail(
      'AUTHORITY_REVOKED',
      `"${a.name}"'s own certificate was revoked on ${a.revocation.revokedAt}${a.revocation.reason ? ` (${a.revocation.reason})` : ''}: it may only sign CRLs now; choose another CA.`,
      field
    )
  if (a.notBefore && new Date(a.notBefore).getTime() > now.getTime())
    return fail('AUTHORITY_NOT_YET_VALID', `"${a.name}"'s certificate is not valid before ${a.notBefore}: wait until then or choose another CA.`, field)
  if (a.notAfter && new Date(a.notAfter).getTime() <= now.getTime())
    return fail('AUTHORITY_EXPIRED', `"${a.name}"'s certificate expired on ${a.notAfter}: it may only sign CRLs now; choose another CA.`, field)
  return ok(undefined)
}

// ---------------------------------------------------------------------------------------

/**
 * Key separation at issuance. `keyIsCa`: the CSR key belongs to a CA here (vault purpose
 * 'ca' or a CA certificate); `keyIsEndEntity`: it was certified for, or generated for, an
 * end entity; `certifyAsCa`: the template is basicConstraints cA:TRUE.
 */
export function keySeparation(facts: { readonly keyIsCa: boolean; readonly keyIsEndEntity: boolean; readonly certifyAsCa: boolean }, field: string): Result<void> {
  if (facts.certifyAsCa) {
    if (facts.keyIsEndEntity)
      return fail('KEY_USED_BY_END_ENTITY', 'The request carries a key already used by an end entity: a CA needs a key of its own; ask for a CSR with a new key.', field)
    return ok(undefined) // a new CA key, or an existing CA key re-certified (cross-certificate, re-issue)
  }
  if (facts.keyIsCa)
    return fail(
      'CSR_KEY_IS_CA_KEY',
      "The request carries a CA's key and this profile issues an end-entity certificate: a CA key is never certified for an end entity; ask for a CSR with a new key, or use a CA profile to re-certify the CA.",
      field
    )
  return ok(undefined)
}

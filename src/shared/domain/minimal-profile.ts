// The built-in minimal profile, used when an issuance names no profile. It is an ordinary
// ProfileBody run through `evaluate` like every stored profile (one policy path): the crypto
// baseline (RSA ≥ 2048, P-256/P-384/P-521, Ed25519/Ed448), the lint at level `private`, CN
// to SAN and the preview all apply to it.
// Shared so that the Sign screen can show the fields it lets the operator enter.
import { profileBody, type ProfileBody } from './profile'

export const MINIMAL_PROFILE_NAME = 'Built-in: minimal TLS server'

/**
 * A TLS server certificate for the CSR's subject and SANs (the CN added as a SAN when it is a
 * host name), 90 days or a shorter end the operator enters, SHA-256 (an ECDSA issuer pairs its
 * curve's hash), digitalSignature (+ keyEncipherment for RSA; evaluate drops it for other
 * keys), serverAuth, refused beyond the issuer's notAfter. Any key the baseline accepts.
 */
export const MINIMAL_PROFILE: ProfileBody & { readonly archived: false } = Object.freeze({
  ...profileBody.parse({
    name: MINIMAL_PROFILE_NAME,
    description: 'Used when no profile is chosen: the CSR subject and SANs as they are, serverAuth, 90 days.',
    lintLevel: 'private',
    validity: { type: 'Duration', duration: '90d' },
    allowValidityOverride: true,
    issuerCeiling: 'reject',
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
    honorSubject: true,
    san: { fromCsr: true, includeCommonName: true, critical: 'auto' },
    crypto: { enabled: false },
    signature: { hash: 'SHA-256', rsaPss: false }
  }),
  archived: false as const
})

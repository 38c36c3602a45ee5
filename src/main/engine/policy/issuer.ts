// The issuer facts policy needs (validity window, key family and curve, basicConstraints), read
// from the issuing CA's certificate DER through the one facts reader. Pure.
import type { IssuerContext } from './types'
import { certificateFacts } from '../certificate-facts'
import { CURVES } from '../../../shared/domain/oids'
import { chainNameConstraints } from './name-constraints'

const SUPPORTED_CURVES = new Set(CURVES.filter((c) => c.supported).map((c) => c.name))

/** Throws when the bytes are not a certificate or its key type is unknown. */
export function issuerContextFromCertificate(der: Uint8Array): IssuerContext {
  const f = certificateFacts(der)
  const keyFamily = f.key.family
  if (!keyFamily) throw new Error(`unsupported issuer key algorithm ${f.key.algorithmOid}`)
  const curve = keyFamily === 'ec' && f.key.curve && SUPPORTED_CURVES.has(f.key.curve) ? f.key.curve : undefined
  return {
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    keyFamily,
    ...(curve ? { curve } : {}),
    isCa: f.basicConstraints?.ca ?? false,
    ...(f.basicConstraints?.pathLength !== null && f.basicConstraints?.pathLength !== undefined ? { pathLength: f.basicConstraints.pathLength } : {})
  }
}

/** The issuer's context from its chain (issuer first, then each CA above it): its own facts, and every CA's name constraints. Throws as above. */
export function issuerContextFromChain(chain: readonly { readonly authority: string; readonly der: Uint8Array }[]): IssuerContext {
  const [issuer] = chain
  if (!issuer) throw new Error('the chain holds no certificate')
  const nameConstraints = chainNameConstraints(chain)
  return { ...issuerContextFromCertificate(issuer.der), ...(nameConstraints.length ? { nameConstraints } : {}) }
}

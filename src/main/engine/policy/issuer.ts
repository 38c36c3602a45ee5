// The issuer facts policy needs (validity window, key family and curve, basicConstraints), read
// from the issuing CA's certificate DER through the one facts reader. Pure.
import type { IssuerContext } from './types'
import { certificateFacts } from '../certificate-facts'
import { CURVES } from '../../../shared/domain/oids'

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

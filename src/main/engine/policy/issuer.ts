// The issuer facts policy needs (validity window, key family and curve, basicConstraints), read from
// the issuing CA's certificate DER. Pure.
import { AsnConvert } from '@peculiar/asn1-schema'
import { BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509'
import type { KeyFamily } from '../../../shared/domain/keys'
import type { IssuerContext } from './types'
import { content, decodeOid, readTlv } from '../der'

const CURVES: Readonly<Record<string, string>> = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' }

const FAMILIES: Readonly<Record<string, KeyFamily>> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448'
}

/** Throws when the bytes are not a certificate or its key type is unknown. */
export function issuerContextFromCertificate(der: Uint8Array): IssuerContext {
  const cert = AsnConvert.parse(der, Certificate)
  const tbs = cert.tbsCertificate
  const keyFamily = FAMILIES[tbs.subjectPublicKeyInfo.algorithm.algorithm]
  if (!keyFamily) throw new Error(`unsupported issuer key algorithm ${tbs.subjectPublicKeyInfo.algorithm.algorithm}`)
  const curve = keyFamily === 'ec' ? curveOf(tbs.subjectPublicKeyInfo.algorithm.parameters) : undefined
  const bcExt = tbs.extensions?.find((e) => e.extnID === id_ce_basicConstraints)
  const bc = bcExt ? AsnConvert.parse(bcExt.extnValue.buffer, BasicConstraints) : undefined
  return {
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    keyFamily,
    ...(curve ? { curve } : {}),
    isCa: bc?.cA ?? false,
    ...(bc?.pathLenConstraint !== undefined ? { pathLength: bc.pathLenConstraint } : {})
  }
}

/** The named curve of EC parameters (an OBJECT IDENTIFIER), or undefined. */
function curveOf(params: ArrayBuffer | null | undefined): string | undefined {
  if (!params) return undefined
  const der = new Uint8Array(params)
  if (der[0] !== 0x06) return undefined
  return CURVES[decodeOid(content(der, readTlv(der, 0)))]
}

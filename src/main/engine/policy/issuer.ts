// The issuer facts policy needs (validity window, key family and curve, basicConstraints), read from
// the issuing CA's certificate DER. Pure.
import { AsnConvert } from '@peculiar/asn1-schema'
import { BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509'
import type { KeyFamily } from '../../../shared/domain/keys'
import type { IssuerContext } from './types'
import { content, decodeOid, readTlv } from '../der'
import { curveInfo, KEY_FAMILY_BY_OID } from '../../../shared/domain/oids'


/** Throws when the bytes are not a certificate or its key type is unknown. */
export function issuerContextFromCertificate(der: Uint8Array): IssuerContext {
  const cert = AsnConvert.parse(der, Certificate)
  const tbs = cert.tbsCertificate
  const keyFamily: KeyFamily | undefined = KEY_FAMILY_BY_OID[tbs.subjectPublicKeyInfo.algorithm.algorithm]
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
  const curve = curveInfo(decodeOid(content(der, readTlv(der, 0))))
  return curve?.supported ? curve.name : undefined
}

// Builds a v2 CRL (RFC 5280 5): issuer copied byte for byte from the CA certificate's
// subject, AKI = the CA's SKI, cRLNumber given by the caller (monotonic per CA, kept by the
// store), one entry per revoked certificate with its reason (absent for 'unspecified', as
// RFC 5280 5.3.1 asks) and optional invalidity date.
import 'reflect-metadata'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  InvalidityDate,
  KeyIdentifier,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version
} from '@peculiar/asn1-x509'
import type { RevocationReason } from '../../shared/domain/certificate'
import { fail, ok, type Result } from '../../shared/errors'
import type { SignatureHash } from '../../shared/domain/keys'
import type { Signer } from '../vault/signer'
import { familyOf, signatureAlgorithm } from './algorithms'
import { signedEnvelope } from './der'

export interface CrlEntry {
  /** Lowercase hex of the serial INTEGER's content bytes. */
  readonly serial: string
  readonly revokedAt: Date
  readonly reason: RevocationReason
  readonly invalidityDate?: Date
}

export interface CrlInput {
  readonly issuerSubjectDer: Uint8Array
  readonly issuerSki: Uint8Array
  readonly crlNumber: number
  readonly thisUpdate: Date
  readonly nextUpdate: Date
  readonly entries: readonly CrlEntry[]
  readonly hash: SignatureHash
  readonly rsaPss: boolean
}

const REASON_CODE: Record<RevocationReason, CRLReasons> = {
  unspecified: CRLReasons.unspecified,
  keyCompromise: CRLReasons.keyCompromise,
  cACompromise: CRLReasons.cACompromise,
  affiliationChanged: CRLReasons.affiliationChanged,
  superseded: CRLReasons.superseded,
  cessationOfOperation: CRLReasons.cessationOfOperation,
  certificateHold: CRLReasons.certificateHold,
  removeFromCRL: CRLReasons.removeFromCRL,
  privilegeWithdrawn: CRLReasons.privilegeWithdrawn,
  aACompromise: CRLReasons.aACompromise
}

function ext(oid: string, value: object): Extension {
  return new Extension({ extnID: oid, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) })
}

/** Input a full CRL may not carry (removeFromCRL entries: delta CRLs only, RFC 5280 5.3.1) is a failed Result. */
export async function buildCrl(input: CrlInput, signer: Signer): Promise<Result<Uint8Array>> {
  const misplaced = input.entries.find((e) => e.reason === 'removeFromCRL')
  if (misplaced)
    return fail('CRL_ENTRY_DELTA_ONLY', `Entry ${misplaced.serial} has reason removeFromCRL, which only a delta CRL may carry (RFC 5280 5.3.1): list it without a reason or leave it out.`, 'entries')
  const alg = signatureAlgorithm(familyOf(signer.spec), input.hash, input.rsaPss)
  const revoked = input.entries.map((e) => {
    const exts: Extension[] = []
    if (e.reason !== 'unspecified') exts.push(ext('2.5.29.21', new CRLReason(REASON_CODE[e.reason])))
    if (e.invalidityDate) exts.push(ext('2.5.29.24', new InvalidityDate(wholeSeconds(e.invalidityDate))))
    const serial = Buffer.from(e.serial, 'hex')
    return new RevokedCertificate({
      userCertificate: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.byteLength) as ArrayBuffer,
      revocationDate: new Time(wholeSeconds(e.revokedAt)),
      ...(exts.length ? { crlEntryExtensions: exts } : {})
    })
  })
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: alg,
    issuer: AsnConvert.parse(input.issuerSubjectDer, Name),
    thisUpdate: new Time(input.thisUpdate),
    nextUpdate: new Time(input.nextUpdate),
    ...(revoked.length ? { revokedCertificates: revoked } : {}),
    crlExtensions: [
      ext('2.5.29.35', new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(input.issuerSki) })),
      ext('2.5.29.20', new CRLNumber(input.crlNumber))
    ]
  })
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs))
  const sig = await signer.sign(tbsDer, { hash: input.hash, rsaPss: input.rsaPss })
  return ok(signedEnvelope(tbsDer, new Uint8Array(AsnConvert.serialize(alg)), sig))
}

/** DER GeneralizedTime without fractional seconds, as RFC 5280 4.1.2.5.2 wants. */
function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000)
}

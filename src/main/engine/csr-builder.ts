// Builds a PKCS#10 request signed through a Signer: for a CA whose parent is external and
// for end-entity keys generated in the app.
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Attributes, CertificationRequestInfo } from '@peculiar/asn1-csr'
import { Attribute, Extension, Extensions, SubjectAlternativeName, SubjectPublicKeyInfo, BasicConstraints, KeyUsage } from '@peculiar/asn1-x509'
import { OctetString } from '@peculiar/asn1-schema'
import { fail, ok, type Result } from '../../shared/errors'
import type { DistinguishedName, GeneralName } from '../../shared/domain/names'
import type { SignatureHash } from '../../shared/domain/keys'
import type { Signer } from './signer'
import { familyOf, signatureAlgorithm } from './algorithms'
import { signedEnvelope } from './der'
import { NameError, toAsnGeneralName, toAsnName } from './names'

export interface CsrBuildInput {
  readonly subject: DistinguishedName
  readonly sans: readonly GeneralName[]
  /** Ask for a CA certificate (basicConstraints CA:TRUE, keyCertSign + cRLSign), for intermediates. */
  readonly ca: boolean
  readonly hash: SignatureHash
  readonly rsaPss: boolean
}

export async function buildCsr(input: CsrBuildInput, signer: Signer): Promise<Result<Uint8Array>> {
  try {
    const exts: Extension[] = []
    if (input.ca) {
      exts.push(new Extension({ extnID: '2.5.29.19', critical: true, extnValue: new OctetString(AsnConvert.serialize(new BasicConstraints({ cA: true }))) }))
      exts.push(new Extension({ extnID: '2.5.29.15', critical: true, extnValue: new OctetString(AsnConvert.serialize(new KeyUsage(32 | 64))) }))
    }
    if (input.sans.length)
      exts.push(new Extension({ extnID: '2.5.29.17', critical: false, extnValue: new OctetString(AsnConvert.serialize(new SubjectAlternativeName(input.sans.map(toAsnGeneralName)))) }))
    const attributes = new Attributes(
      exts.length ? [new Attribute({ type: '1.2.840.113549.1.9.14', values: [AsnConvert.serialize(new Extensions(exts))] })] : []
    )
    const info = new CertificationRequestInfo({
      version: 0,
      subject: toAsnName(input.subject),
      subjectPKInfo: AsnConvert.parse(signer.publicKeySpki, SubjectPublicKeyInfo),
      attributes
    })
    const tbs = new Uint8Array(AsnConvert.serialize(info))
    const alg = new Uint8Array(AsnConvert.serialize(signatureAlgorithm(familyOf(signer.spec), input.hash, input.rsaPss)))
    const sig = await signer.sign(tbs, { hash: input.hash, rsaPss: input.rsaPss })
    return ok(signedEnvelope(tbs, alg, sig))
  } catch (e) {
    if (e instanceof NameError) return fail('SUBJECT_INVALID', e.message, 'subject')
    throw e
  }
}

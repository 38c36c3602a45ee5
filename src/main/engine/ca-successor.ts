// The template of a CA's next certificate, made from its current one (DER is the truth): a
// renewal (same key, new validity) and a re-key (new key, same name) keep the subject and
// every extension of the certificate they follow. basicConstraints and keyUsage go in as
// template fields (the builder checks a CA has keyCertSign); every other extension — name
// constraints, CRL distribution points, AIA, policies, anything else — is carried over byte
// for byte with its critical flag (`carriedOver`: additionalExtensions never take a known OID). SKI and AKI are derived again by the builder (SKI from the
// key: the same for a renewal, whose leaves' AKI so still match; AKI from the signer).
import 'reflect-metadata'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import type { SignatureHash } from '../../shared/domain/keys'
import { certificateFacts } from './certificate-facts'
import type { CertificateTemplate, RawExtension } from './template'

const DERIVED = new Set([
  '2.5.29.14', // subjectKeyIdentifier: from the (new) key
  '2.5.29.35', // authorityKeyIdentifier: from the signer
  '2.5.29.19', // basicConstraints: a template field
  '2.5.29.15' // keyUsage: a template field
])

export interface SuccessorValues {
  /** The key the new certificate certifies: the CA's own (renewal) or its new one (re-key). */
  readonly subjectPublicKeySpki: Uint8Array
  readonly notBefore: Date
  readonly notAfter: Date
  readonly signature: { readonly hash: SignatureHash; readonly rsaPss: boolean }
}

/** The CA certificate after `currentDer`: its subject and extensions, with these key, dates and signature. */
export function successorTemplate(currentDer: Uint8Array, v: SuccessorValues): CertificateTemplate {
  const facts = certificateFacts(currentDer)
  const tbs = AsnConvert.parse(currentDer, Certificate).tbsCertificate
  const copied: RawExtension[] = (tbs.extensions ?? [])
    .filter((e) => !DERIVED.has(e.extnID))
    .map((e) => ({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) }))
  const bc = facts.basicConstraints
  return {
    subject: facts.subject,
    subjectPublicKeySpki: v.subjectPublicKeySpki,
    notBefore: v.notBefore,
    notAfter: v.notAfter,
    signature: v.signature,
    basicConstraints: { ca: true, critical: bc?.critical ?? true, ...(bc?.pathLength !== null && bc?.pathLength !== undefined ? { pathLength: bc.pathLength } : {}) },
    // A CA certificate without keyUsage (older imports) gets the two a CA needs, critical.
    keyUsage: facts.keyUsage ?? { usages: ['keyCertSign', 'cRLSign'], critical: true },
    ...(copied.length ? { carriedOver: copied } : {})
  }
}

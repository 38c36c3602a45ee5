// One policy path: a certificate for a request is encoded only from a template that
// `evaluate` produced, so the crypto baseline, the profile's rules and the lint apply to every
// signature. `evaluate` seals the template it returns (a frozen object in a WeakSet of this
// thread); batch preparation refuses any other template before encoding a TBS. A template
// copied, spread or built by hand is not sealed.
import type { CertificateTemplate } from '../template'

const sealed = new WeakSet<object>()

export function sealEvaluated(template: CertificateTemplate): CertificateTemplate {
  const frozen = Object.freeze(template)
  sealed.add(frozen)
  return frozen
}

export function isEvaluated(template: CertificateTemplate): boolean {
  return sealed.has(template)
}

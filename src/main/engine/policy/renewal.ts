// Renewal: the operator input that makes a renewal request come out with the old
// certificate's subject and names under the profile as it is now. The new CSR carries the
// subject and SANs, which covers every rule that takes values from the CSR; a value the
// profile only takes from operator input (source `entered`, or SANs with fromCsr off) is
// entered here from the old certificate, as the operator once entered it. Values the profile
// fixes are left to the profile. Pure.
import type { DistinguishedName, GeneralName } from '../../../shared/domain/names'
import { canonicalAttributeType, type OperatorInput, type ProfileBody } from '../../../shared/domain/profile'

export function renewalInput(profile: ProfileBody | null, subject: DistinguishedName, sans: readonly GeneralName[]): OperatorInput {
  if (!profile) return { subject: {}, sans: [] }
  const rules = new Map(profile.subjectAttributes.map((r) => [canonicalAttributeType(r.type), r]))
  const entered: Record<string, string[]> = {}
  for (const rdn of subject)
    for (const a of rdn) {
      const type = canonicalAttributeType(a.type)
      const rule = rules.get(type)
      if (rule && !rule.sources.includes('csr') && rule.sources.includes('entered')) (entered[type] ??= []).push(a.value)
    }
  const sanRules = new Map(profile.san.rules.map((r) => [r.type, r]))
  const enteredSans = sans.filter((n) => {
    const rule = sanRules.get(n.type)
    const fromCsr = profile.san.fromCsr && (!rule || rule.sources.includes('csr'))
    return !fromCsr && (!rule || rule.sources.includes('entered'))
  })
  return {
    subject: Object.fromEntries(Object.entries(entered).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])),
    sans: enteredSans.map((n) => ({ type: n.type, value: n.value }))
  }
}

// Renewal: the operator input that makes a renewal request come out with the old
// certificate's subject and names under the profile as it is now. The new CSR carries the
// subject and SANs, which covers every rule that takes values from the CSR; a value the
// profile only takes from operator input (source `entered`, or SANs with fromCsr off) is
// entered here from the old certificate, as the operator once entered it. Values the profile
// fixes are left to the profile. And what the renewal would change in those names. Pure.
import type { DistinguishedName, GeneralName } from '../../../shared/domain/names'
import { canonicalAttributeType, type Finding, type OperatorInput, type ProfileBody } from '../../../shared/domain/profile'
import { dnToText, generalNameText } from '../names'

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

/**
 * What a renewal would change in the names: the profile as it is now may drop, add or rewrite
 * subject attributes and SANs that the old certificate had. Each change is a warning the
 * operator confirms, since a renewal promises the same names.
 */
export function renewalNameChanges(
  old: { readonly subject: DistinguishedName; readonly sans: readonly GeneralName[] },
  renewed: { readonly subject: DistinguishedName; readonly sans: readonly GeneralName[] }
): Finding[] {
  const out: Finding[] = []
  const before = dnToText(old.subject)
  const after = dnToText(renewed.subject)
  if (before !== after)
    out.push({ code: 'RENEWAL_SUBJECT_CHANGED', severity: 'warning', field: 'subject', message: `Renewal: the profile as it is now gives the subject "${after || '(empty)'}" instead of "${before || '(empty)'}".` })
  const had = new Set(old.sans.map((n) => generalNameText(n)))
  const has = new Set(renewed.sans.map((n) => generalNameText(n)))
  const dropped = [...had].filter((n) => !has.has(n))
  const added = [...has].filter((n) => !had.has(n))
  if (dropped.length || added.length)
    out.push({
      code: 'RENEWAL_SANS_CHANGED',
      severity: 'warning',
      field: 'san',
      message: `Renewal: the profile as it is now changes the names (SAN)${dropped.length ? `; drops ${dropped.join(', ')}` : ''}${added.length ? `; adds ${added.join(', ')}` : ''}.`
    })
  return out
}

// Subject fields as the forms edit them, and the distinguished names the contract takes.
import type { DistinguishedName, GeneralName, GeneralNameType } from '../../../shared/domain/names'

export const SUBJECT_FIELDS = [
  { type: 'CN', label: 'Common name (CN)' },
  { type: 'O', label: 'Organization (O)' },
  { type: 'OU', label: 'Organizational unit (OU)' },
  { type: 'L', label: 'Locality (L)' },
  { type: 'ST', label: 'State or province (ST)' },
  { type: 'C', label: 'Country (C, two letters)' }
] as const
export type SubjectFieldType = (typeof SUBJECT_FIELDS)[number]['type']
export type SubjectFields = Partial<Record<SubjectFieldType, string>>

/** Most significant first (C, ST, L, O, OU, CN), one attribute per RDN; empty fields left out. */
export function subjectFromFields(fields: SubjectFields): DistinguishedName {
  const order: SubjectFieldType[] = ['C', 'ST', 'L', 'O', 'OU', 'CN']
  return order.filter((t) => fields[t]?.trim()).map((t) => [{ type: t, value: fields[t]!.trim() }])
}

/** The form field an error path such as `subject.3.0.value` points at. */
export function subjectFieldOfPath(subject: DistinguishedName, path: string): SubjectFieldType | undefined {
  const m = /^subject\.(\d+)/.exec(path)
  if (!m) return undefined
  return subject[Number(m[1])]?.[0]?.type as SubjectFieldType | undefined
}

/** `dns:a.example, ip:10.0.0.1` or one per line; bare names are DNS, addresses are IP. */
export function parseSans(text: string): GeneralName[] {
  return text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(dns|ip|email|uri|upn):(.+)$/i.exec(s)
      if (m) return { type: m[1]!.toLowerCase() as GeneralNameType, value: m[2]!.trim() }
      if (/^[\d.]+$/.test(s) || s.includes(':')) return { type: 'ip' as const, value: s }
      if (s.includes('@')) return { type: 'email' as const, value: s }
      return { type: 'dns' as const, value: s }
    })
}

export function sanText(n: GeneralName): string {
  return `${n.type.toUpperCase()}: ${n.value}`
}

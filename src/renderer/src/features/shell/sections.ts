import type { Section } from '../../stores/ui-store'

export const SECTION_LABELS: Record<Section, string> = {
  dashboard: 'Dashboard',
  sign: 'Sign requests',
  csr: 'Generate CSR',
  authorities: 'Authorities',
  certificates: 'Certificates',
  profiles: 'Profiles',
  connections: 'Connections',
  audit: 'Audit trail',
  settings: 'Settings'
}

export function sectionLabel(section: Section): string {
  return SECTION_LABELS[section]
}

// Picks the screen for the current section.
import type { ReactNode } from 'react'
import { assertNever } from '../../../../shared/errors'
import { useUiStore } from '../../stores/ui-store'
import { SettingsScreen } from '../settings/SettingsScreen'
import { DashboardScreen } from '../dashboard/DashboardScreen'
import { SignScreen } from '../sign/SignScreen'
import { CsrScreen } from '../csr/CsrScreen'
import { AuthoritiesScreen } from '../authorities/AuthoritiesScreen'
import { CertificatesScreen } from '../certificates/CertificatesScreen'
import { AuditScreen } from '../audit/AuditScreen'
import { ConnectionsScreen } from '../connections/ConnectionsScreen'
import { ProfilesScreen } from '../profiles/ProfilesScreen'

export function Screen(): ReactNode {
  const section = useUiStore((s) => s.section)
  switch (section) {
    case 'dashboard':
      return <DashboardScreen />
    case 'sign':
      return <SignScreen />
    case 'csr':
      return <CsrScreen />
    case 'authorities':
      return <AuthoritiesScreen />
    case 'certificates':
      return <CertificatesScreen />
    case 'connections':
      return <ConnectionsScreen />
    case 'audit':
      return <AuditScreen />
    case 'profiles':
      return <ProfilesScreen />
    case 'settings':
      return <SettingsScreen />
    default:
      return assertNever(section, 'section')
  }
}

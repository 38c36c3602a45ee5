import { AppShell, Group, NavLink, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { sections, useUiStore, type Section } from '../../stores/ui-store'

const LABELS: Record<Section, string> = {
  dashboard: 'Dashboard',
  sign: 'Sign requests',
  authorities: 'Authorities',
  certificates: 'Certificates',
  profiles: 'Profiles',
  connections: 'Connections',
  audit: 'Audit trail',
  settings: 'Settings'
}

export function sectionLabel(section: Section): string {
  return LABELS[section]
}

export function AppShellLayout({ children }: { children: ReactNode }): ReactNode {
  const section = useUiStore((s) => s.section)
  const goTo = useUiStore((s) => s.goTo)
  return (
    <AppShell navbar={{ width: 220, breakpoint: 0 }} header={{ height: 48 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h4">PKI Desk</Title>
          <Text size="xs" c="dimmed">offline certificate authority</Text>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Sections">
        {sections.map((s) => (
          <NavLink
            key={s}
            component="button"
            label={LABELS[s]}
            active={s === section}
            aria-current={s === section ? 'page' : undefined}
            onClick={() => goTo(s)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  )
}

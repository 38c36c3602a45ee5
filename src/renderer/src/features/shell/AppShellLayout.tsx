// The window frame: header (name, theme), the section list, and the current screen.
// Keyboard: Alt+1…9 jumps to a section; ↑/↓ move between sections in the list.
import { AppShell, Group, Kbd, NavLink, Text, Title } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { useRef, type KeyboardEvent, type ReactNode } from 'react'
import { sections, useUiStore } from '../../stores/ui-store'
import { SECTION_LABELS } from './sections'
import { ThemeToggle } from './ThemeToggle'

export function AppShellLayout({ children }: { children: ReactNode }): ReactNode {
  const section = useUiStore((s) => s.section)
  const goTo = useUiStore((s) => s.goTo)
  const navRef = useRef<HTMLDivElement>(null)
  const mainRef = useRef<HTMLDivElement>(null)

  useHotkeys(
    sections.map((s, i) => [`alt+${i + 1}`, () => {
      goTo(s)
      mainRef.current?.focus()
    }] as [string, () => void]),
    []
  )

  const onNavKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return
    const buttons = Array.from(navRef.current?.querySelectorAll<HTMLButtonElement>('button[data-section]') ?? [])
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : (at + (e.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length
    buttons[next]?.focus()
    e.preventDefault()
  }

  return (
    <AppShell navbar={{ width: 230, breakpoint: 0 }} header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Title order={1} size="h4">
              PKI Desk
            </Title>
            <Text size="xs" c="dimmed">
              offline certificate authority
            </Text>
          </Group>
          <ThemeToggle />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Sections" ref={navRef} onKeyDown={onNavKey}>
        {sections.map((s, i) => (
          <NavLink
            key={s}
            component="button"
            data-section={s}
            label={SECTION_LABELS[s]}
            rightSection={
              <Kbd size="xs" aria-hidden>
                Alt {i + 1}
              </Kbd>
            }
            active={s === section}
            aria-current={s === section ? 'page' : undefined}
            onClick={() => goTo(s)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main ref={mainRef} tabIndex={-1} aria-label={SECTION_LABELS[section]} style={{ outline: 'none' }}>
        {children}
      </AppShell.Main>
    </AppShell>
  )
}

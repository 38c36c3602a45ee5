import { MantineProvider, Modal, createTheme, type CSSVariablesResolver } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'
import { AppShellLayout } from './features/shell/AppShellLayout'
import { useApplyTheme } from './features/shell/ThemeToggle'
import { Screen } from './features/shell/Screen'
import { WindowDropZone } from './features/sign/WindowDropZone'
import { useSettingsStore } from './stores/settings-store'

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
  // Darker primary shade in light mode: text on light-variant backgrounds keeps 4.5:1.
  primaryShade: { light: 8, dark: 8 },
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } })
  }
})

// Mantine's default "dimmed" text and light-variant text (badges, active links) fall below
// WCAG AA contrast; darker shades in light mode, lighter in dark mode.
const LIGHT_VARIANT_COLORS = ['indigo', 'teal', 'red', 'gray', 'orange', 'yellow', 'blue', 'violet', 'green']
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-primary-color-light-color': 'var(--mantine-color-indigo-9)',
    '--mantine-primary-color-light-hover': 'var(--mantine-color-indigo-1)',
    ...Object.fromEntries(LIGHT_VARIANT_COLORS.map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`])),
    ...Object.fromEntries(LIGHT_VARIANT_COLORS.map((c) => [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`])),
    // Even shade 9 of orange and yellow is too bright on a light background.
    '--mantine-color-orange-light-color': '#a33c0a',
    '--mantine-color-yellow-light-color': '#7a5200',
    // Field errors (12 px text under an input) in Mantine's red-6 are 3.3:1 on white.
    '--mantine-color-error': 'var(--mantine-color-red-9)'
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-primary-color-light-color': 'var(--mantine-color-indigo-3)',
    ...Object.fromEntries(LIGHT_VARIANT_COLORS.map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-3)`])),
    '--mantine-color-error': 'var(--mantine-color-red-4)'
  }
})

function Frame(): ReactNode {
  useApplyTheme()
  const load = useSettingsStore((s) => s.load)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <>
      <AppShellLayout>
        <Screen />
      </AppShellLayout>
      <WindowDropZone />
    </>
  )
}

export function App(): ReactNode {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariables}>
      <Frame />
    </MantineProvider>
  )
}

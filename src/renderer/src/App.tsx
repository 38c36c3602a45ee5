import { MantineProvider, createTheme } from '@mantine/core'
import type { ReactNode } from 'react'
import { AppShellLayout, sectionLabel } from './features/shell/AppShellLayout'
import { Placeholder } from './features/shell/Placeholder'
import { useUiStore, type Section } from './stores/ui-store'

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm', fontFamily: 'system-ui, sans-serif' })

function Screen({ section }: { section: Section }): ReactNode {
  return <Placeholder title={sectionLabel(section)} hint="Nothing here yet." />
}

export function App(): ReactNode {
  const section = useUiStore((s) => s.section)
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <AppShellLayout>
        <Screen section={section} />
      </AppShellLayout>
    </MantineProvider>
  )
}

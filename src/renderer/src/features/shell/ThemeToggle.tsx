// Light/dark/system: follows the OS by default; the choice is main's `theme` setting so the
// CLI, every window and the next start agree.
import { SegmentedControl, useMantineColorScheme, VisuallyHidden } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'
import { useSettingsStore } from '../../stores/settings-store'
import type { SettingsDto } from '../../../../shared/ipc/app'

type Theme = SettingsDto['theme']

export function useApplyTheme(): void {
  const theme = useSettingsStore((s) => s.settings?.theme)
  const { setColorScheme } = useMantineColorScheme()
  useEffect(() => {
    if (theme) setColorScheme(theme === 'system' ? 'auto' : theme)
  }, [theme, setColorScheme])
}

export function ThemeToggle({ label = 'Theme' }: { label?: string }): ReactNode {
  const theme = useSettingsStore((s) => s.settings?.theme ?? 'system')
  const update = useSettingsStore((s) => s.update)
  return (
    <div role="group" aria-label={label}>
      <VisuallyHidden>{label}</VisuallyHidden>
      <SegmentedControl
        size="xs"
        value={theme}
        onChange={(v) => void update({ theme: v as Theme })}
        data={[
          { value: 'system', label: 'System' },
          { value: 'light', label: 'Light' },
          { value: 'dark', label: 'Dark' }
        ]}
      />
    </div>
  )
}

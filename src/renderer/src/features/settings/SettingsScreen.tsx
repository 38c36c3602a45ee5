// Settings: theme, auto-lock, the store (data directory, size, counts, audit status), default
// export formats, whether the OS keychain answers, PKCS#11 modules and their tokens, and backups.
import { Badge, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { PageHeader } from '../../components/PageHeader'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { useSettingsStore } from '../../stores/settings-store'
import { ThemeToggle } from '../shell/ThemeToggle'
import { KeychainStatus } from './KeychainStatus'
import { BackupSection } from '../backup/BackupSection'
import { Pkcs11Section } from './Pkcs11Section'
import { DataSection } from './DataSection'
import { DefaultFormats } from './DefaultFormats'

function AutoLock({ current }: { current: number }): ReactNode {
  const update = useSettingsStore((s) => s.update)
  const [minutes, setMinutes] = useState<number | string>(current)
  const [error, setError] = useState<AppError | null>(null)
  const [saved, setSaved] = useState(false)

  const saveAutoLock = async (): Promise<void> => {
    setSaved(false)
    const value = typeof minutes === 'number' ? minutes : Number(minutes)
    const r = await update({ autoLockMinutes: value })
    if (r.ok) {
      setError(null)
      setSaved(true)
    } else setError(r.error)
  }

  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="xs">
        Auto-lock
      </Title>
      <Group align="flex-end">
        <NumberInput
          label="Lock unlocked keys after (minutes idle)"
          min={1}
          max={1440}
          w={380}
          value={minutes}
          onChange={setMinutes}
          onBlur={() => void saveAutoLock()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void saveAutoLock()
          }}
          error={fieldError(error, 'autoLockMinutes')}
        />
        {saved ? (
          <Badge color="teal" variant="light" mb={6}>
            Saved
          </Badge>
        ) : null}
      </Group>
      {error && !fieldError(error, 'autoLockMinutes') ? <ErrorNote error={error} /> : null}
    </Card>
  )
}

export function SettingsScreen(): ReactNode {
  const settings = useSettingsStore((s) => s.settings)
  const autoLock = settings?.autoLockMinutes
  return (
    <Stack gap="md" maw={720}>
      <PageHeader title="Settings" description="How PKI Desk looks, how long unlocked keys stay unlocked, where the store is and what it holds, default formats, keys and backups." />
      <Card withBorder>
        <Title order={3} size="h5" mb="xs">
          Appearance
        </Title>
        <Group justify="space-between">
          <Text size="sm">Follow the system theme, or choose light or dark.</Text>
          <ThemeToggle label="Theme (settings)" />
        </Group>
      </Card>
      {autoLock === undefined ? null : <AutoLock current={autoLock} />}
      <DataSection />
      {settings ? <DefaultFormats settings={settings} /> : null}
      <KeychainStatus />
      <Pkcs11Section />
      <BackupSection />
    </Stack>
  )
}

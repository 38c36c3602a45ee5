// Settings → Backup: make an encrypted backup of the whole store (every CA key re-sealed
// under the backup key), protected by a backup passphrase or split into share files, one per
// custodian; restore one; and when to be reminded. Main asks where to save and which files
// to read: no path or key ever comes from this screen.
import { Badge, Button, Card, Group, NumberInput, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { BackupSummaryDto } from '../../../../shared/ipc/backup'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { useBackupStore } from '../../stores/backup-store'
import { useSettingsStore } from '../../stores/settings-store'
import { BackupStatusLine } from './BackupStatusLine'
import { RestoreModal } from './RestoreModal'

interface Custodian {
  name: string
  passphrase: string
}

function Reminder(): ReactNode {
  const settings = useSettingsStore((s) => s.settings)
  const update = useSettingsStore((s) => s.update)
  const [error, setError] = useState<AppError | null>(null)
  if (!settings) return null
  const save = async (patch: { backupReminderDays?: number; backupReminderIssuances?: number }): Promise<void> => {
    const r = await update(patch)
    setError(r.ok ? null : r.error)
  }
  return (
    <Group align="flex-end">
      <NumberInput
        label="Remind after (days without a backup)"
        min={1}
        max={365}
        w={260}
        defaultValue={settings.backupReminderDays}
        onBlur={(e) => void save({ backupReminderDays: Number(e.currentTarget.value) })}
        error={fieldError(error, 'backupReminderDays')}
      />
      <NumberInput
        label="…or after (certificates issued)"
        min={1}
        max={1_000_000}
        w={260}
        defaultValue={settings.backupReminderIssuances}
        onBlur={(e) => void save({ backupReminderIssuances: Number(e.currentTarget.value) })}
        error={fieldError(error, 'backupReminderIssuances')}
      />
    </Group>
  )
}

/** The Backup card's id: Settings → Data's "Go to Backup" scrolls to it and focuses it. */
export const BACKUP_SECTION_ID = 'settings-backup'

export function BackupSection(): ReactNode {
  const status = useBackupStore((s) => s.status)
  const load = useBackupStore((s) => s.load)
  const [mode, setMode] = useState<'passphrase' | 'shares'>('passphrase')
  const [passphrase, setPassphrase] = useState('')
  const [shares, setShares] = useState<number | string>(3)
  const [threshold, setThreshold] = useState<number | string>(2)
  const [custodians, setCustodians] = useState<Custodian[]>([])
  const [keyPassphrase, setKeyPassphrase] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [made, setMade] = useState<(BackupSummaryDto & { shareFiles: string[] }) | null>(null)
  const [busy, setBusy] = useState(false)
  const [restoring, setRestoring] = useState<'restore' | 'verify' | null>(null)
  useEffect(() => void load(), [load])
  const total = typeof shares === 'number' ? shares : Number(shares) || 0
  const custodianAt = (i: number): Custodian => custodians[i] ?? { name: '', passphrase: '' }
  const setCustodian = (i: number, patch: Partial<Custodian>): void =>
    setCustodians((all) => Array.from({ length: Math.max(all.length, i + 1) }, (_, j) => (j === i ? { ...custodianAt(i), ...patch } : (all[j] ?? { name: '', passphrase: '' }))))

  const create = async (): Promise<void> => {
    setBusy(true)
    setMade(null)
    const r = await pki.backup.create({
      protection: mode,
      ...(mode === 'passphrase' ? { passphrase } : { shares: total, threshold: Number(threshold), custodians: Array.from({ length: total }, (_, i) => custodianAt(i)).map((c) => (c.name.trim() ? { name: c.name.trim(), ...(c.passphrase ? { passphrase: c.passphrase } : {}) } : null)) }),
      ...(keyPassphrase ? { keyPassphrase } : {})
    })
    setBusy(false)
    if (!r.ok) return setError(r.error)
    setError(null)
    if (r.value.backup) {
      setMade(r.value.backup)
      setPassphrase('')
      setKeyPassphrase('')
      setCustodians([])
    }
  }

  return (
    <Card withBorder component="section" id={BACKUP_SECTION_ID} tabIndex={-1} aria-labelledby={`${BACKUP_SECTION_ID}-title`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h5" id={`${BACKUP_SECTION_ID}-title`}>
            Backup
          </Title>
          <Group gap="xs">
            <Button variant="default" onClick={() => setRestoring('verify')}>
              Verify a backup…
            </Button>
            <Button variant="default" onClick={() => setRestoring('restore')}>
              Restore from a backup…
            </Button>
          </Group>
        </Group>
        {status ? <BackupStatusLine status={status} /> : null}
        <Text size="sm">
          One encrypted file holds the whole store — authorities, certificates, CRLs, profiles, connectors, the audit trail — and every key, sealed again under the backup key. Connector credentials are not included: enter them again after a restore.
        </Text>
        <SegmentedControl
          aria-label="Protect the backup with"
          value={mode}
          onChange={(v) => setMode(v as 'passphrase' | 'shares')}
          data={[
            { value: 'passphrase', label: 'A backup passphrase' },
            { value: 'shares', label: 'Shares for custodians (M of N)' }
          ]}
        />
        {mode === 'passphrase' ? (
          <PasswordInput label="Backup passphrase (at least 12 characters)" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} error={fieldError(error, 'passphrase')} />
        ) : (
          <Stack gap="xs">
            <Group>
              <NumberInput label="Shares" min={2} max={16} w={120} value={shares} onChange={setShares} />
              <NumberInput label="Needed to restore" min={2} max={16} w={160} value={threshold} onChange={setThreshold} error={fieldError(error, 'threshold')} />
            </Group>
            <Text size="xs" c="dimmed">
              Each share is a text file you can print. Name its custodian and, optionally, seal it under the custodian&apos;s own passphrase.
            </Text>
            {Array.from({ length: Math.min(total, 16) }, (_, i) => (
              <Group key={i} grow>
                <TextInput label={`Share ${i + 1}: custodian`} placeholder="optional" value={custodianAt(i).name} onChange={(e) => setCustodian(i, { name: e.currentTarget.value })} />
                <PasswordInput label={`Share ${i + 1}: custodian passphrase`} placeholder="optional" value={custodianAt(i).passphrase} onChange={(e) => setCustodian(i, { passphrase: e.currentTarget.value })} />
              </Group>
            ))}
          </Stack>
        )}
        <PasswordInput
          label="Passphrase of locked CA keys (optional)"
          description="Keys in the keychain and unlocked keys need nothing; a locked passphrase key is opened with this, or unlock it in Authorities first."
          value={keyPassphrase}
          onChange={(e) => setKeyPassphrase(e.currentTarget.value)}
          error={fieldError(error, 'keyPassphrase')}
        />
        <Group>
          <Button onClick={() => void create()} loading={busy}>
            Make a backup…
          </Button>
          {made ? (
            <Badge color="teal" variant="light">
              Saved
            </Badge>
          ) : null}
        </Group>
        {made ? (
          <Text size="sm" role="status">
            Backup {made.backupId.slice(0, 8)} written to {made.file}: {made.counts.authorities} authorities, {made.counts.certificates} certificates, {made.keys.length} keys.
            {made.shareFiles.length ? ` Share files: ${made.shareFiles.length} (give one to each custodian; keep them apart from the backup).` : ''}
          </Text>
        ) : null}
        <ErrorNote error={error && !['passphrase', 'threshold', 'keyPassphrase'].includes(error.field ?? '') ? error : null} />
        <Reminder />
      </Stack>
      {restoring ? <RestoreModal mode={restoring} onClose={() => setRestoring(null)} /> : null}
    </Card>
  )
}

// Settings → Default formats: the format the certificate export dialog starts with and the one
// a CRL is saved in (also what `pkidesk crl generate` writes without --format). Saved on change.
import { Badge, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { ExportFormat } from '../../../../shared/domain/certificate'
import type { CrlFormat, SettingsDto } from '../../../../shared/ipc/app'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { useSettingsStore } from '../../stores/settings-store'
import { EXPORT_FORMATS } from '../certificates/ExportDialog'

const CRL_FORMATS: { value: CrlFormat; label: string }[] = [
  { value: 'der', label: 'DER (binary .crl)' },
  { value: 'pem', label: 'PEM (Base64 text)' }
]

export function DefaultFormats({ settings }: { settings: SettingsDto }): ReactNode {
  const update = useSettingsStore((s) => s.update)
  const [error, setError] = useState<AppError | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const save = async (patch: Pick<Partial<SettingsDto>, 'certificateExportFormat' | 'crlFormat'>, what: string): Promise<void> => {
    setSaved(null)
    const r = await update(patch)
    setError(r.ok ? null : r.error)
    if (r.ok) setSaved(what)
  }
  const exportLine = EXPORT_FORMATS.find((f) => f.value === settings.certificateExportFormat)?.line
  const placed = fieldError(error, 'certificateExportFormat') ?? fieldError(error, 'crlFormat')

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Default formats
          </Title>
          {saved ? (
            <Badge color="teal" variant="light">
              {saved} saved
            </Badge>
          ) : null}
        </Group>
        <NativeSelect
          label="Certificate export format"
          description={exportLine ? `What the export dialog starts with. ${exportLine}` : 'What the export dialog starts with.'}
          data={EXPORT_FORMATS.map((f) => ({ value: f.value, label: f.label }))}
          value={settings.certificateExportFormat}
          onChange={(e) => void save({ certificateExportFormat: e.currentTarget.value as ExportFormat }, 'Export format')}
          error={fieldError(error, 'certificateExportFormat')}
          w={420}
        />
        <NativeSelect
          label="CRL save format"
          description="How a CRL’s Save… (Authorities) writes it, and what pkidesk crl generate writes without --format. DER is what a CRL distribution point serves."
          data={CRL_FORMATS}
          value={settings.crlFormat}
          onChange={(e) => void save({ crlFormat: e.currentTarget.value as CrlFormat }, 'CRL format')}
          error={fieldError(error, 'crlFormat')}
          w={420}
        />
        <Text size="xs" c="dimmed">
          A PFX always asks for its password; the default only preselects the format.
        </Text>
        {error && !placed ? <ErrorNote error={error} /> : null}
      </Stack>
    </Card>
  )
}

// Export the inventory's selection: one file per certificate (named by serial) plus a bundle
// of them all, into a folder the operator picks. Main writes the files as it makes them (no
// certificate crosses IPC), with progress for a big selection and Stop between slices. The
// same service as `pkidesk cert export --serials-file F --out DIR`.
import { Alert, Button, Group, Modal, Progress, Radio, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { plural } from '../../lib/format'
import { selectionRequest, selectionSize, type InventorySelection } from '../../stores/certificates-store'
import { cancelBulk, newBulkOperationId, useBulkProgress } from './bulk-progress'

type BulkFormat = 'pem' | 'der' | 'p7b'

const FORMATS: { value: BulkFormat; label: string; line: string }[] = [
  { value: 'pem', label: 'PEM', line: 'SERIAL.pem per certificate (Base64 text) and bundle.pem with them all.' },
  { value: 'der', label: 'DER', line: 'SERIAL.cer per certificate (binary) and bundle.p7b (PKCS#7) with them all.' },
  { value: 'p7b', label: 'PKCS#7', line: 'SERIAL.p7b per certificate and bundle.p7b with them all; no chain, no key.' }
]

/** The folder of the first written file (the paths are main's, absolute). */
const folderOf = (path: string): string => path.replace(/[\\/][^\\/]*$/, '')

export function BulkExportModal({ selection, onClose }: { selection: InventorySelection; onClose(): void }): ReactNode {
  const [format, setFormat] = useState<BulkFormat>('pem')
  const [operationId, setOperationId] = useState<string | null>(null)
  const [stopping, setStopping] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [saved, setSaved] = useState<{ folder: string; files: number; certificates: number; cancelled: boolean } | null>(null)
  const progress = useBulkProgress(operationId)
  const total = selectionSize(selection)
  const running = operationId !== null

  const submit = async (): Promise<void> => {
    const id = newBulkOperationId('export')
    setOperationId(id)
    setError(null)
    setSaved(null)
    const r = await pki.files.exportSelection({ selection: selectionRequest(selection), format, operationId: id })
    setOperationId(null)
    setStopping(false)
    if (!r.ok) return setError(r.error)
    if (r.value.saved) setSaved({ folder: folderOf(r.value.paths[0] ?? ''), files: r.value.paths.length, certificates: r.value.certificates, cancelled: r.value.cancelled })
  }

  return (
    <Modal opened onClose={running ? () => undefined : onClose} closeOnEscape={!running} withCloseButton={!running} title={`Export ${plural(total, 'certificate')}`} size="lg">
      <Stack gap="sm">
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v as BulkFormat)}>
          <Stack gap={8} mt={6}>
            {FORMATS.map((f) => (
              <Radio key={f.value} value={f.value} label={f.label} description={f.line} disabled={running} />
            ))}
          </Stack>
        </Radio.Group>
        <Text size="xs" c="dimmed">
          You choose the folder next. Files already there are kept: a name that is taken gets “ (2)”.
        </Text>
        {running ? (
          <Stack gap={4} role="status" aria-live="polite">
            <Progress value={progress && progress.total ? (100 * progress.done) / progress.total : 0} animated aria-label="Export progress" />
            <Text size="xs" c="dimmed">
              {stopping ? 'Stopping after the slice in progress…' : progress ? `Writing… ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')}` : 'Waiting for the folder…'}
            </Text>
          </Stack>
        ) : null}
        {saved ? (
          <Alert color={saved.cancelled ? 'yellow' : 'teal'} variant="light" role="status" title={saved.cancelled ? 'Export stopped' : 'Exported'}>
            <Text size="sm">
              {saved.cancelled
                ? `${plural(saved.files, 'file')} written to ${saved.folder} before the stop (no bundle).`
                : `${plural(saved.certificates, 'certificate')} written to ${saved.folder}: ${plural(saved.files, 'file')} with the bundle.`}
            </Text>
          </Alert>
        ) : null}
        <ErrorNote error={error} />
        <Group justify="flex-end">
          {running ? (
            <Button
              variant="default"
              disabled={stopping || !progress}
              onClick={() => {
                setStopping(true)
                if (operationId) cancelBulk(operationId)
              }}
            >
              Stop
            </Button>
          ) : (
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          )}
          <Button onClick={() => void submit()} loading={running}>
            Export…
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

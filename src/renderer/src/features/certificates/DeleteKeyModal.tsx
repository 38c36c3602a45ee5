// Delete the private key PKI Desk holds for an end-entity certificate, on request. The
// certificate stays in the inventory, without a key; the deletion is audited.
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateSummary } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'

export function DeleteKeyModal({ certificate, onClose }: { certificate: CertificateSummary; onClose(): void }): ReactNode {
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.vault.deleteCertificateKey({ certificateId: certificate.id })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title={`Delete the private key of ${certificate.commonName || certificate.subjectText}`}>
      <Stack gap="sm">
        <Text size="sm">
          The key is erased from the vault and cannot be recovered: export it first if anyone still needs it. The certificate stays in the inventory, and can still be
          revoked; the deletion is recorded in the audit trail.
        </Text>
        <ErrorNote error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => void submit()} loading={busy}>
            Delete key
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

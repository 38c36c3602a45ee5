// Revoke a certificate: the reason (RFC 5280 names, explained) and the optional invalidity date.
// A certificate on hold is revoked again for a final reason (its revocation date stays the hold's).
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateSummary, RevocationReason } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'

export const REASONS: { value: RevocationReason; label: string }[] = [
  { value: 'unspecified', label: 'Unspecified' },
  { value: 'keyCompromise', label: 'Key compromise: the private key leaked or may have' },
  { value: 'cACompromise', label: 'CA compromise' },
  { value: 'affiliationChanged', label: 'Affiliation changed: the subject’s name or organization changed' },
  { value: 'superseded', label: 'Superseded: replaced by a new certificate' },
  { value: 'cessationOfOperation', label: 'Cessation of operation: no longer needed' },
  { value: 'certificateHold', label: 'Certificate hold: suspended until released (the only reversible reason)' },
  { value: 'privilegeWithdrawn', label: 'Privilege withdrawn' },
  { value: 'aACompromise', label: 'AA compromise' }
]

export function RevokeModal({ certificate, onClose }: { certificate: CertificateSummary; onClose(): void }): ReactNode {
  const held = certificate.revocationReason === 'certificateHold'
  const reasons = held ? REASONS.filter((r) => r.value !== 'certificateHold') : REASONS
  const [reason, setReason] = useState<RevocationReason>('superseded')
  const [invalidity, setInvalidity] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.certificates.revoke({
      id: certificate.id,
      reason,
      ...(invalidity ? { invalidityDate: new Date(`${invalidity}T00:00:00Z`).toISOString() } : {})
    })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title={`Revoke ${certificate.commonName || certificate.subjectText}`}>
      <Stack gap="sm">
        <Text size="sm">
          {held
            ? 'The certificate is on hold. Revoking it for a final reason cannot be undone; it stays on the CRL with that reason.'
            : reason === 'certificateHold'
              ? 'A hold suspends the certificate: the next CRL lists it until you release it from the certificate view.'
              : 'Revocation cannot be undone. The next CRL of the issuing CA lists this certificate.'}
        </Text>
        <Select label="Reason" data={reasons} value={reason} onChange={(v) => v && setReason(v as RevocationReason)} allowDeselect={false} error={fieldError(error, 'reason')} />
        <TextInput
          type="date"
          label="Invalid since (optional)"
          description="When you know or suspect the key became unsafe (UTC date)."
          value={invalidity}
          onChange={(e) => setInvalidity(e.currentTarget.value)}
          error={fieldError(error, 'invalidityDate')}
        />
        <ErrorNote error={error && !fieldError(error, 'reason') && !fieldError(error, 'invalidityDate') ? error : null} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => void submit()} loading={busy}>
            {reason === 'certificateHold' ? 'Put on hold' : 'Revoke'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

// Revoke the inventory's selection. It opens on main's dry run: how many certificates the
// selection revokes, a sample of them, and those it leaves as they are and why (already
// revoked, on hold, not issued here). The operator then picks the reason and confirms; main
// revokes in slices (one transaction each, one audit entry per certificate) with progress,
// and Stop ends the run between two slices. The same service as `pkidesk cert revoke`.
import { Alert, Button, Group, List, Loader, Modal, Progress, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { RevocationReason } from '../../../../shared/domain/certificate'
import type { RevokeManyResponse, SkippedCertificate } from '../../../../shared/ipc/certificates'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { plural } from '../../lib/format'
import { selectionRequest, type InventorySelection } from '../../stores/certificates-store'
import { cancelBulk, newBulkOperationId, useBulkProgress } from './bulk-progress'
import { REASONS } from './RevokeModal'

/** Certificates the dry run lists by name; all are counted. */
const SAMPLE = 8

const SKIP_WORDS: Record<SkippedCertificate['why'], string> = {
  'already-revoked': 'already revoked',
  'on-hold': 'on hold (release it, or revoke it alone from its view for a final reason)',
  'not-issued-here': 'not issued by a CA held here',
  'not-found': 'no longer in the store'
}

/** "2 already revoked, 1 on hold (…)": the skipped certificates counted by why. */
function skippedSummary(skipped: readonly SkippedCertificate[]): string {
  const counts = new Map<SkippedCertificate['why'], number>()
  for (const s of skipped) counts.set(s.why, (counts.get(s.why) ?? 0) + 1)
  return [...counts].map(([why, n]) => `${n.toLocaleString('en-US')} ${SKIP_WORDS[why]}`).join('; ')
}

export function BulkRevokeModal({ selection, onClose, onRevoked }: { selection: InventorySelection; onClose(): void; onRevoked(): void }): ReactNode {
  const [dry, setDry] = useState<RevokeManyResponse | null>(null)
  const [reason, setReason] = useState<RevocationReason>('superseded')
  const [invalidity, setInvalidity] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [operationId, setOperationId] = useState<string | null>(null)
  const [stopping, setStopping] = useState(false)
  const [result, setResult] = useState<RevokeManyResponse | null>(null)
  const progress = useBulkProgress(operationId)

  useEffect(() => {
    let current = true
    void pki.certificates.revokeMany({ selection: selectionRequest(selection), reason: 'superseded', dryRun: true, listLimit: SAMPLE }).then((r) => {
      if (!current) return
      if (r.ok) setDry(r.value)
      else setError(r.error)
    })
    return () => {
      current = false
    }
  }, [selection])

  const running = operationId !== null && result === null
  const submit = async (): Promise<void> => {
    const id = newBulkOperationId('revoke')
    setOperationId(id)
    setError(null)
    const r = await pki.certificates.revokeMany({
      operationId: id,
      selection: selectionRequest(selection),
      reason,
      dryRun: false,
      listLimit: 0,
      ...(invalidity ? { invalidityDate: new Date(`${invalidity}T00:00:00Z`).toISOString() } : {})
    })
    setStopping(false)
    if (!r.ok) {
      setOperationId(null)
      return setError(r.error)
    }
    setResult(r.value)
    onRevoked()
  }
  const matched = dry?.matched ?? 0

  return (
    <Modal opened onClose={running ? () => undefined : onClose} closeOnEscape={!running} withCloseButton={!running} title="Revoke the selected certificates" size="lg">
      <Stack gap="sm">
        {!dry && !error ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">Counting what the selection revokes…</Text>
          </Group>
        ) : null}
        {dry && !result ? (
          <>
            <Text size="sm" fw={600} data-testid="bulk-revoke-count">
              {matched > 0 ? `${plural(matched, 'certificate')} will be revoked.` : 'Nothing in the selection can be revoked.'}
            </Text>
            {matched > 0 ? (
              <Text size="sm">
                {reason === 'certificateHold'
                  ? 'A hold suspends them: the next CRL of each issuing CA lists them until each is released.'
                  : 'Revocation cannot be undone. The next CRL of each issuing CA lists them.'}
              </Text>
            ) : null}
            {dry.items.length > 0 ? (
              <Table withTableBorder striped aria-label="Certificates to revoke (a sample)" fz="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Serial</Table.Th>
                    <Table.Th>Subject</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {dry.items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td ff="monospace">{c.serial.toUpperCase()}</Table.Td>
                      <Table.Td>{c.subjectText}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : null}
            {matched > dry.items.length ? <Text size="xs" c="dimmed">…and {plural(matched - dry.items.length, 'more certificate')}.</Text> : null}
            {dry.skipped.length > 0 ? (
              <Alert color="yellow" variant="light" title={`${plural(dry.skipped.length, 'certificate')} left as ${dry.skipped.length === 1 ? 'it is' : 'they are'}`} data-testid="bulk-revoke-skipped">
                <Text size="sm">{skippedSummary(dry.skipped)}.</Text>
                <List size="xs" mt={4}>
                  {dry.skipped.slice(0, 5).map((k) => (
                    <List.Item key={`${k.serial}-${k.id ?? ''}`}>
                      <Text span ff="monospace" size="xs">
                        {k.serial.toUpperCase()}
                      </Text>
                      : {SKIP_WORDS[k.why]}
                    </List.Item>
                  ))}
                </List>
                {dry.skipped.length > 5 ? <Text size="xs">…and {plural(dry.skipped.length - 5, 'more')}.</Text> : null}
              </Alert>
            ) : null}
            <Select label="Reason" data={REASONS} value={reason} onChange={(v) => v && setReason(v as RevocationReason)} allowDeselect={false} disabled={running || matched === 0} error={fieldError(error, 'reason')} />
            <TextInput
              type="date"
              label="Invalid since (optional)"
              description="When you know or suspect the keys became unsafe (UTC date)."
              value={invalidity}
              onChange={(e) => setInvalidity(e.currentTarget.value)}
              disabled={running || matched === 0}
              error={fieldError(error, 'invalidityDate')}
            />
          </>
        ) : null}
        {running ? (
          <Stack gap={4} role="status" aria-live="polite">
            <Progress value={progress && progress.total ? (100 * progress.done) / progress.total : 0} animated aria-label="Revocation progress" />
            <Text size="xs" c="dimmed">
              {stopping ? 'Stopping after the slice in progress…' : `Revoking… ${(progress?.done ?? 0).toLocaleString('en-US')} of ${matched.toLocaleString('en-US')}`}
            </Text>
          </Stack>
        ) : null}
        {result ? (
          <Alert color={result.cancelled ? 'yellow' : 'teal'} variant="light" role="status" title={result.cancelled ? 'Revocation stopped' : 'Revoked'}>
            <Text size="sm">
              {result.cancelled
                ? `${plural(result.revoked, 'certificate')} of ${result.matched.toLocaleString('en-US')} revoked before the stop; the other ${(result.matched - result.revoked).toLocaleString('en-US')} were not changed.`
                : `${plural(result.revoked, 'certificate')} revoked (${reason}).`}{' '}
              Generate a CRL in Authorities to publish {result.revoked === 1 ? 'it' : 'them'}.
            </Text>
          </Alert>
        ) : null}
        <ErrorNote error={error && !fieldError(error, 'reason') && !fieldError(error, 'invalidityDate') ? error : null} />
        <Group justify="flex-end">
          {running ? (
            <Button
              variant="default"
              disabled={stopping}
              onClick={() => {
                setStopping(true)
                if (operationId) cancelBulk(operationId)
              }}
            >
              Stop
            </Button>
          ) : (
            <Button variant="default" onClick={onClose}>
              {result ? 'Done' : 'Cancel'}
            </Button>
          )}
          {!result ? (
            <Button color="red" onClick={() => void submit()} loading={running} disabled={!dry || matched === 0}>
              {reason === 'certificateHold' ? `Put ${plural(matched, 'certificate')} on hold` : `Revoke ${plural(matched, 'certificate')}`}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Modal>
  )
}

// One request of the batch: who asks, for which names, with which key; whether its
// signature checks; the profile's findings; and, after signing, its result.
import { Alert, Badge, Button, Card, CloseButton, Code, Group, Stack, Table, Text } from '@mantine/core'
import { memo, useState, type ReactNode } from 'react'
import type { OperatorFields, OperatorInputPatch } from '../../../../shared/domain/profile'
import { EnteredFields, findingFor } from './EnteredFields'
import type { Preview, SignItem } from '../../stores/sign-store'
import { sanText } from '../../lib/names'
import { tone } from '../../lib/colors'
import { colonHex } from '../../lib/format'
import { PreviewTable } from '../../components/PreviewTable'
import { FindingsList } from '../../components/FindingsList'
import { StructureView } from '../structure/StructureView'

function keyText(item: SignItem): string {
  const k = item.csr?.publicKey
  if (!k) return '—'
  if (k.family === 'rsa') return `RSA ${k.size} bits`
  if (k.family === 'ec') return `ECDSA ${k.curve ?? `${k.size} bits`}`
  return k.family === 'ed25519' ? 'Ed25519' : 'Ed448'
}

interface CsrCardProps {
  readonly item: SignItem
  readonly preview: Preview | undefined
  readonly showPreview: boolean
  /** Stable (the store's own remove), so a card re-renders only when its own props change. */
  readonly onRemove: (key: string) => void
  readonly disabled: boolean
  /** The fields the profile lets the operator enter, when it has any: the card may override the batch's values. */
  readonly fields?: OperatorFields | undefined
  readonly batchInput: OperatorInputPatch
  readonly ownInput: OperatorInputPatch | undefined
  /** Stable (the store's own setter), like onRemove. */
  readonly onInput: (key: string, input: OperatorInputPatch) => void
  readonly profileHash: string
}

/**
 * Memoized: while a batch runs, main's progress events re-render the screen many times a
 * second, and a batch may hold thousands of cards; only the cards whose result came back redraw.
 */
export const CsrCard = memo(function CsrCard({ item, preview, showPreview, onRemove, disabled, fields, batchInput, ownInput, onInput, profileHash }: CsrCardProps): ReactNode {
  const [editing, setEditing] = useState(false)
  const [structure, setStructure] = useState(false)
  const title = item.csr ? item.csr.subjectText || '(empty subject)' : item.described ? item.described.subjectText || '(empty subject)' : 'No request could be read'
  const errors = preview?.findings.filter((f) => f.severity === 'error') ?? []
  const warnings = preview?.findings.filter((f) => f.severity === 'warning') ?? []
  return (
    <Card withBorder padding="sm" component="article" aria-label={`Request ${title}`} data-testid="csr-card">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={600} size="sm" truncate>
              {title}
            </Text>
            <Text size="xs" c="dimmed">
              from {item.source}
            </Text>
          </Stack>
          <Group gap={6} wrap="nowrap">
            {item.result ? (
              item.result.ok ? (
                <Badge color="teal">Signed</Badge>
              ) : item.result.error.code === 'CANCELLED' ? (
                <Badge color="gray">Cancelled</Badge>
              ) : (
                <Badge color="red">Not signed</Badge>
              )
            ) : item.error ? (
              <Badge color="red">Cannot sign</Badge>
            ) : errors.length ? (
              <Badge color="red">Refused by profile</Badge>
            ) : warnings.length ? (
              <Badge color="yellow">Needs confirmation</Badge>
            ) : (
              <Badge color="teal" variant="light">
                Ready
              </Badge>
            )}
            <CloseButton aria-label={`Remove ${title}`} onClick={() => onRemove(item.key)} disabled={disabled} />
          </Group>
        </Group>
        {item.csr ? (
          <Table variant="vertical" fz="xs" withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              {item.result?.ok ? (
                <Table.Tr>
                  <Table.Th w={130}>Serial number</Table.Th>
                  <Table.Td>
                    {/* The whole serial (16 bytes): a cut one reads as a shorter serial. */}
                    <Code fz="xs" data-testid="issued-serial" style={{ wordBreak: 'break-all' }}>
                      {colonHex(item.result.serial)}
                    </Code>
                  </Table.Td>
                </Table.Tr>
              ) : null}
              {item.result?.ok && (item.result.file || item.result.fileError) ? (
                <Table.Tr>
                  <Table.Th w={130}>File</Table.Th>
                  <Table.Td c={item.result.fileError ? tone('red') : undefined}>{item.result.fileError ? `Not written: ${item.result.fileError}` : item.result.file}</Table.Td>
                </Table.Tr>
              ) : null}
              <Table.Tr>
                <Table.Th w={130}>Names (SAN)</Table.Th>
                <Table.Td>{item.csr.sans.length ? item.csr.sans.map(sanText).join(', ') : 'none requested'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Td>
                  {keyText(item)} · SPKI SHA-256 <Code fz="xs">{item.csr.publicKey.sha256.slice(0, 16)}…</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Signature</Table.Th>
                <Table.Td>
                  {item.csr.signatureValid ? (
                    <Text span fz="xs" c={tone('teal')}>
                      ✓ valid ({item.csr.signatureAlgorithm})
                    </Text>
                  ) : (
                    <Text span fz="xs" c={tone('red')}>
                      ✗ does not verify ({item.csr.signatureAlgorithm})
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
              {item.csr.requestedExtensions.length ? (
                <Table.Tr>
                  <Table.Th>Asks for</Table.Th>
                  <Table.Td>{item.csr.requestedExtensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`).join(', ')}</Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        ) : null}
        {fields && item.csr && !item.error && !item.result?.ok ? (
          <Stack gap={4}>
            <Group gap="xs">
              <Button
                variant="subtle"
                size="compact-xs"
                aria-expanded={editing}
                aria-controls={`values-${item.key}`}
                onClick={() => setEditing((e) => !e)}
                disabled={disabled}
              >
                {editing ? 'Hide values for this request' : 'Values for this request…'}
              </Button>
              {ownInput ? (
                <Badge size="xs" variant="light" color="blue">
                  own values
                </Badge>
              ) : null}
            </Group>
            {editing ? (
              <div id={`values-${item.key}`}>
                <EnteredFields
                  fields={fields}
                  value={ownInput ?? {}}
                  onChange={(v) => onInput(item.key, v)}
                  batch={batchInput}
                  errorFor={(field, values) => findingFor(errors, field, values)?.message}
                  profileHash={profileHash}
                  idPrefix={`card-${item.key}`}
                  disabled={disabled}
                />
              </div>
            ) : null}
          </Stack>
        ) : null}
        {item.pem ? (
          <Stack gap={4}>
            <Button
              variant="subtle"
              size="compact-xs"
              style={{ alignSelf: 'flex-start' }}
              aria-expanded={structure}
              aria-controls={`structure-${item.key}`}
              onClick={() => setStructure((s) => !s)}
            >
              {structure ? 'Hide structure' : 'Structure (ASN.1)…'}
            </Button>
            {structure ? (
              <div id={`structure-${item.key}`}>
                <StructureView source={{ kind: 'csr', pem: item.pem }} label={`ASN.1 structure of the request ${title}`} />
              </div>
            ) : null}
          </Stack>
        ) : null}
        {item.described ? (
          // Described before refused: what the request is, then (below) why it cannot be signed.
          <Table variant="vertical" fz="xs" withRowBorders={false} verticalSpacing={2} data-testid="described">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={130}>Names (SAN)</Table.Th>
                <Table.Td>{item.described.sans.length ? item.described.sans.map(sanText).join(', ') : 'none requested'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Td>{item.described.key}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Signature</Table.Th>
                <Table.Td>
                  {item.described.signatureAlgorithm} ·{' '}
                  {item.described.signatureValid === null ? 'cannot be checked here' : item.described.signatureValid ? 'verifies' : 'does not verify'}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        ) : null}
        {item.error ? (
          <Alert color="red" variant="light" p="xs" role="alert" data-error-code={item.error.code}>
            <Text size="sm">{item.error.message}</Text>
          </Alert>
        ) : null}
        {preview?.error ? (
          <Alert color="red" variant="light" p="xs" role="alert" data-error-code={preview.error.code}>
            <Text size="sm">{preview.error.message}</Text>
          </Alert>
        ) : null}
        <FindingsList findings={preview?.findings ?? []} />
        {showPreview ? (
          preview?.rows.length ? (
            <PreviewTable rows={preview.rows} label={`Preview of ${title}`} bordered />
          ) : (
            // The switch never stays silent: a card without a preview says why.
            <Text size="xs" c="dimmed" data-testid="preview-note">
              {!item.csr || item.error || item.result?.ok ? 'No preview: this request will not be signed again.' : preview?.error ? 'No preview: the profile could not be applied (see above).' : 'Preview loading…'}
            </Text>
          )
        ) : null}
        {item.result && !item.result.ok ? (
          <Alert color={item.result.error.code === 'CANCELLED' ? 'gray' : 'red'} variant="light" p="xs" role="alert" data-error-code={item.result.error.code}>
            <Text size="sm">{item.result.error.message}</Text>
            {/* Main's own findings at signing time: the preview may predate a profile change. */}
            {item.result.error.details?.findings && item.result.error.details.findings.length > 1 ? (
              <FindingsList findings={item.result.error.details.findings} label="Findings at signing" />
            ) : null}
          </Alert>
        ) : null}
      </Stack>
    </Card>
  )
})

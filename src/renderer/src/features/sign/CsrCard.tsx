// One request of the batch: who asks, for which names, with which key; whether its
// signature checks; the profile's findings; and, after signing, its result.
import { Alert, Badge, Card, Code, CloseButton, Group, List, Stack, Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { SignItem } from '../../stores/sign-store'
import type { Preview } from './use-previews'
import { sanText } from '../../lib/names'
import { tone } from '../../lib/colors'
import { PreviewTable } from '../../components/PreviewTable'

function keyText(item: SignItem): string {
  const k = item.csr?.publicKey
  if (!k) return '—'
  if (k.family === 'rsa') return `RSA ${k.size} bits`
  if (k.family === 'ec') return `ECDSA ${k.curve ?? `${k.size} bits`}`
  return k.family === 'ed25519' ? 'Ed25519' : 'Ed448'
}

export function CsrCard({ item, preview, showPreview, onRemove, disabled }: { item: SignItem; preview: Preview | undefined; showPreview: boolean; onRemove(): void; disabled: boolean }): ReactNode {
  const title = item.csr ? item.csr.subjectText || '(empty subject)' : 'No request could be read'
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
                <Badge color="teal">Signed · serial {item.result.serial.slice(0, 12)}</Badge>
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
            <CloseButton aria-label={`Remove ${title}`} onClick={onRemove} disabled={disabled} />
          </Group>
        </Group>
        {item.csr ? (
          <Table variant="vertical" fz="xs" withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
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
        {errors.length || warnings.length ? (
          <List size="xs" spacing={2} aria-label="Profile findings">
            {[...errors, ...warnings].map((f, i) => (
              <List.Item key={i}>
                <Text span fz="xs" c={tone(f.severity === 'error' ? 'red' : 'yellow')} fw={600}>
                  {f.severity === 'error' ? 'Refused' : 'Warning'}
                </Text>{' '}
                <Text span fz="xs">
                  {f.message} <Code fz="xs">{f.field}</Code>
                </Text>
              </List.Item>
            ))}
          </List>
        ) : null}
        {showPreview && preview?.rows.length ? (
          <PreviewTable rows={preview.rows} label={`Preview of ${title}`} bordered />
        ) : null}
        {item.result && !item.result.ok ? (
          <Alert color="red" variant="light" p="xs" role="alert" data-error-code={item.result.error.code}>
            <Text size="sm">{item.result.error.message}</Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  )
}

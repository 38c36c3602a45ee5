// Connections to remote CA platforms and the outbox: nothing leaves this machine until you
// run a sync. Each queued action shows its state; failed ones can be retried or discarded.
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppError } from '../../../../shared/errors'
import { CONNECTOR_TYPE_LABELS, type ConnectorDto, type OutboxState } from '../../../../shared/domain/sync'
import { pki } from '../../api/pki'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { formatDateTime } from '../../lib/format'
import { useSyncStore } from '../../stores/sync-store'
import { ConnectorModal } from './ConnectorModal'
import { tone } from '../../lib/colors'

const STATE_COLOR: Record<OutboxState, string> = { queued: 'blue', running: 'violet', done: 'teal', failed: 'red' }

export function ConnectionsScreen(): ReactNode {
  const { connectors, outbox, status, loaded, error, load } = useSyncStore(
    useShallow((s) => ({ connectors: s.connectors, outbox: s.outbox, status: s.status, loaded: s.loaded, error: s.error, load: s.load }))
  )
  const [adding, setAdding] = useState(false)
  const [editing, setEditing] = useState<ConnectorDto | null>(null)
  const [actionError, setActionError] = useState<AppError | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  useEffect(() => {
    void load()
  }, [load])

  const act = async (p: Promise<{ ok: boolean; error?: AppError }>): Promise<void> => {
    const r = await p
    setActionError(r.ok ? null : (r.error ?? null))
    void load()
  }
  const run = async (): Promise<void> => {
    setRunning(true)
    setNote(null)
    const r = await pki.sync.run({})
    setRunning(false)
    if (r.ok)
      setNote(
        `${r.value.reclaimed ? `${r.value.reclaimed} item${r.value.reclaimed === 1 ? '' : 's'} of an interrupted run resumed. ` : ''}Sync finished: ${r.value.done} done, ${r.value.failed} failed, ${r.value.remaining} still queued.`
      )
    else setActionError(r.error)
    void load()
  }
  const test = async (name: string): Promise<void> => {
    const r = await pki.connectors.test({ name })
    if (r.ok) setNote(`${name}: ${r.value.message}`)
    else setActionError(r.error)
  }

  return (
    <Stack gap="md">
      <PageHeader
        title="Connections"
        description="Remote CA platforms. Queued actions wait in the outbox until you run a sync: nothing goes online on its own."
        actions={
          <>
            <Button onClick={() => setAdding(true)}>Add connector</Button>
            <Button variant="default" onClick={() => void run()} loading={running} disabled={!status?.counts.queued}>
              Run sync now
            </Button>
          </>
        }
      />
      <ErrorNote error={error ?? actionError} />
      {note ? (
        <Alert color="blue" variant="light" role="status">
          {note}
        </Alert>
      ) : null}
      {loaded && connectors.length === 0 ? (
        <Empty title="No connector" next="Add one to pull profiles from, or send requests to, a remote CA platform. PKI Desk works fully offline without any." />
      ) : null}
      {connectors.length ? (
        <Card withBorder padding="sm">
          <Title order={3} size="h5" mb="xs">
            Connectors
          </Title>
          <Table fz="sm" aria-label="Connectors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>Credential</Table.Th>
                <Table.Th>Queue</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connectors.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    {c.name} {c.enabled ? null : <Badge color="gray">disabled</Badge>}
                  </Table.Td>
                  <Table.Td>{CONNECTOR_TYPE_LABELS[c.type]}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{c.baseUrl}</Table.Td>
                  <Table.Td>
                    {c.settings.credentialEnv ? (
                      <Text span size="sm" c={c.hasCredential ? undefined : tone('orange')}>
                        ${c.settings.credentialEnv}
                        {c.hasCredential ? '' : ' (not set)'}
                      </Text>
                    ) : c.hasCredential ? (
                      'stored'
                    ) : (
                      <Text span c={tone('orange')} size="sm">
                        missing
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {c.queued} queued · {c.failed} failed
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="default" onClick={() => setEditing(c)} aria-label={`Edit connector ${c.name}`}>
                        Edit
                      </Button>
                      <Button size="compact-xs" variant="default" onClick={() => void test(c.name)}>
                        Test
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ) : null}
      <Card withBorder padding="sm">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h5">
            Outbox
          </Title>
          {status ? (
            <Text size="xs" c="dimmed">
              {status.counts.queued} queued · {status.counts.failed} failed · {status.counts.done} done
              {status.lastRun ? ` · last sync ${formatDateTime(status.lastRun.finishedAt)}` : ''}
            </Text>
          ) : null}
        </Group>
        {outbox.length === 0 ? (
          <Text size="sm" c="dimmed">
            The outbox is empty.
          </Text>
        ) : (
          <Table fz="sm" aria-label="Outbox">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>What</Table.Th>
                <Table.Th>Connector</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outbox.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td style={{ maxWidth: 480 }}>
                    {o.summary}
                    {o.notes.length ? (
                      <Stack gap={0} mt={2} aria-label={`Notes of outbox item ${o.id}`}>
                        {o.notes.map((n, i) => (
                          <Text key={i} size="xs" c="dimmed">
                            note: {n}
                          </Text>
                        ))}
                      </Stack>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{o.connectorName}</Table.Td>
                  <Table.Td style={{ minWidth: 120 }}>
                    <Badge color={o.state === 'queued' && o.nextAttemptAt ? 'yellow' : STATE_COLOR[o.state]} variant="light">
                      {o.state === 'queued' && o.nextAttemptAt ? 'backing off' : o.state}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{o.attempts}</Table.Td>
                  <Table.Td>
                    {o.lastError && o.state === 'queued' ? (
                      <Text size="xs">
                        Still queued{o.nextAttemptAt ? `; next attempt ${formatDateTime(o.nextAttemptAt)}` : ''}. Last error: {o.lastError.message}
                      </Text>
                    ) : o.lastError ? (
                      <Text size="xs" c={tone('red')}>
                        {o.lastError.message}
                      </Text>
                    ) : (
                      <Text size="xs">{o.resultSummary ?? (o.nextAttemptAt ? `next attempt ${formatDateTime(o.nextAttemptAt)}` : '—')}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {o.state === 'failed' || (o.state === 'queued' && o.nextAttemptAt) ? (
                        <Button size="compact-xs" variant="default" onClick={() => void act(pki.sync.retry({ id: o.id }))}>
                          {o.state === 'failed' ? 'Retry' : 'Try at next run'}
                        </Button>
                      ) : null}
                      {o.state === 'failed' || o.state === 'queued' ? (
                        <Button size="compact-xs" variant="subtle" color="red" onClick={() => void act(pki.sync.discard({ id: o.id }))}>
                          Discard
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {adding || editing ? (
        <ConnectorModal
          {...(editing ? { connector: editing } : {})}
          onClose={() => {
            setAdding(false)
            setEditing(null)
            void load()
          }}
        />
      ) : null}
    </Stack>
  )
}

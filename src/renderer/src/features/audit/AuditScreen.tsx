// The audit trail: whether its hash chain is intact, the newest entries, and an export.
import { Alert, Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { useEffect, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppError } from '../../../../shared/errors'
import { pki } from '../../api/pki'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { textToBase64 } from '../../lib/files'
import { formatDateTime, plural } from '../../lib/format'
import { useAuditStore } from '../../stores/audit-store'

export function AuditScreen(): ReactNode {
  const { verdict, entries, total, loaded, error, load, setFilter, filter } = useAuditStore(
    useShallow((s) => ({ verdict: s.verdict, entries: s.entries, total: s.total, loaded: s.loaded, error: s.error, load: s.load, setFilter: s.setFilter, filter: s.filter }))
  )
  const [search, setSearch] = useState(filter)
  const [exportError, setExportError] = useState<AppError | null>(null)
  const [exported, setExported] = useState<string | null>(null)
  const apply = useDebouncedCallback((v: string) => setFilter(v), 250)
  useEffect(() => {
    void load()
  }, [load])

  const exportTrail = async (): Promise<void> => {
    setExported(null)
    const r = await pki.audit.export({})
    if (!r.ok) return setExportError(r.error)
    const s = await pki.files.save({ title: 'Export audit trail', file: { name: r.value.fileName, base64: textToBase64(r.value.jsonl) } })
    setExportError(s.ok ? null : s.error)
    if (s.ok && s.value.saved) setExported(`${plural(r.value.entries, 'entry', 'entries')} saved; head hash ${r.value.headHash.slice(0, 16)}…`)
  }

  return (
    <Stack gap="md">
      <PageHeader
        title="Audit trail"
        description="Every operation, hash-chained: altering, removing or reordering an entry breaks the chain."
        actions={
          <>
            <Button variant="default" onClick={() => void load()}>
              Verify again
            </Button>
            <Button variant="default" onClick={() => void exportTrail()}>
              Export…
            </Button>
          </>
        }
      />
      {verdict ? (
        <Alert color={verdict.intact ? 'teal' : 'red'} variant="light" title={verdict.intact ? 'Integrity verified' : 'Integrity broken'} data-testid="audit-verdict" role="status">
          <Text size="sm">{verdict.message}</Text>
          {/* The message already carries the reason of a break: said once. */}
          {verdict.intact ? (
            <Text size="xs" c="dimmed">
              Head hash <Code>{verdict.headHash.slice(0, 32)}…</Code>
            </Text>
          ) : (
            <Text size="xs">Keep this store as it is for investigation and compare it with your latest backup.</Text>
          )}
        </Alert>
      ) : null}
      <ErrorNote error={error} />
      <ErrorNote error={exportError} title="Not exported" />
      {exported ? (
        <Alert color="teal" variant="light" role="status">
          {exported}
        </Alert>
      ) : null}
      <Group>
        <TextInput
          label="Filter by subject"
          w={320}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value)
            apply(e.currentTarget.value)
          }}
        />
        <Text size="sm" c="dimmed" mt={24}>
          {plural(total, 'entry', 'entries')}
          {entries.length < total ? ` (newest ${entries.length} shown)` : ''}
        </Text>
      </Group>
      {loaded && entries.length === 0 ? (
        <Empty title={filter ? 'No entry matches' : 'The trail is empty'} next={filter ? 'Clear the filter.' : 'Operations such as creating a CA or signing a certificate are recorded here.'} />
      ) : (
        <Table striped highlightOnHover fz="sm" aria-label="Audit entries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>#</Table.Th>
              <Table.Th w={200}>When</Table.Th>
              <Table.Th w={110}>Who</Table.Th>
              <Table.Th w={200}>Action</Table.Th>
              <Table.Th>Subject</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td>{e.seq}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                <Table.Td>{e.actor}</Table.Td>
                <Table.Td>
                  <Code>{e.action}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{e.subject}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}

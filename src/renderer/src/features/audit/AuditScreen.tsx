// The audit trail: whether its hash chain is intact; the entries in words (who, what, which
// certificate by CN and serial, which CA, profile, reason, outcome), searchable by CN,
// serial, CA and action, filtered by action and date; one entry's recorded details and hash
// link; and an export of the trail or of the filtered view.
import { Alert, Badge, Button, Card, Code, Grid, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppError } from '../../../../shared/errors'
import type { AuditEntryDto } from '../../../../shared/ipc/audit'
import { pki } from '../../api/pki'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { auditWords, AUDIT_ACTIONS } from '../../lib/audit-words'
import { textToBase64 } from '../../lib/files'
import { formatDateTime, plural } from '../../lib/format'
import { NO_AUDIT_FILTER, useAuditStore } from '../../stores/audit-store'
import { useAuthoritiesStore } from '../../stores/authorities-store'

const OUTCOME_COLOR = { done: 'teal', failed: 'red', undone: 'orange' } as const

function EntryDetail({ entry }: { entry: AuditEntryDto }): ReactNode {
  let pretty = entry.details
  try {
    pretty = JSON.stringify(JSON.parse(entry.details), null, 2)
  } catch {
    /* shown as recorded */
  }
  return (
    <Card withBorder padding="sm" aria-label={`Audit entry ${entry.seq}`} data-testid="audit-detail">
      <Title order={3} size="h5" mb="xs">
        Entry {entry.seq}
      </Title>
      <Table variant="vertical" layout="fixed" fz="xs">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={110}>Action</Table.Th>
            <Table.Td>
              <Code>{entry.action}</Code>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Subject</Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>{entry.subject}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Follows</Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>
              {entry.seq > 1 ? `entry ${entry.seq - 1}, whose hash is ` : 'the start of the trail: '}
              <Code fz="xs">{entry.prevHash}</Code>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Hash</Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>
              <Code fz="xs">{entry.hash}</Code>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="xs" fw={600} mt="xs">
        Recorded details (as hashed)
      </Text>
      <Code block fz="xs" tabIndex={0} style={{ maxHeight: 260, overflow: 'auto' }}>
        {pretty}
      </Code>
    </Card>
  )
}

export function AuditScreen(): ReactNode {
  const { verdict, entries, total, loaded, error, load, setQuery, query } = useAuditStore(
    useShallow((s) => ({ verdict: s.verdict, entries: s.entries, total: s.total, loaded: s.loaded, error: s.error, load: s.load, setQuery: s.setQuery, query: s.query }))
  )
  const authorities = useAuthoritiesStore((s) => s.items)
  const loadAuthorities = useAuthoritiesStore((s) => s.load)
  const [search, setSearch] = useState(query.search)
  const [selected, setSelected] = useState<number | null>(null)
  const [exportError, setExportError] = useState<AppError | null>(null)
  const [exported, setExported] = useState<string | null>(null)
  const apply = useDebouncedCallback((v: string) => setQuery({ search: v }), 250)
  useEffect(() => {
    void load()
    void loadAuthorities()
  }, [load, loadAuthorities])
  const words = useMemo(() => new Map(entries.map((e) => [e.seq, auditWords(e, authorities)])), [entries, authorities])
  const filtered = query.search.trim() !== '' || query.action !== null || query.from !== '' || query.to !== ''
  const current = entries.find((e) => e.seq === selected) ?? null

  const exportTrail = async (): Promise<void> => {
    setExported(null)
    if (filtered) {
      // The filtered view: the entries shown, one JSON object per line, exactly as hashed.
      const jsonl = entries.map((e) => JSON.stringify(e)).join('\n') + '\n'
      const s = await pki.files.save({ title: 'Export the filtered audit entries', file: { name: `audit-filtered-${entries.length}.jsonl`, base64: textToBase64(jsonl) } })
      setExportError(s.ok ? null : s.error)
      if (s.ok && s.value.saved) setExported(`${plural(entries.length, 'entry', 'entries')} of the filtered view saved${entries.length < total ? ` (the newest ${entries.length} of ${total})` : ''}.`)
      return
    }
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
              {filtered ? 'Export filtered…' : 'Export…'}
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
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="CN, serial, CA or action"
          w={280}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value)
            apply(e.currentTarget.value)
          }}
        />
        <Select label="Action" placeholder="Any" clearable searchable w={240} data={AUDIT_ACTIONS} value={query.action} onChange={(v) => setQuery({ action: v })} />
        <TextInput label="From" type="date" w={150} value={query.from} onChange={(e) => setQuery({ from: e.currentTarget.value })} />
        <TextInput label="To" type="date" w={150} value={query.to} onChange={(e) => setQuery({ to: e.currentTarget.value })} />
        <Button
          variant="subtle"
          disabled={!filtered}
          onClick={() => {
            setSearch('')
            setQuery(NO_AUDIT_FILTER)
          }}
        >
          Reset filters
        </Button>
        <Text size="sm" c="dimmed" mb={8} aria-live="polite" data-testid="audit-count">
          {plural(total, 'entry', 'entries')}
          {filtered ? ' match' : ''}
          {entries.length < total ? ` (newest ${entries.length} shown)` : ''}
        </Text>
      </Group>
      {loaded && entries.length === 0 ? (
        <Empty title={filtered ? 'No entry matches' : 'The trail is empty'} next={filtered ? 'Loosen the search or reset the filters.' : 'Operations such as creating a CA or signing a certificate are recorded here.'} />
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, lg: current ? 7 : 12 }}>
            <Table striped highlightOnHover fz="sm" aria-label="Audit entries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={56}>#</Table.Th>
                  <Table.Th w={170}>When</Table.Th>
                  <Table.Th w={90}>Who</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th w={90}>Outcome</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => {
                  const w = words.get(e.seq)!
                  return (
                    <Table.Tr
                      key={e.seq}
                      onClick={() => setSelected(e.seq)}
                      onKeyDown={(k) => {
                        if (k.key === 'Enter' || k.key === ' ') setSelected(e.seq)
                      }}
                      tabIndex={0}
                      aria-selected={e.seq === selected}
                      style={{ cursor: 'pointer' }}
                    >
                      <Table.Td>{e.seq}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td>{e.actor}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-word' }}>
                        <Text size="sm" fw={500}>
                          {w.what}
                        </Text>
                        {w.facts.length ? (
                          <Text size="xs" c="dimmed">
                            {w.facts.join(' · ')}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Badge size="sm" variant="light" color={OUTCOME_COLOR[w.outcome]}>
                          {w.outcome}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Grid.Col>
          {current ? (
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <EntryDetail entry={current} />
            </Grid.Col>
          ) : null}
        </Grid>
      )}
    </Stack>
  )
}

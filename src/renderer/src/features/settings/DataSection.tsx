// Settings → Data: where the store lives (reveal it in the file manager, copy its path), its
// size on disk, what it holds, whether the audit trail is intact, and the way to the backup.
import { Alert, Anchor, Badge, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppError } from '../../../../shared/errors'
import type { StoreInfoDto } from '../../../../shared/ipc/app'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { byteSize, plural } from '../../lib/format'
import { useAuditStore } from '../../stores/audit-store'
import { useUiStore } from '../../stores/ui-store'
import { BACKUP_SECTION_ID } from '../backup/BackupSection'


function AuditStatus(): ReactNode {
  const { verdict, verify } = useAuditStore(useShallow((s) => ({ verdict: s.verdict, verify: s.verify })))
  const goTo = useUiStore((s) => s.goTo)
  useEffect(() => void verify(), [verify])
  if (!verdict) return <Text size="sm">Checking the audit trail…</Text>
  return (
    <Group justify="space-between" wrap="nowrap" data-testid="settings-audit-status">
      {verdict.intact ? (
        <Text size="sm">
          <Badge color="teal" variant="light" mr="xs">
            Intact
          </Badge>
          {plural(verdict.entries, 'entry', 'entries')}, every hash link verified.
        </Text>
      ) : (
        <Alert color="red" variant="light" title="The audit trail is broken" role="alert" p="xs" style={{ flex: 1 }}>
          <Text size="sm">{verdict.message}</Text>
        </Alert>
      )}
      <Anchor component="button" type="button" size="sm" onClick={() => goTo('audit')}>
        Open the audit trail
      </Anchor>
    </Group>
  )
}

export function DataSection(): ReactNode {
  const [info, setInfo] = useState<StoreInfoDto | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [done, setDone] = useState<string | null>(null)
  // Read when the screen opens: counts are COUNT(*)s over indexes, cheap even on a large store.
  useEffect(() => {
    let live = true
    void pki.settings.storeInfo({}).then((r) => {
      if (!live) return
      if (r.ok) setInfo(r.value)
      else setError(r.error)
    })
    return () => {
      live = false
    }
  }, [])

  const reveal = async (): Promise<void> => {
    const r = await pki.settings.revealDataDir({})
    setError(r.ok ? null : r.error)
    setDone(r.ok ? 'Shown in the file manager' : null)
  }
  const copy = async (): Promise<void> => {
    const r = await pki.settings.copyDataDir({})
    setError(r.ok ? null : r.error)
    setDone(r.ok ? 'Path copied' : null)
  }
  const toBackup = (): void => {
    const card = document.getElementById(BACKUP_SECTION_ID)
    card?.scrollIntoView({ block: 'start' })
    card?.focus()
  }

  const c = info?.counts
  const rows: [string, string][] = c
    ? [
        ['Certificate authorities', c.authorities.toLocaleString('en-US')],
        [
          'Certificates',
          `${c.certificates.total.toLocaleString('en-US')} (${c.certificates.valid.toLocaleString('en-US')} valid, ${c.certificates.expired.toLocaleString('en-US')} expired, ${c.certificates.revoked.toLocaleString('en-US')} revoked)`
        ],
        ['Profiles', c.profiles.toLocaleString('en-US')],
        ['CRLs', c.crls.toLocaleString('en-US')],
        ['Audit entries', c.auditEntries.toLocaleString('en-US')]
      ]
    : []

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Data
          </Title>
          <Button size="xs" variant="default" onClick={toBackup}>
            Go to Backup
          </Button>
        </Group>
        <div>
          <Text size="sm" fw={500} id="settings-data-dir-label">
            Data directory
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code aria-labelledby="settings-data-dir-label" data-testid="settings-data-dir" style={{ flex: 1, overflowWrap: 'anywhere' }}>
              {info?.dataDir ?? '…'}
            </Code>
            <Button size="xs" variant="default" onClick={() => void reveal()} disabled={!info}>
              Reveal
            </Button>
            <Button size="xs" variant="default" onClick={() => void copy()} disabled={!info}>
              Copy path
            </Button>
          </Group>
          {done ? (
            <Text size="xs" role="status" mt={4}>
              {done}
            </Text>
          ) : null}
          <ErrorNote error={error} />
        </div>
        {info ? (
          <Text size="sm" data-testid="settings-store-size">
            Store on disk: {byteSize(info.databaseBytes + info.walBytes)} ({byteSize(info.databaseBytes)} database, {byteSize(info.walBytes)} write-ahead log)
          </Text>
        ) : null}
        {c ? (
          <Table aria-label="What the store holds" withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row" fw={400} w={220}>
                    {label}
                  </Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        <AuditStatus />
      </Stack>
    </Card>
  )
}

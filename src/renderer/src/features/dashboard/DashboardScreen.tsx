// The dashboard: what needs attention soon — certificates expiring per week, CRLs due.
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { countdown, formatDateTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { latestCrls, useAuthoritiesStore } from '../../stores/authorities-store'
import { EXPIRY_WEEKS, useCertificatesStore } from '../../stores/certificates-store'
import { useUiStore } from '../../stores/ui-store'
import { useAuditStore } from '../../stores/audit-store'
import { ExpiryTimeline } from './ExpiryTimeline'
import { useBackupStore } from '../../stores/backup-store'
import { BackupStatusLine } from '../backup/BackupStatusLine'
import { RestoreModal } from '../backup/RestoreModal'

export function DashboardScreen(): ReactNode {
  const { authorities, crlsByCa, loadAllCrls } = useAuthoritiesStore(useShallow((s) => ({ authorities: s.items, crlsByCa: s.crls, loadAllCrls: s.loadAllCrls })))
  const { stats, error, loadStats } = useCertificatesStore(useShallow((s) => ({ stats: s.stats, error: s.statsError, loadStats: s.loadStats })))
  const goTo = useUiStore((s) => s.goTo)
  const { verdict, verifyAudit } = useAuditStore(useShallow((s) => ({ verdict: s.verdict, verifyAudit: s.verify })))
  const now = useNow(60_000)
  const backup = useBackupStore((s) => s.status)
  const loadBackup = useBackupStore((s) => s.load)
  const [restoring, setRestoring] = useState(false)
  useEffect(() => {
    void loadStats()
    void loadAllCrls()
    void verifyAudit()
    void loadBackup()
  }, [loadStats, loadAllCrls, verifyAudit, loadBackup])
  const crls = useMemo(() => latestCrls(authorities, crlsByCa), [authorities, crlsByCa])

  const noData = stats && stats.total === 0 && authorities.length === 0
  return (
    <Stack gap="md">
      <PageHeader title="Dashboard" description="What needs attention soon." />
      <ErrorNote error={error} />
      {verdict && !verdict.intact ? (
        <Alert color="red" variant="light" title="The audit trail is broken" role="alert" data-testid="dashboard-audit-broken">
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{verdict.message}</Text>
            <Button size="xs" variant="default" onClick={() => goTo('audit')}>
              Open the audit trail
            </Button>
          </Group>
        </Alert>
      ) : null}
      {noData ? (
        <Empty title="Nothing issued yet" next="Create your first certificate authority, then sign requests with it.">
          <Group>
            <Button onClick={() => goTo('authorities')}>Go to Authorities</Button>
            <Button variant="default" onClick={() => setRestoring(true)}>
              Restore from a backup
            </Button>
          </Group>
        </Empty>
      ) : null}
      {restoring ? <RestoreModal onClose={() => setRestoring(false)} /> : null}
      {backup && !noData ? (
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              Backup
            </Title>
            <Button variant="default" size="xs" onClick={() => goTo('settings')}>
              Back up now
            </Button>
          </Group>
          <BackupStatusLine status={backup} />
        </Card>
      ) : null}
      {stats ? (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          {[
            ['Certificates', stats.total],
            ['Expiring in 30 days', stats.within30],
            ['Revoked', stats.revoked],
            ['Authorities', authorities.length]
          ].map(([label, value]) => (
            <Card withBorder key={label} padding="sm">
              <Text size="xs" c="dimmed">
                {label}
              </Text>
              <Text size="xl" fw={700}>
                {Number(value).toLocaleString('en-US')}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      ) : null}
      <Card withBorder>
        <Title order={3} size="h5" mb="sm">
          Certificates expiring per week (next {EXPIRY_WEEKS} weeks)
        </Title>
        {stats ? <ExpiryTimeline weeks={stats.weeks} /> : <Text size="sm">Loading…</Text>}
      </Card>
      <Card withBorder>
        <Title order={3} size="h5" mb="sm">
          CRLs due
        </Title>
        {crls.length === 0 ? (
          <Text size="sm" c="dimmed">
            No CRL published yet. Generate one from a CA in Authorities.
          </Text>
        ) : (
          <Table fz="sm" aria-label="CRLs due">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>CA</Table.Th>
                <Table.Th>CRL number</Table.Th>
                <Table.Th>Next update</Table.Th>
                <Table.Th>Due</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {crls.map((c) => {
                const overdue = new Date(c.nextUpdate).getTime() < now.getTime()
                const soon = !overdue && new Date(c.nextUpdate).getTime() - now.getTime() < 2 * 86_400_000
                return (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.authorityName}</Table.Td>
                    <Table.Td>{c.crlNumber}</Table.Td>
                    <Table.Td>{formatDateTime(c.nextUpdate)}</Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        {countdown(c.nextUpdate, now)}
                        {overdue ? <Badge color="red">overdue</Badge> : soon ? <Badge color="orange">soon</Badge> : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  )
}

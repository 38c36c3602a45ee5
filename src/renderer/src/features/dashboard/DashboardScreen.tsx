// The dashboard: what needs attention soon — certificates expiring per week, CRLs due.
import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError, Result } from '../../../../shared/errors'
import type { CrlSummary } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { countdown, formatDateTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { useLoaded } from '../../lib/use-loaded'
import { useUiStore } from '../../stores/ui-store'
import { ExpiryTimeline, type WeekCount } from './ExpiryTimeline'

const WEEKS = 26

interface Stats {
  readonly total: number
  readonly revoked: number
  readonly within30: number
  readonly weeks: readonly WeekCount[]
}

/** Per-week counts from cumulative "expiring within N days" totals: one cheap query per week. */
async function loadStats(): Promise<Result<Stats>> {
  const count = async (req: Parameters<typeof pki.certificates.list>[0]): Promise<number | AppError> => {
    const r = await pki.certificates.list({ ...req, limit: 1 })
    return r.ok ? r.value.total : r.error
  }
  const cumulative = await Promise.all(Array.from({ length: WEEKS + 1 }, (_, k) => count({ expiringWithinDays: 7 * k })))
  const [total, revoked, within30] = await Promise.all([count({}), count({ status: 'revoked' }), count({ expiringWithinDays: 30 })])
  const all = [...cumulative, total, revoked, within30]
  const failed = all.find((c): c is AppError => typeof c !== 'number')
  if (failed) return { ok: false, error: failed }
  const nums = cumulative as number[]
  const now = Date.now()
  const weeks = Array.from({ length: WEEKS }, (_, k) => ({ start: new Date(now + 7 * k * 86_400_000), count: nums[k + 1]! - nums[k]! }))
  return { ok: true, value: { total: total as number, revoked: revoked as number, within30: within30 as number, weeks } }
}

export function DashboardScreen(): ReactNode {
  const authorities = useAuthoritiesStore((s) => s.items)
  const loadAuthorities = useAuthoritiesStore((s) => s.load)
  const goTo = useUiStore((s) => s.goTo)
  const [crls, setCrls] = useState<readonly (CrlSummary & { authorityName: string })[]>([])
  const now = useNow(60_000)
  const { value: stats, error } = useLoaded(loadStats, ['certificates'])
  useEffect(() => {
    void loadAuthorities()
  }, [loadAuthorities])

  useEffect(() => {
    let stale = false
    void Promise.all(
      authorities.map(async (a) => {
        const r = await pki.crl.list({ authorityId: a.id })
        if (!r.ok || r.value.items.length === 0) return null
        const latest = r.value.items.reduce((x, y) => (y.crlNumber > x.crlNumber ? y : x))
        return { ...latest, authorityName: a.name }
      })
    ).then((list) => {
      if (!stale) setCrls(list.filter((c): c is CrlSummary & { authorityName: string } => c !== null).sort((a, b) => a.nextUpdate.localeCompare(b.nextUpdate)))
    })
    return () => {
      stale = true
    }
  }, [authorities])

  const noData = stats && stats.total === 0 && authorities.length === 0
  return (
    <Stack gap="md">
      <PageHeader title="Dashboard" description="What needs attention soon." />
      <ErrorNote error={error} />
      {noData ? (
        <Empty title="Nothing issued yet" next="Create your first certificate authority, then sign requests with it.">
          <Button onClick={() => goTo('authorities')}>Go to Authorities</Button>
        </Empty>
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
          Certificates expiring per week (next {WEEKS} weeks)
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

// The certificate inventory: search, filters, sort, and the virtualized table with its
// selection (rows picked, or all that the filter matches) for Revoke… and Export…; or, when
// one is open, the certificate view.
import { Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core'
import { useDebouncedCallback, useHotkeys } from '@mantine/hooks'
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { CertificateStatus } from '../../../../shared/domain/certificate'
import { Empty } from '../../components/Empty'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { plural } from '../../lib/format'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { DEFAULT_QUERY, selectionSize, useCertificatesStore, type InventorySelection, type SortField } from '../../stores/certificates-store'
import { useProfilesStore } from '../../stores/profiles-store'
import { useUiStore } from '../../stores/ui-store'
import { CertificateView } from './CertificateView'
import { ColumnChooser } from './ColumnChooser'
import { InventoryTable, visibleColumns, type RowSelection } from './InventoryTable'
import { BulkExportModal } from './BulkExportModal'
import { BulkRevokeModal } from './BulkRevokeModal'

/** What the selection bar says and offers: the count, "Select all N matching", Clear, Revoke…, Export…. */
function SelectionBar({ total, filtered, onRevoke, onExport }: { total: number; filtered: boolean; onRevoke(): void; onExport(): void }): ReactNode {
  const { selection, selectAllMatching, clearSelection } = useCertificatesStore(useShallow((s) => ({ selection: s.selection, selectAllMatching: s.selectAllMatching, clearSelection: s.clearSelection })))
  const n = selectionSize(selection)
  if (n === 0) return null
  const all = selection.kind === 'filter'
  return (
    <Group gap="sm" role="region" aria-label="Selection" data-testid="selection-bar">
      <Text size="sm" fw={600} aria-live="polite" data-testid="selection-count">
        {all ? `All ${plural(n, 'certificate')} ${filtered ? 'matching the filter' : 'in the store'} selected` : `${plural(n, 'certificate')} selected`}
      </Text>
      {!all && total > n ? (
        <Button size="xs" variant="light" onClick={selectAllMatching}>
          Select all {total.toLocaleString('en-US')} {filtered ? 'matching the filter' : 'certificates'}
        </Button>
      ) : null}
      <Button size="xs" variant="subtle" onClick={clearSelection}>
        Clear selection
      </Button>
      <Button size="xs" color="red" variant="light" onClick={onRevoke}>
        Revoke…
      </Button>
      <Button size="xs" variant="light" onClick={onExport}>
        Export…
      </Button>
    </Group>
  )
}

function Inventory(): ReactNode {
  const { query, items, total, loaded, loading, error, setQuery, reload, loadMore } = useCertificatesStore(
    useShallow((s) => ({ query: s.query, items: s.items, total: s.total, loaded: s.loaded, loading: s.loading, error: s.error, setQuery: s.setQuery, reload: s.reload, loadMore: s.loadMore }))
  )
  const authorities = useAuthoritiesStore((s) => s.items)
  const loadAuthorities = useAuthoritiesStore((s) => s.load)
  const openCertificate = useUiStore((s) => s.openCertificate)
  const columnChoices = useUiStore((s) => s.inventoryColumns)
  const profiles = useProfilesStore((s) => s.items)
  const loadProfiles = useProfilesStore((s) => s.load)
  const profileName = useCallback((id: string) => profiles.find((p) => p.id === id)?.name ?? id, [profiles])
  const [search, setSearch] = useState(query.search)
  const searchRef = useRef<HTMLInputElement>(null)
  const applySearch = useDebouncedCallback((v: string) => setQuery({ search: v }), 200)
  useHotkeys([['/', () => searchRef.current?.focus()]])
  useEffect(() => {
    void reload()
    void loadAuthorities()
    void loadProfiles()
  }, [reload, loadAuthorities, loadProfiles])
  const onSort = (field: SortField): void =>
    setQuery({ sort: { field, direction: query.sort.field === field && query.sort.direction === 'asc' ? 'desc' : 'asc' } })
  const onNearEnd = useCallback(() => void loadMore(), [loadMore])
  const filtered = !!(query.search || query.status || query.authorityId || query.expiringWithinDays !== null)
  const { selection, select, clearSelection } = useCertificatesStore(useShallow((s) => ({ selection: s.selection, select: s.select, clearSelection: s.clearSelection })))
  const rowSelection = useMemo<RowSelection>(() => ({ isSelected: (id) => (selection.kind === 'filter' ? true : selection.ids.has(id)), select }), [selection, select])
  /** The bulk dialog open, with the selection as it was when it opened. */
  const [bulk, setBulk] = useState<{ action: 'revoke' | 'export'; selection: InventorySelection } | null>(null)

  return (
    <Stack gap="sm">
      <PageHeader title="Certificates" description="Every certificate PKI Desk issued or imported. Press / to search; ↑ ↓ and Enter in the table, Space selects a row (Shift-click a range) for Revoke… or Export…." />
      <Group align="flex-end" gap="sm">
        <TextInput
          ref={searchRef}
          label="Search"
          placeholder="Subject, name, serial or SHA-256"
          w={320}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value)
            applySearch(e.currentTarget.value)
          }}
          error={fieldError(error, 'search')}
        />
        <Select
          label="Status"
          w={140}
          clearable
          placeholder="Any"
          data={['issued', 'revoked', 'expired']}
          value={query.status}
          onChange={(v) => setQuery({ status: (v as CertificateStatus | null) ?? null })}
        />
        <Select
          label="CA"
          w={220}
          clearable
          placeholder="Any"
          data={authorities.map((a) => ({ value: a.id, label: a.name }))}
          value={query.authorityId}
          onChange={(v) => setQuery({ authorityId: v })}
        />
        <NumberInput
          label="Expires within (days)"
          w={190}
          min={0}
          max={36500}
          placeholder="Any"
          value={query.expiringWithinDays ?? ''}
          onChange={(v) => setQuery({ expiringWithinDays: v === '' ? null : Number(v) })}
          error={fieldError(error, 'expiringWithinDays')}
        />
        <Button
          variant="subtle"
          disabled={!filtered}
          onClick={() => {
            setSearch('')
            setQuery({ ...DEFAULT_QUERY, sort: query.sort })
          }}
        >
          Reset filters
        </Button>
      </Group>
      <Group justify="space-between" align="flex-end" mih={30}>
        <Group gap="lg">
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="inventory-count">
            {loaded ? `${plural(total, 'certificate')}${filtered ? ' match' : ''}` : 'Loading…'}
            {loading && loaded ? ' · loading…' : ''}
          </Text>
          <SelectionBar total={total} filtered={filtered} onRevoke={() => setBulk({ action: 'revoke', selection })} onExport={() => setBulk({ action: 'export', selection })} />
        </Group>
        <ColumnChooser />
      </Group>
      {bulk?.action === 'revoke' ? <BulkRevokeModal selection={bulk.selection} onClose={() => setBulk(null)} onRevoked={clearSelection} /> : null}
      {bulk?.action === 'export' ? <BulkExportModal selection={bulk.selection} onClose={() => setBulk(null)} /> : null}
      <ErrorNote error={error && !fieldError(error, 'search') && !fieldError(error, 'expiringWithinDays') ? error : null} />
      {loaded && total === 0 && !error ? (
        filtered ? (
          <Empty title="No certificate matches" next="Loosen the search or reset the filters." />
        ) : (
          <Empty title="No certificates yet" next="Sign requests (Alt 2) or generate a CSR (Alt 3); issued certificates appear here." />
        )
      ) : (
        <InventoryTable
          items={items}
          total={total}
          sort={query.sort}
          columns={visibleColumns(columnChoices)}
          profileName={profileName}
          selection={rowSelection}
          onSort={onSort}
          onOpen={openCertificate}
          onNearEnd={onNearEnd}
        />
      )}
    </Stack>
  )
}

export function CertificatesScreen(): ReactNode {
  const openId = useUiStore((s) => s.openCertificateId)
  return openId === null ? <Inventory /> : <CertificateView id={openId} />
}

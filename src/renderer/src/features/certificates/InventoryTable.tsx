// The virtualized certificate table: only the visible rows are in the DOM, pages load as the
// operator scrolls. ARIA table roles with row counts; ↑/↓ move between rows, Enter opens,
// Space selects the focused row. A checkbox column selects rows for bulk actions: a click
// toggles one, Shift-click the range from the last one toggled, the header's the loaded rows.
// Every column sorts (in main, on an index: the order holds at any store size); the operator
// chooses which columns show (kept in the ui store, localStorage).
import { Anchor, Box, Checkbox, Text, UnstyledButton } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { CertificateSummary, RenewalLink as Link } from '../../../../shared/domain/certificate'
import { StatusBadge } from '../../components/StatusBadge'
import { formatDate } from '../../lib/format'
import type { InventoryQuery, SortField } from '../../stores/certificates-store'
import classes from './InventoryTable.module.css'

const ROW = 36

/** What a cell needs beyond its row: profile names, and opening another certificate (a renewal link). */
export interface CellContext {
  readonly profileName: (id: string) => string
  readonly onOpen: (id: number) => void
}

const shortSerial = (serial: string, n: number): string => `${serial.slice(0, n)}${serial.length > n ? '…' : ''}`

/** A renewal's other end, by serial: opens that certificate, not the row's own. */
function RenewalCell({ link, label, ctx }: { link: Link | null; label: string; ctx: CellContext }): ReactNode {
  if (!link) return '—'
  const short = shortSerial(link.serial.toUpperCase(), 10)
  return (
    <Anchor
      component="button"
      type="button"
      size="xs"
      className={classes.mono}
      // The row is the tab stop (roving focus); the certificate view links the same renewal for the keyboard.
      tabIndex={-1}
      aria-label={`${label} ${short}`}
      title={`${label} ${link.serial.toUpperCase()}`}
      onClick={(e) => {
        e.stopPropagation()
        ctx.onOpen(link.id)
      }}
    >
      {short}
    </Anchor>
  )
}

export interface Column {
  readonly key: string
  readonly label: string
  readonly sort: SortField
  readonly width: string
  /** The subject always shows: it names the row. */
  readonly required?: boolean
  /** Shown until the operator hides it. */
  readonly shownByDefault: boolean
  readonly mono?: boolean
  readonly title?: (c: CertificateSummary) => string
  readonly render: (c: CertificateSummary, ctx: CellContext) => ReactNode
}

export const COLUMNS: readonly Column[] = [
  {
    key: 'subject',
    label: 'Subject',
    sort: 'subject',
    width: 'minmax(130px, 2fr)',
    required: true,
    shownByDefault: true,
    title: (c) => c.subjectText,
    render: (c) => (
      <Text span size="sm" fw={500}>
        {c.commonName || c.subjectText}
      </Text>
    )
  },
  { key: 'sans', label: 'Names (SAN)', sort: 'sans', width: 'minmax(100px, 1.4fr)', shownByDefault: true, title: (c) => c.sans.join(', '), render: (c) => c.sans.join(', ') },
  { key: 'serial', label: 'Serial', sort: 'serial', width: '104px', shownByDefault: true, mono: true, title: (c) => c.serial.toUpperCase(), render: (c) => shortSerial(c.serial.toUpperCase(), 10) },
  {
    key: 'profile',
    label: 'Profile',
    sort: 'profile',
    width: 'minmax(80px, 1fr)',
    shownByDefault: true,
    render: (c, ctx) => (c.profileId ? ctx.profileName(c.profileId) : c.isCa || c.source !== 'local' ? '—' : 'built-in')
  },
  { key: 'notBefore', label: 'Issued on', sort: 'notBefore', width: '84px', shownByDefault: true, render: (c) => formatDate(c.notBefore) },
  { key: 'notAfter', label: 'Expires', sort: 'notAfter', width: '84px', shownByDefault: true, render: (c) => formatDate(c.notAfter) },
  { key: 'status', label: 'Status', sort: 'status', width: '80px', shownByDefault: true, render: (c) => <StatusBadge status={c.status} reason={c.revocationReason} /> },
  { key: 'keyHeld', label: 'Key', sort: 'keyHeld', width: '44px', shownByDefault: true, title: (c) => (c.hasKey ? 'The vault holds the private key' : 'The vault does not hold the private key'), render: (c) => (c.hasKey ? 'held' : '—') },
  { key: 'renewalOf', label: 'Renews', sort: 'renewalOf', width: 'minmax(96px, 0.7fr)', shownByDefault: true, render: (c, ctx) => <RenewalCell link={c.renewalOf} label="Renews" ctx={ctx} /> },
  { key: 'renewedBy', label: 'Renewed by', sort: 'renewedBy', width: 'minmax(96px, 0.7fr)', shownByDefault: true, render: (c, ctx) => <RenewalCell link={c.renewedBy} label="Renewed by" ctx={ctx} /> },
  { key: 'issuer', label: 'Issuer', sort: 'issuer', width: 'minmax(120px, 1fr)', shownByDefault: false, title: (c) => c.issuerText, render: (c) => c.issuerText }
]

/** The columns shown: each column's default, unless the operator showed or hid it. */
export function visibleColumns(choices: Readonly<Record<string, boolean>>): readonly Column[] {
  return COLUMNS.filter((c) => c.required || (choices[c.key] ?? c.shownByDefault))
}

/** The selection column: which rows are selected, and how the operator changes that. */
export interface RowSelection {
  isSelected(id: number): boolean
  /** Selects (on) or unselects these rows. */
  select(ids: readonly number[], on: boolean): void
}

const CHECK_WIDTH = '22px'

export function InventoryTable({
  items,
  total,
  sort,
  columns,
  profileName,
  selection,
  onSort,
  onOpen,
  onNearEnd
}: {
  items: readonly CertificateSummary[]
  total: number
  sort: InventoryQuery['sort']
  columns: readonly Column[]
  profileName(id: string): string
  selection: RowSelection
  onSort(field: SortField): void
  onOpen(id: number): void
  onNearEnd(): void
}): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState(0)
  /** The row last toggled: Shift-click selects from it to the clicked row. */
  const [anchor, setAnchor] = useState<number | null>(null)
  const template = [CHECK_WIDTH, ...columns.map((c) => c.width)].join(' ')
  const selectedCount = items.reduce((n, c) => n + (selection.isSelected(c.id) ? 1 : 0), 0)
  const toggle = (index: number, range: boolean): void => {
    const c = items[index]
    if (!c) return
    const on = !selection.isSelected(c.id)
    if (range && anchor !== null && anchor !== index) {
      const [from, to] = anchor < index ? [anchor, index] : [index, anchor]
      selection.select(
        items.slice(from, to + 1).map((x) => x.id),
        on
      )
    } else selection.select([c.id], on)
    setAnchor(index)
  }
  const ctx: CellContext = { profileName, onOpen }
  // The virtualizer hands out fresh functions each render; this component does not memoize them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 12 })
  const virtualItems = virtualizer.getVirtualItems()
  const last = virtualItems[virtualItems.length - 1]?.index ?? 0
  useEffect(() => {
    if (last >= items.length - 50) onNearEnd()
  }, [last, items.length, onNearEnd])

  const move = (to: number): void => {
    const next = Math.max(0, Math.min(items.length - 1, to))
    setActive(next)
    virtualizer.scrollToIndex(next, { align: 'auto' })
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus())
  }
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW)
    const to =
      e.key === 'ArrowDown' ? active + 1 : e.key === 'ArrowUp' ? active - 1 : e.key === 'PageDown' ? active + page : e.key === 'PageUp' ? active - page : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : null
    if (to !== null) {
      e.preventDefault()
      move(to)
    } else if (e.key === 'Enter' && items[active]) {
      e.preventDefault()
      onOpen(items[active].id)
    } else if (e.key === ' ' && items[active]) {
      e.preventDefault()
      toggle(active, e.shiftKey)
    }
  }

  return (
    <Box role="table" aria-label="Certificates" aria-rowcount={total + 1} className={classes.table}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className={classes.header} style={{ gridTemplateColumns: template }}>
          <div role="columnheader" className={classes.cell}>
            <Checkbox
              size="xs"
              aria-label="Select the certificates shown"
              checked={items.length > 0 && selectedCount === items.length}
              indeterminate={selectedCount > 0 && selectedCount < items.length}
              disabled={items.length === 0}
              onChange={() =>
                selection.select(
                  items.map((c) => c.id),
                  selectedCount < items.length
                )
              }
            />
          </div>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" aria-sort={sort.field === c.sort ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined} className={classes.cell}>
              <UnstyledButton onClick={() => onSort(c.sort)} className={classes.sortButton}>
                {c.label}
                {sort.field === c.sort ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
              </UnstyledButton>
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className={classes.scroll} role="rowgroup" onKeyDown={onKey} data-testid="inventory-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((v) => {
            const c = items[v.index]!
            const selected = selection.isSelected(c.id)
            return (
              <div
                key={c.id}
                role="row"
                aria-rowindex={v.index + 2}
                data-index={v.index}
                data-selected={selected || undefined}
                tabIndex={v.index === active ? 0 : -1}
                className={classes.row}
                style={{ gridTemplateColumns: template, transform: `translateY(${v.start}px)`, height: ROW }}
                onClick={() => {
                  setActive(v.index)
                  onOpen(c.id)
                }}
                onFocus={() => setActive(v.index)}
              >
                <div role="cell" className={classes.cell} onClick={(e) => e.stopPropagation()}>
                  <Checkbox
                    size="xs"
                    // The row is the tab stop (roving focus); Space on it toggles this box.
                    tabIndex={-1}
                    aria-label={`Select ${c.commonName || c.subjectText}`}
                    checked={selected}
                    onChange={(e) => {
                      setActive(v.index)
                      toggle(v.index, (e.nativeEvent as Partial<MouseEvent>).shiftKey === true)
                    }}
                  />
                </div>
                {columns.map((col) => (
                  <div key={col.key} role="cell" className={col.mono ? `${classes.cell} ${classes.mono}` : classes.cell} title={col.title?.(c)}>
                    {col.render(c, ctx)}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </Box>
  )
}

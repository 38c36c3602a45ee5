// The virtualized certificate table: only the visible rows are in the DOM, pages load as the
// operator scrolls. ARIA table roles with row counts; ↑/↓ move between rows, Enter opens.
import { Box, Text, UnstyledButton } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { CertificateSummary } from '../../../../shared/domain/certificate'
import { StatusBadge } from '../../components/StatusBadge'
import { formatDate } from '../../lib/format'
import type { InventoryQuery, SortField } from '../../stores/certificates-store'
import classes from './InventoryTable.module.css'

const ROW = 36

const COLUMNS: { key: string; label: string; sort?: SortField; width: string }[] = [
  { key: 'subject', label: 'Subject', sort: 'subject', width: 'minmax(220px, 2fr)' },
  { key: 'sans', label: 'Names (SAN)', width: 'minmax(160px, 1.5fr)' },
  { key: 'serial', label: 'Serial', sort: 'serial', width: '150px' },
  { key: 'notAfter', label: 'Expires', sort: 'notAfter', width: '110px' },
  { key: 'status', label: 'Status', width: '90px' },
  { key: 'issuer', label: 'Issuer', width: 'minmax(140px, 1fr)' }
]
const TEMPLATE = COLUMNS.map((c) => c.width).join(' ')

export function InventoryTable({
  items,
  total,
  sort,
  onSort,
  onOpen,
  onNearEnd
}: {
  items: readonly CertificateSummary[]
  total: number
  sort: InventoryQuery['sort']
  onSort(field: SortField): void
  onOpen(id: number): void
  onNearEnd(): void
}): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState(0)
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
    }
  }

  return (
    <Box role="table" aria-label="Certificates" aria-rowcount={total + 1} className={classes.table}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className={classes.header} style={{ gridTemplateColumns: TEMPLATE }}>
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              aria-sort={c.sort && sort.field === c.sort ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
              className={classes.cell}
            >
              {c.sort ? (
                <UnstyledButton onClick={() => onSort(c.sort!)} className={classes.sortButton}>
                  {c.label}
                  {sort.field === c.sort ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </UnstyledButton>
              ) : (
                c.label
              )}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className={classes.scroll} role="rowgroup" onKeyDown={onKey} data-testid="inventory-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((v) => {
            const c = items[v.index]!
            return (
              <div
                key={c.id}
                role="row"
                aria-rowindex={v.index + 2}
                data-index={v.index}
                tabIndex={v.index === active ? 0 : -1}
                className={classes.row}
                style={{ gridTemplateColumns: TEMPLATE, transform: `translateY(${v.start}px)`, height: ROW }}
                onClick={() => {
                  setActive(v.index)
                  onOpen(c.id)
                }}
                onFocus={() => setActive(v.index)}
              >
                <div role="cell" className={classes.cell} title={c.subjectText}>
                  <Text span size="sm" fw={500}>
                    {c.commonName || c.subjectText}
                  </Text>
                </div>
                <div role="cell" className={classes.cell} title={c.sans.join(', ')}>
                  {c.sans.join(', ')}
                </div>
                <div role="cell" className={`${classes.cell} ${classes.mono}`}>
                  {c.serial.slice(0, 16)}
                  {c.serial.length > 16 ? '…' : ''}
                </div>
                <div role="cell" className={classes.cell}>
                  {formatDate(c.notAfter)}
                </div>
                <div role="cell" className={classes.cell}>
                  <StatusBadge status={c.status} />
                </div>
                <div role="cell" className={classes.cell} title={c.issuerText}>
                  {c.issuerText}
                </div>
              </div>
            )
          })}
        </div>
      </div>
    </Box>
  )
}

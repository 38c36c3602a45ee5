// Which columns the certificates table shows: a checkbox per column (the subject always
// shows), kept across restarts in the ui store.
import { Button, Checkbox, Popover, Stack } from '@mantine/core'
import type { ReactNode } from 'react'
import { useUiStore } from '../../stores/ui-store'
import { COLUMNS, visibleColumns } from './InventoryTable'

export function ColumnChooser(): ReactNode {
  const choices = useUiStore((s) => s.inventoryColumns)
  const show = useUiStore((s) => s.showInventoryColumn)
  const reset = useUiStore((s) => s.resetInventoryColumns)
  const shown = new Set(visibleColumns(choices).map((c) => c.key))
  return (
    <Popover position="bottom-end" withArrow shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" size="xs">
          Columns…
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6} role="group" aria-label="Columns shown">
          {COLUMNS.map((c) => (
            <Checkbox key={c.key} label={c.label} checked={shown.has(c.key)} disabled={c.required} onChange={(e) => show(c.key, e.currentTarget.checked)} />
          ))}
          <Button size="xs" variant="subtle" onClick={reset} disabled={Object.keys(choices).length === 0}>
            Default columns
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}

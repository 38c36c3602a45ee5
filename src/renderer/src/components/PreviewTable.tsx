// The field-by-field preview of a certificate before it is signed: what was asked for, what
// the certificate will contain, and why the two differ. Shown by the Sign screen's cards and
// by the profile editor's sample-CSR preview.
import { Table, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { PreviewRow } from '../../../shared/domain/profile'

export function PreviewTable({ rows, label, bordered = false }: { rows: readonly PreviewRow[]; label: string; bordered?: boolean }): ReactNode {
  return (
    <Table fz="xs" striped withTableBorder={bordered} aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Requested</Table.Th>
          <Table.Th>In the certificate</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.field}>
            <Table.Td>{r.label}</Table.Td>
            <Table.Td>{r.requested ?? '—'}</Table.Td>
            <Table.Td>
              {r.result ?? '—'}
              {r.changed && r.reason ? (
                <Text fz="xs" c="dimmed">
                  {r.reason}
                </Text>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

// A profile's findings, errors first: "Refused" or "Warning", the message and the field at
// fault. Used by the Sign screen's cards and by renewal, which report the same findings.
import { Code, List, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { Finding } from '../../../shared/domain/profile'
import { tone } from '../lib/colors'

export function FindingsList({ findings, label = 'Profile findings' }: { findings: readonly Finding[]; label?: string }): ReactNode {
  if (!findings.length) return null
  const ordered = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')]
  return (
    <List size="xs" spacing={2} aria-label={label}>
      {ordered.map((f, i) => (
        <List.Item key={i}>
          <Text span fz="xs" c={tone(f.severity === 'error' ? 'red' : 'yellow')} fw={600}>
            {f.severity === 'error' ? 'Refused' : 'Warning'}
          </Text>{' '}
          <Text span fz="xs">
            {f.message} <Code fz="xs">{f.field}</Code>
          </Text>
        </List.Item>
      ))}
    </List>
  )
}

// The profile's subject attribute rules as rows: which attribute, whether it is mandatory,
// where its value may come from, a fixed value and a pattern (said in words under it).
// Problems appear on their cell.
import { ActionIcon, Button, Checkbox, Group, MultiSelect, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core'
import type { ReactNode } from 'react'
import type { ValueSource } from '../../../../shared/domain/profile'
import { patternInWords } from '../../../../shared/domain/pattern-words'

export interface RuleDraft {
  type: string
  mandatory?: boolean
  multiple?: boolean
  sources?: ValueSource[]
  value?: string | string[]
  pattern?: string
  maxLength?: number
}

export function SubjectRulesEditor({
  rules,
  onChange,
  issue
}: {
  rules: readonly RuleDraft[]
  onChange(rules: RuleDraft[]): void
  issue(path: string): string | undefined
}): ReactNode {
  const set = (i: number, patch: Partial<RuleDraft>): void => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Subject attribute rules
        </Text>
        <Button size="compact-xs" variant="default" onClick={() => onChange([...rules, { type: '', mandatory: false, sources: ['csr'] }])}>
          Add rule
        </Button>
      </Group>
      {rules.length === 0 ? (
        <Text size="xs" c="dimmed">
          No rules: the subject is taken from the CSR as it is (when the profile honors the CSR subject).
        </Text>
      ) : (
        <Table fz="xs" aria-label="Subject attribute rules" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Attribute</Table.Th>
              <Table.Th>Mandatory</Table.Th>
              <Table.Th>Value from</Table.Th>
              <Table.Th>Fixed value</Table.Th>
              <Table.Th>Pattern</Table.Th>
              <Table.Th>
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.map((r, i) => (
              <Table.Tr key={i}>
                <Table.Td w={110}>
                  <TextInput size="xs" aria-label={`Attribute of rule ${i + 1}`} value={r.type} onChange={(e) => set(i, { type: e.currentTarget.value })} error={issue(`subjectAttributes.${i}.type`)} />
                </Table.Td>
                <Table.Td w={80}>
                  <Checkbox aria-label={`Rule ${i + 1} is mandatory`} checked={!!r.mandatory} onChange={(e) => set(i, { mandatory: e.currentTarget.checked })} />
                </Table.Td>
                <Table.Td w={220}>
                  <MultiSelect
                    size="xs"
                    aria-label={`Value sources of rule ${i + 1}`}
                    data={['csr', 'fixed', 'entered']}
                    value={r.sources ?? ['csr']}
                    onChange={(v) => set(i, { sources: v as ValueSource[] })}
                    error={issue(`subjectAttributes.${i}.sources`)}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={`Fixed value of rule ${i + 1}`}
                    value={Array.isArray(r.value) ? r.value.join(', ') : (r.value ?? '')}
                    onChange={(e) => set(i, { value: e.currentTarget.value || undefined })}
                    error={issue(`subjectAttributes.${i}.value`)}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    aria-label={`Pattern of rule ${i + 1}`}
                    value={r.pattern ?? ''}
                    onChange={(e) => set(i, { pattern: e.currentTarget.value || undefined })}
                    error={issue(`subjectAttributes.${i}.pattern`)}
                    inputWrapperOrder={['label', 'input', 'description', 'error']}
                    description={r.pattern && !issue(`subjectAttributes.${i}.pattern`) ? `The whole value: ${patternInWords(r.pattern)}` : undefined}
                  />
                </Table.Td>
                <Table.Td w={40}>
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${i + 1}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}>
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  )
}

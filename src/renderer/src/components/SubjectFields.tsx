// The subject's common attributes as inputs; an error on `subject.N…` appears beside the
// attribute it concerns.
import { SimpleGrid, TextInput } from '@mantine/core'
import type { ReactNode } from 'react'
import type { AppError } from '../../../shared/errors'
import { SUBJECT_FIELDS, subjectFieldOfPath, subjectFromFields, type SubjectFields as Fields, type SubjectFieldType } from '../lib/names'

export function SubjectFields({
  value,
  onChange,
  error,
  required = ['CN'],
  hints = {}
}: {
  value: Fields
  onChange(v: Fields): void
  error?: AppError | null
  required?: readonly SubjectFieldType[]
  hints?: Partial<Record<SubjectFieldType, string>>
}): ReactNode {
  const at = error?.field ? subjectFieldOfPath(subjectFromFields(value), error.field) : undefined
  const wholeSubject = error?.field === 'subject' ? error.message : undefined
  return (
    <SimpleGrid cols={2} spacing="sm">
      {SUBJECT_FIELDS.map((f) => (
        <TextInput
          key={f.type}
          label={f.label}
          description={hints[f.type]}
          value={value[f.type] ?? ''}
          required={required.includes(f.type)}
          maxLength={f.type === 'C' ? 2 : 200}
          onChange={(e) => onChange({ ...value, [f.type]: e.currentTarget.value })}
          error={at === f.type ? error?.message : f.type === 'CN' ? wholeSubject : undefined}
        />
      ))}
    </SimpleGrid>
  )
}

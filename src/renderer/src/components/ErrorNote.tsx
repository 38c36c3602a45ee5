// Shows a coded error the way the operator should read it: the message (already a sentence
// naming the field and the fix), the field it concerns, and the code for support.
import { Alert, Code, Text } from '@mantine/core'
import type { ReactNode } from 'react'
import type { AppError } from '../../../shared/errors'

export function ErrorNote({ error, title }: { error: AppError | null | undefined; title?: string }): ReactNode {
  if (!error) return null
  return (
    <Alert color="red" variant="light" title={title ?? 'That did not work'} role="alert" data-error-code={error.code}>
      <Text size="sm">{error.message}</Text>
      <Text size="xs" c="dimmed" mt={4}>
        {error.field ? (
          <>
            Field <Code>{error.field}</Code> ·{' '}
          </>
        ) : null}
        <Code>{error.code}</Code>
      </Text>
    </Alert>
  )
}

export { fieldError, unplacedError } from '../lib/field-errors'

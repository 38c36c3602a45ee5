// An empty state that says what to do next.
import { EmptyState } from '@mantine/core'
import type { ReactNode } from 'react'

export function Empty({ title, next, children }: { title: string; next: string; children?: ReactNode }): ReactNode {
  return (
    <EmptyState title={title} description={next} withIndicatorBackground py="xl" data-testid="empty-state">
      {children ? <EmptyState.Actions>{children}</EmptyState.Actions> : null}
    </EmptyState>
  )
}

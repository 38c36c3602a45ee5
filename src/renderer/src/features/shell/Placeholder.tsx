import { Stack, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'

export function Placeholder({ title, hint }: { title: string; hint: string }): ReactNode {
  return (
    <Stack gap="xs">
      <Title order={2}>{title}</Title>
      <Text c="dimmed">{hint}</Text>
    </Stack>
  )
}

// Whether the OS keychain answers: keys protected by it need it to unlock.
import { Badge, Card, Group, Text, Title } from '@mantine/core'
import { useEffect, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ErrorNote } from '../../components/ErrorNote'
import { useVaultStore } from '../../stores/vault-store'

export function KeychainStatus(): ReactNode {
  const { keychain, error, loadKeychain } = useVaultStore(useShallow((s) => ({ keychain: s.keychain, error: s.error, loadKeychain: s.loadKeychain })))
  useEffect(() => {
    void loadKeychain()
  }, [loadKeychain])
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          OS keychain
        </Title>
        {keychain ? (
          <Badge color={keychain.available ? 'teal' : 'red'} variant="light" data-testid="keychain-status">
            {keychain.available ? 'available' : 'unavailable'}
          </Badge>
        ) : null}
      </Group>
      {keychain ? (
        <Text size="sm">
          {keychain.backend}: {keychain.message}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          Checking…
        </Text>
      )}
      <ErrorNote error={error} />
    </Card>
  )
}

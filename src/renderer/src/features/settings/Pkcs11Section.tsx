// Settings → PKCS#11 modules: the token middleware PKI Desk found (the usual install paths,
// and PKIDESK_PKCS11_MODULES), each with the tokens in its slots. A CA key can be generated on
// one of these tokens from New root CA / New intermediate CA.
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { ErrorNote } from '../../components/ErrorNote'
import { freeBytes, usePkcs11Modules } from '../../lib/use-pkcs11-modules'

export function Pkcs11Section(): ReactNode {
  const { modules, error, reload } = usePkcs11Modules()
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          PKCS#11 modules
        </Title>
        <Button size="xs" variant="default" onClick={reload}>
          Look again
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        Tokens and HSMs that can hold CA keys. PKI Desk offers the modules installed at their usual paths (SoftHSM2, OpenSC, YubiKey) and those listed in
        PKIDESK_PKCS11_MODULES (colon-separated paths).
      </Text>
      <ErrorNote error={error} />
      {modules === null ? (
        <Text size="sm" c="dimmed">
          Looking…
        </Text>
      ) : modules.length === 0 ? (
        <Text size="sm" data-testid="pkcs11-none">
          No PKCS#11 module is installed: install the token's middleware (e.g. opensc, softhsm2), or name its library in PKIDESK_PKCS11_MODULES.
        </Text>
      ) : (
        <Stack gap="sm">
          {modules.map((m) => (
            <Stack key={m.path} gap={4} data-testid="pkcs11-module">
              <Text size="sm" ff="monospace">
                {m.path}
              </Text>
              {m.error ? (
                <Text size="sm" c="red">
                  {m.error.message}
                </Text>
              ) : m.tokens.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No initialised token in its slots.
                </Text>
              ) : (
                <Table striped withTableBorder aria-label={`Tokens of ${m.path}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Label</Table.Th>
                      <Table.Th>Serial</Table.Th>
                      <Table.Th>Manufacturer</Table.Th>
                      <Table.Th>Free (public / private)</Table.Th>
                      <Table.Th>PIN</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.tokens.map((t) => (
                      <Table.Tr key={t.serial || t.slotId}>
                        <Table.Td>{t.label}</Table.Td>
                        <Table.Td ff="monospace">{t.serial}</Table.Td>
                        <Table.Td>{t.manufacturer}</Table.Td>
                        <Table.Td>
                          {freeBytes(t.freePublicBytes)} / {freeBytes(t.freePrivateBytes)}
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={t.pinLocked ? 'red' : t.pinFinalTry || t.pinCountLow ? 'yellow' : 'teal'}>
                            {t.pinLocked ? 'locked' : t.pinFinalTry ? 'final try' : t.pinCountLow ? 'tries low' : 'ok'}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  )
}

// Settings → PKCS#11 modules: the token middleware PKI Desk found (the usual install paths,
// and PKIDESK_PKCS11_MODULES) and the modules the operator added by path, each with what it
// says of itself (C_GetInfo) and the tokens in its slots. Adding one: main's file dialog picks
// the library, or a typed path that main asks the operator to confirm in its own dialog (loading
// a library runs its code); main loads it first and refuses, with a coded error, what is not a
// module. Removing an added one is refused while a CA's key is on its tokens. A CA key can be
// generated on these tokens (New root CA / New intermediate) or adopted from them (Authorities).
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { Pkcs11ModuleDto } from '../../../../shared/ipc/pkcs11'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { freeBytes, usePkcs11Modules } from '../../lib/use-pkcs11-modules'
import { tone } from '../../lib/colors'

function ModuleInfoLine({ m }: { m: Pkcs11ModuleDto }): ReactNode {
  if (!m.info) return null
  const { manufacturer, libraryDescription, libraryVersion, cryptokiVersion } = m.info
  return (
    <Text size="sm" data-testid="pkcs11-module-info">
      {[manufacturer, libraryDescription].filter(Boolean).join(' · ') || 'No description'} · version {libraryVersion} (PKCS#11 {cryptokiVersion})
    </Text>
  )
}

function TokensTable({ m }: { m: Pkcs11ModuleDto }): ReactNode {
  if (m.tokens.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No initialised token in its slots.
      </Text>
    )
  return (
    <Table striped withTableBorder aria-label={`Tokens of ${m.path}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Label (slot)</Table.Th>
          <Table.Th>Serial</Table.Th>
          <Table.Th>Manufacturer</Table.Th>
          <Table.Th>Free (public / private)</Table.Th>
          <Table.Th>PIN</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {m.tokens.map((t) => (
          <Table.Tr key={t.serial || t.slotId}>
            <Table.Td>
              {t.label}
              <Text size="xs" c="dimmed">
                slot {t.slotId}
              </Text>
            </Table.Td>
            <Table.Td ff="monospace">{t.serial}</Table.Td>
            <Table.Td>{t.manufacturer}</Table.Td>
            <Table.Td>
              {freeBytes(t.freePublicBytes)} / {freeBytes(t.freePrivateBytes)}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Badge variant="light" color={t.pinLocked ? 'red' : t.pinFinalTry || t.pinCountLow ? 'yellow' : 'teal'}>
                {t.pinLocked ? 'locked' : t.pinFinalTry ? 'final try' : t.pinCountLow ? 'tries low' : 'ok'}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

export function Pkcs11Section(): ReactNode {
  const { modules, error, reload } = usePkcs11Modules()
  const [path, setPath] = useState('')
  const [addError, setAddError] = useState<AppError | null>(null)
  const [added, setAdded] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  /** A refused removal, shown beside its module. */
  const [removeError, setRemoveError] = useState<{ path: string; error: AppError } | null>(null)

  const add = async (typed: string | undefined): Promise<void> => {
    setBusy(true)
    setAdded(null)
    const r = await pki.tokens.addModule(typed === undefined ? {} : { path: typed })
    setBusy(false)
    if (!r.ok) return setAddError(r.error)
    setAddError(null)
    if (r.value.module) {
      setAdded(r.value.module.path)
      setPath('')
      reload()
    }
  }
  const remove = async (m: Pkcs11ModuleDto): Promise<void> => {
    const r = await pki.tokens.removeModule({ path: m.path })
    setRemoveError(r.ok ? null : { path: m.path, error: r.error })
    if (r.ok) reload()
  }

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
        Tokens and HSMs that can hold CA keys. PKI Desk offers the modules installed at their usual paths (SoftHSM2, OpenSC, YubiKey), those listed in
        PKIDESK_PKCS11_MODULES (colon-separated paths) and those added here.
      </Text>
      <Stack gap={6} mb="sm">
        <Group align="flex-end" gap="xs">
          <TextInput
            label="Module path"
            description="The token's PKCS#11 library, e.g. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so. PKI Desk loads it and asks you to confirm first."
            placeholder="/usr/lib/…/libvendor-pkcs11.so"
            style={{ flex: 1 }}
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && path.trim()) void add(path.trim())
            }}
            error={fieldError(addError, 'path')}
          />
          <Button onClick={() => void add(path.trim())} disabled={!path.trim()} loading={busy}>
            Add module
          </Button>
          <Button variant="default" onClick={() => void add(undefined)} disabled={busy}>
            Choose file…
          </Button>
        </Group>
        {addError && !fieldError(addError, 'path') ? <ErrorNote error={addError} /> : null}
        {addError && fieldError(addError, 'path') ? (
          <Text size="xs" c="dimmed" data-testid="pkcs11-add-error-code">
            {addError.code}
          </Text>
        ) : null}
        {added ? (
          <Text size="sm" c={tone('teal')} role="status">
            Added {added}.
          </Text>
        ) : null}
      </Stack>
      <ErrorNote error={error} />
      {modules === null ? (
        <Text size="sm" c="dimmed">
          Looking…
        </Text>
      ) : modules.length === 0 ? (
        <Text size="sm" data-testid="pkcs11-none">
          No PKCS#11 module is installed: install the token's middleware (e.g. opensc, softhsm2) or add its library above.
        </Text>
      ) : (
        <Stack gap="md">
          {modules.map((m) => (
            <Stack key={m.path} gap={4} data-testid="pkcs11-module">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {m.path}
                  </Text>
                  <Badge size="xs" variant="outline" color={m.source === 'added' ? 'blue' : 'gray'}>
                    {m.source === 'added' ? 'added here' : 'found'}
                  </Badge>
                </Group>
                {m.source === 'added' ? (
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(m)} aria-label={`Remove ${m.path}`}>
                    Remove
                  </Button>
                ) : null}
              </Group>
              <ModuleInfoLine m={m} />
              {m.usedBy.length ? (
                <Text size="sm" c="dimmed">
                  Holds the key{m.usedBy.length === 1 ? '' : 's'} of {m.usedBy.map((n) => `“${n}”`).join(', ')}.
                </Text>
              ) : null}
              {removeError?.path === m.path ? <ErrorNote error={removeError.error} title="Not removed" /> : null}
              {m.error ? (
                <Text size="sm" c={tone('red')}>
                  {m.error.message}
                </Text>
              ) : (
                <TokensTable m={m} />
              )}
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  )
}

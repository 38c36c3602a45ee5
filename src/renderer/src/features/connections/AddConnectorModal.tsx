// Add a connector to a remote CA platform. The credential goes to the OS keychain.
import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { CONNECTOR_TYPE_LABELS, connectorType, type ConnectorType } from '../../../../shared/domain/sync'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'

export function AddConnectorModal({ onClose }: { onClose(): void }): ReactNode {
  const [name, setName] = useState('')
  const [type, setType] = useState<ConnectorType>('lamassu')
  const [baseUrl, setBaseUrl] = useState('https://')
  const [credential, setCredential] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.connectors.add({ name: name.trim(), type, baseUrl: baseUrl.trim(), ...(credential ? { credential } : {}) })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title="Add a connector">
      <Stack gap="sm">
        <TextInput label="Name" description="Letters, digits, dot, dash or underscore." required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, 'name')} data-autofocus />
        <Select
          label="Platform"
          data={connectorType.options.map((t) => ({ value: t, label: CONNECTOR_TYPE_LABELS[t] }))}
          value={type}
          onChange={(v) => v && setType(v as ConnectorType)}
          allowDeselect={false}
          error={fieldError(error, 'type')}
        />
        <TextInput label="Base URL" required value={baseUrl} onChange={(e) => setBaseUrl(e.currentTarget.value)} error={fieldError(error, 'baseUrl')} />
        <PasswordInput
          label="API key or token"
          description="Stored in the OS keychain, never in the database."
          value={credential}
          onChange={(e) => setCredential(e.currentTarget.value)}
          error={fieldError(error, 'credential')}
        />
        <ErrorNote error={unplacedError(error, ['name', 'type', 'baseUrl', 'credential'])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!name.trim() || !baseUrl.trim()}>
            Add connector
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

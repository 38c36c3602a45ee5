// Add or change a connector to a remote CA platform: everything `pkidesk connector add|update`
// can set. The credential goes to the OS keychain or is read from an environment variable at
// each sync; platform settings (Palo Alto base path and signed_by, CertCentral account fields
// and remote CA) are shown for their platform only. An emptied field removes the setting.
import { Button, Checkbox, Fieldset, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import {
  CONNECTOR_TYPE_LABELS,
  connectorType,
  type ConnectorDto,
  type ConnectorSettingsDto,
  type ConnectorSettingsPatch,
  type ConnectorType
} from '../../../../shared/domain/sync'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'

type CertCentral = NonNullable<ConnectorSettingsDto['certCentral']>
const CC_TEXT = [
  ['accountId', 'Account id (accountId)'],
  ['organizationName', 'Organization name (organizationName)'],
  ['productType', 'Product type (productType)'],
  ['caCertId', 'Remote CA certificate id (caCertId)'],
  ['caCertName', 'Remote CA certificate name (caCertName)']
] as const
const CC_NUMBER = [
  ['divisionId', 'Division id (divisionId)'],
  ['organizationId', 'Organization id (organizationId)']
] as const

const FIELDS = ['name', 'type', 'baseUrl', 'credential', 'settings.credentialEnv', 'settings.timeoutMs', 'settings.basePath', 'settings.signedBy', 'caBundlePem', 'settings.caBundlePem', 'settings.certCentral']

/** The form's text, '' for unset. */
interface Form {
  name: string
  type: ConnectorType
  baseUrl: string
  source: 'keychain' | 'env'
  credential: string
  removeCredential: boolean
  credentialEnv: string
  timeoutMs: number | ''
  caBundlePem: string
  basePath: string
  signedBy: string
  cc: Record<keyof CertCentral, string>
  enabled: boolean
}

function formOf(c: ConnectorDto | undefined): Form {
  const s = c?.settings
  const cc = s?.certCentral ?? {}
  return {
    name: c?.name ?? '',
    type: c?.type ?? 'lamassu',
    baseUrl: c?.baseUrl ?? 'https://',
    source: s?.credentialEnv ? 'env' : 'keychain',
    credential: '',
    removeCredential: false,
    credentialEnv: s?.credentialEnv ?? '',
    timeoutMs: s?.timeoutMs ?? '',
    caBundlePem: s?.caBundlePem ?? '',
    basePath: s?.basePath ?? '',
    signedBy: s?.signedBy ?? '',
    cc: {
      accountId: cc.accountId ?? '',
      divisionId: cc.divisionId?.toString() ?? '',
      organizationName: cc.organizationName ?? '',
      organizationId: cc.organizationId?.toString() ?? '',
      productType: cc.productType ?? '',
      caCertId: cc.caCertId ?? '',
      caCertName: cc.caCertName ?? ''
    },
    enabled: c?.enabled ?? true
  }
}

/** The settings the form holds; for an edit, an emptied field becomes `null` (removed). */
function settingsOf(f: Form, editing: boolean): ConnectorSettingsPatch {
  const text = (v: string): string | null | undefined => (v.trim() ? v.trim() : editing ? null : undefined)
  const cc: Record<string, string | number> = {}
  for (const [k] of CC_TEXT) if (f.cc[k].trim()) cc[k] = f.cc[k].trim()
  for (const [k] of CC_NUMBER) if (f.cc[k].trim()) cc[k] = Number(f.cc[k])
  const patch: Record<string, unknown> = {
    timeoutMs: f.timeoutMs === '' ? undefined : f.timeoutMs,
    credentialEnv: f.source === 'env' ? text(f.credentialEnv) : editing ? null : undefined,
    caBundlePem: text(f.caBundlePem),
    basePath: f.type === 'paloalto' ? text(f.basePath) : undefined,
    signedBy: f.type === 'paloalto' ? text(f.signedBy) : undefined,
    certCentral: f.type !== 'digicert-certcentral' ? undefined : Object.keys(cc).length ? cc : editing ? null : undefined
  }
  for (const k of Object.keys(patch)) if (patch[k] === undefined) delete patch[k]
  return patch as ConnectorSettingsPatch
}

export function ConnectorModal({ connector, onClose }: { connector?: ConnectorDto; onClose(): void }): ReactNode {
  const editing = connector !== undefined
  const [f, setF] = useState<Form>(() => formOf(connector))
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  // Editing the field an error is about clears that error.
  const touched = (k: string): void => setError((e) => (e?.field?.includes(k) ? null : e))
  const set = <K extends keyof Form>(k: K, v: Form[K]): void => {
    touched(k)
    setF((old) => ({ ...old, [k]: v }))
  }
  const setCc = (k: keyof CertCentral, v: string): void => {
    touched(k)
    setF((old) => ({ ...old, cc: { ...old.cc, [k]: v } }))
  }

  const submit = async (): Promise<void> => {
    setBusy(true)
    const settings = settingsOf(f, editing)
    // An edit sends only what changed (the audit entry names those settings; naming the same
    // variable again does not count as giving the credential for a new origin).
    if (editing)
      for (const [k, v] of Object.entries(settings))
        if (JSON.stringify(v) === JSON.stringify(connector.settings[k as keyof ConnectorSettingsDto] ?? null)) delete (settings as Record<string, unknown>)[k]
    const keychainCredential = f.source === 'keychain' && f.credential ? f.credential : undefined
    const r = editing
      ? await pki.connectors.update({
          name: connector.name,
          ...(f.baseUrl.trim() !== connector.baseUrl ? { baseUrl: f.baseUrl.trim() } : {}),
          // A new keychain credential replaces the stored one; switching to a variable removes it.
          ...(keychainCredential !== undefined ? { credential: keychainCredential } : f.removeCredential || (f.source === 'env' && !connector.settings.credentialEnv && connector.hasCredential) ? { credential: null } : {}),
          settings,
          ...(f.enabled !== connector.enabled ? { enabled: f.enabled } : {})
        })
      : await pki.connectors.add({
          name: f.name.trim(),
          type: f.type,
          baseUrl: f.baseUrl.trim(),
          ...(keychainCredential !== undefined ? { credential: keychainCredential } : {}),
          settings: settings as Partial<ConnectorSettingsDto>,
          ...(f.enabled ? {} : { enabled: false })
        })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  const title = editing ? `Edit connector ${connector.name}` : 'Add a connector'
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <Stack gap="sm">
        {editing ? null : (
          <>
            <TextInput label="Name" description="Letters, digits, dot, dash or underscore." required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldError(error, 'name')} data-autofocus />
            <Select
              label="Platform"
              data={connectorType.options.map((t) => ({ value: t, label: CONNECTOR_TYPE_LABELS[t] }))}
              value={f.type}
              onChange={(v) => v && set('type', v as ConnectorType)}
              allowDeselect={false}
              error={fieldError(error, 'type')}
            />
          </>
        )}
        <TextInput
          label="Base URL"
          description="The API base as copied from the platform; a path already in it is kept. https (http only for 127.0.0.1/localhost)."
          required
          value={f.baseUrl}
          onChange={(e) => set('baseUrl', e.currentTarget.value)}
          error={fieldError(error, 'baseUrl')}
          {...(editing ? { 'data-autofocus': true } : {})}
        />
        <Fieldset legend="Credential (API key or token)">
          <Stack gap="xs">
            <SegmentedControl
              aria-label="Credential source"
              value={f.source}
              onChange={(v) => set('source', v as Form['source'])}
              data={[
                { value: 'keychain', label: 'OS keychain' },
                { value: 'env', label: 'Environment variable' }
              ]}
            />
            {f.source === 'keychain' ? (
              <>
                <PasswordInput
                  label="API key or token"
                  description={editing && connector.hasCredential && !connector.settings.credentialEnv ? 'One is stored; type a new one to replace it, or leave empty to keep it.' : 'Stored in the OS keychain, never in the database.'}
                  value={f.credential}
                  onChange={(e) => set('credential', e.currentTarget.value)}
                  error={fieldError(error, 'credential')}
                  disabled={f.removeCredential}
                />
                {editing && connector.hasCredential && !connector.settings.credentialEnv ? (
                  <Checkbox label="Remove the stored credential" checked={f.removeCredential} onChange={(e) => set('removeCredential', e.currentTarget.checked)} />
                ) : null}
              </>
            ) : (
              <TextInput
                label="Variable name"
                description="Read at each sync, never stored. Not a PKIDESK_* variable."
                value={f.credentialEnv}
                onChange={(e) => set('credentialEnv', e.currentTarget.value)}
                error={fieldError(error, 'settings.credentialEnv') ?? fieldError(error, 'credential')}
              />
            )}
          </Stack>
        </Fieldset>
        {f.type === 'paloalto' ? (
          <Fieldset legend="Palo Alto Networks">
            <Stack gap="xs">
              <TextInput label="Base path" description="The API path for a URL without one (/config/identity/v1 when empty)." value={f.basePath} onChange={(e) => set('basePath', e.currentTarget.value)} error={fieldError(error, 'settings.basePath')} />
              <TextInput
                label="Signed by (signed_by)"
                description="The firewall certificate that signs generated certificates when the profile names none."
                value={f.signedBy}
                onChange={(e) => set('signedBy', e.currentTarget.value)}
                error={fieldError(error, 'settings.signedBy')}
              />
            </Stack>
          </Fieldset>
        ) : null}
        {f.type === 'digicert-certcentral' ? (
          <Fieldset legend="CertCentral account (for profiles that hold none; the profile's values win)">
            <Group grow align="flex-start">
              <Stack gap="xs">
                {CC_TEXT.slice(0, 3).map(([k, label]) => (
                  <TextInput key={k} label={label} value={f.cc[k]} onChange={(e) => setCc(k, e.currentTarget.value)} error={fieldError(error, `settings.certCentral.${k}`)} />
                ))}
              </Stack>
              <Stack gap="xs">
                {CC_NUMBER.map(([k, label]) => (
                  <NumberInput key={k} label={label} allowDecimal={false} allowNegative={false} value={f.cc[k]} onChange={(v) => setCc(k, String(v))} error={fieldError(error, `settings.certCentral.${k}`)} />
                ))}
              </Stack>
            </Group>
            <Group grow align="flex-start" mt="xs">
              {CC_TEXT.slice(3).map(([k, label]) => (
                <TextInput key={k} label={label} value={f.cc[k]} onChange={(e) => setCc(k, e.currentTarget.value)} error={fieldError(error, `settings.certCentral.${k}`)} />
              ))}
            </Group>
          </Fieldset>
        ) : null}
        <Fieldset legend="Connection">
          <Stack gap="xs">
            <NumberInput
              label="Request timeout (ms)"
              description="A request that takes longer is abandoned and retried at a later run."
              min={100}
              max={300_000}
              allowDecimal={false}
              value={f.timeoutMs}
              onChange={(v) => set('timeoutMs', typeof v === 'number' ? v : '')}
              error={fieldError(error, 'settings.timeoutMs')}
            />
            <Textarea
              label="Extra trust anchors (PEM CA bundle)"
              description="CA certificates added to the system roots for this connector; TLS verification stays on. Empty: system roots only."
              autosize
              minRows={2}
              maxRows={6}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 11 } }}
              value={f.caBundlePem}
              onChange={(e) => set('caBundlePem', e.currentTarget.value)}
              error={fieldError(error, 'caBundlePem') ?? fieldError(error, 'settings.caBundlePem')}
            />
            <Switch label="Enabled: its queued items are sent at the next sync" checked={f.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
          </Stack>
        </Fieldset>
        <ErrorNote error={unplacedError(error, FIELDS)} />
        {editing && f.baseUrl.trim() !== connector.baseUrl ? (
          <Text size="xs" c="dimmed">
            A URL on another origin needs the credential again.
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={(!editing && !f.name.trim()) || !f.baseUrl.trim()}>
            {editing ? 'Save connector' : 'Add connector'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

// One CA: its identity, lock state, CRL settings and CRLs (with the next-update countdown).
import { Alert, Badge, Button, Card, Group, Modal, NumberInput, PasswordInput, Select, Stack, Switch, Table, Text, Title, VisuallyHidden } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary, CrlSettings } from '../../../../shared/domain/authority'
import type { CrlSummary } from '../../../../shared/domain/certificate'
import { fixedHashOf, signatureHash } from '../../../../shared/domain/keys'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { countdown, formatDateTime, keySpecLabel, protectionLabel } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { useSettingsStore } from '../../stores/settings-store'
import { AuthorityUrlsModal } from './AuthorityUrlsModal'

const NO_CRLS: readonly CrlSummary[] = []

function UnlockModal({ authority, onClose }: { authority: AuthoritySummary; onClose(): void }): ReactNode {
  const [passphrase, setPassphrase] = useState('')
  // A custodian-held key: one field per custodian, any `threshold` of them filled in one sitting.
  const custodians = authority.custodians ?? null
  const [present, setPresent] = useState<Record<string, string>>({})
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const filled = custodians ? custodians.names.filter((n) => (present[n] ?? '').length > 0) : []
  const submit = async (): Promise<void> => {
    setBusy(true)
    const r = custodians
      ? await pki.authorities.unlock({ authorityId: authority.id, custodians: filled.map((name) => ({ name, passphrase: present[name]! })) })
      : await pki.authorities.unlock({ authorityId: authority.id, passphrase })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title={`Unlock ${authority.name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack gap="sm">
          {custodians ? (
            <>
              <Text size="sm">
                Any {custodians.threshold} of its {custodians.names.length} custodians enter their passphrase here, together. Every sitting is recorded in the audit trail with their names.
              </Text>
              {custodians.names.map((name, i) => (
                <PasswordInput
                  key={name}
                  label={`${name}'s passphrase`}
                  value={present[name] ?? ''}
                  onChange={(e) => {
                    const v = e.currentTarget.value
                    setError(null)
                    setPresent((p) => ({ ...p, [name]: v }))
                  }}
                  {...(i === 0 ? { 'data-autofocus': true } : {})}
                />
              ))}
              <Text size="xs" c="dimmed" aria-live="polite">
                {filled.length} of {custodians.threshold} needed
              </Text>
              <ErrorNote error={error} />
            </>
          ) : (
            <PasswordInput
              label="Passphrase"
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              error={fieldError(error, 'passphrase') ?? (error ? error.message : undefined)}
              aria-invalid={!!error}
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Unlock
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function CrlSettingsForm({ authority }: { authority: AuthoritySummary }): ReactNode {
  const [settings, setSettings] = useState<CrlSettings>(authority.crlSettings)
  const [error, setError] = useState<AppError | null>(null)
  const [saved, setSaved] = useState(false)
  // An ECDSA or EdDSA key decides the CRL's hash itself: shown, not offered.
  const fixed = authority.keySpec ? fixedHashOf(authority.keySpec) : null
  const save = async (): Promise<void> => {
    const r = await pki.authorities.updateCrlSettings({ authorityId: authority.id, settings })
    setSaved(r.ok)
    setError(r.ok ? null : r.error)
  }
  return (
    <Stack gap="xs">
      <Group align="flex-end">
        <NumberInput
          label="CRL validity (hours)"
          min={1}
          max={24 * 366}
          w={180}
          value={settings.validityHours}
          onChange={(v) => setSettings({ ...settings, validityHours: Number(v) })}
          error={fieldError(error, 'settings.validityHours')}
        />
        <Select
          label="Hash"
          w={130}
          data={fixed ? [fixed.hash ?? 'built in'] : signatureHash.options}
          value={fixed ? (fixed.hash ?? 'built in') : settings.hash}
          onChange={(v) => v && setSettings({ ...settings, hash: v as CrlSettings['hash'] })}
          allowDeselect={false}
          disabled={!!fixed}
        />
        <Switch
          label="RSA-PSS"
          checked={settings.rsaPss}
          disabled={!authority.keySpec?.startsWith('rsa')}
          onChange={(e) => setSettings({ ...settings, rsaPss: e.currentTarget.checked })}
          mb={8}
        />
        <Button variant="default" onClick={() => void save()}>
          Save CRL settings
        </Button>
        {saved ? (
          <Badge color="teal" variant="light" mb={6}>
            Saved
          </Badge>
        ) : null}
      </Group>
      {fixed ? (
        <Text size="xs" c="dimmed">
          {fixed.reason}
        </Text>
      ) : null}
      <ErrorNote error={error && !fieldError(error, 'settings.validityHours') ? error : null} />
    </Stack>
  )
}

export function AuthorityDetail({ authority }: { authority: AuthoritySummary }): ReactNode {
  const [unlocking, setUnlocking] = useState(false)
  const [editingUrls, setEditingUrls] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const now = useNow(30_000)
  const crls = useAuthoritiesStore((s) => s.crls[authority.id] ?? NO_CRLS)
  const loadCrls = useAuthoritiesStore((s) => s.loadCrls)
  const crlError = useAuthoritiesStore((s) => s.crlError)
  useEffect(() => {
    void loadCrls(authority.id)
  }, [authority.id, loadCrls])

  const unlock = async (): Promise<void> => {
    if (authority.keyProtection === 'keychain') {
      const r = await pki.authorities.unlock({ authorityId: authority.id })
      setError(r.ok ? null : r.error)
    } else setUnlocking(true)
  }
  const lock = async (): Promise<void> => {
    const r = await pki.authorities.lock({ authorityId: authority.id })
    setError(r.ok ? null : r.error)
  }
  const generate = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.crl.generate({ authorityId: authority.id })
    setBusy(false)
    setError(r.ok ? null : r.error)
    void loadCrls(authority.id)
  }
  const crlFormat = useSettingsStore((s) => s.settings?.crlFormat ?? 'der')
  const [crlSaved, setCrlSaved] = useState<string | null>(null)
  const save = async (crl: CrlSummary): Promise<void> => {
    setCrlSaved(null)
    // The format in Settings, the same default `pkidesk crl generate` writes.
    const r = await pki.crl.export({ id: crl.id, format: crlFormat })
    if (!r.ok) return setError(r.error)
    const s = await pki.files.save({ title: 'Save CRL', file: { name: r.value.fileName, base64: r.value.base64 } })
    setError(s.ok ? null : s.error)
    if (s.ok && s.value.saved) setCrlSaved(`CRL ${crl.crlNumber} saved (${crlFormat.toUpperCase()}) to ${s.value.paths[0] ?? ''}`)
  }
  const latest = crls.reduce<CrlSummary | null>((a, c) => (!a || c.crlNumber > a.crlNumber ? c : a), null)

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {authority.name}
          </Title>
          <Group gap="xs">
            <Button variant="default" onClick={() => setEditingUrls(true)}>
              URLs…
            </Button>
            {authority.unlocked ? (
              <Button variant="default" onClick={() => void lock()}>
                Lock
              </Button>
            ) : (
              <Button onClick={() => void unlock()} disabled={!authority.keyId}>
                Unlock
              </Button>
            )}
          </Group>
        </Group>
        <Table variant="vertical" withTableBorder={false} layout="fixed">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={160}>Subject</Table.Th>
              <Table.Td>{authority.subjectText}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Td>{authority.selfSigned ? 'Root (self-signed)' : 'Intermediate'} · {authority.state}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Td>
                {keySpecLabel(authority.keySpec)} · {protectionLabel(authority.keyProtection)} · {authority.unlocked ? 'unlocked' : 'locked'}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Valid</Table.Th>
              <Table.Td>
                {formatDateTime(authority.notBefore)} → {formatDateTime(authority.notAfter)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Path length</Table.Th>
              <Table.Td>{authority.pathLength ?? 'unlimited'}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <ErrorNote error={error ?? crlError} />
        {crlSaved ? (
          <Alert color="teal" variant="light" role="status">
            <Text size="sm">{crlSaved}</Text>
          </Alert>
        ) : null}
        <Title order={4} size="h5">
          Certificate revocation lists
        </Title>
        <CrlSettingsForm key={authority.id} authority={authority} />
        <Group>
          <Button onClick={() => void generate()} loading={busy} disabled={!authority.unlocked}>
            Generate CRL
          </Button>
          {!authority.unlocked ? (
            <Text size="xs" c="dimmed">
              Unlock the CA to sign a CRL.
            </Text>
          ) : null}
          {latest ? (
            <Text size="sm" data-testid="crl-next-update">
              Next update due {countdown(latest.nextUpdate, now)} ({formatDateTime(latest.nextUpdate)})
            </Text>
          ) : null}
        </Group>
        {crls.length ? (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>This update</Table.Th>
                <Table.Th>Next update</Table.Th>
                <Table.Th>Entries</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...crls].sort((a, b) => b.crlNumber - a.crlNumber).map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.crlNumber}</Table.Td>
                  <Table.Td>{formatDateTime(c.thisUpdate)}</Table.Td>
                  <Table.Td>{formatDateTime(c.nextUpdate)}</Table.Td>
                  <Table.Td>{c.entries}</Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => void save(c)} aria-label={`Save CRL ${c.crlNumber}`}>
                      Save…
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            No CRL yet. Unlock the CA and generate one.
          </Text>
        )}
      </Stack>
      {unlocking ? <UnlockModal authority={authority} onClose={() => setUnlocking(false)} /> : null}
      {editingUrls ? <AuthorityUrlsModal authority={authority} onClose={() => setEditingUrls(false)} /> : null}
    </Card>
  )
}

// One CA: its identity (subject, issuer, serial, SHA-256 fingerprint, validity, name
// constraints, path length, key and its protection), its actions (the Actions menu: renew,
// re-key, URLs; Lock/Unlock beside it), CRL settings and CRLs (with the next-update countdown);
// a locked CA asks for its passphrase in place (UnlockPrompt). A retired CA says which CA
// replaced it and until when its CRLs matter.
import { Alert, Anchor, Badge, Button, Card, Code, Group, List, Menu, Modal, NumberInput, Select, Stack, Switch, Table, Text, Title, VisuallyHidden } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary, CrlSettings } from '../../../../shared/domain/authority'
import type { CrlSummary } from '../../../../shared/domain/certificate'
import { StructureView } from '../structure/StructureView'
import { fixedHashOf, signatureHash } from '../../../../shared/domain/keys'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { colonHex, countdown, formatDate, formatDateTime, keySpecLabel, protectionLabel } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { useSettingsStore } from '../../stores/settings-store'
import { AuthorityUrlsModal } from './AuthorityUrlsModal'
import { RenewAuthorityModal } from './RenewAuthorityModal'
import { authorityKind } from './AuthorityTree'
import { UnlockPrompt } from '../../components/UnlockPrompt'
import { AuthorityExportMenu } from './AuthorityExportMenu'
import { PendingActions } from './PendingAuthority'

const NO_CRLS: readonly CrlSummary[] = []

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

function NameConstraints({ nc }: { nc: NonNullable<AuthoritySummary['nameConstraints']> }): ReactNode {
  const list = (label: string, names: readonly string[]): ReactNode =>
    names.length ? (
      <div>
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <List size="sm" spacing={0}>
          {names.map((n) => (
            <List.Item key={n}>{n}</List.Item>
          ))}
        </List>
      </div>
    ) : null
  return (
    <Stack gap={4} data-testid="ca-name-constraints">
      {list('Permitted', nc.permitted)}
      {list('Excluded', nc.excluded)}
      <Text size="xs" c="dimmed">
        {nc.critical ? 'Critical' : 'Not critical'}; they bind every certificate below this CA.
      </Text>
    </Stack>
  )
}

/** Whether the token's PIN is remembered in the OS keychain (asked again when the CA locks or unlocks), and the way to forget it. */
function RememberedPin({ authority, round }: { authority: AuthoritySummary; round: number }): ReactNode {
  const [remembered, setRemembered] = useState<boolean | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  useEffect(() => {
    let live = true
    void pki.tokens.pinRemembered({ authorityId: authority.id }).then((r) => {
      if (live) setRemembered(r.ok ? r.value.remembered : null)
    })
    return () => {
      live = false
    }
  }, [authority.id, authority.unlocked, round])
  if (!remembered) return null
  const forget = async (): Promise<void> => {
    const r = await pki.tokens.forgetPin({ authorityId: authority.id })
    setError(r.ok ? null : r.error)
    if (r.ok) setRemembered(false)
  }
  return (
    <Stack gap={4} mt={4}>
      <Group gap="xs">
        <Text size="sm" data-testid="ca-pin-remembered">
          The token PIN is remembered in the OS keychain.
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => void forget()}>
          Forget the PIN
        </Button>
      </Group>
      <ErrorNote error={error} />
    </Stack>
  )
}

export function AuthorityDetail({ authority, onShow }: { authority: AuthoritySummary; onShow?(id: string): void }): ReactNode {
  /** The unlock prompt, and what to do once unlocked (generate the CRL that asked for it). */
  const [unlocking, setUnlocking] = useState<{ purpose?: string; then?: () => void } | null>(null)
  const [editingUrls, setEditingUrls] = useState(false)
  /** Bumped after each unlock attempt: the token PIN's keychain state is read again. */
  const [pinRound, setPinRound] = useState(0)
  const [renewing, setRenewing] = useState<'renew' | 'rekey' | null>(null)
  const all = useAuthoritiesStore((s) => s.items)
  const successor = authority.successorId ? all.find((a) => a.id === authority.successorId) : undefined
  const issuer = authority.parentId && authority.parentId !== authority.id ? all.find((a) => a.id === authority.parentId) : undefined
  const active = authority.state === 'active' && !!authority.keyId
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
    } else setUnlocking({})
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
  const [structureOf, setStructureOf] = useState<CrlSummary | null>(null)
  const latest = crls.reduce<CrlSummary | null>((a, c) => (!a || c.crlNumber > a.crlNumber ? c : a), null)

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {authority.name}
          </Title>
          <Group gap="xs">
            {/* Every action on this CA is an item here (Export… goes beside Renew…). */}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default">Actions</Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => setRenewing('renew')} disabled={!active || authority.revoked === true}>
                  Renew…
                </Menu.Item>
                <Menu.Item onClick={() => setRenewing('rekey')} disabled={!active}>
                  Re-key…
                </Menu.Item>
                <Menu.Item onClick={() => setEditingUrls(true)}>URLs…</Menu.Item>
              </Menu.Dropdown>
            </Menu>
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
              <Table.Td>
                {authority.selfSigned ? 'Root (self-signed)' : issuer ? 'Intermediate' : authority.state === 'pending-certificate' ? 'Intermediate, waiting for its certificate' : 'Intermediate of an external parent'}
                {/* Only a state worth saying: retired, pending, revoked, expired. */}
                {['root', 'intermediate'].includes(authorityKind(authority).label) ? null : (
                  <Badge size="xs" variant="light" color={authorityKind(authority).color} ml={6}>
                    {authorityKind(authority).label}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
            {authority.issuerText && !authority.selfSigned ? (
              <Table.Tr>
                <Table.Th>Issuer</Table.Th>
                <Table.Td>
                  {issuer && onShow ? (
                    <Anchor component="button" size="sm" onClick={() => onShow(issuer.id)}>
                      {issuer.name}
                    </Anchor>
                  ) : null}
                  {issuer ? ' · ' : ''}
                  {authority.issuerText}
                  {issuer ? '' : ' (outside PKI Desk)'}
                </Table.Td>
              </Table.Tr>
            ) : null}
            {authority.state === 'retired' ? (
              <Table.Tr>
                <Table.Th>Replaced by</Table.Th>
                <Table.Td data-testid="ca-replaced-by">
                  {successor && onShow ? (
                    <Anchor component="button" size="sm" onClick={() => onShow(successor.id)}>
                      {successor.name}
                    </Anchor>
                  ) : (
                    (successor?.name ?? 'a newer key')
                  )}{' '}
                  (re-keyed). It issues nothing more and signs CRLs for what it issued
                  {authority.crlsNeededUntil ? `, needed until ${formatDate(authority.crlsNeededUntil)} (the last expiry).` : '; none of it is still valid.'}
                </Table.Td>
              </Table.Tr>
            ) : null}
            <Table.Tr>
              <Table.Th>Serial</Table.Th>
              <Table.Td>
                <Code data-testid="ca-serial">{authority.serial ? colonHex(authority.serial) : '—'}</Code>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>SHA-256</Table.Th>
              <Table.Td>
                <Code data-testid="ca-sha256" style={{ wordBreak: 'break-all' }}>
                  {authority.sha256 ? colonHex(authority.sha256) : '—'}
                </Code>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Td>
                {keySpecLabel(authority.keySpec)} · {protectionLabel(authority.keyProtection)} · {authority.unlocked ? 'unlocked' : 'locked'}
              </Table.Td>
            </Table.Tr>
            {authority.token ? (
              <Table.Tr>
                <Table.Th>Token</Table.Th>
                <Table.Td>
                  <Text size="sm" data-testid="ca-token">
                    “{authority.token.tokenLabel}” (serial {authority.token.tokenSerial}), key “{authority.token.keyLabel}”{authority.token.keyId ? ` (id ${authority.token.keyId})` : ''}
                  </Text>
                  <RememberedPin authority={authority} round={pinRound} />
                </Table.Td>
              </Table.Tr>
            ) : null}
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
            <Table.Tr>
              <Table.Th>Name constraints</Table.Th>
              <Table.Td>{authority.nameConstraints ? <NameConstraints nc={authority.nameConstraints} /> : 'none'}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {authority.state === 'pending-certificate' ? <PendingActions authority={authority} /> : <AuthorityExportMenu authority={authority} />}
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
          {/* A locked CA asks for its passphrase here, then signs the CRL. */}
          <Button onClick={() => (authority.unlocked ? void generate() : setUnlocking({ purpose: 'to sign its CRL', then: () => void generate() }))} loading={busy} disabled={!authority.keyId || authority.state === 'pending-certificate'}>
            {authority.unlocked ? 'Generate CRL' : 'Unlock and generate CRL…'}
          </Button>
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
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="subtle" onClick={() => setStructureOf(c)} aria-label={`Structure of CRL ${c.crlNumber}`}>
                        Structure…
                      </Button>
                      <Button size="compact-xs" variant="subtle" onClick={() => void save(c)} aria-label={`Save CRL ${c.crlNumber}`}>
                        Save…
                      </Button>
                    </Group>
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
      {unlocking ? (
        <UnlockPrompt target={{ kind: 'authority', authority }} onAttempted={() => setPinRound((n) => n + 1)} {...(unlocking.purpose ? { purpose: unlocking.purpose } : {})} {...(unlocking.then ? { onUnlocked: unlocking.then } : {})} onClose={() => setUnlocking(null)} />
      ) : null}
      {structureOf ? (
        <Modal opened onClose={() => setStructureOf(null)} size="xl" title={`CRL ${structureOf.crlNumber} of ${authority.name}: structure`}>
          <StructureView source={{ kind: 'crl', id: structureOf.id }} label={`ASN.1 structure of CRL ${structureOf.crlNumber}`} />
        </Modal>
      ) : null}
      {editingUrls ? <AuthorityUrlsModal authority={authority} onClose={() => setEditingUrls(false)} /> : null}
      {renewing ? (
        <RenewAuthorityModal
          authority={authority}
          mode={renewing}
          onClose={(result) => {
            setRenewing(null)
            if (result) {
              void useAuthoritiesStore.getState().load()
              if (result.id !== authority.id) onShow?.(result.id)
            }
          }}
        />
      ) : null}
    </Card>
  )
}

// Renew a certificate with the same profile. For a key the vault holds, main signs a fresh
// request with that key and issues it under the profile as it is now (certificates:renew);
// the profile's warnings are listed and need "Renew anyway". For a key held elsewhere the
// owner must send a new CSR: the dialog says so and opens Sign requests with the same
// profile and CA chosen.
import { Alert, Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateDetail } from '../../../../shared/domain/certificate'
import type { Finding } from '../../../../shared/domain/profile'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { FindingsList } from '../../components/FindingsList'
import { formatDateTime } from '../../lib/format'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { useSignStore } from '../../stores/sign-store'
import { useUiStore } from '../../stores/ui-store'
import { useProfileChoices } from '../sign/use-profile-choices'
import { KeyPassphraseField, useKeyPassphrase } from './KeyPassphraseField'
import { UnlockPrompt } from '../../components/UnlockPrompt'
import { tone } from '../../lib/colors'

const findingsOf = (e: AppError | null): readonly Finding[] => ((e?.details as { findings?: Finding[] } | undefined)?.findings ?? [])

export function RenewModal({ certificate, onClose }: { certificate: CertificateDetail; onClose(): void }): ReactNode {
  const authorities = useAuthoritiesStore((s) => s.items)
  const loadAuthorities = useAuthoritiesStore((s) => s.load)
  const profiles = useProfileChoices()
  const openCertificate = useUiStore((s) => s.openCertificate)
  const goTo = useUiStore((s) => s.goTo)
  const [authorityId, setAuthorityId] = useState<string | null>(certificate.authorityId)
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const keyPassphrase = useKeyPassphrase(certificate.heldKey?.keyId ?? null)
  const keyPass = keyPassphrase.value
  const [renewed, setRenewed] = useState<{ certificateId: number; serial: string } | null>(null)
  const [unlocking, setUnlocking] = useState(false)
  useEffect(() => {
    void loadAuthorities()
  }, [loadAuthorities])

  const name = certificate.commonName || certificate.subjectText
  const profileName = certificate.profileId ? (profiles.find((p) => p.id === certificate.profileId)?.name ?? certificate.profileId) : null
  const active = authorities.filter((a) => a.state === 'active' && a.canIssue !== false)
  const authority = active.find((a) => a.id === authorityId) ?? null
  const needsConfirm = error?.code === 'POLICY_WARNINGS_UNCONFIRMED'

  const renew = async (): Promise<void> => {
    if (!authorityId) return setError({ code: 'MISSING_INPUT', message: 'Choose the CA that signs the renewal.', field: 'authorityId' })
    setBusy(true)
    const r = await pki.certificates.renew({ id: certificate.id, authorityId, confirmWarnings: needsConfirm, ...(keyPass ? { keyPassphrase: keyPass } : {}) })
    setBusy(false)
    if (!r.ok) {
      keyPassphrase.onRefusal(r.error)
      return setError(r.error)
    }
    setError(null)
    setRenewed({ certificateId: r.value.certificateId, serial: r.value.serial })
  }

  /** Sign requests, with this certificate's profile and CA chosen, for the owner's new CSR. */
  const signNewCsr = (): void => {
    const sign = useSignStore.getState()
    sign.setProfile(certificate.profileId)
    if (certificate.authorityId) sign.setAuthority(certificate.authorityId)
    onClose()
    openCertificate(null)
    goTo('sign')
  }

  const facts = (
    <Table variant="vertical" layout="fixed" fz="sm" withTableBorder>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th w={150}>Profile</Table.Th>
          <Table.Td>{profileName ?? 'None (the built-in minimal TLS server profile)'}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Subject</Table.Th>
          <Table.Td style={{ wordBreak: 'break-word' }}>{certificate.subjectText}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Current validity</Table.Th>
          <Table.Td>until {formatDateTime(certificate.notAfter)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  )

  if (!certificate.hasKey)
    return (
      <Modal opened onClose={onClose} title={`Renew ${name}`} size="lg">
        <Stack gap="sm">
          {facts}
          <Alert color="blue" variant="light" title="A new CSR is needed">
            <Text size="sm">
              PKI Desk does not hold this certificate’s private key, so it cannot make the renewal request itself. Ask the key’s owner for a new CSR, then sign it
              {profileName ? ` with the profile “${profileName}”` : ' without a profile'}.
            </Text>
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button onClick={signNewCsr}>Sign a new CSR with this profile…</Button>
          </Group>
        </Stack>
      </Modal>
    )

  if (certificate.revocationReason === 'keyCompromise')
    return (
      <Modal opened onClose={onClose} title={`Renew ${name}`} size="lg">
        <Stack gap="sm">
          {facts}
          <Alert color="red" variant="light" title="Its key is compromised">
            <Text size="sm">This certificate was revoked because its key was compromised. A renewal would certify that key again: generate a new key and CSR instead.</Text>
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      </Modal>
    )

  const findings = findingsOf(error)
  const own = ['authorityId', ...(keyPass !== null ? ['keyPassphrase'] : [])]
  return (
    <Modal opened onClose={onClose} title={`Renew ${name}`} size="lg">
      <Stack gap="sm">
        <Text size="sm">
          A new certificate for the same key, subject and names; validity and extensions come from the profile as it is now (a change to the names is shown first, to confirm).{' '}
          {certificate.status === 'issued'
            ? 'The current certificate stays valid; revoke it (reason: superseded) once the new one is in use.'
            : certificate.status === 'expired'
              ? 'The current certificate has expired.'
              : 'The current certificate is already revoked.'}
        </Text>
        {facts}
        <Select
          label="Signing CA"
          data={active.map((a) => ({ value: a.id, label: `${a.name}${a.unlocked ? '' : ' (locked)'}` }))}
          value={authorityId}
          onChange={(v) => {
            setAuthorityId(v)
            setError(null)
          }}
          allowDeselect={false}
          disabled={!!renewed}
          error={fieldError(error, 'authorityId')}
        />
        {authority && !authority.unlocked && !renewed ? (
          <Group gap="sm" data-testid="renew-locked-reason">
            <Text size="sm" c={tone('orange')} id="renew-locked-reason">
              {authority.name} is locked: unlock it to sign the renewal.
            </Text>
            <Button size="xs" variant="light" onClick={() => setUnlocking(true)}>
              Unlock {authority.name}…
            </Button>
          </Group>
        ) : null}
        {keyPass !== null && !renewed ? <KeyPassphraseField value={keyPass} onChange={keyPassphrase.set} error={error} purpose="renewal" /> : null}
        <ErrorNote error={error && !own.some((f) => fieldError(error, f)) ? error : null} title={needsConfirm ? 'The profile raises warnings' : undefined} />
        {findings.length > 1 || (findings.length === 1 && needsConfirm) ? <FindingsList findings={findings} /> : null}
        {renewed ? (
          <Alert color="teal" variant="light" role="status" title="Renewed">
            <Text size="sm">New certificate, serial {renewed.serial.toUpperCase()}.</Text>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          {renewed ? (
            <Button
              onClick={() => {
                onClose()
                openCertificate(renewed.certificateId)
              }}
            >
              Open the new certificate
            </Button>
          ) : (
            <Button onClick={() => void renew()} loading={busy} disabled={!authority || !authority.unlocked || (keyPass !== null && !keyPass)} color={needsConfirm ? 'yellow' : undefined} {...(authority && !authority.unlocked ? { 'aria-describedby': 'renew-locked-reason' } : {})}>
              {needsConfirm ? 'Renew anyway' : 'Renew'}
            </Button>
          )}
        </Group>
      </Stack>
      {unlocking && authority ? <UnlockPrompt target={{ kind: 'authority', authority }} purpose="to sign the renewal" onUnlocked={() => void loadAuthorities()} onClose={() => setUnlocking(false)} /> : null}
    </Modal>
  )
}

// Whether the vault holds this certificate's key, how it is protected and whether it is
// unlocked now, with Lock and Unlock (a passphrase-protected key asks for its passphrase).
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateDetail } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { formatDateTime, protectionLabel } from '../../lib/format'

type HeldKey = NonNullable<CertificateDetail['heldKey']>

function UnlockKeyModal({ heldKey, name, onClose }: { heldKey: HeldKey; name: string; onClose(): void }): ReactNode {
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.vault.unlock({ keyId: heldKey.keyId, passphrase })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title={`Unlock the key of ${name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack gap="sm">
          <PasswordInput label="Key passphrase" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} error={fieldError(error, 'passphrase') ?? (error ? error.message : undefined)} data-autofocus />
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

export function HeldKeyState({ detail }: { detail: CertificateDetail }): ReactNode {
  const [unlocking, setUnlocking] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const k = detail.heldKey
  if (!k) return <Text size="sm">Not held: the key stays with the requester.</Text>
  const name = detail.commonName || detail.subjectText
  const lock = async (): Promise<void> => {
    const r = await pki.vault.lock({ keyId: k.keyId })
    setError(r.ok ? null : r.error)
  }
  const unlock = async (): Promise<void> => {
    if (k.protection !== 'keychain') return setUnlocking(true)
    const r = await pki.vault.unlock({ keyId: k.keyId })
    setError(r.ok ? null : r.error)
  }
  return (
    <Stack gap={4}>
      <Group gap="sm" data-testid="held-key">
        <Text size="sm">
          Held in the vault · {protectionLabel(k.protection)} · {k.unlocked ? `unlocked${k.locksAt ? ` (locks at ${formatDateTime(k.locksAt)})` : ''}` : 'locked'}
        </Text>
        {k.unlocked ? (
          <Button size="compact-xs" variant="default" onClick={() => void lock()}>
            Lock key
          </Button>
        ) : k.protection === 'custodians' ? null : (
          <Button size="compact-xs" variant="default" onClick={() => void unlock()}>
            Unlock key…
          </Button>
        )}
      </Group>
      <ErrorNote error={error} />
      {unlocking ? <UnlockKeyModal heldKey={k} name={name} onClose={() => setUnlocking(false)} /> : null}
    </Stack>
  )
}

// Whether the vault holds this certificate's key, how it is protected and whether it is
// unlocked now, with Lock and Unlock (a passphrase-protected key asks for its passphrase).
import { Button, Group, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateDetail } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { UnlockPrompt } from '../../components/UnlockPrompt'
import { formatDateTime, protectionLabel } from '../../lib/format'

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
      {unlocking ? <UnlockPrompt target={{ kind: 'key', keyId: k.keyId, protection: k.protection, name }} onClose={() => setUnlocking(false)} /> : null}
    </Stack>
  )
}

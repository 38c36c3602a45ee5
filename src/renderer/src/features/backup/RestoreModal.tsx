// Restore from a backup, into this store while it is empty (first start), or verify one
// (mode 'verify': opened with its passphrase or shares and checked whole; nothing restored).
// Main opens the file dialogs; the modal shows what the backup holds before anything else.
import { Button, Group, Modal, PasswordInput, Select, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { BackupSummaryDto } from '../../../../shared/ipc/backup'
import type { KeyProtection } from '../../../../shared/domain/keys'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PROTECTION_OPTIONS } from '../../lib/keys'

export function RestoreModal({ onClose, mode = 'restore' }: { onClose(): void; mode?: 'restore' | 'verify' }): ReactNode {
  const verifying = mode === 'verify'
  const [file, setFile] = useState<{ path: string; name: string } | null>(null)
  const [summary, setSummary] = useState<BackupSummaryDto | null>(null)
  const [shareFiles, setShareFiles] = useState<{ path: string; name: string }[]>([])
  const [passphrase, setPassphrase] = useState('')
  const [sharePassphrases, setSharePassphrases] = useState<string[]>([])
  const [protection, setProtection] = useState<KeyProtection>('passphrase')
  const [keyPassphrase, setKeyPassphrase] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const chooseBackup = async (): Promise<void> => {
    const r = await pki.backup.choose({ what: 'backup' })
    if (!r.ok) return setError(r.error)
    setError(null)
    if (r.value.files[0]) {
      setFile(r.value.files[0])
      setSummary(r.value.summary)
    }
  }
  const chooseShares = async (): Promise<void> => {
    const r = await pki.backup.choose({ what: 'shares' })
    if (!r.ok) return setError(r.error)
    setShareFiles(r.value.files)
  }
  const split = summary?.protection.kind === 'shares' ? summary.protection : null
  // The named custodians: a share sealed by its custodian opens with that custodian's passphrase.
  const named = split ? split.custodians.filter((c): c is string => Boolean(c)) : []
  const secrets = (): { shareFiles: string[]; sharePassphrases: string[] } | { passphrase: string } =>
    split ? { shareFiles: shareFiles.map((s) => s.path), sharePassphrases: sharePassphrases.filter(Boolean) } : { passphrase }
  const verify = async (): Promise<void> => {
    if (!file) return
    setBusy(true)
    const r = await pki.backup.verify({ file: file.path, ...secrets() })
    setBusy(false)
    if (!r.ok) return setError(r.error)
    setError(null)
    setDone(`${file.name} opens with ${split ? 'these shares' : 'this passphrase'} and checks out: ${r.value.checks.join(', ')}. Nothing was restored.`)
  }
  const restore = async (): Promise<void> => {
    if (!file) return
    setBusy(true)
    const r = await pki.backup.restore({
      file: file.path,
      protection,
      ...secrets(),
      ...(protection !== 'keychain' ? { keyPassphrase } : {})
    })
    setBusy(false)
    if (!r.ok) return setError(r.error)
    setError(null)
    const v = r.value
    setDone(
      `Restored ${v.counts.authorities} authorities, ${v.counts.certificates} certificates and ${v.restoredKeys} keys (now under ${protection} protection).` +
        (v.credentialsToReenter.length ? ` Enter the credential of ${v.credentialsToReenter.join(', ')} again in Connections.` : '') +
        (v.custodianKeys.length ? ` Set the custodians of ${v.custodianKeys.join(', ')} again.` : '')
    )
  }

  return (
    <Modal opened onClose={onClose} title={verifying ? 'Verify a backup' : 'Restore from a backup'} size="lg">
      <Stack gap="sm">
        {done ? (
          <>
            <Text size="sm" role="status">
              {done}
            </Text>
            <Group justify="flex-end">
              <Button onClick={onClose}>Done</Button>
            </Group>
          </>
        ) : (
          <>
            <Text size="sm">
              {verifying
                ? 'Opens the backup with its passphrase or shares and checks every key and the audit trail. Nothing is restored.'
                : 'A backup restores into an empty store only. The audit trail is checked end to end and the restore is recorded in it.'}
            </Text>
            <Group>
              <Button variant="default" onClick={() => void chooseBackup()}>
                Choose the backup file…
              </Button>
              {file ? <Text size="sm">{file.name}</Text> : null}
            </Group>
            {summary ? (
              <Text size="sm" aria-label="Backup contents">
                Made {summary.createdAt.slice(0, 16).replace('T', ' ')} UTC by PKI Desk {summary.appVersion}: {summary.counts.authorities} authorities, {summary.counts.certificates} certificates ({summary.counts.revoked} revoked), {summary.keys.length} keys, {summary.counts.auditEntries} audit entries.
                {split ? ` Split: any ${split.threshold} of ${split.total} shares restore it.` : ' Protected by a backup passphrase.'}
              </Text>
            ) : null}
            {summary && !split ? <PasswordInput label="Backup passphrase" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} error={fieldError(error, 'passphrase') ?? fieldError(error, 'secret')} /> : null}
            {split ? (
              <>
                <Group>
                  <Button variant="default" onClick={() => void chooseShares()}>
                    Choose the share files…
                  </Button>
                  <Text size="sm">{shareFiles.length ? shareFiles.map((s) => s.name).join(', ') : `at least ${split.threshold}`}</Text>
                </Group>
                {named.map((name, i) => (
                  <PasswordInput
                    key={name}
                    label={`${name}'s share passphrase (only if ${name} sealed the share)`}
                    value={sharePassphrases[i] ?? ''}
                    onChange={(e) => {
                      const v = e.currentTarget.value
                      setSharePassphrases((p) => Object.assign([...p], { [i]: v }))
                    }}
                  />
                ))}
              </>
            ) : null}
            {summary && !verifying ? (
              <>
                <Select label="Protect the restored keys on this machine with" data={PROTECTION_OPTIONS} value={protection} onChange={(v) => v && setProtection(v as KeyProtection)} allowDeselect={false} />
                {protection !== 'keychain' ? <PasswordInput label="Passphrase for the restored keys" value={keyPassphrase} onChange={(e) => setKeyPassphrase(e.currentTarget.value)} error={fieldError(error, 'keyPassphrase')} /> : null}
              </>
            ) : null}
            <ErrorNote error={error && !['passphrase', 'keyPassphrase'].includes(error.field ?? '') ? error : null} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button onClick={() => void (verifying ? verify() : restore())} loading={busy} disabled={!summary}>
                {verifying ? 'Verify' : 'Restore'}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  )
}

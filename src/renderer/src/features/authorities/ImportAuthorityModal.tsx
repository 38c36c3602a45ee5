// Import a CA from a PFX file or from a certificate and key (PEM).
import { Button, FileButton, Group, Modal, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { FileInput } from '../../../../shared/domain/authority'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { readFileInput } from '../../lib/files'
import { PROTECTION_HELP, PROTECTION_OPTIONS, needsPassphrase, type KeyProtection } from '../../lib/keys'
import { tone } from '../../lib/colors'

export interface Picked {
  readonly name: string
  readonly input: FileInput
}

/** A file button with the chosen file's name (and the error about it). */
export function Pick({ label, value, onPick, accept, error }: { label: string; value: Picked | null; onPick(p: Picked): void; accept: string; error?: string }): ReactNode {
  return (
    <Stack gap={2}>
      <Group gap="sm">
        <FileButton accept={accept} onChange={(f) => f && void readFileInput(f).then((input) => onPick({ name: f.name, input }))}>
          {(props) => (
            <Button variant="default" {...props}>
              {label}
            </Button>
          )}
        </FileButton>
        <Text size="sm" c={value ? undefined : 'dimmed'}>
          {value ? value.name : 'No file chosen'}
        </Text>
      </Group>
      {error ? (
        <Text size="xs" c={tone('red')}>
          {error}
        </Text>
      ) : null}
    </Stack>
  )
}

export function ImportAuthorityModal({ onClose }: { onClose(): void }): ReactNode {
  const [name, setName] = useState('')
  const [kind, setKind] = useState<'pfx' | 'pem'>('pfx')
  const [pfx, setPfx] = useState<Picked | null>(null)
  const [pfxPassword, setPfxPassword] = useState('')
  const [cert, setCert] = useState<Picked | null>(null)
  const [key, setKey] = useState<Picked | null>(null)
  const [keyPassword, setKeyPassword] = useState('')
  const [protection, setProtection] = useState<KeyProtection>('passphrase')
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const ready = name.trim() && (kind === 'pfx' ? pfx : cert && key) && (!needsPassphrase(protection) || passphraseReady(pass, 12))

  const submit = async (): Promise<void> => {
    setBusy(true)
    const source =
      kind === 'pfx' && pfx
        ? { kind: 'pfx' as const, pfx: pfx.input, pfxPassword }
        : { kind: 'pem' as const, certificate: cert!.input, key: key!.input, ...(keyPassword ? { keyPassword } : {}) }
    const r = await pki.authorities.import({ name: name.trim(), source, protection, ...(needsPassphrase(protection) ? { passphrase: pass.passphrase } : {}) })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }

  return (
    <Modal opened onClose={onClose} title="Import a CA" size="lg">
      <Stack gap="sm">
        <TextInput label="Name in PKI Desk" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, 'name')} data-autofocus />
        <SegmentedControl
          value={kind}
          onChange={(v) => setKind(v as 'pfx' | 'pem')}
          data={[
            { value: 'pfx', label: 'PFX / PKCS#12 file' },
            { value: 'pem', label: 'Certificate + key (PEM)' }
          ]}
        />
        {kind === 'pfx' ? (
          <>
            <Pick label="Choose PFX…" accept=".pfx,.p12" value={pfx} onPick={setPfx} error={fieldError(error, 'source.pfx')} />
            <PasswordInput label="PFX password" value={pfxPassword} onChange={(e) => setPfxPassword(e.currentTarget.value)} error={fieldError(error, 'source.pfxPassword')} />
          </>
        ) : (
          <>
            <Pick label="Choose certificate…" accept=".pem,.crt,.cer,.der" value={cert} onPick={setCert} error={fieldError(error, 'source.certificate')} />
            <Pick label="Choose private key…" accept=".pem,.key,.der" value={key} onPick={setKey} error={fieldError(error, 'source.key')} />
            <PasswordInput
              label="Key password (if the key is encrypted)"
              value={keyPassword}
              onChange={(e) => setKeyPassword(e.currentTarget.value)}
              error={fieldError(error, 'source.keyPassword')}
            />
          </>
        )}
        <Select label="Protect the key in PKI Desk with" data={PROTECTION_OPTIONS} value={protection} onChange={(v) => v && setProtection(v as KeyProtection)} allowDeselect={false} />
        <Text size="xs" c="dimmed">
          {PROTECTION_HELP[protection]}
        </Text>
        {needsPassphrase(protection) ? <PassphraseFields value={pass} onChange={setPass} error={fieldError(error, 'passphrase')} /> : null}
        <ErrorNote error={unplacedError(error, ['name', 'source', 'passphrase'])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!ready}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

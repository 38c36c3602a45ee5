// Export an end-entity private key PKI Desk holds: encrypted PKCS#8, or (from a certificate)
// a PFX with the certificate and its chain. Main writes the file where the operator chooses;
// the key never comes to this window, not even encrypted.
import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { ExportKeyRequest, KeyExportFormat } from '../../../../shared/ipc/files'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { KeyPassphraseField, useKeyPassphrase } from './KeyPassphraseField'

export const KEY_EXPORT_FORMATS: { value: KeyExportFormat; label: string; line: string }[] = [
  { value: 'pkcs8-pem', label: 'Encrypted PKCS#8 (PEM)', line: 'The key alone, encrypted with AES-256 under the password; what OpenSSL, nginx and most tools read.' },
  { value: 'pfx-modern', label: 'PFX, modern', line: 'The key with the certificate and its chain, PKCS#12 with AES-256: for current Windows, macOS and OpenSSL.' },
  { value: 'pfx-legacy', label: 'PFX, legacy', line: 'The same with 3DES and SHA-1 (weak): only for old systems that cannot read the modern format.' }
]

const MIN = 12

/**
 * `source` is the certificate whose key to export, or a vault key id (right after CSR
 * generation, before any certificate: PKCS#8 only, since a PFX holds the certificate too).
 * `heldKeyId`: the vault's id of a certificate's key, so a locked key's passphrase is asked up front.
 */
export function KeyExportDialog({ source, name, heldKeyId = null, onClose }: { source: ExportKeyRequest['key']; name: string; heldKeyId?: string | null; onClose(): void }): ReactNode {
  const formats = 'certificateId' in source ? KEY_EXPORT_FORMATS : KEY_EXPORT_FORMATS.filter((f) => f.value === 'pkcs8-pem')
  const [format, setFormat] = useState<KeyExportFormat>('pkcs8-pem')
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [savedTo, setSavedTo] = useState<string | null>(null)
  const keyPassphrase = useKeyPassphrase('keyId' in source ? source.keyId : heldKeyId)
  const keyPass = keyPassphrase.value

  const submit = async (): Promise<void> => {
    setBusy(true)
    setSavedTo(null)
    const r = await pki.files.exportKey({ key: source, format, password: pass.passphrase, ...(keyPass ? { keyPassphrase: keyPass } : {}) })
    setBusy(false)
    if (!r.ok) {
      keyPassphrase.onRefusal(r.error)
      return setError(r.error)
    }
    setError(null)
    if (r.value.saved) setSavedTo(r.value.paths[0] ?? '')
  }

  const own = ['password', 'format', ...(keyPass !== null ? ['keyPassphrase'] : [])]
  return (
    <Modal opened onClose={onClose} title={`Export the private key of ${name}`} size="lg">
      <Stack gap="sm">
        <Text size="sm">The file is encrypted under the password below. Anyone with both can act as the key’s owner; the export is recorded in the audit trail.</Text>
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v as KeyExportFormat)} error={fieldError(error, 'format')}>
          <Stack gap={8} mt={6}>
            {formats.map((f) => (
              <Radio key={f.value} value={f.value} label={f.label} description={f.line} />
            ))}
          </Stack>
        </Radio.Group>
        <PassphraseFields label="File password" value={pass} onChange={setPass} minLength={MIN} error={fieldError(error, 'password')} />
        {keyPass !== null ? <KeyPassphraseField value={keyPass} onChange={keyPassphrase.set} error={error} /> : null}
        <ErrorNote error={error && !own.some((f) => fieldError(error, f)) ? error : null} />
        {savedTo ? (
          <Alert color="teal" variant="light" role="status">
            <Text size="sm">Saved to {savedTo}</Text>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!passphraseReady(pass, MIN) || keyPass === ''}>
            Export key…
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

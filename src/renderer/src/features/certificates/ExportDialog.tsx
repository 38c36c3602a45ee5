// Export a certificate: the format (each explained in one line), and for PFX the password
// with its confirmation and a strength hint. The file is saved where the operator chooses.
import { Alert, Button, Group, Modal, Radio, Stack, Switch, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { CertificateSummary, ExportFormat } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'

export const EXPORT_FORMATS: { value: ExportFormat; label: string; line: string }[] = [
  { value: 'pem', label: 'PEM', line: 'The certificate alone, as Base64 text; what most servers and tools read.' },
  { value: 'der', label: 'DER', line: 'The certificate alone, as binary; for Java, Windows and devices that want .cer/.der.' },
  { value: 'pem-chain', label: 'PEM chain', line: 'The certificate followed by its issuing CAs up to the root, as text; for web servers.' },
  { value: 'p7b-pem', label: 'PKCS#7 (PEM)', line: 'The certificate and its chain in one PKCS#7 bundle, Base64 text; no private key.' },
  { value: 'p7b-der', label: 'PKCS#7 (DER)', line: 'The same PKCS#7 bundle as binary .p7b, as Windows imports it.' },
  { value: 'pfx-modern', label: 'PFX, modern', line: 'PKCS#12 with AES-256 and PBKDF2: for current OpenSSL, Windows 10+ and macOS; password-protected.' },
  { value: 'pfx-legacy', label: 'PFX, legacy', line: 'PKCS#12 with 3DES and SHA-1 (weak): only for old systems that cannot read the modern format.' }
]

const isPfx = (f: ExportFormat): boolean => f.startsWith('pfx')

export function ExportDialog({ certificate, onClose }: { certificate: CertificateSummary; onClose(): void }): ReactNode {
  const [format, setFormat] = useState<ExportFormat>('pem')
  const [includeKey, setIncludeKey] = useState(certificate.hasKey)
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [savedTo, setSavedTo] = useState<string | null>(null)
  const pfx = isPfx(format)
  const ready = !pfx || passphraseReady(pass, includeKey ? 12 : 1)

  const submit = async (): Promise<void> => {
    setBusy(true)
    setSavedTo(null)
    const r = await pki.certificates.export({ id: certificate.id, format, ...(pfx ? { password: pass.passphrase, includeKey } : {}) })
    if (!r.ok) {
      setBusy(false)
      return setError(r.error)
    }
    const s = await pki.files.save({ title: 'Export certificate', file: { name: r.value.fileName, base64: r.value.base64 } })
    setBusy(false)
    if (!s.ok) return setError(s.error)
    setError(null)
    if (s.value.saved) setSavedTo(s.value.paths[0] ?? r.value.fileName)
  }

  return (
    <Modal opened onClose={onClose} title={`Export ${certificate.commonName || certificate.subjectText}`} size="lg">
      <Stack gap="sm">
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v as ExportFormat)} error={fieldError(error, 'format')}>
          <Stack gap={8} mt={6}>
            {EXPORT_FORMATS.map((f) => (
              <Radio key={f.value} value={f.value} label={f.label} description={f.line} />
            ))}
          </Stack>
        </Radio.Group>
        {pfx ? (
          <>
            <Switch
              label="Include the private key"
              description={certificate.hasKey ? 'PKI Desk holds this certificate’s key.' : 'PKI Desk does not hold this certificate’s key: the file carries the certificate only.'}
              checked={includeKey && certificate.hasKey}
              disabled={!certificate.hasKey}
              onChange={(e) => setIncludeKey(e.currentTarget.checked)}
            />
            <PassphraseFields label="File password" value={pass} onChange={setPass} minLength={includeKey ? 12 : 1} error={fieldError(error, 'password')} />
          </>
        ) : null}
        <ErrorNote error={error && !fieldError(error, 'password') && !fieldError(error, 'format') ? error : null} />
        {savedTo ? (
          <Alert color="teal" variant="light" role="status">
            <Text size="sm">Saved to {savedTo}</Text>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!ready}>
            Export…
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

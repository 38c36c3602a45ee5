// Export a certificate: the format (each explained in one line), and for PFX the password
// with its confirmation and a strength hint. The file is saved where the operator chooses.
import { Alert, Button, Group, Modal, Radio, SimpleGrid, Stack, Switch, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError, Result } from '../../../../shared/errors'
import type { SaveOutcome } from '../../../../shared/ipc/files'
import type { CertificateSummary, ExportFormat } from '../../../../shared/domain/certificate'
import { tokenKeyStays, type TokenKeyPlace } from '../../../../shared/domain/pkcs11'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { useSettingsStore } from '../../stores/settings-store'
import { KeyPassphraseField, useKeyPassphrase } from './KeyPassphraseField'

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

async function exportCertificateOnly(id: number, format: ExportFormat): Promise<Result<SaveOutcome>> {
  const r = await pki.certificates.export({ id, format })
  if (!r.ok) return r
  return pki.files.save({ title: 'Export certificate', file: { name: r.value.fileName, base64: r.value.base64 } })
}

export function ExportDialog({ certificate, onClose }: { certificate: CertificateSummary & { keyExportBlockedBy?: string | null; heldKey?: { keyId: string; token?: TokenKeyPlace | null } | null }; onClose(): void }): ReactNode {
  // A profile with blockPrivateKeyExport keeps the key in PKI Desk: main refuses it too (PRIVATE_KEY_EXPORT_BLOCKED).
  const blockedBy = certificate.keyExportBlockedBy ?? null
  // A key on a PKCS#11 token cannot leave it (main refuses it too: PKCS11_KEY_NOT_EXPORTABLE).
  const onToken = certificate.heldKey?.token ?? null
  const keyAvailable = certificate.hasKey && blockedBy === null && onToken === null
  // Starts with the default export format from Settings.
  const [format, setFormat] = useState<ExportFormat>(() => useSettingsStore.getState().settings?.certificateExportFormat ?? 'pem')
  // A CA's key is never included by default: switching it on is the explicit opt-in (includeCaKey).
  const [includeKey, setIncludeKey] = useState(keyAvailable && !certificate.isCa)
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [savedTo, setSavedTo] = useState<string | null>(null)
  /** Asked for only when the key is locked behind a passphrase (null: not asked). A CA's key is asked for by main's own prompt. */
  const keyPassphrase = useKeyPassphrase(certificate.isCa ? null : (certificate.heldKey?.keyId ?? null))
  const keyPass = keyPassphrase.value
  const pfx = isPfx(format)
  const asked = keyPass !== null && pfx && includeKey && keyAvailable
  const ready = !pfx || (passphraseReady(pass, includeKey ? 12 : 1) && !(asked && !keyPass))

  const submit = async (): Promise<void> => {
    setBusy(true)
    setSavedTo(null)
    // A PFX can carry the private key: main writes it where the operator chooses and the
    // bytes never come to this window. Certificate-only formats come here and are saved.
    const s = pfx
      ? await pki.files.exportCertificate({
          id: certificate.id,
          format,
          password: pass.passphrase,
          includeKey: includeKey && keyAvailable,
          includeCaKey: includeKey && keyAvailable && certificate.isCa,
          ...(keyPass ? { keyPassphrase: keyPass } : {})
        })
      : await exportCertificateOnly(certificate.id, format)
    setBusy(false)
    if (!s.ok) {
      keyPassphrase.onRefusal(s.error)
      return setError(s.error)
    }
    setError(null)
    if (s.value.saved) setSavedTo(s.value.paths[0] ?? '')
  }

  return (
    <Modal opened onClose={onClose} title={`Export ${certificate.commonName || certificate.subjectText}`} size="xl">
      <Stack gap="sm">
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v as ExportFormat)} error={fieldError(error, 'format')}>
          {/* Two columns: with a PFX's password fields the dialog stays within a 900-pixel-high window. */}
          <SimpleGrid cols={2} spacing="sm" verticalSpacing={8} mt={6}>
            {EXPORT_FORMATS.map((f) => (
              <Radio key={f.value} value={f.value} label={f.label} description={f.line} />
            ))}
          </SimpleGrid>
        </Radio.Group>
        {pfx ? (
          <>
            <Switch
              label="Include the private key"
              description={
                !certificate.hasKey
                  ? 'PKI Desk does not hold this certificate’s key: the file carries the certificate only.'
                  : onToken !== null
                    ? `Not possible: ${tokenKeyStays(onToken)}. The file carries the certificate and its chain only.`
                  : blockedBy !== null
                    ? `Profile “${blockedBy}” blocks private key export: the file carries the certificate only.`
                    : certificate.isCa
                    ? 'This is a CA’s key: anyone with the file and its password can issue as this CA. Off unless you mean it; the export is audited.'
                    : 'PKI Desk holds this certificate’s key.'
              }
              checked={includeKey && keyAvailable}
              disabled={!keyAvailable}
              onChange={(e) => setIncludeKey(e.currentTarget.checked)}
            />
            <PassphraseFields label="File password" value={pass} onChange={setPass} minLength={includeKey ? 12 : 1} error={fieldError(error, 'password')} />
            {asked ? <KeyPassphraseField value={keyPass} onChange={keyPassphrase.set} error={error} /> : null}
          </>
        ) : null}
        <ErrorNote error={error && !fieldError(error, 'password') && !fieldError(error, 'format') && !(asked && fieldError(error, 'keyPassphrase')) ? error : null} />
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

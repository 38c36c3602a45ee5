// A CA whose parent is external: its CSR to save and send, and the install of the certificate
// the parent returns (PEM, DER or PKCS#7, with or without its chain), checked in main against
// the pending key (CERTIFICATE_KEY_MISMATCH, AUTHORITY_NOT_CA, AUTHORITY_CHAIN_INVALID).
import { Alert, Button, FileButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary, FileInput } from '../../../../shared/domain/authority'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { fileStem, readFileInput, textFile } from '../../lib/files'

/** "Save CSR…": the file dialog for the pending CSR, then where it went. */
export function SaveCsrButton({ authority, csrPem, variant = 'default' }: { authority: AuthoritySummary; csrPem?: string; variant?: 'default' | 'filled' }): ReactNode {
  const [saved, setSaved] = useState<string | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const save = async (): Promise<void> => {
    let pem = csrPem
    if (pem === undefined) {
      const d = await pki.authorities.get({ authorityId: authority.id })
      if (!d.ok) return setError(d.error)
      pem = d.value.csrPem ?? undefined
    }
    if (!pem) return setError({ code: 'AUTHORITY_NOT_PENDING', message: `"${authority.name}" has no CSR waiting: it already has its certificate.` })
    const s = await pki.files.save({ title: 'Save CSR', file: textFile(`${fileStem(authority.name, 'ca')}.csr`, pem) })
    setError(s.ok ? null : s.error)
    if (s.ok && s.value.saved) setSaved(s.value.paths[0] ?? '')
  }
  return (
    <>
      <Button variant={variant} onClick={() => void save()}>
        Save CSR…
      </Button>
      {saved ? (
        <Text size="xs" role="status">
          CSR saved to {saved}
        </Text>
      ) : null}
      <ErrorNote error={error} />
    </>
  )
}

/** After "CSR for an external parent": the CSR, to save and send to the parent. */
export function CsrReady({ authority, csrPem, onDone }: { authority: AuthoritySummary; csrPem: string; onDone(): void }): ReactNode {
  return (
    <Stack gap="sm">
      <Alert color="blue" variant="light" role="status" title={`${authority.name} is pending`}>
        <Text size="sm">
          Its key is in PKI Desk. Send this CSR to the parent CA and ask for a CA certificate (basicConstraints CA:TRUE, keyCertSign and cRLSign). Then choose “Install certificate…” on this CA.
          Until then it signs nothing.
        </Text>
      </Alert>
      <Textarea label="Certificate signing request (PEM)" value={csrPem} readOnly autosize minRows={6} maxRows={12} styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }} />
      <Group justify="flex-end" align="center">
        <SaveCsrButton authority={authority} csrPem={csrPem} variant="filled" />
        <Button variant="default" onClick={onDone}>
          Done
        </Button>
      </Group>
    </Stack>
  )
}

export function InstallCertificateModal({ authority, onClose }: { authority: AuthoritySummary; onClose(installed?: AuthoritySummary): void }): ReactNode {
  const [picked, setPicked] = useState<{ name: string; input: FileInput } | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const install = async (): Promise<void> => {
    if (!picked) return
    setBusy(true)
    const r = await pki.authorities.importCertificate({ authorityId: authority.id, certificate: picked.input })
    setBusy(false)
    if (r.ok) onClose(r.value)
    else setError(r.error)
  }
  return (
    <Modal opened onClose={() => onClose()} title={`Install certificate of ${authority.name}`} size="lg">
      <Stack gap="sm">
        <Text size="sm">
          The certificate the parent issued for this CA’s CSR: PEM, DER or PKCS#7 (.p7b), alone or with its chain. It must be for this CA’s key and be a CA certificate; a chain that comes with
          it must be its issuers, and is kept for chain exports.
        </Text>
        <Group gap="sm">
          <FileButton
            accept=".pem,.crt,.cer,.der,.p7b,.p7c"
            onChange={(f) => {
              setError(null)
              if (f) void readFileInput(f).then((input) => setPicked({ name: f.name, input }))
            }}
          >
            {(props) => (
              <Button variant="default" {...props}>
                Choose certificate…
              </Button>
            )}
          </FileButton>
          <Text size="sm" c={picked ? undefined : 'dimmed'}>
            {picked ? picked.name : 'No file chosen'}
          </Text>
        </Group>
        <ErrorNote error={error} title="Not installed" />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button onClick={() => void install()} loading={busy} disabled={!picked}>
            Install
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** On a pending CA: why it signs nothing, its CSR again, and the install. */
export function PendingActions({ authority }: { authority: AuthoritySummary }): ReactNode {
  const [installing, setInstalling] = useState(false)
  return (
    <Stack gap="xs" data-testid="pending-authority">
      <Alert color="yellow" variant="light" title="Pending: waiting for its certificate">
        <Text size="sm">Its CSR went to an external parent. It signs nothing until the certificate the parent returns is installed.</Text>
      </Alert>
      <Group gap="xs">
        <Button onClick={() => setInstalling(true)}>Install certificate…</Button>
        <SaveCsrButton authority={authority} />
      </Group>
      {installing ? <InstallCertificateModal authority={authority} onClose={() => setInstalling(false)} /> : null}
    </Stack>
  )
}

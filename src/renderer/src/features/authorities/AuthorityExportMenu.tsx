// Export a CA's own certificate (no key: certificates only cross IPC) as PEM, DER, the PEM
// chain up to the root, or PKCS#7 with the chain; the CLI's `pkidesk ca export` writes the same files.
import { Alert, Button, Group, Menu, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import type { ExportFormat } from '../../../../shared/domain/certificate'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { tokenKeyStays } from '../../../../shared/domain/pkcs11'

const CA_EXPORTS: readonly { format: ExportFormat; label: string }[] = [
  { format: 'pem', label: 'PEM (.pem)' },
  { format: 'der', label: 'DER (.cer)' },
  { format: 'pem-chain', label: 'PEM with the chain to the root' },
  { format: 'p7b-der', label: 'PKCS#7 with the chain (.p7b)' }
]

export function AuthorityExportMenu({ authority }: { authority: AuthoritySummary }): ReactNode {
  const [error, setError] = useState<AppError | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const certificateId = authority.certificateId
  const save = async (format: ExportFormat): Promise<void> => {
    if (certificateId === null) return
    setSaved(null)
    const r = await pki.certificates.export({ id: certificateId, format })
    if (!r.ok) return setError(r.error)
    const s = await pki.files.save({ title: `Export the certificate of ${authority.name}`, file: { name: r.value.fileName, base64: r.value.base64 } })
    setError(s.ok ? null : s.error)
    if (s.ok && s.value.saved) setSaved(s.value.paths[0] ?? '')
  }
  return (
    <Stack gap="xs">
      <Group gap="xs">
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button variant="default" disabled={certificateId === null}>
            Export certificate…
          </Button>
        </Menu.Target>
        <Menu.Dropdown aria-label={`Export the certificate of ${authority.name}`}>
          {CA_EXPORTS.map((e) => (
            <Menu.Item key={e.format} onClick={() => void save(e.format)}>
              {e.label}
            </Menu.Item>
          ))}
          {authority.token ? <Menu.Item disabled>With the private key (PFX): not possible, {tokenKeyStays(authority.token)}</Menu.Item> : null}
        </Menu.Dropdown>
      </Menu>
      </Group>
      {authority.token ? (
        <Text size="sm" c="dimmed" data-testid="ca-key-export-reason">
          Key export: not possible, {tokenKeyStays(authority.token)}. Only the certificate (and its chain) exports.
        </Text>
      ) : null}
      {saved ? (
        <Alert color="teal" variant="light" role="status">
          <Text size="sm">Certificate of {authority.name} saved to {saved}</Text>
        </Alert>
      ) : null}
      <ErrorNote error={error} />
    </Stack>
  )
}

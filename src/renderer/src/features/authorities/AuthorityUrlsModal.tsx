// The URLs a CA puts in every certificate it issues: CRL distribution points, OCSP responders
// and caIssuers (authority information access). A profile that lists its own URLs of a kind
// replaces the CA's for that kind; the Sign preview says which one a certificate gets.
import { Button, Group, Modal, Stack, TagsInput, Text } from '@mantine/core'
import { useMemo, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import { checkExtensionUrls, EXTENSION_URL_KINDS, MAX_EXTENSION_URLS, type ExtensionUrlKind, type ExtensionUrls } from '../../../../shared/domain/extension-urls'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'

const FIELDS: Readonly<Record<ExtensionUrlKind, { label: string; description: string; placeholder: string }>> = {
  crlDistributionPoints: { label: 'CRL distribution points', description: 'Where clients fetch this CA’s CRL: http, https or ldap', placeholder: 'http://pki.example.com/issuing.crl' },
  ocspUrls: { label: 'OCSP responders (AIA)', description: 'http or https', placeholder: 'http://ocsp.example.com' },
  caIssuersUrls: { label: 'CA issuers (AIA caIssuers)', description: 'Where clients fetch this CA’s own certificate: http, https or ldap', placeholder: 'http://pki.example.com/issuing.crt' }
}

export function AuthorityUrlsModal({ authority, onClose }: { authority: AuthoritySummary; onClose(): void }): ReactNode {
  const [urls, setUrls] = useState<ExtensionUrls>(authority.urls)
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const checked = useMemo(() => checkExtensionUrls(urls), [urls])
  const shown = error ?? (checked.ok ? null : checked.error)
  const fieldError = (kind: ExtensionUrlKind): string | undefined => (shown?.field?.startsWith(`${kind}.`) ? shown.message : undefined)
  const save = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.authorities.setUrls({ authorityId: authority.id, urls })
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }
  return (
    <Modal opened onClose={onClose} title={`URLs of ${authority.name}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            Every certificate {authority.name} issues from now on carries these URLs, unless its profile lists its own of a kind. Up to {MAX_EXTENSION_URLS} of each; press Enter after each URL.
          </Text>
          {EXTENSION_URL_KINDS.map((kind, i) => (
            <TagsInput
              key={kind}
              label={FIELDS[kind].label}
              description={FIELDS[kind].description}
              placeholder={urls[kind].length ? undefined : FIELDS[kind].placeholder}
              value={urls[kind]}
              onChange={(v) => {
                setError(null)
                setUrls((u) => ({ ...u, [kind]: v }))
              }}
              error={fieldError(kind)}
              splitChars={[' ', ',']}
              {...(i === 0 ? { 'data-autofocus': true } : {})}
            />
          ))}
          <ErrorNote error={shown && !EXTENSION_URL_KINDS.some((k) => fieldError(k)) ? shown : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!checked.ok}>
              Save URLs
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

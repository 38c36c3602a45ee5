// One certificate, every field and extension in words, fingerprints, chain and PEM; actions:
// export, revoke (a hold too), release a hold, renew with the same profile (renewal links both ways), and for an
// end-entity key the app holds: export the key, delete it.
import { Anchor, Badge, Button, Card, Code, CopyButton, Group, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { StatusBadge } from '../../components/StatusBadge'
import { colonHex, formatDateTime } from '../../lib/format'
import { sanText } from '../../lib/names'
import { publicKeyText } from '../../../../shared/domain/keys'
import type { RenewalLink } from '../../../../shared/domain/certificate'
import { useCertificatesStore } from '../../stores/certificates-store'
import { useUiStore } from '../../stores/ui-store'
import { ExportDialog } from './ExportDialog'
import { KeyExportDialog } from './KeyExportDialog'
import { DeleteKeyModal } from './DeleteKeyModal'
import { RevokeModal } from './RevokeModal'
import { RenewModal } from './RenewModal'
import { StructureView } from '../structure/StructureView'
import { HeldKeyState } from './HeldKeyState'

function Row({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <Table.Tr>
      <Table.Th w={190} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: 'break-word' }}>{children}</Table.Td>
    </Table.Tr>
  )
}

/** One end of a renewal link, opening the certificate at the other end. */
function RenewalRow({ label, link, open }: { label: string; link: RenewalLink | null; open: (id: number) => void }): ReactNode {
  if (!link) return null
  return (
    <Row label={label}>
      <Anchor component="button" type="button" size="sm" onClick={() => open(link.id)}>
        certificate {colonHex(link.serial)}
      </Anchor>
    </Row>
  )
}

export function CertificateView({ id }: { id: number }): ReactNode {
  const openCertificate = useUiStore((s) => s.openCertificate)
  const [dialog, setDialog] = useState<'export' | 'revoke' | 'renew' | 'exportKey' | 'deleteKey' | null>(null)
  const open = useCertificatesStore((s) => (s.detail?.id === id ? s.detail : null))
  const loadDetail = useCertificatesStore((s) => s.loadDetail)
  useEffect(() => {
    void loadDetail(id)
  }, [id, loadDetail])
  const detail = open?.value ?? null
  const error = open?.error ?? null
  const [releaseError, setReleaseError] = useState<AppError | null>(null)
  const [releasing, setReleasing] = useState(false)
  const release = async (): Promise<void> => {
    setReleasing(true)
    const r = await pki.certificates.release({ id })
    setReleasing(false)
    setReleaseError(r.ok ? null : r.error)
    void loadDetail(id)
  }

  /** After a delete or a revoke the record changed: read it again. */
  const closeAndReload = (): void => {
    setDialog(null)
    void loadDetail(id)
  }

  const back = (
    <Button variant="subtle" onClick={() => openCertificate(null)}>
      ← Back to certificates
    </Button>
  )
  if (!detail)
    return (
      <Stack>
        {back}
        <ErrorNote error={error} />
      </Stack>
    )
  const v = detail.view
  const held = detail.status === 'revoked' && detail.revocationReason === 'certificateHold'
  return (
    <Stack gap="md">
      <Group justify="space-between">
        {back}
        <Group gap="xs">
          <Button onClick={() => setDialog('export')}>Export…</Button>
          {detail.isCa ? null : (
            <Button variant="default" onClick={() => setDialog('renew')}>
              Renew…
            </Button>
          )}
          {detail.hasKey && !detail.isCa ? (
            <>
              <Button
                variant="default"
                onClick={() => setDialog('exportKey')}
                disabled={detail.keyExportBlockedBy !== null}
                title={detail.keyExportBlockedBy !== null ? `Profile "${detail.keyExportBlockedBy}" blocks private key export` : undefined}
              >
                Export key…
              </Button>
              <Button color="red" variant="subtle" onClick={() => setDialog('deleteKey')}>
                Delete key…
              </Button>
            </>
          ) : null}
          {held ? (
            <Button variant="default" onClick={() => void release()} loading={releasing}>
              Release hold
            </Button>
          ) : null}
          <Button color="red" variant="light" onClick={() => setDialog('revoke')} disabled={detail.status === 'revoked' && !held}>
            {held ? 'Revoke for good…' : 'Revoke…'}
          </Button>
        </Group>
      </Group>
      <Group gap="sm">
        <Title order={2}>{detail.commonName || detail.subjectText}</Title>
        <StatusBadge status={detail.status} reason={detail.revocationReason} />
        {detail.isCa ? <Badge variant="outline">CA</Badge> : null}
        {detail.hasKey ? <Badge variant="outline">key held</Badge> : null}
      </Group>
      <ErrorNote error={error} />
      <ErrorNote error={releaseError} title="Not released" />
      <Tabs defaultValue="details" keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="structure">Structure</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="structure">
          <StructureView source={{ kind: 'certificate', id: detail.id }} label={`ASN.1 structure of ${detail.commonName || detail.subjectText}`} />
        </Tabs.Panel>
        <Tabs.Panel value="details">
          <Stack gap="md">
            <Card withBorder padding="sm">
              <Title order={3} size="h5" mb="xs">
                Fields
              </Title>
              <Table variant="vertical" layout="fixed" fz="sm">
                <Table.Tbody>
                  <Row label="Subject">{v.subjectText}</Row>
                  <Row label="Issuer">{v.issuerText}</Row>
                  <Row label="Serial number">
                    <Code>{colonHex(v.serial)}</Code>
                  </Row>
                  <Row label="Version">{v.version}</Row>
                  <Row label="Valid from">{formatDateTime(v.notBefore)}</Row>
                  <Row label="Valid until">{formatDateTime(v.notAfter)}</Row>
                  <Row label="Signature algorithm">{v.signatureAlgorithm}</Row>
                  <Row label="Public key">
                    {publicKeyText(v.publicKey)}
                  </Row>
                  <Row label="Names (SAN)">{v.sans.length ? v.sans.map(sanText).join(', ') : 'none'}</Row>
                  <Row label="Private key">
                    <HeldKeyState detail={detail} />
                  </Row>
                  <RenewalRow label="Renews" link={detail.renewalOf} open={openCertificate} />
                  <RenewalRow label="Renewed by" link={detail.renewedBy} open={openCertificate} />
                  {detail.status === 'revoked' ? (
                    <Row label={held ? 'On hold' : 'Revoked'}>
                      {formatDateTime(detail.revokedAt)} · {detail.revocationReason}
                      {held ? ' · listed on the next CRL until released' : ''}
                      {detail.invalidityDate ? ` · invalid since ${formatDateTime(detail.invalidityDate)}` : ''}
                    </Row>
                  ) : null}
                  <Row label="SHA-256 fingerprint">
                    <Code>{colonHex(v.fingerprints.sha256)}</Code>
                  </Row>
                  <Row label="SHA-1 fingerprint">
                    <Code>{colonHex(v.fingerprints.sha1)}</Code>
                  </Row>
                </Table.Tbody>
              </Table>
            </Card>
            <Card withBorder padding="sm">
              <Title order={3} size="h5" mb="xs">
                Extensions
              </Title>
              <Table variant="vertical" layout="fixed" fz="sm">
                <Table.Tbody>
                  {v.extensions.map((e) => (
                    <Row key={e.oid} label={e.name}>
                      {e.critical ? (
                        <Badge size="xs" color="orange" variant="light" mr={6}>
                          critical
                        </Badge>
                      ) : null}
                      <Text span size="xs" c="dimmed">
                        {e.oid}
                      </Text>
                      {e.lines.map((l, i) => (
                        <Text key={i} size="sm">
                          {l}
                        </Text>
                      ))}
                    </Row>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
            <Card withBorder padding="sm">
              <Title order={3} size="h5" mb="xs">
                Chain
              </Title>
              <Stack gap={4} component="ol" style={{ margin: 0, paddingLeft: 20 }}>
                <li>
                  <Text size="sm" fw={600}>
                    {v.subjectText} (this certificate)
                  </Text>
                </li>
                {detail.chain.map((c) => (
                  <li key={c.sha256}>
                    <Text size="sm">
                      {c.subjectText}{' '}
                      <Text span size="xs" c="dimmed">
                        SHA-256 {c.sha256.slice(0, 16)}…
                      </Text>
                    </Text>
                  </li>
                ))}
              </Stack>
            </Card>
            <Card withBorder padding="sm">
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h5">
                  PEM
                </Title>
                <CopyButton value={v.pem}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy to clipboard'}>
                      <Button size="compact-sm" variant="default" onClick={copy}>
                        {copied ? 'Copied' : 'Copy PEM'}
                      </Button>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>
              <Code block aria-label="Certificate PEM" tabIndex={0} style={{ maxHeight: 240, overflow: 'auto' }}>
                {v.pem}
              </Code>
            </Card>
          </Stack>
        </Tabs.Panel>
      </Tabs>
      {dialog === 'export' ? <ExportDialog certificate={detail} onClose={() => setDialog(null)} /> : null}
      {dialog === 'exportKey' ? <KeyExportDialog source={{ certificateId: detail.id }} heldKeyId={detail.heldKey?.keyId ?? null} name={detail.commonName || detail.subjectText} onClose={() => setDialog(null)} /> : null}
      {dialog === 'deleteKey' ? <DeleteKeyModal certificate={detail} onClose={closeAndReload} /> : null}
      {dialog === 'renew' ? <RenewModal certificate={detail} onClose={() => setDialog(null)} /> : null}
      {dialog === 'revoke' ? <RevokeModal certificate={detail} onClose={closeAndReload} /> : null}
    </Stack>
  )
}

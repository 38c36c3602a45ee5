// Edits one profile with live validation from the shared schema (the same one main
// enforces): each problem appears beside its field as you type. Preview against a sample CSR.
import { Button, Card, Checkbox, Code, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core'
import { useMemo, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { PreviewTable } from '../../components/PreviewTable'
import { EKU, KEY_USAGE_NAMES, PROFILE_ID_PATTERN, SAN_TYPES, profileBody, type ProfileBodyInput, type PreviewRow, type Finding } from '../../../../shared/domain/profile'
import { signatureHash } from '../../../../shared/domain/keys'
import { profileIdFromName } from '../../../../shared/domain/profile-id'
import { dnsPatternsInWords } from '../../../../shared/domain/pattern-words'
import { pki } from '../../api/pki'
import type { Profile } from '../../stores/profiles-store'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { issueAt, issueMap } from '../../lib/zod-issues'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { SubjectRulesEditor, type RuleDraft } from './SubjectRulesEditor'
import { tone } from '../../lib/colors'
import { checkExtensionUrls, type ExtensionUrlKind } from '../../../../shared/domain/extension-urls'

type Draft = ProfileBodyInput & { validity: { type: 'Duration'; duration: string } | { type: 'Time'; time: string } }

const PLACED = ['subjectAttributes', 'id', 'name', 'description', 'validity', 'maxValidityDays', 'defaultAuthorityId', 'keyUsage', 'extendedKeyUsages', 'crypto', 'san', 'crlDistributionPoints', 'ocspUrls', 'caIssuersUrls']

const EKU_OPTIONS = Object.entries(EKU).map(([name, oid]) => ({ value: oid, label: name }))

/** The body fields of a stored profile (its id and bookkeeping left out). */
export function draftOf(p: Profile | null): Draft {
  if (!p) return { name: '', validity: { type: 'Duration', duration: '90d' } } as Draft
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- drop the stored-only fields
  const { id, archived, source, createdAt, updatedAt, ...body } = p
  return body as Draft
}

export function ProfileEditor({ profile, onSaved, onCancel }: { profile: Profile | null; onSaved(p: Profile): void; onCancel(): void }): ReactNode {
  const authorities = useAuthoritiesStore((s) => s.items)
  const [draft, setDraft] = useState<Draft>(() => draftOf(profile))
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [sample, setSample] = useState('')
  const [preview, setPreview] = useState<{ rows: readonly PreviewRow[]; findings: readonly Finding[]; canSign: boolean } | null>(null)
  const [previewError, setPreviewError] = useState<AppError | null>(null)
  /** A new profile's id as typed; empty: main reads it from the name (shown as the placeholder). */
  const [idText, setIdText] = useState('')

  const checked = useMemo(() => profileBody.safeParse(draft), [draft])
  const issues = useMemo(() => issueMap(checked.success ? undefined : checked.error), [checked])
  // The URL rule main applies on save (http/https/ldap, length, count), shown as you type.
  const urlCheck = useMemo(() => checkExtensionUrls({ crlDistributionPoints: [...(draft.crlDistributionPoints ?? [])], ocspUrls: [...(draft.ocspUrls ?? [])], caIssuersUrls: [...(draft.caIssuersUrls ?? [])] }), [draft.crlDistributionPoints, draft.ocspUrls, draft.caIssuersUrls])
  const urlError = (kind: ExtensionUrlKind): string | undefined => (!urlCheck.ok && urlCheck.error.field?.startsWith(`${kind}.`) ? urlCheck.error.message : undefined)
  const err = (path: string): string | undefined => issueAt(issues, path) ?? fieldError(error, path)
  const set = (patch: Partial<Draft>): void => setDraft((d) => ({ ...d, ...patch }))
  const crypto = { ...profileBody.parse({ name: 'x' }).crypto, ...draft.crypto }
  const san = { ...profileBody.parse({ name: 'x' }).san, ...draft.san }

  const save = async (): Promise<void> => {
    setBusy(true)
    const r = profile
      ? await pki.profiles.update({ id: profile.id, profile: draft, expectedUpdatedAt: profile.updatedAt })
      : await pki.profiles.create({ profile: draft, ...(idText.trim() ? { id: idText.trim() } : {}) })
    setBusy(false)
    if (r.ok) {
      setError(null)
      onSaved(r.value)
    } else setError(r.error)
  }
  const runPreview = async (): Promise<void> => {
    const r = await pki.profiles.preview({ profile: draft, csrPem: sample })
    setPreview(r.ok ? r.value : null)
    setPreviewError(r.ok ? null : r.error)
  }

  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Title order={3} size="h5">
            {profile ? `Edit ${profile.name}` : 'New profile'}
          </Title>
          <TextInput label="Name" required value={draft.name ?? ''} onChange={(e) => set({ name: e.currentTarget.value })} error={err('name')} />
          {profile ? (
            <Text size="sm" c="dimmed" data-testid="profile-id">
              Id <Code>{profile.id}</Code> — certificates, exports and the CLI name the profile by it; it stays when the name changes.
            </Text>
          ) : (
            <TextInput
              label="Id"
              description="Read from the name unless you type one; it stays when the name changes later. A number is added if another profile has it."
              placeholder={profileIdFromName(draft.name ?? '')}
              value={idText}
              onChange={(e) => setIdText(e.currentTarget.value)}
              error={fieldError(error, 'id') ?? (idText.trim() && !PROFILE_ID_PATTERN.test(idText.trim()) ? 'Use letters, digits, dots, dashes or underscores, starting with a letter or digit (at most 128).' : undefined)}
            />
          )}
          <Textarea label="Description" autosize minRows={1} value={draft.description ?? ''} onChange={(e) => set({ description: e.currentTarget.value })} error={err('description')} />
          <SimpleGrid cols={3}>
            <TextInput
              label="Validity"
              description="e.g. 90d, 1y, 1y30d"
              value={draft.validity.type === 'Duration' ? draft.validity.duration : ''}
              onChange={(e) => set({ validity: { type: 'Duration', duration: e.currentTarget.value } })}
              error={err('validity')}
            />
            <NumberInput
              label="Maximum validity (days)"
              value={draft.maxValidityDays ?? ''}
              onChange={(v) => set({ maxValidityDays: v === '' ? undefined : Number(v) })}
              error={err('maxValidityDays')}
            />
            <Select
              label="Default signing CA"
              clearable
              placeholder="None"
              data={authorities.map((a) => ({ value: a.id, label: a.name }))}
              value={draft.defaultAuthorityId ?? null}
              onChange={(v) => set({ defaultAuthorityId: v ?? undefined })}
              error={err('defaultAuthorityId')}
            />
          </SimpleGrid>
          <Group>
            <Switch label="Issues CA certificates" checked={!!draft.signAsCa} onChange={(e) => set({ signAsCa: e.currentTarget.checked })} />
            <Switch label="Take the subject from the CSR" checked={draft.honorSubject ?? true} onChange={(e) => set({ honorSubject: e.currentTarget.checked })} />
            <Switch label="Operator may shorten validity" checked={!!draft.allowValidityOverride} onChange={(e) => set({ allowValidityOverride: e.currentTarget.checked })} />
          </Group>
          <SimpleGrid cols={2}>
            <MultiSelect label="Key usage" data={[...KEY_USAGE_NAMES]} value={draft.keyUsage ?? ['digitalSignature']} onChange={(v) => set({ keyUsage: v as Draft['keyUsage'] })} error={err('keyUsage')} />
            <MultiSelect
              label="Extended key usage"
              data={EKU_OPTIONS}
              value={draft.extendedKeyUsages ?? []}
              onChange={(v) => set({ extendedKeyUsages: v })}
              error={err('extendedKeyUsages')}
            />
          </SimpleGrid>
          <SubjectRulesEditor
            rules={(draft.subjectAttributes ?? []) as RuleDraft[]}
            onChange={(rules) => set({ subjectAttributes: rules as Draft['subjectAttributes'] })}
            issue={err}
          />
          <Title order={4} size="h6">
            Keys the profile accepts
          </Title>
          <Group>
            <Checkbox label="RSA" checked={crypto.allowRsa} onChange={(e) => set({ crypto: { ...crypto, allowRsa: e.currentTarget.checked } })} />
            <Checkbox label="ECDSA" checked={crypto.allowEcdsa} onChange={(e) => set({ crypto: { ...crypto, allowEcdsa: e.currentTarget.checked } })} />
            <Checkbox label="Ed25519" checked={crypto.allowEd25519} onChange={(e) => set({ crypto: { ...crypto, allowEd25519: e.currentTarget.checked } })} />
            <Checkbox label="Ed448" checked={crypto.allowEd448} onChange={(e) => set({ crypto: { ...crypto, allowEd448: e.currentTarget.checked } })} />
          </Group>
          <SimpleGrid cols={3}>
            <MultiSelect
              label="RSA sizes"
              data={['2048', '3072', '4096', '8192']}
              value={crypto.rsaKeySizes.map(String)}
              onChange={(v) => set({ crypto: { ...crypto, rsaKeySizes: v.map(Number) } })}
              error={err('crypto.rsaKeySizes') ?? err('crypto')}
            />
            <MultiSelect
              label="ECDSA curves"
              data={['P-256', 'P-384', 'P-521']}
              value={[...crypto.ecdsaCurves]}
              onChange={(v) => set({ crypto: { ...crypto, ecdsaCurves: v as typeof crypto.ecdsaCurves } })}
              error={err('crypto.ecdsaCurves')}
            />
            <Select
              label="Signature hash"
              data={signatureHash.options}
              value={draft.signature?.hash ?? 'SHA-256'}
              onChange={(v) => v && set({ signature: { hash: v as 'SHA-256', rsaPss: draft.signature?.rsaPss ?? false } })}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Title order={4} size="h6">
            Subject alternative names
          </Title>
          <SimpleGrid cols={2}>
            <MultiSelect label="Allowed name types" data={[...SAN_TYPES]} value={[...san.allowedTypes]} onChange={(v) => set({ san: { ...san, allowedTypes: v as typeof san.allowedTypes } })} error={err('san.allowedTypes')} />
            <TagsInput
              label="Allowed DNS names"
              description="example.com, *.example.com (one label) or .example.com (any subdomain); empty allows any"
              value={[...(san.dnsPatterns ?? [])]}
              onChange={(v) => set({ san: { ...san, dnsPatterns: v.length ? v : undefined } })}
              error={err('san.dnsPatterns')}
            />
          </SimpleGrid>
          {err('san.dnsPatterns') ? null : (
            <Text size="xs" c="dimmed" data-testid="dns-patterns-words">
              {dnsPatternsInWords(san.dnsPatterns)}
            </Text>
          )}
          <Switch label="Allow wildcard names" checked={san.allowWildcards} onChange={(e) => set({ san: { ...san, allowWildcards: e.currentTarget.checked } })} />
          <Title order={4} size="h6">
            Revocation and issuer URLs
          </Title>
          <Text size="xs" c="dimmed">
            A kind left empty takes the issuing CA’s URLs (set in Authorities → URLs); a kind listed here replaces the CA’s for certificates of this profile.
          </Text>
          <TagsInput
            label="CRL distribution points"
            description="http, https or ldap; Enter after each URL"
            value={[...(draft.crlDistributionPoints ?? [])]}
            onChange={(v) => set({ crlDistributionPoints: v })}
            error={err('crlDistributionPoints') ?? urlError('crlDistributionPoints')}
          />
          <SimpleGrid cols={2}>
            <TagsInput
              label="OCSP responders (AIA)"
              description="http or https"
              value={[...(draft.ocspUrls ?? [])]}
              onChange={(v) => set({ ocspUrls: v })}
              error={err('ocspUrls') ?? urlError('ocspUrls')}
            />
            <TagsInput
              label="CA issuers (AIA caIssuers)"
              description="Where clients fetch the issuing CA’s certificate"
              value={[...(draft.caIssuersUrls ?? [])]}
              onChange={(v) => set({ caIssuersUrls: v })}
              error={err('caIssuersUrls') ?? urlError('caIssuersUrls')}
            />
          </SimpleGrid>
          <Text size="xs" c={tone(checked.success ? 'teal' : 'red')} role="status" data-testid="profile-validity">
            {checked.success ? 'The profile is valid.' : `${issues.size} problem${issues.size === 1 ? '' : 's'} to fix before saving.`}
          </Text>
          <ErrorNote error={unplacedError(error, PLACED)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Close
            </Button>
            <Button onClick={() => void save()} loading={busy} disabled={!checked.success || !urlCheck.ok}>
              {profile ? 'Save changes' : 'Create profile'}
            </Button>
          </Group>
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="xs">
          <Title order={3} size="h5">
            Preview against a sample CSR
          </Title>
          <Textarea label="Sample CSR (PEM)" styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} autosize minRows={3} maxRows={8} value={sample} onChange={(e) => setSample(e.currentTarget.value)} />
          <Group>
            <Button variant="default" onClick={() => void runPreview()} disabled={!sample.trim() || !checked.success}>
              Preview
            </Button>
            {preview ? (
              <Text size="sm" c={tone(preview.canSign ? 'teal' : 'red')}>
                {preview.canSign ? 'This CSR could be signed with this profile.' : 'This profile would refuse this CSR.'}
              </Text>
            ) : null}
          </Group>
          <ErrorNote error={previewError} />
          {preview?.findings.map((f, i) => (
            <Text key={i} size="sm" c={tone(f.severity === 'error' ? 'red' : 'yellow')}>
              {f.severity === 'error' ? 'Refused' : 'Warning'}: {f.message} ({f.field})
            </Text>
          ))}
          {preview?.rows.length ? (
            <PreviewTable rows={preview.rows} label="Profile preview" />
          ) : null}
        </Stack>
      </Card>
    </Stack>
  )
}

// Generate a key and a CSR in the app: key type from what the chosen profile allows, subject
// fields guided by its attribute rules, SANs. The key stays in the vault (for issuance, and
// a PFX export later), exportable now as encrypted PKCS#8. Save or copy the CSR, or take it
// straight to signing.
import { Alert, Button, Card, Code, CopyButton, Group, Select, SimpleGrid, Stack, Tabs, Text, Textarea, Title } from '@mantine/core'
import { useMemo, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { signatureHash, type SignatureHash } from '../../../../shared/domain/keys'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { SubjectFields } from '../../components/SubjectFields'
import { fileStem, textFile } from '../../lib/files'
import { KEY_SPEC_OPTIONS, PROTECTION_HELP, PROTECTION_OPTIONS, needsPassphrase, type KeyProtection, type KeySpec } from '../../lib/keys'
import { parseSans, sanText, subjectFromFields, type SubjectFields as Fields } from '../../lib/names'
import { useSignStore } from '../../stores/sign-store'
import { useUiStore } from '../../stores/ui-store'
import { profileGuide, useProfileChoices } from '../sign/use-profile-choices'
import { KeyExportDialog } from '../certificates/KeyExportDialog'
import { StructureView } from '../structure/StructureView'

const NONE = '__none__'

export function CsrScreen(): ReactNode {
  const profiles = useProfileChoices()
  const goTo = useUiStore((s) => s.goTo)
  const [profileId, setProfileId] = useState<string>(NONE)
  const [subject, setSubject] = useState<Fields>({})
  const [sans, setSans] = useState('')
  const [spec, setSpec] = useState<KeySpec>('ec-p256')
  const [hash, setHash] = useState<SignatureHash>('SHA-256')
  const [protection, setProtection] = useState<KeyProtection>('passphrase')
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ pem: string; keyId: string; name: string } | null>(null)
  const [saveNote, setSaveNote] = useState<string | null>(null)
  const [exportingKey, setExportingKey] = useState(false)

  const guide = useMemo(() => profileGuide(profiles.find((p) => p.id === profileId)), [profiles, profileId])
  const specs = KEY_SPEC_OPTIONS.filter((o) => guide.allowedSpecs.includes(o.value))
  const effectiveSpec = guide.allowedSpecs.includes(spec) ? spec : (specs[0]?.value ?? spec)
  const sanList = parseSans(sans)
  const ready = subject.CN?.trim() && guide.required.every((t) => subject[t]?.trim()) && (!needsPassphrase(protection) || passphraseReady(pass, 12))

  const generate = async (): Promise<void> => {
    setBusy(true)
    setResult(null)
    setSaveNote(null)
    const r = await pki.csr.generate({
      subject: subjectFromFields(subject),
      sans: sanList,
      keySpec: effectiveSpec,
      protection,
      ...(needsPassphrase(protection) ? { passphrase: pass.passphrase } : {}),
      hash
    })
    setBusy(false)
    if (!r.ok) return setError(r.error)
    setError(null)
    setResult({ pem: r.value.pem, keyId: r.value.keyId, name: fileStem(subject.CN ?? '', 'request') })
  }
  const save = async (): Promise<void> => {
    if (!result) return
    const s = await pki.files.save({ title: 'Save CSR', file: textFile(`${result.name}.csr`, result.pem) })
    if (!s.ok) return setError(s.error)
    if (s.value.saved) setSaveNote(`Saved to ${s.value.paths[0]}`)
  }
  const signNow = async (): Promise<void> => {
    if (!result) return
    const store = useSignStore.getState()
    if (profileId !== NONE) store.setProfile(profileId)
    goTo('sign')
    await store.addText(result.pem)
  }

  return (
    <Stack gap="md" maw={900}>
      <PageHeader title="Generate CSR" description="A new key pair kept in the vault, and a signing request for it." />
      <Card withBorder>
        <Stack gap="sm">
          <Select
            label="Guided by profile"
            description={guide.note}
            data={[{ value: NONE, label: 'No profile: any key type, CN required' }, ...profiles.map((p) => ({ value: p.id, label: p.name }))]}
            value={profileId}
            onChange={(v) => setProfileId(v ?? NONE)}
            allowDeselect={false}
          />
          <SubjectFields value={subject} onChange={setSubject} error={error} required={['CN', ...guide.required]} hints={guide.hints} />
          <Textarea
            label="Subject alternative names"
            description="One per line or comma-separated: www.example.com, ip:10.0.0.5, email:ops@example.com"
            autosize
            minRows={2}
            value={sans}
            onChange={(e) => setSans(e.currentTarget.value)}
            error={fieldError(error, 'sans')}
          />
          {sanList.length ? (
            <Text size="xs" c="dimmed">
              Will request: {sanList.map(sanText).join(', ')}
            </Text>
          ) : null}
          <SimpleGrid cols={3}>
            <Select label="Key type" data={specs} value={effectiveSpec} onChange={(v) => v && setSpec(v as KeySpec)} allowDeselect={false} error={fieldError(error, 'keySpec')} />
            <Select label="CSR signature hash" data={signatureHash.options} value={hash} onChange={(v) => v && setHash(v as SignatureHash)} allowDeselect={false} />
            <Select label="Key protection" data={PROTECTION_OPTIONS} value={protection} onChange={(v) => v && setProtection(v as KeyProtection)} allowDeselect={false} />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {PROTECTION_HELP[protection]} The key stays in the vault; export it later with its certificate as a PFX.
          </Text>
          {needsPassphrase(protection) ? <PassphraseFields value={pass} onChange={setPass} error={fieldError(error, 'passphrase')} /> : null}
          <ErrorNote error={unplacedError(error, ['subject', 'sans', 'keySpec', 'passphrase'])} />
          <Group justify="flex-end">
            <Button onClick={() => void generate()} loading={busy} disabled={!ready}>
              Generate key and CSR
            </Button>
          </Group>
        </Stack>
      </Card>
      {result ? (
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              Your CSR
            </Title>
            <Group gap="xs">
              <CopyButton value={result.pem}>
                {({ copied, copy }) => (
                  <Button size="compact-sm" variant="default" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button size="compact-sm" variant="default" onClick={() => void save()}>
                Save…
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setExportingKey(true)}>
                Export key…
              </Button>
              <Button size="compact-sm" onClick={() => void signNow()}>
                Sign it now
              </Button>
            </Group>
          </Group>
          <Tabs defaultValue="pem" keepMounted={false}>
            <Tabs.List mb="xs">
              <Tabs.Tab value="pem">PEM</Tabs.Tab>
              <Tabs.Tab value="structure">Structure</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="pem">
              <Code block aria-label="Generated CSR">
                {result.pem}
              </Code>
            </Tabs.Panel>
            <Tabs.Panel value="structure">
              <StructureView source={{ kind: 'csr', pem: result.pem }} label="ASN.1 structure of the generated CSR" />
            </Tabs.Panel>
          </Tabs>
          <Text size="xs" c="dimmed" mt={6}>
            Key {result.keyId} is in the vault. Once the certificate is issued, it can also be exported as a PFX from the certificate’s view.
          </Text>
          {exportingKey ? <KeyExportDialog source={{ keyId: result.keyId }} name={result.name} onClose={() => setExportingKey(false)} /> : null}
          {saveNote ? (
            <Alert color="teal" variant="light" mt="xs" role="status">
              {saveNote}
            </Alert>
          ) : null}
        </Card>
      ) : null}
    </Stack>
  )
}

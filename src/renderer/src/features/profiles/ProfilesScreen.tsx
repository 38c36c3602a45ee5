// Issuance profiles: list with search and filters, the editor, duplicate/archive, and
// import/export in the dialects of the remote platforms.
import { Badge, Button, Card, FileButton, Grid, Group, Modal, NavLink, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { profileDialect, type ProfileDialect, type ConversionNote } from '../../../../shared/domain/profile'
import { pki } from '../../api/pki'
import { useProfilesStore, type Profile } from '../../stores/profiles-store'
import { Empty } from '../../components/Empty'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { textFile } from '../../lib/files'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { ProfileEditor } from './ProfileEditor'
import { tone } from '../../lib/colors'

const DIALECT_LABELS: Record<ProfileDialect, string> = {
  pkidesk: 'PKI Desk JSON',
  lamassu: 'Lamassu issuance profile',
  'digicert-tlm': 'DigiCert Trust Lifecycle Manager',
  certcentral: 'DigiCert CertCentral',
  paloalto: 'Palo Alto Networks'
}
const DIALECT_OPTIONS = profileDialect.options.map((d) => ({ value: d, label: DIALECT_LABELS[d] }))

function Notes({ notes }: { notes: readonly ConversionNote[] }): ReactNode {
  if (!notes.length) return null
  return (
    <Stack gap={2} aria-label="Conversion notes">
      {notes.map((n, i) => (
        <Text key={i} size="xs">
          <Badge size="xs" variant="light" mr={4}>
            {n.kind}
          </Badge>
          {n.field}: {n.message}
        </Text>
      ))}
    </Stack>
  )
}

function ImportModal({ onClose }: { onClose(p?: Profile): void }): ReactNode {
  const [json, setJson] = useState('')
  const [name, setName] = useState('')
  const [dialect, setDialect] = useState<ProfileDialect | 'auto'>('auto')
  const [error, setError] = useState<AppError | null>(null)
  const [done, setDone] = useState<{ profile: Profile; notes: readonly ConversionNote[] } | null>(null)
  const submit = async (): Promise<void> => {
    const r = await pki.profiles.import({ json, dialect, ...(name.trim() ? { name: name.trim() } : {}) })
    if (!r.ok) return setError(r.error)
    setError(null)
    setDone({ profile: r.value.profile, notes: r.value.notes })
  }
  return (
    <Modal opened onClose={() => onClose(done?.profile)} title="Import a profile" size="lg">
      <Stack gap="sm">
        <Select label="Dialect" data={[{ value: 'auto', label: 'Detect automatically' }, ...DIALECT_OPTIONS]} value={dialect} onChange={(v) => v && setDialect(v as ProfileDialect | 'auto')} allowDeselect={false} />
        <Group>
          <FileButton accept=".json,application/json" onChange={(f) => f && void f.text().then(setJson)}>
            {(props) => (
              <Button variant="default" {...props}>
                Choose JSON file…
              </Button>
            )}
          </FileButton>
        </Group>
        <Textarea label="Profile JSON" styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} autosize minRows={4} maxRows={12} value={json} onChange={(e) => setJson(e.currentTarget.value)} error={fieldError(error, 'json')} />
        <TextInput
          label="Name for the imported profile (optional)"
          description="Leave empty to keep the name in the file."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
        />
        <ErrorNote error={error && !fieldError(error, 'json') && !fieldError(error, 'name') ? error : null} />
        {done ? (
          <Stack gap={4}>
            <Text size="sm" c={tone('teal')}>
              Imported {done.profile.name}.
            </Text>
            <Notes notes={done.notes} />
          </Stack>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose(done?.profile)}>
            Close
          </Button>
          <Button onClick={() => void submit()} disabled={json.trim().length < 2 || !!done}>
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

function ExportModal({ profile, onClose }: { profile: Profile; onClose(): void }): ReactNode {
  const [dialect, setDialect] = useState<ProfileDialect>('pkidesk')
  const [error, setError] = useState<AppError | null>(null)
  const [notes, setNotes] = useState<readonly ConversionNote[] | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const submit = async (): Promise<void> => {
    const r = await pki.profiles.export({ id: profile.id, dialect })
    if (!r.ok) return setError(r.error)
    setNotes(r.value.notes)
    const s = await pki.files.save({ title: 'Export profile', file: textFile(`${profile.id}.${dialect}.json`, r.value.json) })
    if (!s.ok) return setError(s.error)
    setError(null)
    if (s.value.saved) setSaved(s.value.paths[0] ?? '')
  }
  return (
    <Modal opened onClose={onClose} title={`Export ${profile.name}`}>
      <Stack gap="sm">
        <Select label="Dialect" data={DIALECT_OPTIONS} value={dialect} onChange={(v) => v && setDialect(v as ProfileDialect)} allowDeselect={false} />
        <ErrorNote error={error} />
        {notes ? <Notes notes={notes} /> : null}
        {saved ? (
          <Text size="sm" c={tone('teal')} role="status">
            Saved to {saved}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => void submit()}>Export…</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export function ProfilesScreen(): ReactNode {
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search, 200)
  const [kind, setKind] = useState<'all' | 'ca' | 'ee'>('all')
  const [includeArchived, setIncludeArchived] = useState(false)
  const [selected, setSelected] = useState<string | null>(null)
  const [editing, setEditing] = useState<'new' | 'edit' | null>(null)
  const [dialog, setDialog] = useState<'import' | 'export' | null>(null)
  const [actionError, setActionError] = useState<AppError | null>(null)
  const loadAuthorities = useAuthoritiesStore((s) => s.load)
  useEffect(() => {
    void loadAuthorities()
  }, [loadAuthorities])

  const query = useMemo(() => ({ search: debounced, kind, includeArchived }), [debounced, kind, includeArchived])
  const browse = useProfilesStore((s) => s.browse)
  const loadBrowse = useProfilesStore((s) => s.loadBrowse)
  useEffect(() => {
    void loadBrowse(query)
  }, [query, loadBrowse])
  const reload = (): void => void loadBrowse()
  const value = browse?.items ?? null
  const error = browse?.error ?? null
  const items = value ?? []
  const current = items.find((p) => p.id === selected) ?? null

  const act = async (r: Promise<{ ok: true; value: Profile } | { ok: false; error: AppError }>): Promise<void> => {
    const res = await r
    if (res.ok) {
      setSelected(res.value.id)
      setActionError(null)
    } else setActionError(res.error)
    reload()
  }

  return (
    <Stack gap="md">
      <PageHeader
        title="Profiles"
        description="What a certificate may contain: key types, subject rules, names, usages, validity. Every signature goes through one."
        actions={
          <>
            <Button
              onClick={() => {
                setSelected(null)
                setEditing('new')
              }}
            >
              New profile
            </Button>
            <Button variant="default" onClick={() => setDialog('import')}>
              Import…
            </Button>
          </>
        }
      />
      <Group align="flex-end">
        <TextInput label="Search by name" w={280} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        <Select
          label="Kind"
          w={200}
          data={[
            { value: 'all', label: 'All profiles' },
            { value: 'ee', label: 'End-entity' },
            { value: 'ca', label: 'CA (issues CA certificates)' }
          ]}
          value={kind}
          onChange={(v) => v && setKind(v as typeof kind)}
          allowDeselect={false}
        />
        <Switch label="Show archived" checked={includeArchived} onChange={(e) => setIncludeArchived(e.currentTarget.checked)} mb={8} />
      </Group>
      <ErrorNote error={error ?? actionError} />
      {value && items.length === 0 ? <Empty title="No profile matches" next="Clear the search, show archived profiles, or create a new profile." /> : null}
      {items.length || editing === 'new' ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap={0} component="nav" aria-label="Profile list">
              {items.map((p) => (
                <NavLink
                  key={p.id}
                  component="button"
                  active={p.id === selected}
                  onClick={() => {
                    setSelected(p.id)
                    setEditing(null)
                  }}
                  label={
                    <Group gap={6}>
                      <Text size="sm" fw={500}>
                        {p.name}
                      </Text>
                      {p.archived ? <Badge size="xs" color="gray">archived</Badge> : null}
                      {p.signAsCa ? <Badge size="xs" variant="outline">CA</Badge> : null}
                    </Group>
                  }
                  description={`${p.validity.type === 'Duration' ? p.validity.duration : 'fixed date'} · ${p.id}`}
                />
              ))}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            {editing ? (
              <ProfileEditor
                key={`${editing}-${current?.id ?? 'new'}`}
                profile={editing === 'edit' ? current : null}
                onSaved={(p) => {
                  setSelected(p.id)
                  setEditing(null)
                  reload()
                }}
                onCancel={() => setEditing(null)}
              />
            ) : current ? (
              <Card withBorder padding="sm">
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={600}>{current.name}</Text>
                    <Group gap="xs">
                      <Button size="xs" onClick={() => setEditing('edit')}>
                        Edit
                      </Button>
                      <Button size="xs" variant="default" onClick={() => void act(pki.profiles.duplicate({ id: current.id }))}>
                        Duplicate
                      </Button>
                      <Button size="xs" variant="default" onClick={() => void act(pki.profiles.archive({ id: current.id, archived: !current.archived }))}>
                        {current.archived ? 'Unarchive' : 'Archive'}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setDialog('export')}>
                        Export…
                      </Button>
                    </Group>
                  </Group>
                  <Text size="sm">{current.description || 'No description.'}</Text>
                  <Text size="xs" c="dimmed" data-testid="profile-id">
                    Id {current.id}
                  </Text>
                  <Text size="xs" c="dimmed">
                    Validity {current.validity.type === 'Duration' ? current.validity.duration : current.validity.time} · key usage {current.keyUsage.join(', ')} · keys{' '}
                    {[current.crypto.allowRsa ? `RSA ${current.crypto.rsaKeySizes.join('/')}` : null, current.crypto.allowEcdsa ? `ECDSA ${current.crypto.ecdsaCurves.join('/')}` : null, current.crypto.allowEd25519 ? 'Ed25519' : null]
                      .filter(Boolean)
                      .join(', ')}
                  </Text>
                </Stack>
              </Card>
            ) : (
              <Text size="sm" c="dimmed">
                Choose a profile to see, edit, duplicate, archive or export it.
              </Text>
            )}
          </Grid.Col>
        </Grid>
      ) : null}
      {dialog === 'import' ? (
        <ImportModal
          onClose={(p) => {
            setDialog(null)
            if (p) setSelected(p.id)
            reload()
          }}
        />
      ) : null}
      {dialog === 'export' && current ? <ExportModal profile={current} onClose={() => setDialog(null)} /> : null}
    </Stack>
  )
}

// Sign requests: drop, pick or paste CSRs; choose the CA and profile; preview; sign all
// valid ones with one confirmation; follow progress; cancel; read and save the results.
import { Alert, Button, Card, FileButton, Group, Modal, Progress, Select, SimpleGrid, Stack, Switch, Text, Textarea } from '@mantine/core'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { Empty } from '../../components/Empty'
import { ErrorNote, fieldError } from '../../components/ErrorNote'
import { PageHeader } from '../../components/PageHeader'
import { plural } from '../../lib/format'
import { tone } from '../../lib/colors'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { canSign, signable, signingCaFor, useSignStore } from '../../stores/sign-store'
import { currentAuthority } from '../../lib/signing-ca'
import { CsrCard } from './CsrCard'
import { useProfileChoices } from './use-profile-choices'
import { EnteredFields, findingFor, hasEnteredFields } from './EnteredFields'
import { operatorFields, type OperatorFields, type OperatorInputPatch } from '../../../../shared/domain/profile'
import { MINIMAL_PROFILE } from '../../../../shared/domain/minimal-profile'
import { useProfilesStore } from '../../stores/profiles-store'
import { UnlockPrompt } from '../../components/UnlockPrompt'

const BUILT_IN = '__built-in__'

type FieldsProfile = Parameters<typeof operatorFields>[0]
const fieldsCache = new WeakMap<FieldsProfile, Map<string | undefined, OperatorFields>>()
/**
 * One object per profile and issuer key family: it is a prop of every (memoized) request
 * card, and a new one each render redrew them all on every progress event of a run (at 240
 * cards, ~200 ms of main thread an event: a 10 s run kept the screen busy for ~50 s more).
 */
function fieldsOf(body: FieldsProfile, issuerFamily: string | undefined): OperatorFields {
  let byFamily = fieldsCache.get(body)
  if (!byFamily) fieldsCache.set(body, (byFamily = new Map()))
  let fields = byFamily.get(issuerFamily)
  if (!fields) byFamily.set(issuerFamily, (fields = operatorFields(body, issuerFamily)))
  return fields
}

export function SignScreen(): ReactNode {
  const s = useSignStore(
    useShallow((st) => ({
      items: st.items,
      reading: st.reading,
      authorityId: st.authorityId,
      profileId: st.profileId,
      run: st.run,
      error: st.error,
      addFiles: st.addFiles,
      addText: st.addText,
      remove: st.remove,
      clear: st.clear,
      setAuthority: st.setAuthority,
      setProfile: st.setProfile,
      signAll: st.signAll,
      cancel: st.cancel,
      saved: st.saved,
      saveResults: st.saveResults,
      batchInput: st.batchInput,
      itemInputs: st.itemInputs,
      setBatchInput: st.setBatchInput,
      setItemInput: st.setItemInput,
      unfinished: st.unfinished,
      resumed: st.resumed,
      loadRuns: st.loadRuns,
      resume: st.resume,
      outputFolder: st.outputFolder,
      outputFolderError: st.outputFolderError,
      chooseOutputFolder: st.chooseOutputFolder,
      clearOutputFolder: st.clearOutputFolder
    }))
  )
  const previews = useSignStore((st) => st.previews)
  const authorities = useAuthoritiesStore((a) => a.items)
  const loadAuthorities = useAuthoritiesStore((a) => a.load)
  const profiles = useProfileChoices()
  const [paste, setPaste] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [showPreview, setShowPreview] = useState(false)
  const [unlocking, setUnlocking] = useState(false)
  /** The CA of an unfinished run being unlocked from its banner. */
  const [unlockingRun, setUnlockingRun] = useState<string | null>(null)
  useEffect(() => {
    void loadAuthorities()
  }, [loadAuthorities])
  const loadRuns = s.loadRuns
  useEffect(() => {
    void loadRuns()
  }, [loadRuns])

  const active = authorities.filter((a) => a.state === 'active')
  const runAuthority = (id: string): (typeof authorities)[number] | undefined => authorities.find((a) => a.id === id)
  const unlockRunAuthority = unlockingRun ? runAuthority(unlockingRun) : undefined
  const profileDefault = profiles.find((p) => p.id === s.profileId)?.defaultAuthorityId
  const authorityId = signingCaFor(authorities, s.authorityId, profileDefault)
  const authority = active.find((a) => a.id === authorityId) ?? null
  // A locked CA cannot sign: the Sign button says why and the CA is unlocked right here.
  const locked = !!authority && !authority.unlocked
  // What the profile lets the operator enter; the built-in profile is a ProfileBody too.
  const profileBodies = useProfilesStore((p) => p.items)
  const body = profileBodies.find((p) => p.id === s.profileId) ?? MINIMAL_PROFILE
  const issuerFamily = authority?.keySpec ? (authority.keySpec.startsWith('rsa') ? 'rsa' : authority.keySpec.startsWith('ec') ? 'ec' : authority.keySpec) : undefined
  const fields = fieldsOf(body, issuerFamily)
  const running = !!s.run && !s.run.finished
  // The CA shown is the CA the previews ask about (its validity ceiling, its URLs), not only the one that signs.
  const setAuthority = s.setAuthority
  const chosenAuthority = s.authorityId
  useEffect(() => {
    if (authorityId && authorityId !== chosenAuthority && !running) setAuthority(authorityId)
  }, [authorityId, chosenAuthority, running, setAuthority])
  const ready = useMemo(
    () => s.items.filter((i) => signable(i) && !previews.get(i.key)?.findings.some((f) => f.severity === 'error') && !previews.get(i.key)?.error),
    [s.items, previews]
  )
  const warnings = ready.filter((i) => previews.get(i.key)?.needsConfirm).length
  const issued = s.items.filter((i) => i.result?.ok)
  const written = issued.filter((i) => i.result?.ok && i.result.file).length
  const fileErrors = issued.filter((i) => i.result?.ok && i.result.fileError).length
  /** A batch field's verdict: the first request that takes the batch's value for it (no value of its own). */
  const batchError = (field: string, values: readonly string[]): string | undefined => {
    const own = (p: OperatorInputPatch | undefined): boolean => {
      if (!p) return false
      if (field.startsWith('subject.')) return p.subject?.[field.slice(8)] !== undefined
      if (field.startsWith('san.')) return !!p.sans?.length
      if (field === 'validity') return p.validityDays !== undefined || p.notAfter !== undefined
      return p.signatureHash !== undefined
    }
    const hits = s.items.filter((i) => signable(i) && !own(s.itemInputs.get(i.key))).flatMap((i) => {
      const f = findingFor(previews.get(i.key)?.findings.filter((x) => x.severity === 'error') ?? [], field, values)
      return f ? [f] : []
    })
    if (!hits.length) return undefined
    return hits.length > 1 ? `${hits[0]!.message} (${plural(hits.length, 'request')})` : hits[0]!.message
  }
  const alreadyCertified = s.items.filter((i) => i.result && !i.result.ok && i.result.error.code === 'CSR_ALREADY_CERTIFIED')

  const chooseProfile = (value: string | null): void => {
    const id = value === BUILT_IN ? null : value
    s.setProfile(id)
    const named = profiles.find((p) => p.id === id)?.defaultAuthorityId
    const def = named ? currentAuthority(authorities, named) : undefined
    if (def && authorities.some((a) => a.id === def && canSign(a))) s.setAuthority(def)
  }

  const sign = async (): Promise<void> => {
    setConfirming(false)
    if (authorityId && s.authorityId !== authorityId) s.setAuthority(authorityId)
    await s.signAll(ready.map((i) => i.key))
  }

  return (
    <Stack gap="md">
      <PageHeader
        title="Sign requests"
        description="Drop CSR files anywhere on this window, choose files, or paste PEM. Nothing is signed until you confirm."
        actions={
          <>
            <FileButton multiple accept=".csr,.pem,.req,.der,.p10,.txt" onChange={(files) => void s.addFiles(files)}>
              {(props) => <Button {...props}>Choose CSR files…</Button>}
            </FileButton>
            <Button variant="default" onClick={s.clear} disabled={running || s.items.length === 0}>
              Clear
            </Button>
          </>
        }
      />
      {s.unfinished.slice(0, 3).map((run) => (
        <Alert key={run.id} color={run.state === 'interrupted' ? 'orange' : 'yellow'} variant="light" title={run.state === 'interrupted' ? 'Interrupted signing run' : 'Unfinished signing run'}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">
              {run.issued.toLocaleString('en')} of {run.total.toLocaleString('en')} signed with {run.authorityName ?? 'a deleted CA'} on {run.createdAt.slice(0, 16).replace('T', ' ')} UTC
              {run.state === 'interrupted' ? ' (the app stopped mid-run)' : run.state === 'stopped' ? ' (the CA was locked mid-run)' : run.state === 'cancelled' ? ' (cancelled)' : ''}. Resume signs only the requests not signed yet.
            </Text>
            <Group gap="xs" wrap="nowrap">
              {/* A run resumes with its own CA: a locked one is unlocked here first. */}
              {runAuthority(run.authorityId) && !runAuthority(run.authorityId)!.unlocked ? (
                <Button size="xs" variant="light" onClick={() => setUnlockingRun(run.authorityId)}>
                  Unlock {runAuthority(run.authorityId)!.name}…
                </Button>
              ) : null}
              <Button
                size="xs"
                onClick={() => void s.resume(run.id)}
                loading={s.resumed?.runId === run.id && !s.resumed.message && !s.resumed.error}
                disabled={running || (!!runAuthority(run.authorityId) && !runAuthority(run.authorityId)!.unlocked)}
              >
                Resume
              </Button>
            </Group>
          </Group>
        </Alert>
      ))}
      {s.resumed?.message ? (
        <Alert color="teal" variant="light" role="status">
          {s.resumed.message}
        </Alert>
      ) : null}
      <ErrorNote error={s.resumed?.error ?? null} title="Run not resumed" />
      <Card withBorder padding="sm">
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          <Select
            label="Signing CA"
            placeholder={active.length ? 'Choose a CA' : 'No CA yet: create one in Authorities'}
            data={active.map((a) => ({
              value: a.id,
              label: `${a.name}${!canSign(a) ? ' (cannot issue)' : a.unlocked ? '' : ' (locked)'}`,
              disabled: !canSign(a)
            }))}
            value={authorityId}
            onChange={s.setAuthority}
            error={fieldError(s.error, 'authorityId')}
            disabled={running}
          />
          <Select
            label="Profile"
            data={[{ value: BUILT_IN, label: 'Built-in: minimal TLS server' }, ...profiles.map((p) => ({ value: p.id, label: p.name }))]}
            value={s.profileId ?? BUILT_IN}
            onChange={chooseProfile}
            allowDeselect={false}
            error={fieldError(s.error, 'profileId')}
            disabled={running}
          />
          <Switch label="Show preview of each certificate" checked={showPreview} onChange={(e) => setShowPreview(e.currentTarget.checked)} mt={30} />
        </SimpleGrid>
        <Group gap="sm" mt="sm" wrap="nowrap" role="group" aria-label="Output folder">
          <Text size="sm" fw={500}>
            Write files as they are signed:
          </Text>
          {s.outputFolder ? (
            <Text size="sm" ff="monospace" data-testid="output-folder" truncate="start" maw={420} title={s.outputFolder.path}>
              {s.outputFolder.path}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              off (save the results after the run)
            </Text>
          )}
          <Button size="xs" variant="default" onClick={() => void s.chooseOutputFolder()} disabled={running}>
            {s.outputFolder ? 'Change folder…' : 'Choose folder…'}
          </Button>
          {s.outputFolder ? (
            <Button size="xs" variant="subtle" onClick={s.clearOutputFolder} disabled={running}>
              Do not write files
            </Button>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed">
          Each certificate’s PEM (SERIAL.pem) is written as its part of the run is signed, so a crash leaves a file for every certificate signed; Resume writes any that are missing.
        </Text>
        <ErrorNote error={s.outputFolderError} title="No output folder" />

      </Card>
      {hasEnteredFields(fields) ? (
        <Card withBorder padding="sm" component="section" aria-label="Values entered at signing" data-testid="batch-input">
          <Text fw={600} size="sm">
            Entered at signing
          </Text>
          <Text size="xs" c="dimmed" mb="xs">
            What {s.profileId ? 'this profile' : 'the built-in profile'} takes from you, for every request; a request card can override each value. Fields marked * are mandatory.
          </Text>
          <EnteredFields
            key={`${s.profileId ?? 'built-in'}|${issuerFamily ?? ''}`}
            fields={fields}
            value={s.batchInput}
            onChange={s.setBatchInput}
            errorFor={batchError}
            profileHash={body.signature.hash}
            idPrefix="batch"
            disabled={running}
          />
        </Card>
      ) : null}
      <Card withBorder padding="sm">
        <Group align="flex-end" wrap="nowrap">
          <Textarea
            label="Paste PEM"
            placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            autosize
            minRows={2}
            maxRows={6}
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={paste}
            onChange={(e) => setPaste(e.currentTarget.value)}
          />
          <Button
            variant="default"
            disabled={!paste.trim()}
            onClick={() => {
              void s.addText(paste)
              setPaste('')
            }}
          >
            Add pasted
          </Button>
        </Group>
      </Card>
      {s.reading > 0 ? <Text size="sm">Reading {plural(s.reading, 'file')}…</Text> : null}
      {s.items.length === 0 && s.reading === 0 ? (
        <Empty title="No requests yet" next="Drop CSR files here, choose files, or paste a PEM request above. Each request appears as a card you can check before signing." />
      ) : null}
      {s.items.length ? (
        <>
          <Group justify="space-between" aria-live="polite">
            <Text size="sm">
              {plural(s.items.length, 'request')} · {ready.length} ready to sign
              {warnings ? ` (${warnings} with warnings)` : ''}
            </Text>
            <Group gap="xs">
              {running ? (
                <Button color="red" variant="light" onClick={s.cancel} loading={s.run?.cancelling}>
                  Cancel
                </Button>
              ) : (
                <>
                  {locked ? (
                    <>
                      <Text size="sm" c={tone('orange')} id="sign-locked-reason" data-testid="sign-locked-reason">
                        {authority?.name} is locked: unlock it to sign.
                      </Text>
                      <Button variant="light" onClick={() => setUnlocking(true)}>
                        Unlock {authority?.name}…
                      </Button>
                    </>
                  ) : null}
                  <Button onClick={() => setConfirming(true)} disabled={!ready.length || !authority || locked} {...(locked ? { 'aria-describedby': 'sign-locked-reason' } : {})}>
                    Sign {plural(ready.length, 'valid request')}…
                  </Button>
                </>
              )}
              <Button variant="default" onClick={() => void s.saveResults()} disabled={running || issued.length === 0}>
                Save results…
              </Button>
            </Group>
          </Group>
          {s.run ? (
            <Stack gap={4}>
              {/* Percent to one decimal: 7/100 × 100 is 7.000000000000001 in floating point, which screen readers read out. */}
              <Progress value={s.run.total ? Math.round((s.run.done / s.run.total) * 1000) / 10 : 0} aria-label="Signing progress" animated={running} />
              <Text size="xs" c="dimmed" role="status">
                {running
                  ? `Signing ${s.run.done} of ${s.run.total}…`
                  : `${s.run.cancelled ? 'Cancelled: ' : 'Done: '}${plural(s.run.issued, 'certificate')} issued, ${s.run.failed} failed${
                      s.run.notAttempted ? `, ${s.run.notAttempted} not attempted` : ''
                    }.${written ? ` ${plural(written, 'file')} written${s.outputFolder ? ` to ${s.outputFolder.path}` : ''}.` : ''}${fileErrors ? ` ${plural(fileErrors, 'file')} could not be written (each card says why).` : ''}`}
              </Text>
            </Stack>
          ) : null}
          <ErrorNote error={s.error && !fieldError(s.error, 'authorityId') ? s.error : null} />
          <ErrorNote error={s.saved.error} title="Results not saved" />
          {alreadyCertified.length && !running ? (
            <Alert color="yellow" variant="light" title="Already certified">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">
                  {plural(alreadyCertified.length, 'request')} {alreadyCertified.length === 1 ? 'was' : 'were'} already certified by this CA and profile, with a certificate still valid (each card names it).
                </Text>
                <Button size="xs" variant="default" onClick={() => void s.signAll(alreadyCertified.map((i) => i.key), { reissue: true })}>
                  Issue again anyway
                </Button>
              </Group>
            </Alert>
          ) : null}
          {s.saved.message ? (
            <Alert color="teal" variant="light" role="status">
              {s.saved.message}
            </Alert>
          ) : null}
          <Stack gap="sm">
            {s.items.map((item) => (
              <CsrCard
                key={`${item.key}|${s.profileId ?? ''}`}
                item={item}
                preview={previews.get(item.key)}
                showPreview={showPreview}
                onRemove={s.remove}
                disabled={running}
                fields={hasEnteredFields(fields) ? fields : undefined}
                batchInput={s.batchInput}
                ownInput={s.itemInputs.get(item.key)}
                onInput={s.setItemInput}
                profileHash={body.signature.hash}
              />
            ))}
          </Stack>
        </>
      ) : null}
      {unlocking && authority ? (
        <UnlockPrompt target={{ kind: 'authority', authority }} purpose="to sign these requests" onUnlocked={() => void loadAuthorities()} onClose={() => setUnlocking(false)} />
      ) : null}
      {unlockRunAuthority ? (
        <UnlockPrompt target={{ kind: 'authority', authority: unlockRunAuthority }} purpose="to resume the run" onUnlocked={() => void loadAuthorities()} onClose={() => setUnlockingRun(null)} />
      ) : null}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Sign these requests?">
        <Stack gap="sm">
          <Text size="sm">
            {authority?.name ?? 'The CA'} will sign {plural(ready.length, 'certificate')} with the profile{' '}
            {profiles.find((p) => p.id === s.profileId)?.name ?? 'Built-in: minimal TLS server'}. Every issuance is recorded in the audit trail.
          </Text>
          {warnings ? (
            <Alert color="yellow" variant="light">
              {plural(warnings, 'request')} {warnings === 1 ? 'has' : 'have'} warnings: signing confirms you accept them.
            </Alert>
          ) : null}
          {s.items.length > ready.length ? <Text size="xs" c="dimmed">{plural(s.items.length - ready.length, 'request')} that cannot be signed will be skipped.</Text> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Back
            </Button>
            <Button onClick={() => void sign()} data-autofocus>
              Sign {plural(ready.length, 'certificate')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

// Create a root (self-signed), an intermediate signed by a CA held here, or an intermediate
// whose CSR goes to an external parent (pending until its certificate is installed); its key in
// the vault, or (signed here) generated on a PKCS#11 token main offers (Key store).
import { Button, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { SubjectFields } from '../../components/SubjectFields'
import { KEY_SPEC_OPTIONS, PROTECTION_HELP, PROTECTION_OPTIONS, TOKEN_SPECS, needsPassphrase, type KeyProtection, type KeySpec } from '../../lib/keys'
import { subjectFromFields, type SubjectFields as Fields } from '../../lib/names'
import { tokenOptions, usePkcs11Modules } from '../../lib/use-pkcs11-modules'
import { CsrReady } from './PendingAuthority'
import { KeyStoreSelect, tokenOf, VAULT } from './KeyStoreSelect'
import { CONSTRAINT_FORMS, readConstraintLines } from '../../../../shared/domain/name-constraint-text'
import type { NameConstraintsInput } from '../../../../shared/domain/authority'

const PLACED = ['name', 'parentId', 'subject', 'keySpec', 'protection', 'passphrase', 'validityDays', 'pathLength', 'token', 'pin', 'keyLabel', 'nameConstraints']

export function CreateAuthorityModal({
  kind,
  parents,
  onClose
}: {
  kind: 'root' | 'intermediate'
  parents: readonly AuthoritySummary[]
  onClose(created?: AuthoritySummary): void
}): ReactNode {
  const signers = parents.filter((a) => a.state === 'active')
  // Without a CA here to sign it, an intermediate's CSR goes to an external parent.
  const [origin, setOrigin] = useState<'here' | 'external'>(signers.length ? 'here' : 'external')
  const external = kind === 'intermediate' && origin === 'external'
  const [made, setMade] = useState<{ authority: AuthoritySummary; csrPem: string } | null>(null)
  const [name, setName] = useState('')
  const [parentId, setParentId] = useState<string | null>(kind === 'intermediate' ? (signers[0]?.id ?? null) : null)
  const [subject, setSubject] = useState<Fields>({})
  const [spec, setSpec] = useState<KeySpec>('ec-p384')
  const [protection, setProtection] = useState<KeyProtection>('passphrase')
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  const [validityDays, setValidityDays] = useState<number | string>(kind === 'root' ? 3650 : 1825)
  const [pathLength, setPathLength] = useState<number | string>(kind === 'root' ? '' : 0)
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [permitted, setPermitted] = useState('')
  const [excluded, setExcluded] = useState('')
  const { modules } = usePkcs11Modules()
  const [store, setStore] = useState<string>(VAULT)
  const [keyLabel, setKeyLabel] = useState('')
  const [pin, setPin] = useState('')
  const tokens = tokenOptions(modules)
  // A CSR for an external parent keeps its key in the vault (the token choice is for CAs signed here).
  const onToken = external ? null : tokenOf(store)
  const specOptions = onToken ? KEY_SPEC_OPTIONS.filter((o) => TOKEN_SPECS.includes(o.value)) : KEY_SPEC_OPTIONS

  const ready =
    name.trim() && subject.CN?.trim() && (kind === 'root' || external || parentId) && (onToken ? pin.length > 0 && TOKEN_SPECS.includes(spec) : !needsPassphrase(protection) || passphraseReady(pass, 12))
  const signature = { hash: spec.endsWith('p521') ? 'SHA-512' : spec.endsWith('p384') ? 'SHA-384' : 'SHA-256', rsaPss: false } as const

  const submitCsr = async (): Promise<void> => {
    setBusy(true)
    const r = await pki.authorities.createCsr({
      name: name.trim(),
      subject: subjectFromFields(subject),
      keySpec: spec,
      protection,
      ...(needsPassphrase(protection) ? { passphrase: pass.passphrase } : {}),
      signature
    })
    setBusy(false)
    if (r.ok) setMade(r.value)
    else setError(r.error)
  }

  /** The typed constraints, null when none; a line that cannot be read is refused beside its field. */
  const constraints = (): { ok: true; value: NameConstraintsInput | null } | { ok: false } => {
    const lists = { permitted: readConstraintLines(permitted), excluded: readConstraintLines(excluded) }
    for (const list of ['permitted', 'excluded'] as const) {
      const r = lists[list]
      if (!r.ok) {
        setError({ code: 'NAME_CONSTRAINT_INVALID', message: `Line ${r.index + 1}: ${r.message}`, field: `nameConstraints.${list}` })
        return { ok: false }
      }
    }
    const p = lists.permitted.ok ? lists.permitted.bases : []
    const x = lists.excluded.ok ? lists.excluded.bases : []
    return { ok: true, value: p.length || x.length ? { permitted: p, excluded: x } : null }
  }

  const submit = async (): Promise<void> => {
    if (external) return submitCsr()
    const nc = constraints()
    if (!nc.ok) return
    setBusy(true)
    const r = await pki.authorities.create({
      name: name.trim(),
      parentId: kind === 'root' ? null : parentId,
      subject: subjectFromFields(subject),
      keySpec: spec,
      protection,
      ...(!onToken && needsPassphrase(protection) ? { passphrase: pass.passphrase } : {}),
      ...(onToken ? { token: { module: onToken[0], token: onToken[1], pin, ...(keyLabel.trim() ? { keyLabel: keyLabel.trim() } : {}) } } : {}),
      validityDays: Number(validityDays),
      pathLength: pathLength === '' ? null : Number(pathLength),
      nameConstraints: nc.value,
      signature
    })
    setBusy(false)
    if (r.ok) onClose(r.value)
    else setError(r.error)
  }

  if (made)
    return (
      <Modal opened onClose={() => onClose(made.authority)} title="New intermediate CA" size="lg">
        <CsrReady authority={made.authority} csrPem={made.csrPem} onDone={() => onClose(made.authority)} />
      </Modal>
    )

  return (
    <Modal opened onClose={() => onClose()} title={kind === 'root' ? 'New root CA' : 'New intermediate CA'} size="lg">
      <Stack gap="sm">
        <TextInput label="Name in PKI Desk" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, 'name')} data-autofocus />
        {kind === 'intermediate' ? (
          <SegmentedControl
            aria-label="Parent"
            value={origin}
            onChange={(v) => setOrigin(v as 'here' | 'external')}
            data={[
              { value: 'here', label: 'Signed by a CA in PKI Desk', disabled: !signers.length },
              { value: 'external', label: 'CSR for an external parent' }
            ]}
          />
        ) : null}
        {external ? (
          <Text size="sm" c="dimmed">
            The key stays in PKI Desk; you get its CSR to send to the parent. The CA is pending, and signs nothing, until you install the certificate the parent returns. The parent decides the
            validity and the path length.
          </Text>
        ) : null}
        {kind === 'intermediate' && !external ? (
          <Select
            label="Signed by"
            required
            data={signers.map((a) => ({ value: a.id, label: `${a.name}${a.unlocked ? '' : ' (locked)'}` }))}
            value={parentId}
            onChange={setParentId}
            error={fieldError(error, 'parentId')}
            description="The parent must be unlocked to sign the new CA's certificate."
          />
        ) : null}
        <SubjectFields value={subject} onChange={setSubject} error={error} />
        {external ? null : (
        <KeyStoreSelect
          label="Key store"
          tokens={tokens}
          value={store}
          onChange={setStore}
          spec={spec}
          onSpec={setSpec}
          error={fieldError(error, 'token')}
          description={
            onToken
              ? 'The key is generated on the token (sensitive, never extractable, sign only) and never leaves it: it cannot be exported or backed up by PKI Desk.'
              : tokens.length === 0
                ? 'A token appears here when its PKCS#11 module is installed at its usual path or added in Settings → PKCS#11 modules.'
                : undefined
          }
        />
        )}
        <Group grow align="flex-start">
          <Select label="Key type" data={specOptions} value={spec} onChange={(v) => v && setSpec(v as KeySpec)} allowDeselect={false} error={fieldError(error, 'keySpec')} />
          {onToken ? (
            <TextInput label="Key label on the token" placeholder={`PKI Desk ${name.trim() || 'NAME'}`} value={keyLabel} onChange={(e) => setKeyLabel(e.currentTarget.value)} error={fieldError(error, 'keyLabel')} />
          ) : (
            <Select
              label="Key protection"
              data={PROTECTION_OPTIONS}
              value={protection}
              onChange={(v) => v && setProtection(v as KeyProtection)}
              allowDeselect={false}
              error={fieldError(error, 'protection')}
            />
          )}
        </Group>
        {onToken ? (
          <PasswordInput label="Token user PIN" required value={pin} onChange={(e) => setPin(e.currentTarget.value)} error={fieldError(error, 'pin')} autoComplete="off" />
        ) : (
          <>
            <Text size="xs" c="dimmed">
              {PROTECTION_HELP[protection]}
            </Text>
            {needsPassphrase(protection) ? <PassphraseFields value={pass} onChange={setPass} error={fieldError(error, 'passphrase')} /> : null}
          </>
        )}
        {external ? null : (
        <Group grow align="flex-start">
          <NumberInput label="Validity (days)" min={1} max={18250} value={validityDays} onChange={setValidityDays} error={fieldError(error, 'validityDays')} />
          <NumberInput
            label="Path length"
            description="Empty: unlimited; 0: may sign only end-entity certificates."
            min={0}
            max={16}
            value={pathLength}
            onChange={setPathLength}
            error={fieldError(error, 'pathLength')}
          />
        </Group>
        )}
        {external ? null : (
          <Group grow align="flex-start">
            <Textarea
              label="Permitted names"
              description={`One per line: ${CONSTRAINT_FORMS}. Empty: no limit. Every certificate below this CA must fall inside them.`}
              autosize
              minRows={2}
              maxRows={6}
              value={permitted}
              onChange={(e) => setPermitted(e.currentTarget.value)}
              error={constraintError(error, 'permitted')}
            />
            <Textarea
              label="Excluded names"
              description="One per line, the same forms: no certificate below this CA may carry them."
              autosize
              minRows={2}
              maxRows={6}
              value={excluded}
              onChange={(e) => setExcluded(e.currentTarget.value)}
              error={constraintError(error, 'excluded')}
            />
          </Group>
        )}
        <ErrorNote error={unplacedError(error, PLACED)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!ready}>
            {external ? 'Create key and CSR' : `Create ${kind === 'root' ? 'root' : 'intermediate'}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** A name-constraint refusal beside its list (main names the entry: nameConstraints.permitted[2]). */
function constraintError(error: AppError | null, list: 'permitted' | 'excluded'): string | undefined {
  const f = error?.field
  if (!f) return undefined
  if (f === `nameConstraints.${list}` || f.startsWith(`nameConstraints.${list}[`)) return error.message
  if (f === 'nameConstraints' && list === 'permitted') return error.message
  return undefined
}

// Renew a CA (same key, a new certificate from now) or re-key it (a new key and certificate
// under the same name; the old CA is retired and keeps signing CRLs for what it issued). The
// CA that signs — the parent, or a root itself — must be unlocked: a locked one is asked for
// in place (UnlockPrompt) and the renewal goes on after.
import { Alert, Button, Group, Modal, NumberInput, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import { pki } from '../../api/pki'
import { ErrorNote, fieldError, unplacedError } from '../../components/ErrorNote'
import { PassphraseFields, passphraseReady, type PassphraseValue } from '../../components/PassphraseFields'
import { UnlockPrompt } from '../../components/UnlockPrompt'
import { KEY_SPEC_OPTIONS, PROTECTION_HELP, TOKEN_SPECS, PROTECTION_OPTIONS, needsPassphrase, type KeyProtection, type KeySpec } from '../../lib/keys'
import { formatDate } from '../../lib/format'
import { useAuthoritiesStore } from '../../stores/authorities-store'
import { tokenOptions, usePkcs11Modules } from '../../lib/use-pkcs11-modules'
import { KeyStoreSelect, tokenOf, VAULT } from './KeyStoreSelect'

const PLACED = ['validityDays', 'keySpec', 'protection', 'passphrase', 'token', 'pin', 'keyLabel']
const DAY = 86_400_000

/** The CA whose key signs `ca`'s next certificate: itself (a root), its parent, or the parent's successor after a re-key; null when outside PKI Desk. */
export function signingAuthority(all: readonly AuthoritySummary[], ca: AuthoritySummary, rekey: boolean): AuthoritySummary | null {
  if (ca.selfSigned) return rekey ? null : ca
  let parent = all.find((a) => a.id === ca.parentId && a.id !== ca.id) ?? null
  const seen = new Set<string>()
  while (parent?.successorId && !seen.has(parent.id)) {
    seen.add(parent.id)
    parent = all.find((a) => a.id === parent!.successorId) ?? parent
  }
  return parent
}

export function RenewAuthorityModal({ authority, mode, onClose }: { authority: AuthoritySummary; mode: 'renew' | 'rekey'; onClose(result?: AuthoritySummary): void }): ReactNode {
  const all = useAuthoritiesStore((s) => s.items)
  const rekey = mode === 'rekey'
  const currentDays = authority.notBefore && authority.notAfter ? Math.round((Date.parse(authority.notAfter) - Date.parse(authority.notBefore)) / DAY) : 365
  const [validityDays, setValidityDays] = useState<number | string>(currentDays)
  const [spec, setSpec] = useState<KeySpec>((authority.keySpec as KeySpec | null) ?? 'ec-p384')
  const current = authority.keyProtection
  const [protection, setProtection] = useState<KeyProtection>(current === 'keychain' || current === 'passphrase' || current === 'both' ? current : 'passphrase')
  const [pass, setPass] = useState<PassphraseValue>({ passphrase: '', confirm: '' })
  // Where the new key is made: the vault, or a token main offers ([module, token label] as JSON).
  const { modules } = usePkcs11Modules()
  const tokens = tokenOptions(modules)
  const [store, setStore] = useState<string | null>(current === 'pkcs11' ? null : VAULT)
  const onToken = tokenOf(store)
  const [pin, setPin] = useState('')
  const [keyLabel, setKeyLabel] = useState('')
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const [unlocking, setUnlocking] = useState(false)
  const signer = signingAuthority(all, authority, rekey)
  const signerLocked = signer !== null && !signer.unlocked
  const ready = Number(validityDays) >= 1 && (!rekey || (onToken ? pin.length > 0 && TOKEN_SPECS.includes(spec) : store === VAULT && (!needsPassphrase(protection) || passphraseReady(pass, 12))))

  const submit = async (): Promise<void> => {
    setBusy(true)
    const common = { authorityId: authority.id, validityDays: Number(validityDays) }
    const r = rekey
      ? await pki.authorities.rekey({
          ...common,
          keySpec: spec,
          protection,
          ...(!onToken && needsPassphrase(protection) ? { passphrase: pass.passphrase } : {}),
          ...(onToken ? { token: { module: onToken[0], token: onToken[1], pin, ...(keyLabel.trim() ? { keyLabel: keyLabel.trim() } : {}) } } : {})
        })
      : await pki.authorities.renew(common)
    setBusy(false)
    if (!r.ok) return setError(r.error)
    onClose('authority' in r.value ? r.value.authority : r.value)
  }
  const title = rekey ? `Re-key ${authority.name}` : `Renew ${authority.name}`
  const signedBy = signer === null ? (rekey && authority.selfSigned ? 'its new key (a root signs itself)' : null) : signer.id === authority.id ? 'its own key (a root signs itself)' : `"${signer.name}"`

  return (
    <Modal opened onClose={() => onClose()} title={title} size="lg">
      <Stack gap="sm">
        <Text size="sm">
          {rekey
            ? `A new key and a new certificate under the same name and subject, with the same extensions (path length, name constraints, URLs). The current CA is retired as "${authority.name} (key N)": it issues nothing more and goes on signing CRLs for what it issued${authority.notAfter ? ` (its certificate runs until ${formatDate(authority.notAfter)})` : ''}.`
            : 'A new certificate for the same key, subject and extensions, valid from now. Certificates it issued chain to the old and the new certificate alike.'}
        </Text>
        <Text size="sm" c="dimmed">
          Signed by {signedBy ?? 'a CA outside PKI Desk: it cannot be renewed here'}.
        </Text>
        <NumberInput
          label="Validity (days)"
          description={`From now; the current certificate's length is ${currentDays} days.`}
          min={1}
          max={18250}
          value={validityDays}
          onChange={setValidityDays}
          error={fieldError(error, 'validityDays')}
          data-autofocus
        />
        {rekey ? (
          <>
            <KeyStoreSelect
              label="Key store of the new key"
              placeholder="Choose the vault or a token"
              tokens={tokens}
              value={store}
              onChange={setStore}
              spec={spec}
              onSpec={setSpec}
              error={fieldError(error, 'token')}
              description={
                onToken
                  ? 'The new key is generated on the token (sensitive, never extractable, sign only) and never leaves it.'
                  : current === 'pkcs11' && store === null
                    ? 'The current key is on a PKCS#11 token: choose a token for the new key, or the vault to move it off hardware.'
                    : undefined
              }
            />
            <Group grow align="flex-start">
              <Select label="New key type" data={onToken ? KEY_SPEC_OPTIONS.filter((o) => TOKEN_SPECS.includes(o.value)) : KEY_SPEC_OPTIONS} value={spec} onChange={(v) => v && setSpec(v as KeySpec)} allowDeselect={false} error={fieldError(error, 'keySpec')} />
              {onToken ? (
                <TextInput label="Key label on the token" placeholder={`PKI Desk ${authority.name} ${new Date().toISOString().slice(0, 10)}`} value={keyLabel} onChange={(e) => setKeyLabel(e.currentTarget.value)} error={fieldError(error, 'keyLabel')} />
              ) : (
                <Select label="Key protection" data={PROTECTION_OPTIONS} value={protection} onChange={(v) => v && setProtection(v as KeyProtection)} allowDeselect={false} error={fieldError(error, 'protection')} />
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
          </>
        ) : null}
        {signerLocked ? (
          <Alert color="yellow" variant="light" data-testid="renew-signer-locked">
            <Text size="sm">&quot;{signer.name}&quot; signs the new certificate and is locked: it is unlocked first.</Text>
          </Alert>
        ) : null}
        <ErrorNote error={unplacedError(error, PLACED)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose()}>
            Cancel
          </Button>
          <Button onClick={() => (signerLocked ? setUnlocking(true) : void submit())} loading={busy} disabled={!ready || (signer === null && !(rekey && authority.selfSigned))}>
            {signerLocked ? `Unlock and ${rekey ? 're-key' : 'renew'}…` : rekey ? 'Re-key' : 'Renew'}
          </Button>
        </Group>
      </Stack>
      {unlocking && signer ? (
        <UnlockPrompt target={{ kind: 'authority', authority: signer }} purpose={`to sign the new certificate of ${authority.name}`} onUnlocked={() => void submit()} onClose={() => setUnlocking(false)} />
      ) : null}
    </Modal>
  )
}

// The one unlock prompt, opened where a locked key is needed (Sign, CRL, renewal, the
// Authorities screen, a held key): a passphrase field, one field per custodian for a key split
// between custodians, the user PIN for a key on a PKCS#11 token, or nothing to type for a key
// the OS keychain holds. Main checks the
// secret; a wrong one is recorded in the audit trail (vault.unlock-failed) and said here.
// A token CA whose PIN the operator chose to remember in the OS keychain unlocks with it as the
// prompt opens; a remembered PIN the token refuses is forgotten by main and the PIN asked here.
import { Button, Checkbox, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError, Result } from '../../../shared/errors'
import type { AuthoritySummary } from '../../../shared/domain/authority'
import type { StoredKeyProtection } from '../../../shared/domain/keys'
import { pki } from '../api/pki'
import { ErrorNote, fieldError } from './ErrorNote'

export type UnlockTarget =
  | { readonly kind: 'authority'; readonly authority: AuthoritySummary }
  | { readonly kind: 'key'; readonly keyId: string; readonly protection: StoredKeyProtection; readonly name: string }

/** What a prompt unlocks, and why it is asked for now ("to sign these requests"). */
/** `onAttempted`: after every unlock attempt, good or refused (a remembered token PIN may have been forgotten). */
export function UnlockPrompt({
  target,
  purpose,
  onUnlocked,
  onAttempted,
  onClose
}: {
  target: UnlockTarget
  purpose?: string
  onUnlocked?(): void
  onAttempted?(): void
  onClose(): void
}): ReactNode {
  const [passphrase, setPassphrase] = useState('')
  const custodians = target.kind === 'authority' ? (target.authority.custodians ?? null) : null
  const [present, setPresent] = useState<Record<string, string>>({})
  const [error, setError] = useState<AppError | null>(null)
  const [busy, setBusy] = useState(false)
  const protection = target.kind === 'authority' ? target.authority.keyProtection : target.protection
  const keychainOnly = protection === 'keychain'
  const filled = custodians ? custodians.names.filter((n) => (present[n] ?? '').length > 0) : []
  const name = target.kind === 'authority' ? target.authority.name : `the key of ${target.name}`
  const tokenCa = target.kind === 'authority' && protection === 'pkcs11' ? target.authority : null
  // Off unless the operator ticks it: a PIN is kept only when they choose so.
  const [rememberPin, setRememberPin] = useState(false)
  const [usingRemembered, setUsingRemembered] = useState(false)

  const finish = (r: Result<unknown>): void => {
    onAttempted?.()
    if (!r.ok) return setError(r.error)
    onUnlocked?.()
    onClose()
  }
  const submit = async (): Promise<void> => {
    setBusy(true)
    const secret = keychainOnly ? {} : custodians ? { custodians: filled.map((n) => ({ name: n, passphrase: present[n]! })) } : { passphrase }
    const r: Result<unknown> =
      target.kind === 'authority'
        ? await pki.authorities.unlock({ authorityId: target.authority.id, ...secret, ...(tokenCa && rememberPin ? { rememberPin: true } : {}) })
        : await pki.vault.unlock({ keyId: target.keyId, ...('passphrase' in secret ? { passphrase: secret.passphrase } : {}) })
    setBusy(false)
    finish(r)
  }
  // A remembered token PIN: unlock with it straight away (main reads it from the keychain; it never comes here).
  useEffect(() => {
    if (!tokenCa) return
    let live = true
    void pki.tokens.pinRemembered({ authorityId: tokenCa.id }).then(async (known) => {
      if (!live || !known.ok || !known.value.remembered) return
      setUsingRemembered(true)
      const r = await pki.authorities.unlock({ authorityId: tokenCa.id })
      if (!live) return
      setUsingRemembered(false)
      finish(r)
    })
    return () => {
      live = false
    }
    // Once, as the prompt opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  return (
    <Modal opened onClose={onClose} title={`Unlock ${name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Stack gap="sm">
          {purpose ? (
            <Text size="sm">
              {target.kind === 'authority' ? `${target.authority.name} is locked` : 'The key is locked'}: unlock it {purpose}.
            </Text>
          ) : null}
          {keychainOnly ? (
            <>
              <Text size="sm">The OS keychain holds this key’s protection: no passphrase to type.</Text>
              <ErrorNote error={error} />
            </>
          ) : custodians ? (
            <>
              <Text size="sm">
                Any {custodians.threshold} of its {custodians.names.length} custodians enter their passphrase here, together. Every sitting is recorded in the audit trail with their names.
              </Text>
              {custodians.names.map((n, i) => (
                <PasswordInput
                  key={n}
                  label={`${n}'s passphrase`}
                  value={present[n] ?? ''}
                  onChange={(e) => {
                    const v = e.currentTarget.value
                    setError(null)
                    setPresent((p) => ({ ...p, [n]: v }))
                  }}
                  {...(i === 0 ? { 'data-autofocus': true } : {})}
                />
              ))}
              <Text size="xs" c="dimmed" aria-live="polite">
                {filled.length} of {custodians.threshold} needed
              </Text>
              <ErrorNote error={error} />
            </>
          ) : (
            <PasswordInput
              label={protection === 'pkcs11' ? 'Token user PIN' : target.kind === 'authority' ? 'Passphrase' : 'Key passphrase'}
              {...(protection === 'pkcs11' ? { description: 'The key is on a PKCS#11 token: unlocking logs the token in; locking logs it out.' } : {})}
              value={passphrase}
              onChange={(e) => {
                setError(null)
                setPassphrase(e.currentTarget.value)
              }}
              error={fieldError(error, 'passphrase') ?? fieldError(error, 'pin') ?? (error && !fieldError(error, 'rememberPin') ? error.message : undefined)}
              aria-invalid={!!error && !fieldError(error, 'rememberPin')}
              autoComplete="current-password"
              disabled={usingRemembered}
              data-autofocus
            />
          )}
          {tokenCa ? (
            <>
              {usingRemembered ? (
                <Text size="sm" role="status">
                  Unlocking with the PIN remembered in the OS keychain…
                </Text>
              ) : null}
              <Checkbox
                label="Remember the PIN in the OS keychain"
                description="Later unlocks of the CAs on this token use it without asking; forget it from the Authorities screen."
                checked={rememberPin}
                onChange={(e) => setRememberPin(e.currentTarget.checked)}
                error={fieldError(error, 'rememberPin')}
              />
            </>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            {/* Never disabled: main answers too few custodians or an empty passphrase with its coded reason (and audits the attempt). */}
            <Button type="submit" loading={busy} {...(keychainOnly ? { 'data-autofocus': true } : {})}>
              Unlock
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

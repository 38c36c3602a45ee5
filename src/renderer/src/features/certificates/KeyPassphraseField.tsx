// Shown when an export or a renewal needs a locked key whose protection includes a passphrase:
// main unlocks the key with it for that one operation and locks it again. The dialog asks for
// it up front, from the key's state when it opens; a key that locked while the dialog was open
// is asked for after main's refusal (KEY_PASSPHRASE_REQUIRED on keyPassphrase).
import { PasswordInput } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { StoredKeyProtection } from '../../../../shared/domain/keys'
import { pki } from '../../api/pki'
import { fieldError } from '../../components/ErrorNote'

/** The key's passphrase was asked for (or was wrong) by the last attempt. */
export const needsKeyPassphrase = (error: AppError | null): boolean => fieldError(error, 'keyPassphrase') !== undefined

/** A key's state as far as asking for its passphrase goes. */
export interface KeyLockState {
  readonly protection: StoredKeyProtection
  readonly unlocked: boolean
}

/** A locked key whose protection includes a passphrase: its keychain entry alone does not open it. */
export const asksKeyPassphrase = (key: KeyLockState | null | undefined): boolean => !!key && !key.unlocked && (key.protection === 'passphrase' || key.protection === 'both')

/**
 * The vault's state of `keyId` now (not the certificate view's copy, which an auto-lock may
 * have outdated), or null while it is read, when there is no key or the vault does not know it.
 */
export function useKeyLockState(keyId: string | null): KeyLockState | null {
  const [state, setState] = useState<KeyLockState | null>(null)
  useEffect(() => {
    if (!keyId) return
    let live = true
    void pki.vault.status({ keyIds: [keyId] }).then((r) => {
      const key = r.ok ? r.value.keys.find((k) => k.keyId === keyId) : undefined
      if (live && key) setState({ protection: key.protection, unlocked: key.unlocked })
    })
    return () => {
      live = false
    }
  }, [keyId])
  return state
}

/**
 * The passphrase field's value: null while it is not asked; '' once the key is known to need it
 * (up front) or main asked for it. `onRefusal` shows it after a refusal that names it.
 */
export function useKeyPassphrase(keyId: string | null): { value: string | null; set(v: string): void; onRefusal(error: AppError): void } {
  const state = useKeyLockState(keyId)
  const [typed, setTyped] = useState<string | null>(null)
  const value = typed ?? (asksKeyPassphrase(state) ? '' : null)
  return {
    value,
    set: setTyped,
    onRefusal: (error) => {
      if (needsKeyPassphrase(error) && value === null) setTyped('')
    }
  }
}


export function KeyPassphraseField({ value, onChange, error, purpose = 'export' }: { value: string; onChange(v: string): void; error: AppError | null; purpose?: 'export' | 'renewal' }): ReactNode {
  return (
    <PasswordInput
      label="Passphrase of the key in the vault"
      description={`The key is locked. It is unlocked with this passphrase for this ${purpose} only, then locked again.`}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={fieldError(error, 'keyPassphrase')}
      autoComplete="current-password"
      required
    />
  )
}

// Shown when an export or a renewal needs a locked key whose protection includes a passphrase:
// main unlocks the key with it for that one operation and locks it again.
import { PasswordInput } from '@mantine/core'
import type { ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { fieldError } from '../../components/ErrorNote'

/** The key's passphrase was asked for (or was wrong) by the last attempt. */
export const needsKeyPassphrase = (error: AppError | null): boolean => fieldError(error, 'keyPassphrase') !== undefined

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

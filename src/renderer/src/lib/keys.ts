// Key choices the forms offer, in the words an operator reads.
import { keyProtection, keySpec, type KeyProtection, type KeySpec } from '../../../shared/domain/keys'
import { keySpecLabel } from './format'

export const KEY_SPEC_OPTIONS = keySpec.options.map((k) => ({ value: k, label: keySpecLabel(k) }))

export const PROTECTION_HELP: Record<KeyProtection, string> = {
  keychain: 'OS keychain: unlocks with your login session; no passphrase to type.',
  passphrase: 'Passphrase: you type it to unlock; works without a keychain.',
  both: 'Keychain and passphrase: both are needed to unlock (strongest).'
}

export const PROTECTION_OPTIONS = keyProtection.options.map((p) => ({
  value: p,
  label: p === 'keychain' ? 'OS keychain' : p === 'passphrase' ? 'Passphrase' : 'Keychain + passphrase'
}))

export const needsPassphrase = (p: KeyProtection): boolean => p !== 'keychain'
export type { KeyProtection, KeySpec }

/** Key types a token key may have (the vault offers more): main's TOKEN_SPECS. */
export const TOKEN_SPECS: readonly string[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384', 'ed25519']

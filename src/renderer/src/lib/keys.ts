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

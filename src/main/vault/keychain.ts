// The OS keychain as the vault sees it: a place that stores a small secret under
// (service, account) and says plainly when it cannot. A new backend (an HSM-held wrapping
// key, a different keychain library) is one file implementing KeychainBackend.
import type { Result } from '../../shared/errors'
import type { KeychainStatus } from './vault'

export interface KeychainBackend {
  /** Shown to the operator: "Secret Service", "macOS Keychain", … */
  readonly name: string
  /** Probes the keychain (writes and removes a probe entry); never throws. */
  status(): Promise<KeychainStatus>
  /** The secret, or null when no entry exists. Fails with KEYCHAIN_UNAVAILABLE when the keychain cannot be read. */
  getSecret(service: string, account: string): Promise<Result<Uint8Array | null>>
  setSecret(service: string, account: string, secret: Uint8Array): Promise<Result<void>>
  /** True when an entry was removed, false when there was none. */
  deleteSecret(service: string, account: string): Promise<Result<boolean>>
}

/** The keychain service name under which PKI Desk stores its key-encryption keys. */
export const KEYCHAIN_SERVICE = 'PKI Desk vault'
export const KEYCHAIN_UNAVAILABLE = 'KEYCHAIN_UNAVAILABLE'

/**
 * The keychain messages above end with the fix for a NEW key ("or choose passphrase
 * protection"). A key that is already sealed under a keychain entry cannot change its
 * protection: for it, the only fix is to reach the keychain. This rewrites the advice.
 */
export function keychainMessageForExistingKey(message: string): string {
  // "cause: fix … or choose passphrase protection" → "cause".
  const at = message.lastIndexOf(': ')
  const cause = /choose passphrase protection/i.test(message) && at > 0 ? message.slice(0, at) : message.replace(/[.\s]+$/, '')
  return `${cause}: this key is kept in the keychain and cannot be opened without it; start the Secret Service (gnome-keyring) and unlock your login keyring, then try again`
}

// An in-process KeychainBackend for tests and tools that must not touch the OS keychain.
// It keeps secrets only in memory, so keys it protects die with the process; it is never
// chosen implicitly — the caller passes it to createVault by name.
import { fail, ok } from '../../shared/errors'
import { KEYCHAIN_UNAVAILABLE, type KeychainBackend } from './keychain'

export interface MemoryKeychain extends KeychainBackend {
  /** Simulates a keychain that cannot be reached (every call fails closed). */
  setAvailable(available: boolean): void
  readonly entries: ReadonlyMap<string, Uint8Array>
}

export function createMemoryKeychain(): MemoryKeychain {
  const entries = new Map<string, Uint8Array>()
  let available = true
  const key = (service: string, account: string): string => `${service}\u0000${account}`
  const down = 'no Secret Service is running: start gnome-keyring or choose passphrase protection'
  return {
    name: 'memory',
    entries,
    setAvailable(a) {
      available = a
    },
    async status() {
      return available
        ? { available: true, backend: 'memory', message: 'The in-memory keychain is available.' }
        : { available: false, backend: 'memory', message: down }
    },
    async getSecret(service, account) {
      if (!available) return fail(KEYCHAIN_UNAVAILABLE, down)
      const v = entries.get(key(service, account))
      return ok(v ? Uint8Array.from(v) : null)
    },
    async setSecret(service, account, secret) {
      if (!available) return fail(KEYCHAIN_UNAVAILABLE, down)
      entries.set(key(service, account), Uint8Array.from(secret))
      return ok(undefined)
    },
    async deleteSecret(service, account) {
      if (!available) return fail(KEYCHAIN_UNAVAILABLE, down)
      return ok(entries.delete(key(service, account)))
    }
  }
}

// The real keychain backend: @napi-rs/keyring (macOS Keychain, Windows Credential Manager,
// Secret Service on Linux). On Linux the entry is pinned to the Secret Service so it can
// never land silently in the kernel keyring (which forgets everything at logout).
import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring'
import { randomBytes } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { KEYCHAIN_SERVICE, KEYCHAIN_UNAVAILABLE, type KeychainBackend } from './keychain'
import type { KeychainStatus } from './vault'

function backendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain'
  if (platform === 'win32') return 'Windows Credential Manager'
  return 'Secret Service'
}

function errorText(e: unknown): string {
  const parts: string[] = []
  let cur: unknown = e
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof Error) {
      parts.push(cur.message)
      cur = (cur as Error & { cause?: unknown }).cause
    } else {
      parts.push(String(cur))
      break
    }
  }
  return parts.join(' / ')
}

/** Turns a keyring error into one sentence that names the cause and the fix. */
export function explainKeychainError(e: unknown, platform: NodeJS.Platform = process.platform): string {
  const text = errorText(e)
  if (platform === 'linux') {
    if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|No such file or directory|Connection refused|Did not receive a reply/i.test(text) && /dbus/i.test(text))
      return 'no D-Bus session is running, so the Secret Service cannot be reached: start PKI Desk inside a desktop session with gnome-keyring running, or choose passphrase protection'
    if (/was not provided by any \.service files|ServiceUnknown|no such name/i.test(text))
      return 'no Secret Service is running: start gnome-keyring or choose passphrase protection'
    if (/no result found|locked|NoSuchObject|dismissed|prompt/i.test(text))
      return 'the Secret Service keyring is locked or has no default collection: unlock your login keyring (or start gnome-keyring unlocked) or choose passphrase protection'
    return `the Secret Service could not be used (${text}): start gnome-keyring or choose passphrase protection`
  }
  return `the ${backendName(platform)} could not be used (${text}): unlock it or choose passphrase protection`
}

export interface NapiKeychainOptions {
  readonly platform?: NodeJS.Platform
}

export function createNapiKeychain(options: NapiKeychainOptions = {}): KeychainBackend {
  const platform = options.platform ?? process.platform
  const name = backendName(platform)
  const entryOptions: EntryOptions | undefined = platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined
  // The constructor throws when it cannot reach the platform store (e.g. no D-Bus).
  const entry = (service: string, account: string): AsyncEntry => new AsyncEntry(service, account, entryOptions)
  const unavailable = <T>(e: unknown): Result<T> => fail(KEYCHAIN_UNAVAILABLE, explainKeychainError(e, platform))

  const backend: KeychainBackend = {
    name,
    async getSecret(service, account) {
      try {
        const secret = await entry(service, account).getSecret()
        if (!secret) return ok(null)
        const bytes = Uint8Array.from(secret)
        secret.fill(0)
        return ok(bytes)
      } catch (e) {
        return unavailable(e)
      }
    },
    async setSecret(service, account, secret) {
      try {
        await entry(service, account).setSecret(secret)
        return ok(undefined)
      } catch (e) {
        return unavailable(e)
      }
    },
    async deleteSecret(service, account) {
      try {
        return ok(await entry(service, account).deleteCredential())
      } catch (e) {
        return unavailable(e)
      }
    },
    async status(): Promise<KeychainStatus> {
      const account = `probe-${randomBytes(8).toString('hex')}`
      const probe = randomBytes(16)
      const set = await backend.setSecret(KEYCHAIN_SERVICE, account, probe)
      if (!set.ok) return { available: false, backend: name, message: set.error.message }
      const got = await backend.getSecret(KEYCHAIN_SERVICE, account)
      await backend.deleteSecret(KEYCHAIN_SERVICE, account)
      if (!got.ok) return { available: false, backend: name, message: got.error.message }
      if (!got.value || !Buffer.from(got.value).equals(probe))
        return { available: false, backend: name, message: `the ${name} did not return what was stored in it: check the keychain or choose passphrase protection` }
      return { available: true, backend: name, message: `The ${name} is available.` }
    }
  }
  return backend
}

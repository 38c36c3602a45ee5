// Connector credentials (API keys, bearer tokens) live in the OS keychain through the
// vault's KeychainBackend, under the service "PKI Desk sync" and the connector's id — never
// in SQLite, never in a log line, never in an IPC response. A connector may instead name an
// environment variable read at run time (headless CLI use); then nothing is stored at all.
// When the keychain cannot be reached this fails closed with the keychain's own sentence.
import { fail, ok, type Result } from '../../shared/errors'
import type { KeychainBackend } from '../vault'

export const SYNC_KEYCHAIN_SERVICE = 'PKI Desk sync'

export type CredentialBackend = Pick<KeychainBackend, 'getSecret' | 'setSecret' | 'deleteSecret'>

export interface CredentialStore {
  put(connectorId: string, secret: string): Promise<Result<void>>
  /** The credential, from the environment variable when one is configured, else the keychain. */
  get(connectorId: string, connectorName: string, credentialEnv?: string): Promise<Result<string>>
  has(connectorId: string, credentialEnv?: string): Promise<boolean>
  remove(connectorId: string): Promise<Result<void>>
}

const account = (connectorId: string) => `connector:${connectorId}`

export function createCredentialStore(backend: CredentialBackend, env: NodeJS.ProcessEnv = process.env): CredentialStore {
  return {
    async put(connectorId, secret) {
      const r = await backend.setSecret(SYNC_KEYCHAIN_SERVICE, account(connectorId), new TextEncoder().encode(secret))
      return r.ok ? ok(undefined) : fail(r.error.code, `The connector credential could not be stored in the OS keychain: ${r.error.message}`, 'credential')
    },
    async get(connectorId, connectorName, credentialEnv) {
      if (credentialEnv) {
        const v = env[credentialEnv]
        return v
          ? ok(v)
          : fail('SYNC_CREDENTIAL_MISSING', `Connector ${connectorName} reads its credential from $${credentialEnv}, which is not set; export it and run the sync again.`, 'credential')
      }
      const r = await backend.getSecret(SYNC_KEYCHAIN_SERVICE, account(connectorId))
      if (!r.ok) return fail(r.error.code, `The credential of connector ${connectorName} could not be read from the OS keychain: ${r.error.message}`, 'credential')
      if (!r.value || r.value.length === 0)
        return fail('SYNC_CREDENTIAL_MISSING', `Connector ${connectorName} has no credential; store one with "connector update" (or the Connections screen) and run the sync again.`, 'credential')
      return ok(new TextDecoder().decode(r.value))
    },
    async has(connectorId, credentialEnv) {
      if (credentialEnv) return Boolean(env[credentialEnv])
      const r = await backend.getSecret(SYNC_KEYCHAIN_SERVICE, account(connectorId))
      return r.ok && r.value !== null && r.value.length > 0
    },
    async remove(connectorId) {
      const r = await backend.deleteSecret(SYNC_KEYCHAIN_SERVICE, account(connectorId))
      return r.ok ? ok(undefined) : fail(r.error.code, `The connector credential could not be removed from the OS keychain: ${r.error.message}`, 'credential')
    }
  }
}

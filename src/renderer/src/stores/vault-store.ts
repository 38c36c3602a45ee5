// Mirror of the vault's state as the renderer may see it: whether the keychain answers.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { KeychainStatusDto } from '../../../shared/ipc/vault'
import { onDomainChanged } from './live'

interface VaultState {
  readonly keychain: KeychainStatusDto | null
  readonly error: AppError | null
  loadKeychain(): Promise<void>
}

export const useVaultStore = create<VaultState>()((set) => ({
  keychain: null,
  error: null,
  async loadKeychain() {
    const r = await pki.vault.keychainStatus({})
    set(r.ok ? { keychain: r.value, error: null } : { error: r.error })
  }
}))

onDomainChanged('vault', () => {
  if (useVaultStore.getState().keychain) void useVaultStore.getState().loadKeychain()
})

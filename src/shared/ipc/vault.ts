// vault:* — the state of the key vault as the renderer may see it: which keys exist, which
// are unlocked, whether the OS keychain answers. Requests may carry a passphrase (to unlock);
// responses never carry key material of any kind, encrypted or not (see
// tests/unit/ipc/no-key-material.test.ts).
import { z } from 'zod'
import { channel } from './define'
import { keySpec, passphraseText, storedKeyProtection } from '../domain/keys'

export const keyPurposeDto = z.enum(['ca', 'end-entity'])

export const keychainStatusDto = z.object({
  available: z.boolean(),
  /** e.g. "Secret Service", "macOS Keychain". */
  backend: z.string(),
  /** One sentence; when unavailable it names the fix. */
  message: z.string()
})
export type KeychainStatusDto = z.infer<typeof keychainStatusDto>

export const vaultKeyStateDto = z.object({
  keyId: z.string(),
  spec: keySpec,
  purpose: keyPurposeDto,
  protection: storedKeyProtection,
  /** SHA-256 of the SubjectPublicKeyInfo, lowercase hex. */
  spkiSha256: z.string(),
  unlocked: z.boolean(),
  /** When an unlocked key locks itself if unused (ISO 8601); null while locked. */
  locksAt: z.string().nullable()
})
export type VaultKeyStateDto = z.infer<typeof vaultKeyStateDto>

const keyIdRequest = z.object({ keyId: z.string().min(1).max(200) }).strict()

export const vaultChannels = {
  /** Keys of the given ids, or every CA key and every unlocked key when `keyIds` is absent. */
  'vault:status': channel(
    z.object({ keyIds: z.array(z.string().min(1).max(200)).max(1000).optional() }).strict(),
    z.object({ keys: z.array(vaultKeyStateDto), autoLockMinutes: z.number().int() })
  ),
  'vault:keychainStatus': channel(z.object({}).strict(), keychainStatusDto),
  /** `passphrase` is needed for keys protected by 'passphrase' or 'both'. */
  'vault:unlock': channel(
    z.object({ keyId: z.string().min(1).max(200), passphrase: passphraseText.optional() }).strict(),
    vaultKeyStateDto
  ),
  'vault:lock': channel(keyIdRequest, vaultKeyStateDto),
  'vault:lockAll': channel(z.object({}).strict(), z.object({ locked: z.number().int().nonnegative() })),
  /**
   * Deletes a key no authority uses (e.g. an end-entity key from CSR generation) and its
   * keychain entry; its certificates stay, without a key. Audited as vault.delete.
   */
  'vault:deleteKey': channel(keyIdRequest, z.object({ keyId: z.string(), deleted: z.literal(true) })),
  /**
   * Deletes the end-entity key of a certificate (the renderer knows certificates, not key ids);
   * the certificate stays, without a key. CA keys are refused. Audited as vault.delete.
   */
  'vault:deleteCertificateKey': channel(
    z.object({ certificateId: z.number().int() }).strict(),
    z.object({ certificateId: z.number().int(), keyId: z.string(), deleted: z.literal(true) })
  )
} as const

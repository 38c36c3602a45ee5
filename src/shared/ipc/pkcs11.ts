// tokens:* — PKCS#11 modules: those main found (the usual install paths on this machine and
// PKIDESK_PKCS11_MODULES) and those the operator added in Settings, with what each says of
// itself and the tokens in its slots; adding (a path main's file dialog picks, or one typed here
// that main asks the operator to confirm) and removing one; the private keys on a token (to
// adopt one). The renderer names only a module from this list: main refuses any other path
// (loading a library runs its code). And the token PINs remembered in the OS keychain.
import { z } from 'zod'
import { channel } from './define'
import { passphraseText } from '../domain/keys'
import { pkcs11ModuleInfo, pkcs11TokenDto, tokenPrivateKeyDto } from '../domain/pkcs11'

export const pkcs11ModuleDto = z.object({
  path: z.string(),
  /** 'added': by the operator in Settings (removable there); 'found': at its usual install path or in PKIDESK_PKCS11_MODULES. */
  source: z.enum(['added', 'found']),
  /** What the module says of itself (C_GetInfo); null when it cannot be loaded. */
  info: pkcs11ModuleInfo.nullable(),
  tokens: z.array(pkcs11TokenDto),
  /** The CAs whose keys are on this module's tokens: it is not removed while any is. */
  usedBy: z.array(z.string()),
  /** Why the module could not be read (it stays listed, with the reason). */
  error: z.object({ code: z.string(), message: z.string() }).nullable()
})
export type Pkcs11ModuleDto = z.infer<typeof pkcs11ModuleDto>

const modulePath = z.string().min(1).max(4096)
const onToken = z.object({ module: modulePath, token: z.string().min(1).max(64), pin: passphraseText.min(1) }).strict()

export const tokensChannels = {
  'tokens:modules': channel(z.object({}).strict(), z.object({ modules: z.array(pkcs11ModuleDto) })),
  /** Without `path`, main's file dialog picks the library; a typed `path` is loaded only on the operator's yes in main's dialog. `module` null: cancelled. */
  'tokens:addModule': channel(z.object({ path: modulePath.optional() }).strict(), z.object({ module: pkcs11ModuleDto.nullable() })),
  /** Refused (PKCS11_MODULE_IN_USE, naming them) while a CA's key is on its tokens. */
  'tokens:removeModule': channel(z.object({ path: modulePath }).strict(), z.object({ modules: z.array(pkcs11ModuleDto) })),
  /** The private keys on a token (label, id, type), seen after logging in with its user PIN. */
  'tokens:keys': channel(onToken, z.object({ keys: z.array(tokenPrivateKeyDto) })),
  /** Whether the PIN of the token holding this CA's key is remembered in the OS keychain. */
  'tokens:pinRemembered': channel(z.object({ authorityId: z.string().min(1) }).strict(), z.object({ remembered: z.boolean() })),
  /** Removes that remembered PIN from the keychain (audited). */
  'tokens:forgetPin': channel(z.object({ authorityId: z.string().min(1) }).strict(), z.object({ forgotten: z.boolean() }))
} as const

// tokens:* — the PKCS#11 modules main offers (the usual install paths found on this machine and
// those in PKIDESK_PKCS11_MODULES) with the tokens in their slots. The renderer picks a module
// from this list; main refuses any other path (loading a library runs its code).
import { z } from 'zod'
import { channel } from './define'
import { pkcs11TokenDto } from '../domain/pkcs11'

export const pkcs11ModuleDto = z.object({
  path: z.string(),
  tokens: z.array(pkcs11TokenDto),
  /** Why the module could not be read (it stays listed, with the reason). */
  error: z.object({ code: z.string(), message: z.string() }).nullable()
})
export type Pkcs11ModuleDto = z.infer<typeof pkcs11ModuleDto>

export const tokensChannels = {
  'tokens:modules': channel(z.object({}).strict(), z.object({ modules: z.array(pkcs11ModuleDto) }))
} as const

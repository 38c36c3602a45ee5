// csr:* — reading certificate signing requests, and generating a key + CSR in the app.
import { z } from 'zod'
import { errorCodeSchema } from '../errors/schema'
import { channel } from './define'
import { csrDescription, csrInfo } from '../domain/csr'
import { fileInput } from '../domain/authority'
import { distinguishedName, generalName } from '../domain/names'
import { keyProtection, keySpec, passphraseText, signatureHash } from '../domain/keys'

const itemError = z.object({ code: errorCodeSchema, message: z.string() })

/** One request found in the input: parsed, or the coded reason it was refused. */
export const csrInspectItem = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), index: z.number().int(), csr: csrInfo, pem: z.string() }),
  z.object({ ok: z.literal(false), index: z.number().int(), error: itemError, described: csrDescription.optional() })
])
export type CsrInspectItem = z.infer<typeof csrInspectItem>

export const csrChannels = {
  /** PEM text (several blocks allowed, any text around them) or base64 of DER. */
  'csr:inspect': channel(fileInput, z.object({ items: z.array(csrInspectItem) })),
  /** Generates an end-entity key in the vault and a CSR signed by it; the key is used when that CSR is issued. */
  'csr:generate': channel(
    z.object({
      subject: distinguishedName.min(1),
      sans: z.array(generalName).default([]),
      keySpec,
      protection: keyProtection,
      passphrase: passphraseText.optional(),
      hash: signatureHash.default('SHA-256')
    }),
    z.object({ keyId: z.string(), pem: z.string(), csr: csrInfo })
  )
} as const

// PKCS#11 tokens as the app shows them: a slot's token with its label, serial, manufacturer,
// free space and PIN state. Never a key value: a token key's private half cannot be read.
import { z } from 'zod'

export const pkcs11TokenDto = z.object({
  slotId: z.string(),
  slotDescription: z.string(),
  label: z.string(),
  serial: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  /** Free public / private object memory in bytes; null when the token does not report it. */
  freePublicBytes: z.number().nullable(),
  freePrivateBytes: z.number().nullable(),
  loginRequired: z.boolean(),
  pinCountLow: z.boolean(),
  pinFinalTry: z.boolean(),
  pinLocked: z.boolean()
})
export type Pkcs11TokenDto = z.infer<typeof pkcs11TokenDto>

/** What a module says of itself (C_GetInfo): who made it, what it is, its version. */
export const pkcs11ModuleInfo = z.object({
  manufacturer: z.string(),
  libraryDescription: z.string(),
  /** "major.minor" */
  libraryVersion: z.string(),
  /** The PKCS#11 (Cryptoki) version it implements, "major.minor". */
  cryptokiVersion: z.string()
})
export type Pkcs11ModuleInfo = z.infer<typeof pkcs11ModuleInfo>

/** A private key object on a token, as the operator picks one to adopt: nothing of its value. */
export const tokenPrivateKeyDto = z.object({
  /** CKA_LABEL ('' when it has none). */
  label: z.string(),
  /** CKA_ID, lowercase hex ('' when it has none). */
  id: z.string(),
  /** 'RSA-2048', 'EC P-256', …, or what else the token says ('EC (other curve)', 'DSA'). */
  type: z.string(),
  /** Whether PKI Desk can sign with it on a token (RSA 2048–4096, P-256, P-384). */
  usable: z.boolean(),
  /** Already the key of a CA in this store (by CKA_ID on this token). */
  adoptedBy: z.string().nullable()
})
export type TokenPrivateKeyDto = z.infer<typeof tokenPrivateKeyDto>

/**
 * Where a new CA key is generated, or an existing one found: a module (shared library) path, the
 * token's label and the user PIN. Main-side only: the renderer never names a library to load.
 */
export interface TokenKeyInput {
  readonly module: string
  readonly token: string
  /** CKA_LABEL of the key (a new key: default "PKI Desk <CA name>"). */
  readonly keyLabel?: string
  /** CKA_ID of a key to adopt, hex. */
  readonly keyId?: string
  readonly pin: string
}

/** Where a CA key held on a token is (as the screens show it): never anything of the key itself. */
export const tokenKeyPlace = z.object({
  module: z.string(),
  tokenLabel: z.string(),
  tokenSerial: z.string(),
  keyLabel: z.string(),
  /** CKA_ID, lowercase hex. */
  keyId: z.string()
})
export type TokenKeyPlace = z.infer<typeof tokenKeyPlace>

/** Why a token key is not in an export, in the words every surface uses (app, CLI, main's refusals). */
export function tokenKeyStays(place: Pick<TokenKeyPlace, 'tokenLabel' | 'tokenSerial'>): string {
  return `the key is on token "${place.tokenLabel}" (serial ${place.tokenSerial}) and cannot leave it`
}

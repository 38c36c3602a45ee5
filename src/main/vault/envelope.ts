// The at-rest form of a private key (the vault_keys.envelope column, JSON):
//   PKCS#8 DER ──AES-256-GCM(DEK, AAD = key id + purpose + SPKI hash)──▶ ciphertext
//   DEK (random, 256-bit) ──AES-256-GCM(KEK, AAD = key id + protection)──▶ wrapped DEK
// where the KEK is a random 256-bit secret kept in the OS keychain ('keychain'), scrypt of
// the operator's passphrase with the parameters stored here ('passphrase'), or HKDF over both
// ('both': either factor alone opens nothing). The AADs bind ciphertext to its row, so an
// envelope copied to another row, a row relabelled with a weaker protection, or a key moved
// to another purpose (an end-entity key relabelled 'ca', or the reverse) does not open.
//
// The purpose is bound in the inner layer: a relabelled row unwraps the DEK (the passphrase
// was right) and then fails as an altered row, not as a wrong passphrase.
// Version 1 envelopes (written before the purpose was bound) have the same layers without
// the purpose in the inner AAD; they still open, and the vault re-seals one as version 2 the
// next time it opens it (create-vault.ts). A version 2 envelope relabelled 'v: 1' does not
// open: its inner AAD was version 2's, so the label cannot downgrade it.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto'
import { z } from 'zod'
import type { StoredKeyProtection } from '../../shared/domain/keys'

export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** ~128 MiB and a few hundred milliseconds per derivation: a root key is unlocked rarely. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)

const sealed = z.object({ iv: b64, tag: b64, ciphertext: b64 })
export type Sealed = z.infer<typeof sealed>
export const sealedSchema = sealed

/** The scrypt costs an envelope may name: what the vault writes and what it agrees to open. */
export const scryptCost = z.object({
  N: z.number().int().min(2 ** 14).max(2 ** 22),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16)
})

const keychainRef = z.object({ backend: z.string(), service: z.string(), account: z.string() })
const scryptRef = scryptCost.extend({ salt: b64 })

/**
 * A KEK split M-of-N (custodians.ts): each custodian's share sealed under their passphrase
 * (scrypt) or under passphrase + keychain ('both'-style HKDF); the share's AAD names the
 * key, the part and the custodian, so shares cannot be moved between keys or renamed.
 */
export const custodianSplitSchema = z.object({
  threshold: z.number().int().min(2).max(255),
  parts: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1).max(200),
        scrypt: scryptRef,
        keychain: keychainRef.optional(),
        share: sealed
      })
    )
    .min(2)
    .max(255)
})
export type CustodianSplit = z.infer<typeof custodianSplitSchema>

/** The envelope version sealEnvelope writes: 2 binds the key's purpose in the ciphertext's AAD. */
export const ENVELOPE_VERSION = 2

export const envelopeSchema = z.object({
  v: z.union([z.literal(1), z.literal(2)]),
  keyId: z.string(),
  cipher: z.literal('aes-256-gcm'),
  key: sealed,
  kek: z.object({
    source: z.enum(['keychain', 'passphrase', 'both', 'custodians']),
    keychain: keychainRef.optional(),
    scrypt: scryptRef.optional(),
    custodians: custodianSplitSchema.optional(),
    wrappedDek: sealed
  })
})
export type Envelope = z.infer<typeof envelopeSchema>

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Sealed {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  c.setAAD(Buffer.from(aad, 'utf8'))
  const ct = Buffer.concat([c.update(plaintext), c.final()])
  return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ct.toString('base64') }
}

/** The plaintext, or null when the key or AAD is wrong (GCM authentication failed). */
export function open(key: Uint8Array, s: Sealed, aad: string): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'))
    d.setAAD(Buffer.from(aad, 'utf8'))
    d.setAuthTag(Buffer.from(s.tag, 'base64'))
    return Buffer.concat([d.update(Buffer.from(s.ciphertext, 'base64')), d.final()])
  } catch {
    return null
  }
}

/** What a key is for; bound in the inner AAD of a version 2 envelope. */
export type EnvelopePurpose = 'ca' | 'end-entity'

const keyAad = (v: Envelope['v'], keyId: string, purpose: EnvelopePurpose, spkiSha256: string): string =>
  v === 1 ? `pkidesk/key/v1/${keyId}/${spkiSha256}` : `pkidesk/key/v2/${keyId}/${purpose}/${spkiSha256}`
const dekAad = (keyId: string, source: StoredKeyProtection): string => `pkidesk/dek/v1/${keyId}/${source}`

export function scryptKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 }
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key)))
  )
}

/** KEK for 'both': HKDF-SHA256 over keychain secret ‖ passphrase key. */
export function combineKeks(keychainSecret: Uint8Array, passphraseKey: Uint8Array): Buffer {
  const ikm = Buffer.concat([keychainSecret, passphraseKey])
  try {
    return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'pkidesk/kek/both/v1', 32))
  } finally {
    ikm.fill(0)
  }
}

export interface SealInput {
  readonly keyId: string
  readonly purpose: EnvelopePurpose
  readonly spkiSha256: string
  readonly pkcs8: Uint8Array
  readonly kek: Uint8Array
  readonly source: Exclude<StoredKeyProtection, 'pkcs11'>
  readonly keychain?: Envelope['kek']['keychain']
  readonly scrypt?: Envelope['kek']['scrypt']
  readonly custodians?: CustodianSplit
}

export function sealEnvelope(input: SealInput): Envelope {
  const dek = randomBytes(32)
  try {
    return {
      v: ENVELOPE_VERSION,
      keyId: input.keyId,
      cipher: 'aes-256-gcm',
      key: seal(dek, input.pkcs8, keyAad(ENVELOPE_VERSION, input.keyId, input.purpose, input.spkiSha256)),
      kek: {
        source: input.source,
        ...(input.keychain ? { keychain: input.keychain } : {}),
        ...(input.scrypt ? { scrypt: input.scrypt } : {}),
        ...(input.custodians ? { custodians: input.custodians } : {}),
        wrappedDek: seal(input.kek, dek, dekAad(input.keyId, input.source))
      }
    }
  } finally {
    dek.fill(0)
  }
}

export type OpenFailure = 'kek' | 'key'

/**
 * PKCS#8 DER (the caller zeroes it), or which layer refused to open. `purpose` and
 * `spkiSha256` come from the row (never from the envelope), so a relabelled row fails here.
 */
export function openEnvelope(env: Envelope, purpose: EnvelopePurpose, spkiSha256: string, kek: Uint8Array): { pkcs8: Buffer } | { failure: OpenFailure } {
  const dek = open(kek, env.kek.wrappedDek, dekAad(env.keyId, env.kek.source))
  if (!dek) return { failure: 'kek' }
  try {
    const pkcs8 = open(dek, env.key, keyAad(env.v, env.keyId, purpose, spkiSha256))
    return pkcs8 ? { pkcs8 } : { failure: 'key' }
  } finally {
    dek.fill(0)
  }
}

export function parseEnvelope(json: string): Envelope | null {
  try {
    const r = envelopeSchema.safeParse(JSON.parse(json))
    return r.success ? r.data : null
  } catch {
    return null
  }
}

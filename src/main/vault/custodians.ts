// Split knowledge for a key's KEK: M of N custodians must be present to unlock it.
// The KEK (random, 256-bit) is split with Shamir's scheme over GF(256) (shamir-secret-sharing,
// audited by Cure53 and Zellic); each custodian's share is sealed under scrypt of their own
// passphrase, or — when the custodian chose it — under HKDF(keychain secret ‖ passphrase key)
// like 'both' protection, so that share also needs this machine's keychain.
// Fewer than M shares combine to a wrong KEK without any error from the library; the KEK's
// own AES-GCM wrap of the data key is what refuses it, so a short sitting is always caught.
import { randomBytes, randomUUID } from 'node:crypto'
import { combine, split } from 'shamir-secret-sharing'
import { combineKeks, open, scryptKey, seal, type CustodianSplit, type ScryptParams } from './envelope'

export const MAX_CUSTODIANS = 16

export interface CustodianInput {
  readonly name: string
  readonly passphrase: string
  /** Also hold this custodian's share under the OS keychain (a 32-byte secret there). */
  readonly keychain?: boolean
}

/** A passphrase offered at an unlock; `name` (the app's one field per custodian) skips the search. */
export interface CustodianSecret {
  readonly name?: string
  readonly passphrase: string
}

/** What the keychain holds for a part, and how to store one (the vault passes its backend through). */
export interface CustodianKeychain {
  readonly name: string
  readonly service: string
  put(account: string, secret: Uint8Array): Promise<{ ok: true } | { ok: false; message: string }>
  get(account: string): Promise<Uint8Array | null>
  remove(account: string): Promise<void>
}

const shareAad = (keyId: string, partId: string, name: string): string => `pkidesk/custodian/v1/${keyId}/${partId}/${name}`
export const custodianAccount = (keyId: string, partId: string): string => `custodian:${keyId}:${partId}`

/** The names of a split, in the order they were set. */
export const custodianNames = (s: CustodianSplit): string[] => s.parts.map((p) => p.name)

/**
 * Splits `kek` between `custodians`, any `threshold` of whom recover it. Keychain-held parts
 * get their secret stored before this returns; `created` lists their accounts so a caller
 * whose transaction fails can remove them again.
 */
export async function splitKek(
  keyId: string,
  kek: Uint8Array,
  threshold: number,
  custodians: readonly CustodianInput[],
  scrypt: ScryptParams,
  keychain: CustodianKeychain
): Promise<{ ok: true; split: CustodianSplit; created: string[] } | { ok: false; message: string; created: string[] }> {
  // The library checks `instanceof Uint8Array`, which a Buffer from another realm fails: copy.
  const secret = Uint8Array.from(kek)
  const shares = await split(secret, custodians.length, threshold)
  secret.fill(0)
  const parts: CustodianSplit['parts'] = []
  const created: string[] = []
  try {
    for (const [i, c] of custodians.entries()) {
      const id = randomUUID()
      const salt = randomBytes(16)
      const passKey = await scryptKey(c.passphrase, salt, scrypt)
      let wrapKey: Buffer = passKey
      let keychainRef: CustodianSplit['parts'][number]['keychain']
      if (c.keychain) {
        const secret = randomBytes(32)
        const account = custodianAccount(keyId, id)
        const stored = await keychain.put(account, secret)
        if (!stored.ok) {
          secret.fill(0)
          passKey.fill(0)
          return { ok: false, message: stored.message, created }
        }
        created.push(account)
        wrapKey = combineKeks(secret, passKey)
        secret.fill(0)
        passKey.fill(0)
        keychainRef = { backend: keychain.name, service: keychain.service, account }
      }
      parts.push({
        id,
        name: c.name,
        scrypt: { salt: salt.toString('base64'), ...scrypt },
        ...(keychainRef ? { keychain: keychainRef } : {}),
        share: seal(wrapKey, shares[i]!, shareAad(keyId, id, c.name))
      })
      wrapKey.fill(0)
    }
    return { ok: true, split: { threshold, parts }, created }
  } finally {
    for (const s of shares) s.fill(0)
  }
}

export type CustodianOpen =
  | { readonly ok: true; readonly kek: Uint8Array; readonly custodians: string[] }
  | {
      readonly ok: false
      readonly reason: 'too-few' | 'unmatched' | 'keychain'
      /** Custodians whose share opened. */
      readonly custodians: string[]
      /** The offered passphrases (by position) that opened no share; the names given with them. */
      readonly unmatched: { index: number; name?: string }[]
      readonly message?: string
    }

async function openPart(keyId: string, part: CustodianSplit['parts'][number], passphrase: string, keychain: CustodianKeychain): Promise<Buffer | 'keychain' | null> {
  const passKey = await scryptKey(passphrase, Buffer.from(part.scrypt.salt, 'base64'), part.scrypt)
  let wrapKey: Buffer = passKey
  if (part.keychain) {
    const secret = await keychain.get(part.keychain.account)
    if (!secret) {
      passKey.fill(0)
      return 'keychain'
    }
    wrapKey = combineKeks(secret, passKey)
    secret.fill(0)
    passKey.fill(0)
  }
  try {
    return open(wrapKey, part.share, shareAad(keyId, part.id, part.name))
  } finally {
    wrapKey.fill(0)
  }
}

/**
 * Opens the shares the offered passphrases fit (each passphrase opens at most one share;
 * a named one is tried only against that custodian) and combines them when at least
 * `threshold` opened. Never says which custodian a wrong passphrase was meant for beyond
 * the name the operator typed it under.
 */
export async function openCustodianKek(keyId: string, s: CustodianSplit, offered: readonly CustodianSecret[], keychain: CustodianKeychain): Promise<CustodianOpen> {
  const opened = new Map<string, Buffer>()
  const unmatched: { index: number; name?: string }[] = []
  let keychainMissing = false
  try {
    for (const [index, o] of offered.entries()) {
      const candidates = s.parts.filter((p) => !opened.has(p.id) && (o.name === undefined || p.name === o.name))
      let hit = false
      for (const part of candidates) {
        const r = await openPart(keyId, part, o.passphrase, keychain)
        if (r === 'keychain') {
          keychainMissing = true
          continue
        }
        if (r) {
          opened.set(part.id, r)
          hit = true
          break
        }
      }
      if (!hit) unmatched.push({ index, ...(o.name !== undefined ? { name: o.name } : {}) })
    }
    const names = s.parts.filter((p) => opened.has(p.id)).map((p) => p.name)
    if (opened.size < s.threshold) {
      const reason = unmatched.length > 0 ? (keychainMissing ? 'keychain' : 'unmatched') : 'too-few'
      return { ok: false, reason, custodians: names, unmatched }
    }
    const kek = await combine([...opened.values()].slice(0, s.threshold).map((v) => Uint8Array.from(v)))
    return { ok: true, kek, custodians: names }
  } finally {
    for (const b of opened.values()) b.fill(0)
  }
}

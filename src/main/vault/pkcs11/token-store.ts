// The PKCS#11 key store: CA keys generated on a token (or adopted from it) that never leave
// it. The vault keeps only a reference row (module, token serial and label, key label and
// CKA_ID) and the public key; unlocking logs the token in with the user PIN and proves, with a
// signature checked against the stored public key, that the token's private key is the CA's.
//
// Sessions: one read-write session per token, shared by every unlocked key on it (a PKCS#11
// login is per token, not per key). Signatures are serialised on it (C_SignInit + C_Sign are
// one operation per session); the token logs out when the last of its keys locks.
import { createHash, createPublicKey, randomBytes, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import { z } from 'zod'
import { AppFailure, fail, ok, type AppError, type Result } from '../../../shared/errors'
import type { KeySpec } from '../../../shared/domain/keys'
import type { Pkcs11ModuleInfo, Pkcs11TokenDto } from '../../../shared/domain/pkcs11'
import type { SignOptions } from '../../engine/signer'
import { findToken, listSlots, loadModule, pinError, sessionOrCallError, ckrOf, type Handle, type LoadedModule, type Slot } from './module'
import { ecdsaRawToDer } from './ecdsa'

/** What a vault row holds for a token key (its `envelope` column): where the key is, nothing of it. */
export const tokenKeyRefSchema = z
  .object({
    store: z.literal('pkcs11'),
    v: z.literal(1),
    module: z.string().min(1),
    tokenSerial: z.string(),
    tokenLabel: z.string(),
    keyLabel: z.string(),
    /** CKA_ID of the private key (and its public key object), lowercase hex. */
    ckaId: z.string().regex(/^[0-9a-f]*$/),
    /** Whether PKI Desk generated it (true) or adopted a key that was on the token already. */
    generated: z.boolean()
  })
  .strict()
export type TokenKeyRef = z.infer<typeof tokenKeyRefSchema>

export const TOKEN_SPECS: readonly KeySpec[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384', 'ed25519']

/** Where a signature came from, for the audit trail. */
export interface TokenOrigin {
  readonly store: 'pkcs11'
  readonly tokenSerial: string
  readonly tokenLabel: string
  readonly ckaId: string
}

/** A token key ready to sign (its token logged in). */
export interface OpenTokenKey {
  readonly ref: TokenKeyRef
  readonly origin: TokenOrigin
  readonly spki: Uint8Array
  sign(data: Uint8Array, options: SignOptions): Promise<Uint8Array>
}

export interface TokenLocation {
  readonly module: string
  /** The token's label. */
  readonly token: string
}

export interface GenerateInput extends TokenLocation {
  readonly spec: KeySpec
  readonly keyLabel: string
  readonly pin: string
}

export interface AdoptInput extends TokenLocation {
  readonly keyLabel?: string
  /** CKA_ID, hex. */
  readonly ckaId?: string
  readonly pin: string
}

const CURVE_PARAMS: Readonly<Record<string, { oid: string; crv: string; size: number }>> = {
  'ec-p256': { oid: '06082a8648ce3d030107', crv: 'P-256', size: 32 },
  'ec-p384': { oid: '06052b81040022', crv: 'P-384', size: 48 }
}

/**
 * Ed25519 (PKCS#11 3.0): pkcs11js names none of these yet. CKA_EC_PARAMS is the curve's OID
 * (RFC 8410 id-Ed25519); CKM_EDDSA without parameters is pure Ed25519 over the message itself.
 */
const CKK_EC_EDWARDS = 0x40
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055
const CKM_EDDSA = 0x1057
const ED25519_PARAMS = ['06032b6570', '130c656477617264733235353139'] // the OID, or PrintableString "edwards25519"
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const DIGEST_INFO: Readonly<Record<SignOptions['hash'], string>> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440'
}

interface TokenSession {
  readonly m: LoadedModule
  readonly slot: Slot
  readonly session: Handle
  /** SHA-256 of the PIN it was logged in with (memory only): a second key's unlock must give the same PIN. */
  readonly pinHash: Buffer
  readonly holders: Set<OpenTokenKey>
  /** Signatures queue here, one at a time. */
  queue: Promise<unknown>
  lost: AppError | null
}

const pinDigest = (serial: string, pin: string): Buffer => createHash('sha256').update(`pkidesk-pkcs11-pin\0${serial}\0${pin}`).digest()

export interface TokenKeyStore {
  /** The tokens present in the module's slots. */
  tokens(module: string): Promise<Result<Pkcs11TokenDto[]>>
  /** Loads and initialises the module (C_Initialize) and says what it is (C_GetInfo). */
  about(module: string): Promise<Result<Pkcs11ModuleInfo>>
  /** Generates a key pair on the token: private key sensitive, never extractable, sign only. */
  generate(input: GenerateInput): Promise<Result<OpenTokenKey>>
  /** A private key already on the token, by label and/or CKA_ID; `expectedSpki` is the certificate's key. */
  adopt(input: AdoptInput, expectedSpki: Uint8Array): Promise<Result<OpenTokenKey>>
  /** Unlock: log in, find the key, prove it is the one whose public key is `spki`. */
  open(ref: TokenKeyRef, pin: string, spki: Uint8Array): Promise<Result<OpenTokenKey>>
  /** Lock: the key stops signing; the token logs out when it was its last unlocked key. */
  close(key: OpenTokenKey): void
  /** Removes a generated key pair from the token (a CA creation that did not commit). */
  destroy(key: OpenTokenKey): void
  /** The private key objects on the token (label, id, type), seen after logging in with the PIN; the token logs out again unless a key holds it. */
  keys(location: TokenLocation, pin: string): Promise<Result<TokenKeyListing[]>>
}

/** A private key object on a token: what an operator picks to adopt. Nothing of its value. */
export interface TokenKeyListing {
  readonly label: string
  /** CKA_ID, lowercase hex. */
  readonly id: string
  readonly type: string
  /** RSA 2048–4096, P-256 or P-384: PKI Desk can sign with it on a token. */
  readonly usable: boolean
}

/**
 * Logged-in sessions by module and token serial, for the whole process: a PKCS#11 login
 * belongs to the application (every session of the process on that token shares it), so two
 * vaults in one process (the CLI's tests, a restore beside the live store) must share them too.
 */
const sessions = new Map<string, TokenSession>()
const sessionKey = (module: string, serial: string): string => `${module}\0${serial}`

export function createTokenKeyStore(): TokenKeyStore {

  function release(ts: TokenSession): void {
    sessions.delete(sessionKey(ts.m.path, ts.slot.dto.serial))
    try {
      ts.m.lib.C_Logout(ts.session)
    } catch {
      // logged out already, or the token is gone
    }
    try {
      ts.m.lib.C_CloseSession(ts.session)
    } catch {
      // closed already
    }
  }

  /** A logged-in session on the token, reused when one is open (the PIN must be the one it logged in with). */
  async function session(location: { module: string; label?: string; serial?: string }, pin: string): Promise<Result<TokenSession>> {
    if (pin.length === 0) return fail('PKCS11_PIN_REQUIRED', 'The key is on a token: enter the token\'s user PIN.', 'pin')
    const m = await loadModule(location.module)
    if (!m.ok) return m
    const slot = findToken(m.value, location.serial !== undefined ? { serial: location.serial } : { label: location.label ?? '' })
    if (!slot.ok) return slot
    const { lib, ck } = m.value
    if (slot.value.dto.pinLocked)
      return fail('PKCS11_PIN_LOCKED', "The token's user PIN is locked after too many wrong tries: have its security officer unblock it (e.g. pkcs11-tool --init-pin), then unlock again.", 'pin')
    const existing = sessions.get(sessionKey(m.value.path, slot.value.dto.serial))
    if (existing && !existing.lost) {
      const given = pinDigest(slot.value.dto.serial, pin)
      if (!timingSafeEqual(given, existing.pinHash))
        return fail('PKCS11_PIN_INCORRECT', 'The token is logged in with another PIN than the one given: check the PIN and try again.', 'pin')
      return ok(existing)
    }
    if (existing) release(existing)
    let handle: Handle
    try {
      handle = lib.C_OpenSession(slot.value.slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION)
    } catch (e) {
      return { ok: false, error: sessionOrCallError(m.value, e, 'C_OpenSession') }
    }
    const login = (): unknown => {
      try {
        lib.C_Login(handle, ck.CKU_USER, pin)
        return null
      } catch (e) {
        return e
      }
    }
    let failed = login()
    if (failed && ckrOf(failed) === ck.CKR_USER_ALREADY_LOGGED_IN) {
      // Logged in by something this process did not track: log out and in again, so the PIN given is checked.
      try {
        lib.C_Logout(handle)
      } catch {
        // not logged in after all
      }
      failed = login()
    }
    if (failed) {
      try {
        lib.C_CloseSession(handle)
      } catch {
        // nothing more to undo
      }
      return { ok: false, error: pinError(m.value, slot.value.slot, failed) }
    }
    const ts: TokenSession = { m: m.value, slot: slot.value, session: handle, pinHash: pinDigest(slot.value.dto.serial, pin), holders: new Set(), queue: Promise.resolve(), lost: null }
    sessions.set(sessionKey(m.value.path, slot.value.dto.serial), ts)
    return ok(ts)
  }

  function findObjects(ts: TokenSession, template: { type: number; value?: Buffer | boolean | number | string }[]): Handle[] {
    const { lib } = ts.m
    lib.C_FindObjectsInit(ts.session, template)
    try {
      return lib.C_FindObjects(ts.session, 16)
    } finally {
      lib.C_FindObjectsFinal(ts.session)
    }
  }

  function attr(ts: TokenSession, obj: Handle, type: number): Buffer | null {
    try {
      const [a] = ts.m.lib.C_GetAttributeValue(ts.session, obj, [{ type }])
      return a?.value ?? null
    } catch {
      return null
    }
  }

  /** The SPKI of a token key: its public key object's attributes (RSA: the private key's public ones also do). */
  function spkiOf(ts: TokenSession, priv: Handle, pub: Handle | null): Result<{ spki: Uint8Array; spec: KeySpec }> {
    const { ck } = ts.m
    const keyType = attr(ts, priv, ck.CKA_KEY_TYPE)?.readUInt32LE(0)
    try {
      if (keyType === ck.CKK_RSA) {
        const src = pub ?? priv
        const n = attr(ts, src, ck.CKA_MODULUS)
        const e = attr(ts, src, ck.CKA_PUBLIC_EXPONENT)
        if (!n || !e) return fail('PKCS11_KEY_NOT_FOUND', 'The token does not show the public half of this RSA key: store its public key object on the token.', 'keyLabel')
        const key = createPublicKey({ key: { kty: 'RSA', n: b64u(stripZeros(n)), e: b64u(stripZeros(e)) }, format: 'jwk' })
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
        const spec = (['rsa-2048', 'rsa-3072', 'rsa-4096'] as const).find((s) => s === `rsa-${bits}`)
        if (!spec) return fail('PKCS11_MECHANISM_UNSUPPORTED', `The token key is RSA-${bits}: PKI Desk signs with RSA 2048, 3072 or 4096 bits on a token.`, 'keyLabel')
        return ok({ spki: new Uint8Array(key.export({ type: 'spki', format: 'der' })), spec })
      }
      if (keyType === ck.CKK_EC) {
        const params = attr(ts, priv, ck.CKA_EC_PARAMS)?.toString('hex') ?? (pub ? attr(ts, pub, ck.CKA_EC_PARAMS)?.toString('hex') : undefined)
        const entry = Object.entries(CURVE_PARAMS).find(([, c]) => c.oid === params)
        if (!entry) return fail('PKCS11_MECHANISM_UNSUPPORTED', 'The token key is on a curve PKI Desk does not sign with on a token: use P-256 or P-384.', 'keyLabel')
        const [spec, curve] = entry
        const point = pub ? attr(ts, pub, ck.CKA_EC_POINT) : null
        if (!point) return fail('PKCS11_KEY_NOT_FOUND', 'The token holds no public key object for this EC key (same CKA_ID): store it on the token beside the private key.', 'keyLabel')
        const raw = ecPointRaw(point, curve.size)
        if (!raw) return fail('PKCS11_FAILED', 'The token returned an EC point PKI Desk cannot read (not an uncompressed point).', 'keyLabel')
        const key = createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: b64u(raw.subarray(1, 1 + curve.size)), y: b64u(raw.subarray(1 + curve.size)) }, format: 'jwk' })
        return ok({ spki: new Uint8Array(key.export({ type: 'spki', format: 'der' })), spec: spec as KeySpec })
      }
      if (keyType === CKK_EC_EDWARDS) {
        const params = attr(ts, priv, ck.CKA_EC_PARAMS)?.toString('hex') ?? (pub ? attr(ts, pub, ck.CKA_EC_PARAMS)?.toString('hex') : undefined)
        if (!params || !ED25519_PARAMS.includes(params)) return fail('PKCS11_MECHANISM_UNSUPPORTED', 'The token key is an Edwards key on a curve PKI Desk does not sign with on a token: use Ed25519.', 'keyLabel')
        const point = pub ? attr(ts, pub, ck.CKA_EC_POINT) : null
        if (!point) return fail('PKCS11_KEY_NOT_FOUND', 'The token holds no public key object for this Ed25519 key (same CKA_ID): store it on the token beside the private key.', 'keyLabel')
        const raw = edPointRaw(point)
        if (!raw) return fail('PKCS11_FAILED', 'The token returned an Ed25519 public key PKI Desk cannot read (not 32 bytes).', 'keyLabel')
        return ok({ spki: new Uint8Array(Buffer.concat([ED25519_SPKI_PREFIX, raw])), spec: 'ed25519' })
      }
    } catch (e) {
      return fail('PKCS11_FAILED', `The token's public key could not be read (${e instanceof Error ? e.message : String(e)}).`, 'keyLabel')
    }
    return fail('PKCS11_MECHANISM_UNSUPPORTED', 'The token key is neither RSA, EC nor Ed25519: PKI Desk signs with RSA, ECDSA or Ed25519 keys on a token.', 'keyLabel')
  }

  function mechanisms(ts: TokenSession): Set<number> {
    try {
      return new Set(ts.m.lib.C_GetMechanismList(ts.slot.slot))
    } catch {
      return new Set()
    }
  }

  function signOnce(ts: TokenSession, priv: Handle, spec: KeySpec, data: Uint8Array, options: SignOptions): Promise<Uint8Array> {
    const { lib, ck } = ts.m
    // Ed25519 signs the message itself (no pre-hash); the others sign its digest.
    const ed = spec === 'ed25519'
    const digest = ed ? Buffer.alloc(0) : createHash(options.hash.replace('-', '').toLowerCase()).update(data).digest()
    const ec = spec.startsWith('ec-')
    const mechanism = ed
      ? { mechanism: CKM_EDDSA }
      : ec
      ? { mechanism: ck.CKM_ECDSA }
      : options.rsaPss
        ? {
            mechanism: ck.CKM_RSA_PKCS_PSS,
            parameter: {
              type: ck.CK_PARAMS_RSA_PSS,
              hashAlg: { 'SHA-256': ck.CKM_SHA256, 'SHA-384': ck.CKM_SHA384, 'SHA-512': ck.CKM_SHA512 }[options.hash],
              mgf: { 'SHA-256': ck.CKG_MGF1_SHA256, 'SHA-384': ck.CKG_MGF1_SHA384, 'SHA-512': ck.CKG_MGF1_SHA512 }[options.hash],
              saltLen: digest.length
            }
          }
        : { mechanism: ck.CKM_RSA_PKCS }
    const input = ed ? Buffer.from(data) : ec || options.rsaPss ? digest : Buffer.concat([Buffer.from(DIGEST_INFO[options.hash], 'hex'), digest])
    const run = async (): Promise<Uint8Array> => {
      if (ts.lost) throw new AppFailure(ts.lost)
      let sig: Buffer
      try {
        lib.C_SignInit(ts.session, mechanism, priv)
        sig = await lib.C_SignAsync(ts.session, input, Buffer.alloc(ed ? 64 : ec ? 2 * CURVE_PARAMS[spec]!.size : 512))
      } catch (e) {
        const error = sessionOrCallError(ts.m, e, 'C_Sign')
        if (error.code === 'PKCS11_SESSION_LOST') ts.lost = error
        throw new AppFailure(error)
      }
      return ec ? ecdsaRawToDer(sig) : new Uint8Array(sig)
    }
    const next = ts.queue.then(run, run)
    ts.queue = next.catch(() => undefined)
    return next
  }

  function openKey(ts: TokenSession, ref: TokenKeyRef, priv: Handle, spec: KeySpec, spki: Uint8Array): OpenTokenKey {
    const origin: TokenOrigin = { store: 'pkcs11', tokenSerial: ref.tokenSerial, tokenLabel: ref.tokenLabel, ckaId: ref.ckaId }
    const key: OpenTokenKey = {
      ref,
      origin,
      spki,
      sign: async (data, options) => {
        if (!ts.holders.has(key)) throw new AppFailure({ code: 'VAULT_LOCKED', message: 'The token key is locked: unlock it with the token PIN and try again.' })
        return signOnce(ts, priv, spec, data, options)
      }
    }
    ts.holders.add(key)
    return key
  }

  /** A signature by the token's key verifies under `spki`: the private key is the CA's. */
  async function prove(key: OpenTokenKey, spec: KeySpec, spki: Uint8Array): Promise<Result<void>> {
    const challenge = randomBytes(32)
    let sig: Uint8Array
    try {
      sig = await key.sign(challenge, { hash: 'SHA-256' })
    } catch (e) {
      return { ok: false, error: toAppError(e) }
    }
    const pub = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })
    const good = spec === 'ed25519' ? nodeVerify(null, challenge, pub, sig) : nodeVerify('sha256', challenge, spec.startsWith('ec-') ? { key: pub, dsaEncoding: 'der' } : pub, sig)
    return good ? ok(undefined) : fail('PKCS11_KEY_MISMATCH', `The key "${key.ref.keyLabel}" on token "${key.ref.tokenLabel}" does not sign for the CA's public key: the token holds another key under that label; restore the CA's key or adopt the right one.`, 'keyLabel')
  }

  function locate(ts: TokenSession, by: { keyLabel?: string; ckaId?: string }): Result<{ priv: Handle; pub: Handle | null; label: string; ckaId: string }> {
    const { ck } = ts.m
    const what = [by.keyLabel !== undefined ? `label "${by.keyLabel}"` : '', by.ckaId ? `id ${by.ckaId}` : ''].filter(Boolean).join(' and ')
    const template = [
      { type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY },
      ...(by.keyLabel !== undefined ? [{ type: ck.CKA_LABEL, value: by.keyLabel }] : []),
      ...(by.ckaId ? [{ type: ck.CKA_ID, value: Buffer.from(by.ckaId, 'hex') }] : [])
    ]
    let found: Handle[]
    try {
      found = findObjects(ts, template)
    } catch (e) {
      return { ok: false, error: sessionOrCallError(ts.m, e, 'C_FindObjects') }
    }
    if (found.length === 0) return fail('PKCS11_KEY_NOT_FOUND', `Token "${ts.slot.dto.label}" holds no private key with ${what}: check the key label (pkcs11-tool --list-objects --login shows them).`, 'keyLabel')
    if (found.length > 1) return fail('PKCS11_KEY_NOT_FOUND', `Token "${ts.slot.dto.label}" holds ${found.length} private keys with ${what}: name the key by its id as well.`, 'keyLabel')
    const priv = found[0]!
    const id = attr(ts, priv, ck.CKA_ID) ?? Buffer.alloc(0)
    const label = attr(ts, priv, ck.CKA_LABEL)?.toString('utf8') ?? by.keyLabel ?? ''
    let pub: Handle | null = null
    if (id.length) {
      try {
        pub = findObjects(ts, [{ type: ck.CKA_CLASS, value: ck.CKO_PUBLIC_KEY }, { type: ck.CKA_ID, value: id }])[0] ?? null
      } catch {
        pub = null
      }
    }
    return ok({ priv, pub, label, ckaId: id.toString('hex') })
  }

  function refFor(ts: TokenSession, module: string, label: string, ckaId: string, generated: boolean): TokenKeyRef {
    return { store: 'pkcs11', v: 1, module, tokenSerial: ts.slot.dto.serial, tokenLabel: ts.slot.dto.label, keyLabel: label, ckaId, generated }
  }

  /** Closes a session no key holds (an unlock or creation that failed half-way). */
  function idle(ts: TokenSession): void {
    if (ts.holders.size === 0) release(ts)
  }

  const store: TokenKeyStore = {
    async tokens(module) {
      const m = await loadModule(module)
      if (!m.ok) return m
      const slots = listSlots(m.value)
      return slots.ok ? ok(slots.value.map((s) => s.dto)) : slots
    },

    async about(module) {
      const m = await loadModule(module)
      return m.ok ? ok(m.value.info) : m
    },

    async generate(input) {
      const curve = CURVE_PARAMS[input.spec]
      if (!TOKEN_SPECS.includes(input.spec))
        return fail('PKCS11_MECHANISM_UNSUPPORTED', `PKI Desk generates ${TOKEN_SPECS.join(', ')} keys on a token, not ${input.spec}: choose one of those.`, 'keySpec')
      const s = await session({ module: input.module, label: input.token }, input.pin)
      if (!s.ok) return s
      const ts = s.value
      const { lib, ck } = ts.m
      const offered = mechanisms(ts)
      const ed = input.spec === 'ed25519'
      const needed = ed ? [CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA] : curve ? [ck.CKM_EC_KEY_PAIR_GEN, ck.CKM_ECDSA] : [ck.CKM_RSA_PKCS_KEY_PAIR_GEN, ck.CKM_RSA_PKCS]
      if (!needed.every((n) => offered.has(n))) {
        idle(ts)
        return fail('PKCS11_MECHANISM_UNSUPPORTED', `Token "${ts.slot.dto.label}" does not offer ${ed ? 'Ed25519 key generation with EdDSA' : curve ? 'EC key generation with ECDSA' : 'RSA key generation with PKCS#1 signatures'}: choose another key type.`, 'keySpec')
      }
      const taken = locate(ts, { keyLabel: input.keyLabel })
      if (taken.ok) {
        idle(ts)
        return fail('PKCS11_KEY_EXISTS', `Token "${ts.slot.dto.label}" already holds a key labelled "${input.keyLabel}": choose another --key-label, or adopt that key.`, 'keyLabel')
      }
      const id = randomBytes(16)
      const common = [
        { type: ck.CKA_TOKEN, value: true },
        { type: ck.CKA_LABEL, value: input.keyLabel },
        { type: ck.CKA_ID, value: id }
      ]
      const pubTemplate = [
        ...common,
        { type: ck.CKA_VERIFY, value: true },
        { type: ck.CKA_ENCRYPT, value: false },
        { type: ck.CKA_WRAP, value: false },
        ...(ed ? [{ type: ck.CKA_EC_PARAMS, value: Buffer.from(ED25519_PARAMS[0]!, 'hex') }] : curve ? [{ type: ck.CKA_EC_PARAMS, value: Buffer.from(curve.oid, 'hex') }] : [{ type: ck.CKA_MODULUS_BITS, value: Number(input.spec.slice(4)) }, { type: ck.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }])
      ]
      const privTemplate = [
        ...common,
        { type: ck.CKA_PRIVATE, value: true },
        { type: ck.CKA_SENSITIVE, value: true },
        { type: ck.CKA_EXTRACTABLE, value: false },
        { type: ck.CKA_SIGN, value: true },
        { type: ck.CKA_DECRYPT, value: false },
        { type: ck.CKA_UNWRAP, value: false },
        { type: ck.CKA_DERIVE, value: false }
      ]
      let pair: { publicKey: Handle; privateKey: Handle }
      try {
        pair = lib.C_GenerateKeyPair(ts.session, { mechanism: ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : curve ? ck.CKM_EC_KEY_PAIR_GEN : ck.CKM_RSA_PKCS_KEY_PAIR_GEN }, pubTemplate, privTemplate)
      } catch (e) {
        idle(ts)
        return { ok: false, error: sessionOrCallError(ts.m, e, 'C_GenerateKeyPair') }
      }
      const pub = spkiOf(ts, pair.privateKey, pair.publicKey)
      if (!pub.ok) {
        idle(ts)
        return pub
      }
      const ref = refFor(ts, ts.m.path, input.keyLabel, id.toString('hex'), true)
      return ok(openKey(ts, ref, pair.privateKey, input.spec, pub.value.spki))
    },

    async adopt(input, expectedSpki) {
      if (input.keyLabel === undefined && !input.ckaId) return fail('PKCS11_KEY_NOT_FOUND', 'Name the token key to adopt by its label or its id.', 'keyLabel')
      const s = await session({ module: input.module, label: input.token }, input.pin)
      if (!s.ok) return s
      const ts = s.value
      const found = locate(ts, { ...(input.keyLabel !== undefined ? { keyLabel: input.keyLabel } : {}), ...(input.ckaId ? { ckaId: input.ckaId.toLowerCase() } : {}) })
      if (!found.ok) {
        idle(ts)
        return found
      }
      const pub = spkiOf(ts, found.value.priv, found.value.pub)
      if (!pub.ok) {
        idle(ts)
        return pub
      }
      if (!Buffer.from(pub.value.spki).equals(Buffer.from(expectedSpki))) {
        idle(ts)
        return fail('PKCS11_KEY_MISMATCH', `The public key of "${found.value.label}" on token "${ts.slot.dto.label}" is not the certificate's: choose the certificate issued for this key, or the key of this certificate.`, 'keyLabel')
      }
      const key = openKey(ts, refFor(ts, ts.m.path, found.value.label, found.value.ckaId, false), found.value.priv, pub.value.spec, pub.value.spki)
      const proved = await prove(key, pub.value.spec, expectedSpki)
      if (!proved.ok) {
        store.close(key)
        return proved
      }
      return ok(key)
    },

    async open(ref, pin, spki) {
      const s = await session({ module: ref.module, serial: ref.tokenSerial }, pin)
      if (!s.ok) return s
      const ts = s.value
      const found = locate(ts, { ckaId: ref.ckaId, ...(ref.ckaId ? {} : { keyLabel: ref.keyLabel }) })
      if (!found.ok) {
        idle(ts)
        return found
      }
      const pub = spkiOf(ts, found.value.priv, found.value.pub)
      if (pub.ok && !Buffer.from(pub.value.spki).equals(Buffer.from(spki))) {
        idle(ts)
        return fail('PKCS11_KEY_MISMATCH', `The key "${ref.keyLabel}" on token "${ref.tokenLabel}" is not the CA's key (its public key differs from the CA certificate's): the token holds another key under that id.`, 'keyLabel')
      }
      const spec = pub.ok ? pub.value.spec : null
      if (!spec) {
        idle(ts)
        return pub as Result<never>
      }
      const key = openKey(ts, ref, found.value.priv, spec, spki)
      const proved = await prove(key, spec, spki)
      if (!proved.ok) {
        store.close(key)
        return proved
      }
      return ok(key)
    },

    close(key) {
      for (const ts of sessions.values()) {
        if (!ts.holders.delete(key)) continue
        if (ts.holders.size === 0) release(ts)
        return
      }
    },

    async keys(location, pin) {
      const s = await session({ module: location.module, label: location.token }, pin)
      if (!s.ok) return s
      const ts = s.value
      const { lib, ck } = ts.m
      const out: TokenKeyListing[] = []
      try {
        lib.C_FindObjectsInit(ts.session, [{ type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY }])
        const handles: Handle[] = []
        try {
          for (let batch = lib.C_FindObjects(ts.session, 64); batch.length > 0; batch = lib.C_FindObjects(ts.session, 64)) handles.push(...batch)
        } finally {
          lib.C_FindObjectsFinal(ts.session)
        }
        for (const h of handles) {
          const keyType = attr(ts, h, ck.CKA_KEY_TYPE)?.readUInt32LE(0)
          let type = 'unknown'
          let usable = false
          if (keyType === ck.CKK_RSA) {
            const n = attr(ts, h, ck.CKA_MODULUS)
            const bits = n ? stripZeros(n).length * 8 : 0
            type = bits ? `RSA-${bits}` : 'RSA'
            usable = TOKEN_SPECS.includes(`rsa-${bits}` as KeySpec)
          } else if (keyType === ck.CKK_EC) {
            const params = attr(ts, h, ck.CKA_EC_PARAMS)?.toString('hex')
            const curve = Object.values(CURVE_PARAMS).find((c) => c.oid === params)
            type = curve ? `EC ${curve.crv}` : 'EC (another curve)'
            usable = curve !== undefined
          } else if (keyType === CKK_EC_EDWARDS) {
            const params = attr(ts, h, ck.CKA_EC_PARAMS)?.toString('hex')
            usable = params !== undefined && ED25519_PARAMS.includes(params)
            type = usable ? 'Ed25519' : 'Edwards (another curve)'
          } else if (keyType !== undefined) type = `key type 0x${keyType.toString(16)}`
          out.push({ label: attr(ts, h, ck.CKA_LABEL)?.toString('utf8') ?? '', id: attr(ts, h, ck.CKA_ID)?.toString('hex') ?? '', type, usable })
        }
      } catch (e) {
        idle(ts)
        return { ok: false, error: sessionOrCallError(ts.m, e, 'C_FindObjects') }
      }
      idle(ts)
      return ok(out.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id)))
    },

    destroy(key) {
      for (const ts of sessions.values()) {
        if (!ts.holders.has(key)) continue
        const { ck } = ts.m
        try {
          for (const cls of [ck.CKO_PRIVATE_KEY, ck.CKO_PUBLIC_KEY])
            for (const h of findObjects(ts, [{ type: ck.CKA_CLASS, value: cls }, { type: ck.CKA_ID, value: Buffer.from(key.ref.ckaId, 'hex') }])) ts.m.lib.C_DestroyObject(ts.session, h)
        } catch {
          // the token is gone: nothing to remove from it now
        }
        store.close(key)
        return
      }
    }
  }
  return store
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppFailure) return e.error
  return { code: 'PKCS11_FAILED', message: `The token failed (${e instanceof Error ? e.message : String(e)}).` }
}

function b64u(b: Buffer | Uint8Array): string {
  return Buffer.from(b).toString('base64url')
}

function stripZeros(b: Buffer): Buffer {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  return b.subarray(i)
}

/** CKA_EC_POINT: a DER OCTET STRING around the point (PKCS#11 2.40), or the raw point (some tokens). */
function ecPointRaw(value: Buffer, size: number): Buffer | null {
  const rawLength = 1 + 2 * size
  if (value.length === rawLength + 2 && value[0] === 0x04 && value[1] === rawLength) return value.subarray(2)
  if (value.length === rawLength + 3 && value[0] === 0x04 && value[1] === 0x81 && value[2] === rawLength) return value.subarray(3)
  if (value.length === rawLength && value[0] === 0x04) return value
  return null
}

/** The 32 bytes of an Ed25519 CKA_EC_POINT: DER OCTET STRING (PKCS#11 3.0) or the raw bytes some tokens return. */
function edPointRaw(value: Buffer): Buffer | null {
  if (value.length === 34 && value[0] === 0x04 && value[1] === 32) return value.subarray(2)
  if (value.length === 32) return value
  return null
}

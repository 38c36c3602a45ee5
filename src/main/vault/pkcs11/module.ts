// PKCS#11 modules and their tokens, through pkcs11js (an N-API addon: the one binary built by
// `npm ci` loads in Node and in Electron alike). A module is a shared library named by its
// path; it is loaded and C_Initialize'd once per process and kept (C_Finalize would end the
// sessions of every key on it). The binding is imported on first use, so an app that never
// names a module never loads the addon.
//
// Every failure becomes a coded AppError saying what to do: the module cannot be loaded,
// the token is absent, the PIN is wrong (with the tries the token reports) or locked, the
// session was lost.
import { existsSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import type * as Pkcs11js from 'pkcs11js'
import { fail, ok, type AppError, type Result } from '../../../shared/errors'
import type { Pkcs11ModuleInfo, Pkcs11TokenDto } from '../../../shared/domain/pkcs11'

export type Binding = typeof Pkcs11js
export type Handle = Buffer

export interface LoadedModule {
  readonly path: string
  readonly lib: Pkcs11js.PKCS11
  readonly ck: Binding
  readonly description: string
  /** What C_GetInfo said of the library (blank when it said nothing). */
  readonly info: Pkcs11ModuleInfo
}

let binding: Binding | null = null
const modules = new Map<string, LoadedModule>()

async function loadBinding(): Promise<Result<Binding>> {
  if (binding) return ok(binding)
  try {
    const imported = (await import('pkcs11js')) as Binding & { default?: Binding }
    // A CommonJS addon imported from ESM (the built app and CLI, tsx): its constants (CKA_*,
    // CKR_*…) are on module.exports, which is `default`; the named exports hold only what the
    // lexer found. Under vitest both are whole.
    binding = imported.default?.PKCS11 ? imported.default : imported
    return ok(binding)
  } catch (e) {
    return fail(
      'PKCS11_MODULE_UNLOADABLE',
      `The PKCS#11 binding (pkcs11js) is not installed or was not built (${e instanceof Error ? e.message : String(e)}): run npm ci with a C++ compiler, make and python3 installed.`,
      'module'
    )
  }
}

/** The code of a PKCS#11 return value carried by a pkcs11js error (0 when it is not one). */
export function ckrOf(e: unknown): number {
  const code = (e as { code?: unknown }).code
  return typeof code === 'number' ? code : 0
}

export function ckrName(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e)
}

/** Loads (once) and initialises the module at `path`. */
export async function loadModule(path: string): Promise<Result<LoadedModule>> {
  const known = modules.get(path)
  if (known) return ok(known)
  if (!isAbsolute(path)) return fail('PKCS11_MODULE_UNLOADABLE', `The PKCS#11 module path "${path}" is not absolute: give the full path of its shared library, e.g. /usr/lib/softhsm/libsofthsm2.so.`, 'module')
  if (!existsSync(path) || !statSync(path).isFile())
    return fail('PKCS11_MODULE_UNLOADABLE', `There is no PKCS#11 module at ${path}: install the token's middleware or give the path of its shared library (e.g. /usr/lib/softhsm/libsofthsm2.so, opensc-pkcs11.so).`, 'module')
  const b = await loadBinding()
  if (!b.ok) return b
  const ck = b.value
  const lib = new ck.PKCS11()
  try {
    lib.load(path)
  } catch (e) {
    return fail('PKCS11_MODULE_UNLOADABLE', `${path} could not be loaded as a PKCS#11 module (${ckrName(e)}): check that it is the token's PKCS#11 library for this machine's architecture.`, 'module')
  }
  try {
    lib.C_Initialize()
  } catch (e) {
    if (ckrOf(e) !== ck.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      try {
        lib.close()
      } catch {
        // nothing more to undo
      }
      return fail('PKCS11_MODULE_UNLOADABLE', `The PKCS#11 module ${path} did not initialise (${ckrName(e)}): check its configuration (for SoftHSM, SOFTHSM2_CONF and its token directory).`, 'module')
    }
  }
  let description = path
  let about: Pkcs11ModuleInfo = { manufacturer: '', libraryDescription: '', libraryVersion: '', cryptokiVersion: '' }
  try {
    const info = lib.C_GetInfo()
    description = `${info.manufacturerID.trim()} ${info.libraryDescription.trim()}`.trim() || path
    about = {
      manufacturer: trim(info.manufacturerID),
      libraryDescription: trim(info.libraryDescription),
      libraryVersion: `${info.libraryVersion.major}.${info.libraryVersion.minor}`,
      cryptokiVersion: `${info.cryptokiVersion.major}.${info.cryptokiVersion.minor}`
    }
  } catch {
    // the description is only for messages
  }
  const loaded: LoadedModule = { path, lib, ck, description, info: about }
  modules.set(path, loaded)
  return ok(loaded)
}

/** Forgets a module (after C_Finalize from elsewhere, or at shutdown). */
export function unloadModule(path: string): void {
  const m = modules.get(path)
  if (!m) return
  modules.delete(path)
  try {
    m.lib.C_Finalize()
  } catch {
    // already finalised
  }
  try {
    m.lib.close()
  } catch {
    // already closed
  }
}

/** PKCS#11 pads its text fields with spaces. */
const trim = (s: string): string => s.replace(/[\s\0]+$/, '')

/** CK_UNAVAILABLE_INFORMATION (all ones) and CK_EFFECTIVELY_INFINITE (0) say nothing about free space. */
function memory(n: number | bigint): number | null {
  const v = typeof n === 'bigint' ? n : BigInt(n)
  if (v === 0n || v >= 0xffffffffn) return null
  return Number(v)
}

export interface Slot {
  readonly slot: Handle
  readonly dto: Pkcs11TokenDto
  readonly flags: number
}

/** Every slot that holds a token, with the token's label, serial, manufacturer and free space. */
export function listSlots(m: LoadedModule): Result<Slot[]> {
  const { lib, ck } = m
  let slots: Handle[]
  try {
    slots = lib.C_GetSlotList(true)
  } catch (e) {
    return fail('PKCS11_FAILED', `The module ${m.path} did not list its slots (${ckrName(e)}): check that the token's service is running.`, 'module')
  }
  const out: Slot[] = []
  for (const slot of slots) {
    try {
      const s = lib.C_GetSlotInfo(slot)
      const t = lib.C_GetTokenInfo(slot)
      const initialised = (t.flags & ck.CKF_TOKEN_INITIALIZED) !== 0
      if (!initialised) continue
      out.push({
        slot,
        flags: t.flags,
        dto: {
          slotId: slot.length === 8 ? slot.readBigUInt64LE(0).toString() : slot.toString('hex'),
          slotDescription: trim(s.slotDescription),
          label: trim(t.label),
          serial: trim(t.serialNumber),
          manufacturer: trim(t.manufacturerID),
          model: trim(t.model),
          freePublicBytes: memory(t.freePublicMemory),
          freePrivateBytes: memory(t.freePrivateMemory),
          loginRequired: (t.flags & ck.CKF_LOGIN_REQUIRED) !== 0,
          pinCountLow: (t.flags & ck.CKF_USER_PIN_COUNT_LOW) !== 0,
          pinFinalTry: (t.flags & ck.CKF_USER_PIN_FINAL_TRY) !== 0,
          pinLocked: (t.flags & ck.CKF_USER_PIN_LOCKED) !== 0
        }
      })
    } catch {
      // A slot whose token went away between the list and the info: not present.
    }
  }
  return ok(out)
}

/** The token labelled `token` (or with that serial); PKCS11_TOKEN_ABSENT names what is there. */
export function findToken(m: LoadedModule, token: { label?: string; serial?: string }): Result<Slot> {
  const slots = listSlots(m)
  if (!slots.ok) return slots
  const found = slots.value.filter((s) => (token.serial !== undefined ? s.dto.serial === token.serial : s.dto.label === token.label))
  if (found.length === 1) return ok(found[0]!)
  const what = token.serial !== undefined ? `with serial ${token.serial}` : `labelled "${token.label ?? ''}"`
  if (found.length > 1) return fail('PKCS11_TOKEN_ABSENT', `${found.length} tokens are ${what}: relabel one of them so PKI Desk can tell them apart.`, 'token')
  const present = slots.value.map((s) => `"${s.dto.label}" (serial ${s.dto.serial})`).join(', ')
  return fail('PKCS11_TOKEN_ABSENT', `No token ${what} is present in ${m.path}${present ? `; present: ${present}` : ''}: insert the token or check its label.`, 'token')
}

/** A wrong or locked PIN, with what the token says about the tries left. */
export function pinError(m: LoadedModule, slot: Handle, e: unknown): AppError {
  const { ck } = m
  const rv = ckrOf(e)
  let flags = 0
  try {
    flags = m.lib.C_GetTokenInfo(slot).flags
  } catch {
    // the token went away; report the login failure alone
  }
  if (rv === ck.CKR_PIN_LOCKED || (flags & ck.CKF_USER_PIN_LOCKED) !== 0)
    return { code: 'PKCS11_PIN_LOCKED', message: "The token's user PIN is locked after too many wrong tries: have its security officer unblock it (e.g. pkcs11-tool --init-pin), then unlock again.", field: 'pin' }
  if (rv === ck.CKR_PIN_INCORRECT || rv === ck.CKR_PIN_INVALID || rv === ck.CKR_PIN_LEN_RANGE) {
    const tries = (flags & ck.CKF_USER_PIN_FINAL_TRY) !== 0 ? 'one try is left before the PIN locks' : (flags & ck.CKF_USER_PIN_COUNT_LOW) !== 0 ? 'the token reports few tries left' : 'the token does not say how many tries are left'
    return {
      code: 'PKCS11_PIN_INCORRECT',
      message: `The token refused the user PIN (${tries}): check the PIN and try again.`,
      field: 'pin',
      details: { finalTry: (flags & ck.CKF_USER_PIN_FINAL_TRY) !== 0, countLow: (flags & ck.CKF_USER_PIN_COUNT_LOW) !== 0 }
    }
  }
  return sessionOrCallError(m, e, 'C_Login')
}

/** Token gone, session closed, module finalised: the session is lost. Anything else is a failed call. */
export function sessionOrCallError(m: LoadedModule, e: unknown, call: string): AppError {
  const { ck } = m
  const rv = ckrOf(e)
  const lost = [
    ck.CKR_DEVICE_REMOVED,
    ck.CKR_TOKEN_NOT_PRESENT,
    ck.CKR_SESSION_HANDLE_INVALID,
    ck.CKR_SESSION_CLOSED,
    ck.CKR_CRYPTOKI_NOT_INITIALIZED,
    ck.CKR_OBJECT_HANDLE_INVALID,
    ck.CKR_KEY_HANDLE_INVALID,
    ck.CKR_DEVICE_ERROR,
    ck.CKR_GENERAL_ERROR,
    ck.CKR_TOKEN_NOT_RECOGNIZED,
    ck.CKR_SLOT_ID_INVALID,
    ck.CKR_USER_NOT_LOGGED_IN
  ]
  if (lost.includes(rv))
    return { code: 'PKCS11_SESSION_LOST', message: `The session with the token ended (${ckrName(e)} from ${call}): the token was removed or its module unloaded. Insert the token and unlock the CA again.` }
  if (rv === ck.CKR_MECHANISM_INVALID || rv === ck.CKR_MECHANISM_PARAM_INVALID)
    return { code: 'PKCS11_MECHANISM_UNSUPPORTED', message: `The token refused the mechanism (${ckrName(e)} from ${call}): choose a key type this token can sign with.` }
  return { code: 'PKCS11_FAILED', message: `The token failed ${call} (${ckrName(e)}): check the token and its module, then try again.` }
}

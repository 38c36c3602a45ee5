// PKCS#11 modules as the operator manages them (Settings → PKCS#11 modules): those found at
// their usual install paths or in PKIDESK_PKCS11_MODULES, and those the operator added by path
// (kept in the settings table under `pkcs11.modules`). Adding one loads it first (C_Initialize,
// C_GetInfo), so a path that is not a module never enters the list; removing one is refused
// while a CA's key is on its tokens. The renderer names only modules from this list (loading a
// library runs its code in main); a typed path is confirmed by the operator in main's own
// dialog, a picked one was chosen in main's file dialog. Also the private keys on a token, for
// adopting one as a CA key.
import { realpathSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { fail, ok, type Result } from '../../shared/errors'
import type { Pkcs11ModuleDto } from '../../shared/ipc/pkcs11'
import type { TokenPrivateKeyDto } from '../../shared/domain/pkcs11'
import type { EventSink } from '../../shared/ipc/events'
import type { Store } from '../store/database'
import { readSettings, writeSettings } from '../store/settings-repo'
import { listAuthorities } from '../store/authorities-repo'
import { appendAudit } from '../store/audit-log'
import { offeredModules } from '../vault'
import type { VaultPort } from './vault-service'
import type { FilesService } from './files-service'

/** The settings row that holds the added modules' paths (JSON array). */
export const ADDED_MODULES_SETTING = 'pkcs11.modules'
/** Modules one operator may add: far more than any workstation has tokens for. */
export const MAX_ADDED_MODULES = 32

export interface Pkcs11Service {
  /** Added modules first, then those found; each with what it says of itself, its tokens and the CAs whose keys are on them. */
  modules(): Promise<Pkcs11ModuleDto[]>
  /** Whether the renderer may name `module` (it is in the list above). */
  offers(module: string): boolean
  /**
   * Adds a module: `path` typed by the operator (main asks them to confirm loading it), or
   * none (main's file dialog picks it). It is loaded and initialised first; what it says of
   * itself comes back. Null when the operator cancelled.
   */
  add(path: string | undefined): Promise<Result<Pkcs11ModuleDto | null>>
  /** Removes an added module; PKCS11_MODULE_IN_USE names the CAs whose keys are on it. */
  remove(path: string): Result<void>
  /** The private keys on a token of an offered module, after logging in with its user PIN. */
  tokenKeys(module: string, token: string, pin: string): Promise<Result<TokenPrivateKeyDto[]>>
}

function same(a: string, b: string): boolean {
  if (a === b) return true
  try {
    return realpathSync(a) === realpathSync(b)
  } catch {
    return false
  }
}

export function createPkcs11Service(store: Store, vault: VaultPort, files: FilesService, emit: EventSink, now: () => Date): Pkcs11Service {
  const added = (): string[] => {
    const v = store.read(readSettings)[ADDED_MODULES_SETTING]
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && isAbsolute(p)) : []
  }
  /** Every path offered, added first, each library once. */
  const paths = (): { path: string; source: 'added' | 'found' }[] => {
    const out: { path: string; source: 'added' | 'found' }[] = added().map((path) => ({ path, source: 'added' }))
    for (const path of offeredModules()) if (!out.some((m) => same(m.path, path))) out.push({ path, source: 'found' })
    return out
  }
  /** The names of the CAs whose keys are on a token of `module`. */
  const usedBy = (module: string): string[] =>
    store
      .read(listAuthorities)
      .filter((a) => {
        const ref = a.keyId ? vault.tokenKeyOf(a.keyId) : null
        return ref !== null && same(ref.module, module)
      })
      .map((a) => a.name)
  const describe = async (path: string, source: 'added' | 'found'): Promise<Pkcs11ModuleDto> => {
    const info = await vault.moduleInfo(path)
    const tokens = info.ok ? await vault.tokens(path) : info
    return {
      path,
      source,
      info: info.ok ? info.value : null,
      tokens: tokens.ok ? tokens.value : [],
      usedBy: usedBy(path),
      error: tokens.ok ? null : { code: tokens.error.code, message: tokens.error.message }
    }
  }
  const changed = (): void => {
    emit('changed', { domain: 'settings' })
    emit('changed', { domain: 'audit' })
  }

  return {
    async modules() {
      const out: Pkcs11ModuleDto[] = []
      for (const m of paths()) out.push(await describe(m.path, m.source))
      return out
    },

    offers: (module) => paths().some((m) => m.path === module),

    async add(typed) {
      let path: string
      if (typed === undefined) {
        const picked = await files.chooseOpenFiles('Add a PKCS#11 module', 'pkcs11-module', false)
        if (!picked.ok) return picked
        if (!picked.value?.[0]) return ok(null)
        path = picked.value[0]
      } else {
        path = typed.trim()
        if (!isAbsolute(path))
          return fail('PKCS11_MODULE_UNLOADABLE', `"${path}" is not an absolute path: give the full path of the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.`, 'path')
      }
      const listed = paths().find((m) => same(m.path, path))
      if (listed)
        return fail('PKCS11_MODULE_LISTED', `${path} is already in the list${listed.path === path ? '' : ` (as ${listed.path})`}${listed.source === 'found' ? ', found at its usual path' : ''}: its tokens are offered already.`, 'path')
      if (added().length >= MAX_ADDED_MODULES) return fail('PKCS11_MODULES_TOO_MANY', `${MAX_ADDED_MODULES} modules are added already: remove one you no longer use first.`, 'path')
      if (typed !== undefined) {
        // The path came from the window: loading a library runs its code here, so the operator says so in main's own dialog.
        const confirmed = await files.confirmModuleLoad(path)
        if (!confirmed.ok) return confirmed
        if (!confirmed.value) return ok(null)
      }
      const info = await vault.moduleInfo(path)
      if (!info.ok) return { ok: false, error: { ...info.error, field: 'path' } }
      store.write((tx) => {
        writeSettings(tx, { [ADDED_MODULES_SETTING]: [...added(), path] })
        appendAudit(tx, { action: 'pkcs11.module-add', subject: `pkcs11-module:${path}`, details: { path, ...info.value } }, now())
      })
      changed()
      return ok(await describe(path, 'added'))
    },

    remove(path) {
      const list = added()
      const at = list.indexOf(path)
      if (at < 0) {
        const found = paths().some((m) => m.path === path)
        return found
          ? fail('PKCS11_MODULE_NOT_ADDED', `${path} is offered because it is installed at its usual path or named in PKIDESK_PKCS11_MODULES, not added here: uninstall its middleware or take it out of PKIDESK_PKCS11_MODULES.`, 'path')
          : fail('PKCS11_MODULE_NOT_ADDED', `${path} is not in the list of PKCS#11 modules: refresh the list.`, 'path')
      }
      const cas = usedBy(path)
      if (cas.length)
        return fail(
          'PKCS11_MODULE_IN_USE',
          `${path} holds the key${cas.length === 1 ? '' : 's'} of ${cas.map((n) => `"${n}"`).join(', ')}: PKI Desk signs through it, so it stays while ${cas.length === 1 ? 'that CA uses' : 'those CAs use'} it.`,
          'path',
          { authorities: cas }
        )
      store.write((tx) => {
        writeSettings(tx, { [ADDED_MODULES_SETTING]: list.filter((_, i) => i !== at) })
        appendAudit(tx, { action: 'pkcs11.module-remove', subject: `pkcs11-module:${path}`, details: { path } }, now())
      })
      changed()
      return ok(undefined)
    },

    async tokenKeys(module, token, pin) {
      const keys = await vault.tokenKeys(module, token, pin)
      if (!keys.ok) return keys
      // Which of them a CA here holds already (same token, same CKA_ID).
      const held = store.read(listAuthorities).flatMap((a) => {
        const ref = a.keyId ? vault.tokenKeyOf(a.keyId) : null
        return ref && same(ref.module, module) && ref.tokenLabel === token ? [{ id: ref.ckaId, name: a.name }] : []
      })
      return ok(keys.value.map((k) => ({ ...k, adoptedBy: held.find((h) => h.id === k.id)?.name ?? null })))
    }
  }
}

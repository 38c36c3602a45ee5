// PKCS#11 modules managed from Settings, through the services and the IPC handlers: a module
// added by a typed path is loaded first (C_Initialize, C_GetInfo: its manufacturer, description
// and version come back) after the operator's yes in main's dialog, or picked in main's file
// dialog; it is kept in the store (a restart lists it); a path that is not a module is refused
// with its coded error and nothing is kept; a module whose token holds a CA's key is not removed
// (PKCS11_MODULE_IN_USE names the CA); a module found at its usual path is not removed here.
// The private keys on a token are listed (label, id, type) after login; a key is adopted through
// the handler for its certificate, and a certificate of another key is refused.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import type { DialogsPort } from '../../../src/main/services/files-service'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { createMemoryKeychain, type MemoryKeychain } from '../../../src/main/vault'
import { caInput, softHsm, USER_PIN, type SoftHsm } from './softhsm'

let hsm: SoftHsm
let services: Services
let handlers: Handlers
let keychain: MemoryKeychain
/** What main's dialogs were asked, and what they answer. */
const asked: string[] = []
let confirmAnswer = true
let picked: string | null = null
const dialogs: DialogsPort = {
  chooseSaveFile: async () => null,
  chooseFolder: async () => null,
  confirmCaKeyExport: async () => null,
  async chooseOpenFiles(title, kind) {
    asked.push(`open ${kind}: ${title}`)
    return picked ? [picked] : null
  },
  async confirmModuleLoad(path) {
    asked.push(`confirm ${path}`)
    return confirmAnswer
  }
}
const dataDir = (): string => join(hsm.dir, 'store')
const open = (): Services => createServices({ dataDir: dataDir(), keychain, dialogs })


/** A copy of SoftHSM's library under another path: a module PKI Desk does not find by itself. */
function copyOfModule(name: string): string {
  const path = join(hsm.dir, name)
  copyFileSync(hsm.module, path)
  return path
}

beforeAll(() => {
  hsm = softHsm(['Modules', 'Spare'])
  keychain = createMemoryKeychain()
  services = open()
  handlers = createHandlers(services)
})
afterAll(() => services.close())

describe('PKCS#11 modules in Settings', () => {
  it('lists the module found at its usual path with what it says of itself and its tokens', async () => {
    const r = await handlers['tokens:modules']({})
    if (!r.ok) throw new Error(r.error.message)
    const found = r.value.modules.find((m) => m.path === hsm.module)!
    expect(found.source).toBe('found')
    // What pkcs11-tool --show-info reads from the same C_GetInfo, independently.
    const shown = hsm.run('pkcs11-tool', ['--show-info'])
    expect(shown).toContain(`Cryptoki version ${found.info!.cryptokiVersion}`)
    expect(shown).toMatch(new RegExp(`Manufacturer\\s+${found.info!.manufacturer}\\n`))
    expect(shown).toContain(`Library          ${found.info!.libraryDescription} (ver ${found.info!.libraryVersion})`)
    expect(found.info!.manufacturer).toBe('SoftHSM')
    expect(found.tokens.map((t) => t.label).sort()).toEqual(['Modules', 'Spare'])
    expect(found.usedBy).toEqual([])
  })

  it('adds a module by a typed path after the operator confirms in main, keeps it, and says what it is', async () => {
    const path = copyOfModule('libsofthsm2-added.so')
    asked.length = 0
    const r = await handlers['tokens:addModule']({ path })
    if (!r.ok) throw new Error(r.error.message)
    expect(asked).toEqual([`confirm ${path}`])
    expect(r.value.module).toMatchObject({ path, source: 'added', info: { manufacturer: 'SoftHSM' }, error: null })
    expect(r.value.module!.tokens.map((t) => t.label).sort()).toEqual(['Modules', 'Spare'])
    expect(services.pkcs11.offers(path)).toBe(true)
    expect(JSON.stringify(services.audit.list({ offset: 0, limit: 20 }))).toContain('pkcs11.module-add')
    // Kept in the store: another start over the same data directory lists it, first, as added.
    const again = open()
    try {
      const listed = await again.pkcs11.modules()
      expect(listed[0]).toMatchObject({ path, source: 'added' })
    } finally {
      again.close()
    }
    // Listed once: the same library again is refused.
    const twice = await handlers['tokens:addModule']({ path })
    expect(twice.ok ? null : twice.error.code).toBe('PKCS11_MODULE_LISTED')
  })

  it('refuses a path that is not a loadable module, with its code and what to do, and keeps nothing', async () => {
    const before = (await services.pkcs11.modules()).map((m) => m.path)
    const text = join(hsm.dir, 'not-a-module.so')
    writeFileSync(text, 'this is not a shared library')
    const cases: [string, RegExp][] = [
      ['relative/libsofthsm2.so', /not an absolute path/],
      [join(hsm.dir, 'no-such-module.so'), /There is no PKCS#11 module at .*: install the token's middleware/],
      [text, /could not be loaded as a PKCS#11 module .*: check that it is the token's PKCS#11 library/],
      ['/etc/hostname', /could not be loaded as a PKCS#11 module/]
    ]
    for (const [path, message] of cases) {
      const r = await handlers['tokens:addModule']({ path })
      expect(r.ok ? null : [r.error.code, r.error.field]).toEqual(['PKCS11_MODULE_UNLOADABLE', 'path'])
      expect(r.ok ? '' : r.error.message).toMatch(message)
    }
    // The operator said no in main's dialog: nothing is loaded or kept.
    confirmAnswer = false
    const declined = await handlers['tokens:addModule']({ path: copyOfModule('libsofthsm2-declined.so') })
    confirmAnswer = true
    expect(declined).toEqual({ ok: true, value: { module: null } })
    expect((await services.pkcs11.modules()).map((m) => m.path)).toEqual(before)
  })

  it("adds a module picked in main's file dialog (no path from the window), and cancelling adds nothing", async () => {
    picked = null
    expect(await handlers['tokens:addModule']({})).toEqual({ ok: true, value: { module: null } })
    picked = copyOfModule('libsofthsm2-picked.so')
    asked.length = 0
    const r = await handlers['tokens:addModule']({})
    expect(r.ok && r.value.module?.path).toBe(picked)
    // Picked in main's own dialog: no second question.
    expect(asked).toEqual(['open pkcs11-module: Add a PKCS#11 module'])
    picked = null
  })

  it("refuses to remove a module while a CA's key is on its token, naming the CA; removes one no CA uses", async () => {
    const path = copyOfModule('libsofthsm2-in-use.so')
    expect((await handlers['tokens:addModule']({ path })).ok).toBe(true)
    const ca = await handlers['authorities:create']({ ...caInput('Module Root'), token: { module: path, token: 'Modules', pin: USER_PIN } })
    if (!ca.ok) throw new Error(ca.error.message)
    expect((await services.pkcs11.modules()).find((m) => m.path === path)!.usedBy).toEqual(['Module Root'])
    const refused = await handlers['tokens:removeModule']({ path })
    expect(refused.ok ? null : [refused.error.code, refused.error.field]).toEqual(['PKCS11_MODULE_IN_USE', 'path'])
    expect(refused.ok ? '' : refused.error.message).toMatch(/holds the key of "Module Root".*stays while that CA uses it/)
    expect(services.pkcs11.offers(path)).toBe(true)
    // One found at its usual path is not removed in Settings.
    const found = await handlers['tokens:removeModule']({ path: hsm.module })
    expect(found.ok ? null : found.error.code).toBe('PKCS11_MODULE_NOT_ADDED')
    // The picked copy holds no CA key: it goes, and stays gone after a restart.
    const unused = join(hsm.dir, 'libsofthsm2-picked.so')
    const removed = await handlers['tokens:removeModule']({ path: unused })
    expect(removed.ok && removed.value.modules.map((m) => m.path)).not.toContain(unused)
    const again = open()
    try {
      expect((await again.pkcs11.modules()).map((m) => m.path)).not.toContain(unused)
      expect(again.pkcs11.offers(unused)).toBe(false)
    } finally {
      again.close()
    }
    expect(JSON.stringify(services.audit.list({ offset: 0, limit: 50 }))).toContain('pkcs11.module-remove')
    services.authorities.lock(ca.value.id)
  })
})

describe('remembering a token PIN', () => {
  it('refuses to remember it while the keychain is down, before the token is logged in; keeps it once it answers', async () => {
    const ca = await handlers['authorities:create']({ ...caInput('PIN Root'), token: { module: hsm.module, token: 'Modules', pin: USER_PIN } })
    if (!ca.ok) throw new Error(ca.error.message)
    services.authorities.lock(ca.value.id)
    keychain.setAvailable(false)
    const down = await handlers['authorities:unlock']({ authorityId: ca.value.id, passphrase: USER_PIN, rememberPin: true })
    keychain.setAvailable(true)
    expect(down.ok ? null : [down.error.code, down.error.field]).toEqual(['KEYCHAIN_UNAVAILABLE', 'rememberPin'])
    expect(down.ok ? '' : down.error.message).toBe('The PIN cannot be remembered: no Secret Service is running. Start the OS keychain (e.g. gnome-keyring) and try again, or unlock without remembering the PIN.')
    expect(services.authorities.list().find((a) => a.id === ca.value.id)!.unlocked).toBe(false)
    // Not chosen: nothing kept.
    expect((await handlers['authorities:unlock']({ authorityId: ca.value.id, passphrase: USER_PIN })).ok).toBe(true)
    expect(await handlers['tokens:pinRemembered']({ authorityId: ca.value.id })).toEqual({ ok: true, value: { remembered: false } })
    services.authorities.lock(ca.value.id)
    expect((await handlers['authorities:unlock']({ authorityId: ca.value.id, passphrase: USER_PIN, rememberPin: true })).ok).toBe(true)
    expect(await handlers['tokens:pinRemembered']({ authorityId: ca.value.id })).toEqual({ ok: true, value: { remembered: true } })
    expect([...keychain.entries.keys()].filter((k) => k.startsWith('PKI Desk token PIN\u0000'))).toHaveLength(1)
    expect(await handlers['tokens:forgetPin']({ authorityId: ca.value.id })).toEqual({ ok: true, value: { forgotten: true } })
    // A vault CA has no token PIN.
    const vaultCa = await handlers['authorities:create'](caInput('Vault Root'))
    if (!vaultCa.ok) throw new Error(vaultCa.error.message)
    const none = await handlers['tokens:pinRemembered']({ authorityId: vaultCa.value.id })
    expect(none.ok ? null : none.error.code).toBe('KEY_NOT_FOUND')
    services.authorities.lock(ca.value.id)
  })
})

describe('keys on a token, and adopting one from the app', () => {
  it('lists the private keys on a token after login: label, id, type, whether PKI Desk can sign with it', async () => {
    hsm.run('pkcs11-tool', ['--token-label', 'Spare', '--login', '--pin', USER_PIN, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'old-root', '--id', 'c0ffee', '--usage-sign'])
    hsm.run('pkcs11-tool', ['--token-label', 'Spare', '--login', '--pin', USER_PIN, '--keypairgen', '--key-type', 'rsa:1024', '--label', 'too-short', '--id', '0102', '--usage-sign'])
    const r = await handlers['tokens:keys']({ module: hsm.module, token: 'Spare', pin: USER_PIN })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.keys).toEqual([
      { label: 'old-root', id: 'c0ffee', type: 'EC P-256', usable: true, adoptedBy: null },
      { label: 'too-short', id: '0102', type: 'RSA-1024', usable: false, adoptedBy: null }
    ])
    const wrong = await handlers['tokens:keys']({ module: hsm.module, token: 'Spare', pin: '000000' })
    expect(wrong.ok ? null : wrong.error.code).toBe('PKCS11_PIN_INCORRECT')
    const elsewhere = await handlers['tokens:keys']({ module: join(hsm.dir, 'not-a-module.so'), token: 'Spare', pin: USER_PIN })
    expect(elsewhere.ok ? null : elsewhere.error.code).toBe('PKCS11_MODULE_UNLOADABLE')
  })

  it('adopts a token key for its certificate through the handler; a certificate of another key is refused', async () => {
    const w = (n: string): string => join(hsm.dir, n)
    hsm.run('pkcs11-tool', ['--token-label', 'Spare', '--read-object', '--type', 'pubkey', '--id', 'c0ffee', '--output-file', w('old-root.der')])
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', w('issuer.key'), '-subj', '/CN=Old Issuer', '-days', '3650', '-out', w('issuer.pem')], { stdio: 'ignore' })
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', w('old-root.der'), '-out', w('old-root.pub')])
    writeFileSync(w('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n')
    execFileSync('openssl', ['x509', '-new', '-subj', '/CN=Old Root', '-force_pubkey', w('old-root.pub'), '-CA', w('issuer.pem'), '-CAkey', w('issuer.key'), '-days', '3650', '-extfile', w('ca.ext'), '-out', w('old-root.pem')], { stdio: 'ignore' })
    const certificate = { encoding: 'base64' as const, data: readFileSync(w('old-root.pem')).toString('base64') }
    // The issuer's own certificate is not the token key's: refused with the code, nothing adopted.
    const other = { encoding: 'base64' as const, data: readFileSync(w('issuer.pem')).toString('base64') }
    const mismatch = await handlers['authorities:adopt']({ name: 'Wrong', certificate: other, token: { module: hsm.module, token: 'Spare', keyId: 'c0ffee', pin: USER_PIN } })
    expect(mismatch.ok ? null : mismatch.error.code).toBe('PKCS11_KEY_MISMATCH')
    // A module main does not offer is refused before anything is loaded.
    const notOffered = await handlers['authorities:adopt']({ name: 'Elsewhere', certificate, token: { module: join(hsm.dir, 'evil.so'), token: 'Spare', keyId: 'c0ffee', pin: USER_PIN } })
    expect(notOffered.ok ? null : notOffered.error.code).toBe('PKCS11_MODULE_UNLOADABLE')
    expect(existsSync(join(hsm.dir, 'evil.so'))).toBe(false)
    const adopted = await handlers['authorities:adopt']({ name: 'Old Root', certificate, token: { module: hsm.module, token: 'Spare', keyId: 'c0ffee', pin: USER_PIN } })
    if (!adopted.ok) throw new Error(adopted.error.message)
    expect(adopted.value).toMatchObject({ keyProtection: 'pkcs11', token: { tokenLabel: 'Spare', keyLabel: 'old-root', keyId: 'c0ffee' } })
    const keys = await handlers['tokens:keys']({ module: hsm.module, token: 'Spare', pin: USER_PIN })
    expect(keys.ok && keys.value.keys.find((k) => k.id === 'c0ffee')!.adoptedBy).toBe('Old Root')
    expect(services.authorities.list().map((a) => a.name)).not.toContain('Wrong')
    services.authorities.lock(adopted.value.id)
  })
})

// PKCS#11 from the app beyond the key store choice: Settings adds a module by a typed path
// (loaded first: what C_GetInfo says is shown, as pkcs11-tool --show-info reads it; a file that
// is not a module refused beside the field with its code) or picked in main's file dialog, and
// refuses to remove one while a CA's key is on its token (the reason names the CA); the
// Authorities screen adopts a key already on the token (keys listed after login: label, id,
// type; the CA certificate from a file) and the adopted CA issues a leaf that OpenSSL verifies
// up to its outside issuer; an unlock may remember the PIN in the OS keychain (off by default),
// later unlocks use it, and it is forgotten on request. SoftHSM2 in a throwaway directory, from
// copies of its library so no other test's module is shared.
import { execFileSync } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, screenshot } from './fixtures'
import { distinctCsrs, expectAccessible, goTo, issue } from './helpers'
import { softHsm, USER_PIN } from '../integration/pkcs11/softhsm'
import { TOKEN_PIN_SERVICE } from '../../src/main/services/vault-service'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('add and remove PKCS#11 modules in Settings, adopt a token key, remember its PIN', async ({ app, harness }) => {
  const before = process.env.SOFTHSM2_CONF
  const hsm = softHsm(['Adopt Token'])
  const w = (n: string): string => join(hsm.dir, n)
  const module = w('libsofthsm2-settings.so')
  copyFileSync(hsm.module, module)
  writeFileSync(w('not-a-module.so'), 'not a shared library')
  try {
    await goTo(app, 'Settings')
    const path = app.getByLabel('Module path')
    // A file that is not a PKCS#11 module: refused beside the field, with the code; nothing added.
    await path.fill(w('not-a-module.so'))
    await app.getByRole('button', { name: 'Add module' }).click()
    await expect(path).toHaveAttribute('aria-invalid', 'true')
    await expect(app.getByText(/could not be loaded as a PKCS#11 module .*check that it is the token's PKCS#11 library/)).toBeVisible()
    await expect(app.getByTestId('pkcs11-add-error-code')).toHaveText('PKCS11_MODULE_UNLOADABLE')
    await expect(app.getByTestId('pkcs11-module').filter({ hasText: 'not-a-module.so' })).toHaveCount(0)

    // The module by its path: loaded, and what it says of itself shown as pkcs11-tool reads it.
    await path.fill(module)
    await app.getByRole('button', { name: 'Add module' }).click()
    await expect(app.getByRole('status').filter({ hasText: `Added ${module}.` })).toBeVisible()
    const card = app.getByTestId('pkcs11-module').filter({ hasText: 'libsofthsm2-settings.so' })
    const info = /Cryptoki version (\S+)\nManufacturer\s+(.+)\nLibrary\s+(.+) \(ver (\S+)\)/.exec(hsm.run('pkcs11-tool', ['--show-info']))!
    await expect(card.getByTestId('pkcs11-module-info')).toHaveText(`${info[2]!.trim()} · ${info[3]} · version ${info[4]} (PKCS#11 ${info[1]})`)
    const serial = /Serial number:\s+(\S+)\s*\n\s*Initialized:\s+yes\s*\n.*\n\s*Label:\s+Adopt Token/.exec(hsm.run('softhsm2-util', ['--show-slots']))![1]!
    await expect(card.getByRole('table')).toContainText('Adopt Token')
    await expect(card.getByRole('table')).toContainText(serial)
    await expect(card).toContainText('added here')

    // Picked in main's file dialog (the harness's "dialog" picks the module placed in its folder).
    copyFileSync(hsm.module, join(harness.outputDir, 'libpicked-pkcs11.so'))
    await app.getByRole('button', { name: 'Choose file…' }).click()
    await expect(app.getByTestId('pkcs11-module').filter({ hasText: 'libpicked-pkcs11.so' })).toBeVisible()
    await expectAccessible(app, 'Settings with added PKCS#11 modules')
    await path.evaluate((h) => h.scrollIntoView({ block: 'center' }))
    await screenshot(app, 'pkcs11-modules-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-modules-dark')
    await app.emulateMedia({ colorScheme: 'light' })

    // A key already on the token, and a certificate for it from an outside issuer (OpenSSL).
    hsm.run('pkcs11-tool', ['--token-label', 'Adopt Token', '--login', '--pin', USER_PIN, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'issuing-2019', '--id', 'a1b2', '--usage-sign'])
    hsm.run('pkcs11-tool', ['--token-label', 'Adopt Token', '--read-object', '--type', 'pubkey', '--id', 'a1b2', '--output-file', w('pub.der')])
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', w('pub.der'), '-out', w('pub.pem')])
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', w('root.key'), '-subj', '/O=Example/CN=Outside Root', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-days', '3650', '-out', w('root.pem')], { stdio: 'ignore' })
    writeFileSync(w('ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    execFileSync('openssl', ['x509', '-new', '-subj', '/O=Example/CN=Adopted Issuing CA', '-force_pubkey', w('pub.pem'), '-CA', w('root.pem'), '-CAkey', w('root.key'), '-days', '1825', '-extfile', w('ca.ext'), '-out', w('issuing.pem')], { stdio: 'ignore' })
    execFileSync('openssl', ['x509', '-in', w('issuing.pem'), '-outform', 'DER', '-out', w('issuing.der')])

    await goTo(app, 'Authorities')
    await app.getByRole('button', { name: 'Adopt a token key…' }).click()
    const dialog = app.getByRole('dialog', { name: 'Adopt a token key' })
    await dialog.getByLabel('Name in PKI Desk').fill('Adopted Issuing')
    await dialog.getByLabel('Token', { exact: true }).click()
    await app.getByRole('option', { name: /Token "Adopt Token".*libsofthsm2-settings\.so/ }).click()
    await dialog.getByLabel('Token user PIN').fill(USER_PIN)
    await dialog.getByRole('button', { name: 'Show its keys' }).click()
    const key = dialog.getByRole('radio', { name: 'issuing-2019 · id a1b2 · EC P-256' })
    await expect(key).toBeChecked()
    const chooser = app.waitForEvent('filechooser')
    await dialog.getByRole('button', { name: 'CA certificate (PEM or DER)…' }).click()
    await (await chooser).setFiles(w('issuing.der'))
    await expect(dialog).toContainText('issuing.der')
    await expectAccessible(app, 'the Adopt a token key dialog')
    await screenshot(app, 'pkcs11-adopt-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-adopt-dark')
    await app.emulateMedia({ colorScheme: 'light' })
    await dialog.getByRole('button', { name: 'Adopt' }).click()
    await expect(dialog).toBeHidden()
    await expect(app.getByTestId('ca-token')).toHaveText(`“Adopt Token” (serial ${serial}), key “issuing-2019” (id a1b2)`)

    // The adopted CA signs on the token: OpenSSL verifies the leaf up to the outside root.
    const ca = await app.evaluate(async () => {
      const list = await (globalThis as unknown as PageGlobal).pki.authorities.list({})
      if (!list.ok) throw new Error(list.error.message)
      return list.value.items.find((a) => a.name === 'Adopted Issuing')!
    })
    expect(ca.keyProtection).toBe('pkcs11')
    const [leafId] = await issue(app, ca.id, distinctCsrs(1))
    const leaf = await app.evaluate(async (id) => {
      const r = await (globalThis as unknown as PageGlobal).pki.certificates.export({ id, format: 'pem' })
      if (!r.ok) throw new Error(r.error.message)
      return atob(r.value.base64)
    }, leafId!)
    writeFileSync(w('leaf.pem'), leaf)
    expect(execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', w('root.pem'), '-untrusted', w('issuing.pem'), w('leaf.pem')], { encoding: 'utf8' })).toContain('leaf.pem: OK')

    // Settings will not remove the module while the adopted CA's key is on its token, and says why.
    await goTo(app, 'Settings')
    await expect(card).toContainText('Holds the key of “Adopted Issuing”.')
    await card.getByRole('button', { name: `Remove ${module}` }).click()
    const refusal = card.getByRole('alert')
    await expect(refusal).toContainText(/holds the key of "Adopted Issuing": PKI Desk signs through it, so it stays while that CA uses it/)
    await expect(refusal).toContainText('PKCS11_MODULE_IN_USE')
    // One no CA uses goes.
    await app.getByRole('button', { name: `Remove ${join(harness.outputDir, 'libpicked-pkcs11.so')}` }).click()
    await expect(app.getByTestId('pkcs11-module').filter({ hasText: 'libpicked-pkcs11.so' })).toHaveCount(0)
    await expect(card).toBeVisible()

    // Unlock with the PIN and, chosen, remember it in the OS keychain; the next unlock asks nothing.
    await goTo(app, 'Authorities')
    await app.getByRole('button', { name: 'Lock', exact: true }).click()
    await app.getByRole('button', { name: 'Unlock', exact: true }).click()
    const unlock = app.getByRole('dialog', { name: 'Unlock Adopted Issuing' })
    const remember = unlock.getByRole('checkbox', { name: 'Remember the PIN in the OS keychain' })
    await expect(remember).not.toBeChecked()
    await unlock.getByLabel('Token user PIN').fill(USER_PIN)
    await remember.check()
    await expectAccessible(app, 'the token CA unlock prompt')
    await screenshot(app, 'pkcs11-unlock-remember-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-unlock-remember-dark')
    await app.emulateMedia({ colorScheme: 'light' })
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock).toBeHidden()
    await expect(app.getByTestId('ca-pin-remembered')).toHaveText('The token PIN is remembered in the OS keychain.')
    await app.getByRole('button', { name: 'Lock', exact: true }).click()
    await app.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(app.getByRole('button', { name: 'Lock', exact: true })).toBeVisible()
    await expect(unlock).toBeHidden()
    // The keychain entry is stale (the PIN was changed on another workstation): refused by the token, removed from the keychain, and asked for.
    await app.getByRole('button', { name: 'Lock', exact: true }).click()
    const entry = [...harness.keychain.entries.keys()].filter((k) => k.startsWith(`${TOKEN_PIN_SERVICE}\u0000`))
    expect(entry).toHaveLength(1)
    await harness.keychain.setSecret(TOKEN_PIN_SERVICE, entry[0]!.slice(TOKEN_PIN_SERVICE.length + 1), new TextEncoder().encode('97531'))
    await app.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock).toContainText(/The token refused the PIN remembered in the OS keychain \((?:the token reports few tries left|the token does not say how many tries are left)\), so it was removed from the keychain: enter the token's user PIN\./)
    expect([...harness.keychain.entries.keys()].filter((k) => k.startsWith(`${TOKEN_PIN_SERVICE}\u0000`))).toEqual([])
    await expect(unlock.getByLabel('Token user PIN')).toHaveAttribute('aria-invalid', 'true')
    await expect(app.getByTestId('ca-pin-remembered')).toHaveCount(0)
    await unlock.getByLabel('Token user PIN').fill(USER_PIN)
    await remember.check()
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock).toBeHidden()
    await expect(app.getByTestId('ca-pin-remembered')).toBeVisible()
    // Forgotten on request: the next unlock asks for the PIN again.
    await app.getByRole('button', { name: 'Forget the PIN' }).click()
    await expect(app.getByTestId('ca-pin-remembered')).toHaveCount(0)
    await app.getByRole('button', { name: 'Lock', exact: true }).click()
    await app.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock.getByLabel('Token user PIN')).toBeVisible()
    await expect(unlock.getByLabel('Token user PIN')).toBeEnabled()
    const trail = await app.evaluate(async () => JSON.stringify(await (globalThis as unknown as PageGlobal).pki.audit.list({ offset: 0, limit: 100 })))
    for (const action of ['pkcs11.module-add', 'pkcs11.module-remove', 'vault.pin-remember', 'vault.pin-forget']) expect(trail).toContain(action)
  } finally {
    if (before === undefined) delete process.env.SOFTHSM2_CONF
    else process.env.SOFTHSM2_CONF = before
  }
})

// A CA key on a PKCS#11 token from the app: Settings lists the module and its token (label,
// serial, manufacturer, free space); New root CA offers the token as its key store, asks the
// PIN, and creates the CA with its key generated there (its certificate verifies); the CA says
// it is on a token, unlocks with the token PIN (a wrong PIN refused beside the field) and its
// key cannot be exported (the Authorities screen and the PFX export say which token keeps it). SoftHSM2 in a throwaway directory, loaded from a copy of its
// library so that no other test's SoftHSM configuration is shared.
import { X509Certificate } from 'node:crypto'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, screenshot } from './fixtures'
import { goTo } from './helpers'
import { softHsm, USER_PIN } from '../integration/pkcs11/softhsm'
import type { PkiApi } from '../../src/shared/ipc/contract'

test('create a root CA whose key is generated on a token, unlock it with the PIN', async ({ app }) => {
  const before = { conf: process.env.SOFTHSM2_CONF, modules: process.env.PKIDESK_PKCS11_MODULES }
  const hsm = softHsm(['Desk Token'])
  const module = join(hsm.dir, 'libsofthsm2-e2e.so')
  copyFileSync(hsm.module, module)
  process.env.PKIDESK_PKCS11_MODULES = module
  try {
    await goTo(app, 'Settings')
    const section = app.getByTestId('pkcs11-module').filter({ hasText: module })
    await expect(section.getByRole('table')).toContainText('Desk Token')
    await expect(section.getByRole('table')).toContainText('SoftHSM project')
    await expect(section.getByRole('table')).toContainText('not reported')

    await goTo(app, 'Authorities')
    await app.getByRole('button', { name: 'New root CA' }).first().click()
    const dialog = app.getByRole('dialog', { name: 'New root CA' })
    await dialog.getByLabel('Name in PKI Desk').fill('Token Root')
    await dialog.getByLabel('Common name (CN)').fill('Token Root CA')
    await dialog.getByLabel('Key store').click()
    await app.getByRole('option', { name: /Token "Desk Token".*libsofthsm2-e2e\.so/ }).click()
    await expect(dialog.getByText(/never leaves it/)).toBeVisible()
    await expect(dialog.getByLabel('Key protection')).toHaveCount(0)
    await expect(dialog.getByRole('button', { name: 'Create root' })).toBeDisabled()
    await dialog.getByLabel('Token user PIN').fill(USER_PIN)
    await dialog.getByLabel('Key label on the token').fill('desk-root')
    await screenshot(app, 'pkcs11-create-ca-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-create-ca-dark')
    await app.emulateMedia({ colorScheme: 'light' })
    await dialog.getByRole('button', { name: 'Create root' }).click()
    await expect(dialog).toBeHidden()
    await expect(app.getByRole('main')).toContainText('PKCS#11 token')
    expect(hsm.run('pkcs11-tool', ['--token-label', 'Desk Token', '--login', '--pin', USER_PIN, '--list-objects', '--type', 'privkey'])).toContain('label:      desk-root')

    // Its certificate verifies under the token's public key (self-signed on the token).
    const pem = await app.evaluate(async () => {
      const pki = (globalThis as unknown as { pki: PkiApi }).pki
      const list = await pki.authorities.list({})
      if (!list.ok) throw new Error(list.error.message)
      const got = await pki.authorities.get({ authorityId: list.value.items[0]!.id })
      if (!got.ok) throw new Error(got.error.message)
      return got.value.certificatePem!
    })
    const cert = new X509Certificate(pem)
    expect(cert.verify(cert.publicKey)).toBe(true)

    // Lock (the token logs out) and unlock with the PIN; a wrong PIN is refused beside the field.
    await app.getByRole('button', { name: 'Lock', exact: true }).click()
    await app.getByRole('button', { name: 'Unlock', exact: true }).click()
    const unlock = app.getByRole('dialog', { name: 'Unlock Token Root' })
    await unlock.getByLabel('Token user PIN').fill('999999')
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock.getByLabel('Token user PIN')).toHaveAttribute('aria-invalid', 'true')
    await expect(unlock).toContainText(/refused the user PIN/)
    await unlock.getByLabel('Token user PIN').fill(USER_PIN)
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(unlock).toBeHidden()

    // Its key cannot be exported, and the screens say why: on the Authorities screen and in the certificate's Export dialog.
    await expect(app.getByTestId('ca-token')).toContainText('“Desk Token”')
    await expect(app.getByTestId('ca-key-export-reason')).toHaveText(/^Key export: not possible, the key is on token "Desk Token" \(serial \w+\) and cannot leave it\./)
    await app.getByRole('button', { name: 'Export certificate…' }).click()
    await expect(app.getByRole('menuitem', { name: /With the private key \(PFX\): not possible, the key is on token "Desk Token"/ })).toBeDisabled()
    await app.keyboard.press('Escape')
    await goTo(app, 'Certificates')
    await app.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'Token Root CA' }).click()
    await app.getByRole('button', { name: 'Export…' }).click()
    const exporting = app.getByRole('dialog')
    await exporting.getByRole('radio', { name: 'PFX, modern' }).check()
    const withKey = exporting.getByRole('switch', { name: 'Include the private key' })
    await expect(withKey).toBeDisabled()
    await expect(withKey).not.toBeChecked()
    await expect(exporting).toContainText(/Not possible: the key is on token "Desk Token" \(serial \w+\) and cannot leave it\. The file carries the certificate and its chain only\./)
    await screenshot(app, 'pkcs11-export-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-export-dark')
    await app.emulateMedia({ colorScheme: 'light' })
    await exporting.getByRole('button', { name: 'Close', exact: true }).click()

    // Re-key: the current key is on a token, so the dialog asks where the new one goes; on the
    // token, the new key is generated there and signs the root's new certificate.
    await goTo(app, 'Authorities')
    await app.getByRole('button', { name: 'Actions' }).click()
    await app.getByRole('menuitem', { name: 'Re-key…' }).click()
    const rekey = app.getByRole('dialog', { name: 'Re-key Token Root' })
    await expect(rekey).toContainText('The current key is on a PKCS#11 token: choose a token for the new key')
    await expect(rekey.getByRole('button', { name: 'Re-key', exact: true })).toBeDisabled()
    await rekey.getByLabel('Key store of the new key').click()
    await app.getByRole('option', { name: /Token "Desk Token".*libsofthsm2-e2e\.so/ }).click()
    await rekey.getByLabel('New key type').click()
    await app.getByRole('option', { name: /Ed25519/ }).click()
    await rekey.getByLabel('Key label on the token').fill('desk-root-2')
    await rekey.getByLabel('Token user PIN').fill(USER_PIN)
    await screenshot(app, 'pkcs11-rekey-light')
    await app.emulateMedia({ colorScheme: 'dark' })
    await screenshot(app, 'pkcs11-rekey-dark')
    await app.emulateMedia({ colorScheme: 'light' })
    await rekey.getByRole('button', { name: 'Re-key', exact: true }).click()
    await expect(rekey).toBeHidden()
    expect(hsm.run('pkcs11-tool', ['--token-label', 'Desk Token', '--login', '--pin', USER_PIN, '--list-objects', '--type', 'privkey'])).toContain('label:      desk-root-2')
    const newPem = await app.evaluate(async () => {
      const pki = (globalThis as unknown as { pki: PkiApi }).pki
      const list = await pki.authorities.list({})
      if (!list.ok) throw new Error(list.error.message)
      const current = list.value.items.find((a) => a.name === 'Token Root')!
      if (current.keyProtection !== 'pkcs11') throw new Error(`the new key is kept by ${current.keyProtection}`)
      const got = await pki.authorities.get({ authorityId: current.id })
      if (!got.ok) throw new Error(got.error.message)
      return got.value.certificatePem!
    })
    const renewed = new X509Certificate(newPem)
    expect(renewed.publicKey.asymmetricKeyType).toBe('ed25519')
    expect(renewed.verify(renewed.publicKey)).toBe(true)
    expect(renewed.publicKey.export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(false)
  } finally {
    if (before.modules === undefined) delete process.env.PKIDESK_PKCS11_MODULES
    else process.env.PKIDESK_PKCS11_MODULES = before.modules
    if (before.conf === undefined) delete process.env.SOFTHSM2_CONF
    else process.env.SOFTHSM2_CONF = before.conf
  }
})

// Certificate authorities: create a root with passphrase protection (confirmation and
// strength hint), an intermediate under it, the tree, lock/unlock with the coded error of a
// wrong passphrase beside the field, CRL settings, CRL generation with its countdown, and the
// saved CRL checked by OpenSSL.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { goTo } from './helpers'

const PASS = 'correct horse battery staple'

test('create a root and an intermediate, unlock, configure and publish a CRL', async ({ app, harness }) => {
  await goTo(app, 'Authorities')
  await expect(app.getByText('No certificate authority yet')).toBeVisible()
  await app.getByRole('button', { name: 'New root CA' }).first().click()
  const dialog = app.getByRole('dialog', { name: 'New root CA' })
  await dialog.getByLabel('Name in PKI Desk').fill('Lab Root')
  await dialog.getByLabel('Common name (CN)').fill('Lab Root CA')
  await dialog.getByLabel('Organization (O)').fill('Example Lab')
  await dialog.getByLabel('Country (C, two letters)').fill('DE')
  await dialog.getByRole('textbox', { name: 'Passphrase', exact: true }).fill('short')
  await expect(dialog.getByText('Strength: too short')).toBeVisible()
  await dialog.getByRole('textbox', { name: 'Passphrase', exact: true }).fill(PASS)
  await expect(dialog.getByText(/Strength: (fair|strong)/)).toBeVisible()
  await dialog.getByRole('textbox', { name: 'Confirm passphrase' }).fill(PASS + 'x')
  await expect(dialog.getByText('The two entries differ')).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Create root' })).toBeDisabled()
  await dialog.getByRole('textbox', { name: 'Confirm passphrase' }).fill(PASS)
  await dialog.getByRole('button', { name: 'Create root' }).click()
  await expect(dialog).toBeHidden()

  const tree = app.getByRole('tree', { name: 'CA hierarchy' })
  await expect(tree.getByRole('treeitem')).toHaveCount(1)
  await expect(app.getByRole('main')).toContainText('CN=Lab Root CA, O=Example Lab, C=DE')

  // A second CA with the same name: the coded error appears beside the name field.
  await app.getByRole('button', { name: 'New root CA' }).click()
  const again = app.getByRole('dialog', { name: 'New root CA' })
  await again.getByLabel('Name in PKI Desk').fill('Lab Root')
  await again.getByLabel('Common name (CN)').fill('Another')
  await again.getByLabel('Key protection').click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await again.getByRole('button', { name: 'Create root' }).click()
  await expect(again.getByLabel('Name in PKI Desk')).toHaveAttribute('aria-invalid', 'true')
  await again.getByRole('button', { name: 'Cancel' }).click()

  // A new CA starts unlocked. Lock it; unlocking again needs the passphrase, and a wrong one
  // is refused in words beside the field.
  await expect(tree).toContainText('unlocked')
  await app.getByRole('button', { name: 'Lock', exact: true }).click()
  await expect(tree.getByText('locked', { exact: true })).toBeVisible()
  await app.getByRole('button', { name: 'Unlock', exact: true }).click()
  const unlock = app.getByRole('dialog', { name: 'Unlock Lab Root' })
  await unlock.getByRole('textbox', { name: 'Passphrase' }).fill('wrong passphrase!!')
  await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(unlock.getByRole('textbox', { name: 'Passphrase' })).toHaveAttribute('aria-invalid', 'true')
  await expect(unlock.getByRole('textbox', { name: 'Passphrase' })).toHaveAccessibleDescription(/passphrase/i)
  await unlock.getByRole('textbox', { name: 'Passphrase' }).fill(PASS)
  await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(unlock).toBeHidden()
  await expect(tree).toContainText('unlocked')

  // An intermediate signed by the root.
  await app.getByRole('button', { name: 'New intermediate' }).click()
  const inter = app.getByRole('dialog', { name: 'New intermediate CA' })
  await inter.getByLabel('Name in PKI Desk').fill('Lab Issuing')
  await inter.getByLabel('Common name (CN)').fill('Lab Issuing CA 1')
  await inter.getByLabel('Key protection').click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await inter.getByRole('button', { name: 'Create intermediate' }).click()
  await expect(inter).toBeHidden()
  await expect(tree.getByRole('treeitem')).toHaveCount(2)
  await expect(tree.getByRole('treeitem', { name: /Lab Issuing/ })).toHaveAttribute('aria-level', '2')

  // CRL settings and a CRL from the root.
  await tree.getByRole('treeitem', { name: /Lab Root/ }).click()
  // A P-384 root signs its CRLs with SHA-384 whatever is stored: the form shows it, not offers it.
  await expect(app.getByRole('combobox', { name: 'Hash' })).toBeDisabled()
  await expect(app.getByRole('combobox', { name: 'Hash' })).toHaveValue('SHA-384')
  await expect(app.getByText('A P-384 key always signs with SHA-384.')).toBeVisible()
  await app.getByLabel('CRL validity (hours)').fill('48')
  await app.getByRole('button', { name: 'Save CRL settings' }).click()
  await expect(app.getByText('Saved', { exact: true })).toBeVisible()
  await app.getByRole('button', { name: 'Generate CRL' }).click()
  await expect(app.getByTestId('crl-next-update')).toContainText(/Next update due in (1 d 23 h|2 d 0 h)/)
  await app.getByRole('button', { name: 'Save CRL 1' }).click()
  // The save reaches the harness after the click returns: until then save-1 does not exist, and
  // a readdirSync that throws would end the poll at once instead of retrying it.
  await expect.poll(() => (existsSync(join(harness.outputDir, 'save-1')) ? readdirSync(join(harness.outputDir, 'save-1')).length : 0)).toBe(1)
  const file = join(harness.outputDir, 'save-1', readdirSync(join(harness.outputDir, 'save-1'))[0]!)
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8' })
  expect(text).toMatch(/Issuer: C ?= ?DE, O ?= ?Example Lab, CN ?= ?Lab Root CA/)
  expect(text).toMatch(/CRL Number:\s*\n?\s*1/)

  // Lock again.
  await app.getByRole('button', { name: 'Lock', exact: true }).click()
  await expect(app.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible()
  // Locked, Generate CRL asks for the passphrase first (tests/e2e/urls-hold-unlock.spec.ts).
  await expect(app.getByRole('button', { name: 'Unlock and generate CRL…' })).toBeEnabled()
})

test('import a CA from a PFX file made by OpenSSL', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-e2e-pfx-'))
  const key = join(dir, 'ca.key')
  const crt = join(dir, 'ca.crt')
  const pfx = join(dir, 'imported-ca.pfx')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '365', '-subj', '/O=Elsewhere/CN=Imported Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'pipe' })
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', pfx, '-passout', 'pass:pfx password 1'], { stdio: 'pipe' })

  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Import…' }).first().click()
  const dialog = app.getByRole('dialog', { name: 'Import a CA' })
  await dialog.getByLabel('Name in PKI Desk').fill('Imported')
  const chooser = app.waitForEvent('filechooser')
  await dialog.getByRole('button', { name: 'Choose PFX…' }).click()
  await (await chooser).setFiles(pfx)
  await expect(dialog.getByText('imported-ca.pfx')).toBeVisible()
  await dialog.getByRole('textbox', { name: 'PFX password' }).fill('wrong password')
  await dialog.getByRole('combobox', { name: 'Protect the key in PKI Desk with' }).click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  // The wrong password is refused in words, and nothing is imported.
  await expect(dialog.getByRole('alert').or(dialog.locator('[aria-invalid="true"]')).first()).toBeVisible()
  await dialog.getByRole('textbox', { name: 'PFX password' }).fill('pfx password 1')
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('tree', { name: 'CA hierarchy' })).toContainText('Imported')
  await expect(app.getByRole('main')).toContainText('CN=Imported Root, O=Elsewhere')
})

// The certificate inventory and view: search, filter, sort; every field in words with
// fingerprints that node's X509Certificate confirms; export (PEM and PFX, checked by OpenSSL)
// with the passphrase confirmation; revocation with reason and invalidity date.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'

test('search, filter and sort the inventory; open a certificate; export it; revoke it', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Inventory CA')
  await issue(app, ca.id, [fixture('web1.csr'), fixture('web2.csr'), fixture('web3.csr'), fixture('rsa.csr')])
  await goTo(app, 'Certificates')
  const count = app.getByTestId('inventory-count')
  await expect(count).toHaveText('5 certificates')
  const table = app.getByRole('table', { name: 'Certificates' })

  // Search from the keyboard: / focuses the search box.
  await app.keyboard.press('/')
  await expect(app.getByLabel('Search')).toBeFocused()
  await app.keyboard.type('web2')
  await expect(count).toHaveText('1 certificate match')
  await expect(table.getByRole('row')).toHaveCount(2)
  await app.getByLabel('Search').fill('zzz-nothing')
  await expect(app.getByText('No certificate matches')).toBeVisible()
  await app.getByRole('button', { name: 'Reset filters' }).click()
  await expect(count).toHaveText('5 certificates')

  // Sort by subject, ascending then descending.
  await table.getByRole('button', { name: 'Subject' }).click()
  await expect(table.getByRole('columnheader', { name: /Subject/ })).toHaveAttribute('aria-sort', 'ascending')
  await expect(table.getByRole('row').nth(1)).toContainText('Inventory CA')
  await table.getByRole('button', { name: /Subject/ }).click()
  await expect(table.getByRole('row').nth(1)).toContainText('web3.example.com')

  // Keyboard: focus the first row, move down, Enter opens it.
  await table.getByRole('row').nth(1).focus()
  await app.keyboard.press('ArrowDown')
  await expect(table.getByRole('row').nth(2)).toBeFocused()
  await app.keyboard.press('Enter')
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('web2.example.com')

  // The view: fields and fingerprints agree with an independent parser.
  const pem = await app.getByLabel('Certificate PEM').innerText()
  const x = new X509Certificate(pem)
  const main = app.getByRole('main')
  await expect(main).toContainText(x.fingerprint256)
  await expect(main).toContainText(x.fingerprint)
  await expect(main).toContainText('DNS: web2.example.com, DNS: www.web2.example.com')
  await expect(main).toContainText('Key Usage')
  await expect(main).toContainText('Inventory CA')

  // Export as PEM, then as a modern PFX (no key held: certificate only).
  await app.getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('Saved to')
  const pemFile = join(harness.outputDir, 'save-1', readdirSync(join(harness.outputDir, 'save-1'))[0]!)
  expect(new X509Certificate(readFileSync(pemFile)).fingerprint256).toBe(x.fingerprint256)
  await dialog.getByRole('radio', { name: 'PFX, modern' }).check()
  await expect(dialog).toContainText('AES-256')
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('export pass phrase 1')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('export pass phrase 2')
  await expect(dialog.getByText('The two entries differ')).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Export…' })).toBeDisabled()
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('export pass phrase 1')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('save-2')
  const pfxFile = join(harness.outputDir, 'save-2', readdirSync(join(harness.outputDir, 'save-2'))[0]!)
  const dump = execFileSync('openssl', ['pkcs12', '-in', pfxFile, '-nokeys', '-passin', 'pass:export pass phrase 1'], { encoding: 'utf8' })
  expect(new X509Certificate(dump.slice(dump.indexOf('-----BEGIN CERTIFICATE-----'))).fingerprint256).toBe(x.fingerprint256)
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()

  // Revoke with a reason and an invalidity date.
  await app.getByRole('button', { name: 'Revoke…' }).click()
  const revoke = app.getByRole('dialog')
  await revoke.getByRole('combobox', { name: 'Reason' }).click()
  await app.getByRole('option', { name: /Key compromise/ }).click()
  await revoke.getByLabel('Invalid since (optional)').fill('2026-11-01')
  await revoke.getByRole('button', { name: 'Revoke' }).click()
  await expect(revoke).toBeHidden()
  await expect(main).toContainText('keyCompromise')
  await expect(main).toContainText('invalid since 2026-11-01')
  await expect(app.getByRole('button', { name: 'Revoke…' })).toBeDisabled()

  // The filter finds it among the revoked.
  await app.getByRole('button', { name: '← Back to certificates' }).click()
  await app.getByRole('combobox', { name: 'Status' }).click()
  await app.getByRole('option', { name: 'revoked' }).click()
  await expect(count).toHaveText('1 certificate match')
  await expect(table.getByRole('row').nth(1)).toContainText('web2.example.com')
})

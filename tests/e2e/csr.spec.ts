// CSR generation: key type from what the chosen profile allows, the subject guided by its
// rules, SANs; the CSR verified by OpenSSL; saved; its key exported (encrypted PKCS#8); and
// taken straight to signing.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, goTo } from './helpers'

test('generate a key and CSR guided by a profile, verify it, save it and sign it', async ({ app, harness }) => {
  await createRootCa(app, 'CSR CA')
  await goTo(app, 'Generate CSR')
  // The code-signing profile allows only RSA 3072/4096 and ECDSA P-256/P-384, and needs O and C.
  await app.getByRole('combobox', { name: 'Guided by profile' }).click()
  await app.getByRole('option', { name: 'Code signing (3 years)' }).click()
  await app.getByRole('combobox', { name: 'Key type' }).click()
  const options = await app.getByRole('option').allInnerTexts()
  expect(options).toEqual(['RSA 3072', 'RSA 4096', 'ECDSA P-256', 'ECDSA P-384'])
  await app.getByRole('option', { name: 'ECDSA P-384' }).click()
  await expect(app.getByRole('textbox', { name: 'Organization (O)' })).toHaveAttribute('required', '')
  await expect(app.getByRole('textbox', { name: 'Country (C, two letters)' })).toHaveAccessibleDescription(/\[A-Z\]\{2\}/)

  await app.getByRole('textbox', { name: 'Common name (CN)' }).fill('Release Signing')
  await app.getByRole('textbox', { name: 'Organization (O)' }).fill('Example')
  await app.getByRole('textbox', { name: 'Country (C, two letters)' }).fill('DE')
  await app.getByLabel('Subject alternative names').fill('email:release@example.com')
  await expect(app.getByText('Will request: EMAIL: release@example.com')).toBeVisible()
  await app.getByRole('textbox', { name: 'Passphrase', exact: true }).fill('generated key pass')
  await app.getByRole('textbox', { name: 'Confirm passphrase' }).fill('generated key pass')
  await app.getByRole('button', { name: 'Generate key and CSR' }).click()
  const pem = await app.getByLabel('Generated CSR').innerText()
  expect(pem).toContain('-----BEGIN CERTIFICATE REQUEST-----')
  const text = execFileSync('openssl', ['req', '-noout', '-text', '-verify'], { input: pem, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
  expect(text).toMatch(/Subject: C ?= ?DE, O ?= ?Example, CN ?= ?Release Signing/)
  expect(text).toContain('NIST CURVE: P-384')
  expect(text).toContain('email:release@example.com')
  // Its Structure tab: the request as an ASN.1 tree, its outermost element as long as the DER says, navigable by keyboard.
  await app.getByRole('tab', { name: 'Structure' }).click()
  const tree = app.getByRole('tree', { name: 'ASN.1 structure of the generated CSR' })
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const hl = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2
  await expect(tree.getByRole('treeitem').first()).toHaveAccessibleName(new RegExp(`^SEQUENCE\\s.*offset 0\\s+header ${hl}\\s+length ${der.length - hl}\\s`))
  await tree.getByRole('treeitem').first().focus()
  await app.keyboard.press('ArrowDown')
  await app.keyboard.press('ArrowRight')
  await app.keyboard.press('End')
  await expect(tree.locator('[role="treeitem"][tabindex="0"]')).toHaveAccessibleName(/^BIT STRING/)
  await app.getByRole('tab', { name: 'PEM' }).click()

  await app.getByRole('button', { name: 'Save…' }).click()
  await expect(app.getByRole('status')).toContainText('Release_Signing.csr')
  const dir = join(harness.outputDir, 'save-1')
  expect(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')).toBe(pem)

  // The key, as encrypted PKCS#8 written by main: OpenSSL opens it with the password only, and
  // it is the CSR's key.
  await app.getByRole('button', { name: 'Export key…' }).click()
  const keyDialog = app.getByRole('dialog')
  await expect(keyDialog.getByRole('radio')).toHaveCount(1)
  await keyDialog.getByRole('textbox', { name: 'File password', exact: true }).fill('exported key pass')
  await keyDialog.getByRole('textbox', { name: 'Confirm file password' }).fill('exported key pass')
  await keyDialog.getByRole('button', { name: 'Export key…' }).click()
  await expect(keyDialog.getByRole('status')).toContainText('save-2')
  const keyDir = join(harness.outputDir, 'save-2')
  const keyFile = join(keyDir, readdirSync(keyDir)[0]!)
  expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
  const keyPub = execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:exported key pass', '-pubout'], { encoding: 'utf8' })
  expect(keyPub).toBe(execFileSync('openssl', ['req', '-noout', '-pubkey'], { input: pem, encoding: 'utf8' }))
  expect(spawnSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:wrong password!', '-noout']).status).not.toBe(0)
  await keyDialog.getByRole('button', { name: 'Close', exact: true }).click()

  await app.getByRole('button', { name: 'Sign it now' }).click()
  await expect(app.getByRole('main')).toHaveAccessibleName('Sign requests')
  await expect(app.getByTestId('csr-card')).toHaveCount(1)
  await expect(app.getByTestId('csr-card')).toContainText('CN=Release Signing, O=Example, C=DE')
  await expect(app.getByRole('combobox', { name: 'Profile' })).toHaveValue('Code signing (3 years)')
})

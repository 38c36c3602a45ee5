// Name constraints from the create-CA dialog: a line that cannot be read is refused beside its
// list; the CA made with permitted and excluded names carries them in a critical extension
// (read by OpenSSL), and its details panel says them.
import { execFileSync } from 'node:child_process'
import type { PkiApi } from '../../src/shared/ipc/contract'
import { test, expect } from './fixtures'
import { goTo } from './helpers'

const PASS = 'correct horse battery staple'

test('a root with permitted and excluded names, typed in the create dialog', async ({ app }) => {
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'New root CA' }).first().click()
  const dialog = app.getByRole('dialog', { name: 'New root CA' })
  await dialog.getByLabel('Name in PKI Desk').fill('Constrained Root')
  await dialog.getByLabel('Common name (CN)').fill('Constrained Root CA')
  await dialog.getByRole('textbox', { name: 'Passphrase', exact: true }).fill(PASS)
  await dialog.getByRole('textbox', { name: 'Confirm passphrase' }).fill(PASS)
  const permitted = dialog.getByRole('textbox', { name: 'Permitted names' })
  const excluded = dialog.getByRole('textbox', { name: 'Excluded names' })
  await permitted.fill('dns:example.com\nhost:example.org')
  await excluded.fill('dns:bad.example.com')
  await dialog.getByRole('button', { name: 'Create root' }).click()
  await expect(permitted).toHaveAttribute('aria-invalid', 'true')
  await expect(permitted).toHaveAccessibleDescription(/Line 2: "host:example.org" is not TYPE:value/)
  await expect(dialog).toBeVisible()
  // Main checks each subtree's own syntax and names the entry.
  await permitted.fill('dns:example.com\nip:10.0.0.0/33')
  await dialog.getByRole('button', { name: 'Create root' }).click()
  await expect(permitted).toHaveAttribute('aria-invalid', 'true')
  await permitted.fill('dns:example.com\nip:10.0.0.0/8')
  await dialog.getByRole('button', { name: 'Create root' }).click()
  await expect(dialog).toBeHidden()

  const pem = await app.evaluate(async () => {
    const pki = (globalThis as unknown as { pki: PkiApi }).pki
    const r = await pki.authorities.list({})
    const id = r.ok ? r.value.items.find((a) => a.name === 'Constrained Root')?.id : undefined
    const d = id ? await pki.authorities.get({ authorityId: id }) : null
    return d?.ok ? (d.value.certificatePem ?? '') : ''
  })
  const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'nameConstraints'], { input: pem, encoding: 'utf8' })
  expect(text).toMatch(/X509v3 Name Constraints: critical/)
  expect(text).toMatch(/Permitted:\s+DNS:example\.com\s+IP:10\.0\.0\.0\/255\.0\.0\.0/)
  expect(text).toMatch(/Excluded:\s+DNS:bad\.example\.com/)
  await expect(app.getByRole('main')).toContainText('example.com')
})

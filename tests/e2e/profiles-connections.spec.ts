// Profiles (search, kind filter, editor with live validation from the shared schema,
// preview against a sample CSR, duplicate, archive, dialect export and import) and
// connections (add with the coded error beside the field; the outbox with retry/discard).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { fixture, goTo } from './helpers'

test('profiles: filter, edit with live validation, preview, duplicate, archive, export and import', async ({ app, harness }) => {
  await goTo(app, 'Profiles')
  const list = app.getByRole('navigation', { name: 'Profile list' })
  await expect(list.getByRole('button')).toHaveCount(6)
  await app.getByLabel('Search by name').fill('tls')
  await expect(list.getByRole('button')).toHaveCount(2)
  await app.getByLabel('Search by name').fill('')
  await app.getByRole('combobox', { name: 'Kind' }).click()
  await app.getByRole('option', { name: 'CA (issues CA certificates)' }).click()
  await expect(list.getByRole('button')).toHaveCount(1)
  await app.getByRole('combobox', { name: 'Kind' }).click()
  await app.getByRole('option', { name: 'All profiles' }).click()

  await list.getByRole('button', { name: /TLS server/ }).click()
  await app.getByRole('button', { name: 'Edit', exact: true }).click()
  const validity = app.getByRole('textbox', { name: 'Validity', exact: true })
  await validity.fill('90 days')
  // Live: the shared schema's message, beside the field, before anything is sent.
  await expect(validity).toHaveAttribute('aria-invalid', 'true')
  await expect(validity).toHaveAccessibleDescription(/must be a duration such as 90d/)
  await expect(app.getByTestId('profile-validity')).toHaveText('1 problem to fix before saving.')
  await expect(app.getByRole('button', { name: 'Save changes' })).toBeDisabled()
  await validity.fill('30d')
  await expect(app.getByTestId('profile-validity')).toHaveText('The profile is valid.')
  // Subject rules: an unknown attribute is flagged on its own cell, live.
  const rules = app.getByRole('table', { name: 'Subject attribute rules' })
  const before = await rules.getByRole('row').count()
  await app.getByRole('button', { name: 'Add rule' }).click()
  const attr = rules.getByRole('textbox', { name: `Attribute of rule ${before}` })
  await attr.fill('XX')
  await expect(attr).toHaveAttribute('aria-invalid', 'true')
  await expect(attr).toHaveAccessibleDescription(/known attribute short name/)
  await attr.fill('OU')
  await expect(app.getByTestId('profile-validity')).toHaveText('The profile is valid.')
  await rules.getByRole('button', { name: `Remove rule ${before}` }).click()
  await expect(rules.getByRole('row')).toHaveCount(before)

  await app.getByLabel('Sample CSR (PEM)').fill(fixture('web1.csr'))
  await app.getByRole('button', { name: 'Preview' }).click()
  await expect(app.getByRole('table', { name: 'Profile preview' })).toBeVisible()
  await app.getByRole('button', { name: 'Save changes' }).click()
  await expect(list.getByRole('button', { name: /TLS server/ })).toContainText('30d')

  await app.getByRole('button', { name: 'Duplicate' }).click()
  await expect(list.getByRole('button')).toHaveCount(7)
  await app.getByRole('button', { name: 'Archive' }).click()
  await expect(list.getByRole('button')).toHaveCount(6)
  await app.getByRole('switch', { name: 'Show archived' }).check()
  await expect(list.getByText('archived')).toHaveCount(1)

  await list.getByRole('button', { name: /TLS server/ }).first().click()
  await app.getByRole('button', { name: 'Export…' }).click()
  const exp = app.getByRole('dialog')
  await exp.getByRole('combobox', { name: 'Dialect' }).click()
  await app.getByRole('option', { name: 'Lamassu issuance profile' }).click()
  await exp.getByRole('button', { name: 'Export…' }).click()
  await expect(exp.getByRole('status')).toContainText('lamassu.json')
  const dir = join(harness.outputDir, 'save-1')
  const exported = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')
  expect(() => JSON.parse(exported)).not.toThrow()
  await exp.getByRole('button', { name: 'Close', exact: true }).click()

  await app.getByRole('button', { name: 'Import…' }).click()
  const imp = app.getByRole('dialog')
  await imp.getByLabel('Profile JSON').fill(exported)
  await imp.getByRole('button', { name: 'Import', exact: true }).click()
  // The name is taken: the coded error sits beside the name field.
  const name = imp.getByRole('textbox', { name: 'Name for the imported profile (optional)' })
  await expect(name).toHaveAttribute('aria-invalid', 'true')
  await expect(name).toHaveAccessibleDescription(/already exists/)
  await name.fill('TLS server from Lamassu')
  await imp.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(imp).toContainText('Imported TLS server from Lamassu')
})

test('connections: a bad URL is refused beside its field; the outbox can be retried and discarded', async ({ app }) => {
  await goTo(app, 'Connections')
  await expect(app.getByText('No connector')).toBeVisible()
  await app.getByRole('button', { name: 'Add connector' }).first().click()
  const dialog = app.getByRole('dialog', { name: 'Add a connector' })
  await dialog.getByRole('textbox', { name: 'Name' }).fill('lab')
  await dialog.getByRole('textbox', { name: 'Base URL' }).fill('http://ca.example.com')
  await dialog.getByRole('button', { name: 'Add connector' }).click()
  await expect(dialog.getByRole('textbox', { name: 'Base URL' })).toHaveAttribute('aria-invalid', 'true')
  await dialog.getByRole('textbox', { name: 'Base URL' }).fill('https://ca.example.com')
  await dialog.getByRole('button', { name: 'Add connector' }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('lab')
  await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('missing')
})

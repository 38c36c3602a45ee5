// Profiles (search, kind filter, editor with live validation from the shared schema,
// preview against a sample CSR, duplicate, archive, dialect export and import) and
// connections (add with the coded error beside the field; every connector setting on the
// form, edited and removed; the outbox with retry/discard).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, screenshot } from './fixtures'
import { createRootCa, fixture, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'
import type { ConnectorDto } from '../../src/shared/domain/sync'

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

test('connections: every setting the CLI sets is on the form (CertCentral account and remote CA, Palo Alto path and signed_by, variable, CA bundle, timeout), and an edit changes or removes them', async ({ app }) => {
  const root = await createRootCa(app, 'Lab TLS Root')
  const rootPem = await app.evaluate(async (id) => {
    const r = await (globalThis as unknown as { pki: PkiApi }).pki.authorities.get({ authorityId: id })
    if (!r.ok || !r.value.certificatePem) throw new Error('no CA certificate')
    return r.value.certificatePem
  }, root.id)
  await goTo(app, 'Connections')
  await app.getByRole('button', { name: 'Add connector' }).first().click()
  const add = app.getByRole('dialog', { name: 'Add a connector' })
  await add.getByRole('textbox', { name: 'Name', exact: true }).fill('cc')
  await add.getByRole('combobox', { name: 'Platform' }).click()
  await app.getByRole('option', { name: 'DigiCert CertCentral automation' }).click()
  await add.getByRole('textbox', { name: 'Base URL' }).fill('https://cc.lab.example/automationws/v1')
  await add.getByText('Environment variable', { exact: true }).click()
  await add.getByRole('textbox', { name: 'Variable name' }).fill('PKIDESK_PASSPHRASE')
  await add.getByRole('textbox', { name: 'Account id (accountId)' }).fill('acct-7')
  await add.getByRole('textbox', { name: 'Division id (divisionId)' }).fill('42')
  await add.getByRole('textbox', { name: 'Organization name (organizationName)' }).fill('Example Ltd')
  await add.getByRole('textbox', { name: 'Organization id (organizationId)' }).fill('1001')
  await add.getByRole('textbox', { name: 'Product type (productType)' }).fill('private_ssl')
  await add.getByRole('textbox', { name: 'Remote CA certificate id (caCertId)' }).fill('9F3A')
  await add.getByRole('textbox', { name: 'Remote CA certificate name (caCertName)' }).fill('Lab ICA')
  await add.getByRole('textbox', { name: 'Request timeout (ms)' }).fill('4500')
  await add.getByRole('textbox', { name: 'Extra trust anchors (PEM CA bundle)' }).fill('not a certificate')
  await add.getByRole('button', { name: 'Add connector' }).click()
  // PKI Desk's own variables are refused beside the field; then the bundle's refusal beside its own.
  await expect(add.getByRole('textbox', { name: 'Variable name' })).toHaveAttribute('aria-invalid', 'true')
  await add.getByRole('textbox', { name: 'Variable name' }).fill('CC_API_KEY')
  await add.getByRole('button', { name: 'Add connector' }).click()
  await expect(add.getByRole('textbox', { name: 'Extra trust anchors (PEM CA bundle)' })).toHaveAttribute('aria-invalid', 'true')
  await add.getByRole('textbox', { name: 'Extra trust anchors (PEM CA bundle)' }).fill(rootPem)
  await expect(add.getByRole('textbox', { name: 'Extra trust anchors (PEM CA bundle)' })).not.toHaveAttribute('aria-invalid', 'true')
  await add.getByRole('textbox', { name: 'Name', exact: true }).scrollIntoViewIfNeeded()
  await screenshot(app, 'connector-dialog-light')
  await add.getByRole('button', { name: 'Add connector' }).click()
  await expect(add).toBeHidden()
  await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('$CC_API_KEY (not set)')

  const list = async (): Promise<ConnectorDto> =>
    app.evaluate(async () => {
      const r = await (globalThis as unknown as { pki: PkiApi }).pki.connectors.list({})
      if (!r.ok) throw new Error(r.error.message)
      return r.value.connectors[0]!
    })
  const added = await list()
  expect(added.baseUrl).toBe('https://cc.lab.example/automationws/v1')
  expect(added.settings).toStrictEqual({
    timeoutMs: 4500,
    credentialEnv: 'CC_API_KEY',
    caBundlePem: rootPem.trim(),
    certCentral: { accountId: 'acct-7', divisionId: 42, organizationName: 'Example Ltd', organizationId: 1001, productType: 'private_ssl', caCertId: '9F3A', caCertName: 'Lab ICA' }
  })

  // Edit: the form starts from the stored values; emptied fields are removed, the keychain replaces the variable.
  await app.getByRole('button', { name: 'Edit connector cc' }).click()
  const edit = app.getByRole('dialog', { name: 'Edit connector cc' })
  await expect(edit.getByRole('textbox', { name: 'Account id (accountId)' })).toHaveValue('acct-7')
  await expect(edit.getByRole('textbox', { name: 'Variable name' })).toHaveValue('CC_API_KEY')
  await edit.getByRole('textbox', { name: 'Division id (divisionId)' }).fill('')
  await edit.getByRole('textbox', { name: 'Remote CA certificate name (caCertName)' }).fill('')
  await edit.getByRole('textbox', { name: 'Extra trust anchors (PEM CA bundle)' }).fill('')
  await edit.getByText('OS keychain', { exact: true }).click()
  await edit.getByLabel('API key or token').fill('s3cret-token')
  await edit.getByRole('switch', { name: /Enabled/ }).press('Space')
  await edit.getByRole('button', { name: 'Save connector' }).click()
  await expect(edit).toBeHidden()
  const edited = await list()
  expect(edited.enabled).toBe(false)
  expect(edited.hasCredential).toBe(true)
  expect(edited.settings).toStrictEqual({ timeoutMs: 4500, certCentral: { accountId: 'acct-7', organizationName: 'Example Ltd', organizationId: 1001, productType: 'private_ssl', caCertId: '9F3A' } })
  await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('disabled')
  await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('stored')

  // Palo Alto: its base path and signed_by, set and then removed.
  await app.evaluate(() => (globalThis as unknown as { pki: PkiApi }).pki.connectors.remove({ name: 'cc' }))
  await app.getByRole('button', { name: 'Add connector' }).first().click()
  await add.getByRole('textbox', { name: 'Name', exact: true }).fill('fw')
  await add.getByRole('combobox', { name: 'Platform' }).click()
  await app.getByRole('option', { name: 'Palo Alto Networks configuration API' }).click()
  await expect(add.getByRole('textbox', { name: 'Account id (accountId)' })).toHaveCount(0)
  await add.getByRole('textbox', { name: 'Base URL' }).fill('https://fw.lab.example')
  await add.getByRole('textbox', { name: 'Base path' }).fill('/sse/config/v1')
  await add.getByRole('textbox', { name: 'Signed by (signed_by)' }).fill('Lab-Signing-CA')
  await add.getByRole('button', { name: 'Add connector' }).click()
  await expect(add).toBeHidden()
  expect((await list()).settings).toMatchObject({ basePath: '/sse/config/v1', signedBy: 'Lab-Signing-CA' })
  await app.getByRole('button', { name: 'Edit connector fw' }).click()
  const editFw = app.getByRole('dialog', { name: 'Edit connector fw' })
  await editFw.getByRole('textbox', { name: 'Signed by (signed_by)' }).fill('')
  await editFw.getByRole('button', { name: 'Save connector' }).click()
  await expect(editFw).toBeHidden()
  const fw = await list()
  expect(fw.settings.basePath).toBe('/sse/config/v1')
  expect(fw.settings).not.toHaveProperty('signedBy')
})

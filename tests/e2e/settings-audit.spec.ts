// Settings (theme toggle that persists in main, auto-lock with its coded error beside the
// field, keychain status) and the audit trail (integrity status, entries in words, search by
// CN, serial, CA and action, filters by action and date, the detail pane, exports).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('the theme follows the OS until chosen; the choice persists across a reload', async ({ app }) => {
  const html = app.locator('html')
  await app.emulateMedia({ colorScheme: 'dark' })
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await app.emulateMedia({ colorScheme: 'light' })
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'light')
  const toggle = app.getByRole('group', { name: 'Theme', exact: true })
  await toggle.getByText('Dark').click()
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'dark')
  await app.reload()
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'dark')
  const stored = await app.evaluate(() => (globalThis as unknown as { pki: { settings: { get(r: object): Promise<unknown> } } }).pki.settings.get({}))
  expect(stored).toMatchObject({ ok: true, value: { theme: 'dark' } })
  // Keyboard: the theme control is reachable and operable without a mouse.
  await toggle.getByRole('radio', { name: 'System' }).focus()
  await app.keyboard.press('Space')
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'light')
})

test('auto-lock refuses an out-of-range value beside the field; keychain status is shown', async ({ app }) => {
  await goTo(app, 'Settings')
  await expect(app.getByTestId('keychain-status')).toHaveText('available')
  const field = app.getByRole('textbox', { name: 'Lock unlocked keys after (minutes idle)' })
  await field.fill('5000')
  await field.press('Enter')
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(field).toHaveAccessibleDescription(/too big: at most 1440 is allowed/)
  await field.fill('30')
  await field.press('Enter')
  await expect(app.getByText('Saved', { exact: true })).toBeVisible()
  await app.reload()
  await goTo(app, 'Settings')
  await expect(field).toHaveValue('30')
})

test('the audit trail shows its integrity, filters and exports', async ({ app, harness }) => {
  await createRootCa(app, 'Audited CA')
  await goTo(app, 'Audit trail')
  await expect(app.getByTestId('audit-verdict')).toContainText('Integrity verified')
  const entries = app.getByRole('table', { name: 'Audit entries' }).getByRole('row')
  await expect(entries.filter({ hasText: 'Created a CA' })).toHaveCount(1)
  await expect(entries.filter({ hasText: 'Created a CA' })).toContainText('CA Audited CA')
  await app.getByLabel('Search').fill('no-such-subject')
  await expect(app.getByText('No entry matches')).toBeVisible()
  await app.getByRole('button', { name: 'Reset filters' }).click()
  await app.getByRole('button', { name: 'Export…' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'saved' })).toContainText('head hash')
  const dir = join(harness.outputDir, 'save-1')
  const lines = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8').trim().split('\n')
  expect(lines.length).toBeGreaterThan(1)
  expect(lines.some((l) => (JSON.parse(l) as { action: string }).action === 'authority.create')).toBe(true)
})

test('audit entries in words: search by CN and by serial, filter by action and date, the detail pane, export of the filtered view', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Words CA')
  const [id] = await issue(app, ca.id, [fixture('web1.csr'), fixture('web2.csr')])
  const serial = await app.evaluate(async (certId) => {
    const r = await (globalThis as unknown as PageGlobal).pki.certificates.get({ id: certId })
    return r.ok ? r.value.serial : ''
  }, id!)
  await goTo(app, 'Audit trail')
  const rows = app.getByRole('table', { name: 'Audit entries' }).getByRole('row')
  const issued = rows.filter({ hasText: 'Issued a certificate' })
  await expect(issued).toHaveCount(2)
  // In words: which certificate by CN and serial, which CA, which profile.
  await expect(issued.filter({ hasText: 'web1.example.com' })).toContainText('CA Words CA')
  await expect(issued.filter({ hasText: 'web1.example.com' })).toContainText('profile built-in minimal TLS server')
  // By CN.
  await app.getByLabel('Search').fill('web2.example.com')
  await expect(app.getByTestId('audit-count')).toHaveText('1 entry match')
  await expect(rows.filter({ hasText: 'Issued a certificate' })).toContainText('web2.example.com')
  // By serial, with colons as the certificate view shows it.
  await app.getByLabel('Search').fill(serial.toUpperCase().match(/.{2}/g)!.join(':'))
  await expect(app.getByTestId('audit-count')).toHaveText('1 entry match')
  await expect(rows.filter({ hasText: 'Issued a certificate' })).toContainText('web1.example.com')
  // The detail pane: the recorded details and the hash link.
  await rows.filter({ hasText: 'Issued a certificate' }).click()
  const detail = app.getByTestId('audit-detail')
  await expect(detail).toContainText('certificate.issue')
  await expect(detail).toContainText(serial)
  await expect(detail).toContainText('whose hash is')
  // Export of the filtered view: exactly the entry shown.
  await app.getByRole('button', { name: 'Export filtered…' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'filtered view saved' })).toContainText('1 entry')
  const dir = join(harness.outputDir, 'save-1')
  const lines = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8').trim().split('\n')
  expect(lines.map((l) => (JSON.parse(l) as { action: string }).action)).toEqual(['certificate.issue'])
  // By CA name, by action, and by a date window that excludes everything.
  await app.getByLabel('Search').fill('Words CA')
  await expect(app.getByTestId('audit-count')).toHaveText(/\d+ entries match/)
  await expect(rows.filter({ hasText: 'Issued a certificate' })).toHaveCount(2)
  await app.getByRole('button', { name: 'Reset filters' }).click()
  await app.getByRole('combobox', { name: 'Action' }).click()
  await app.getByRole('option', { name: /Issued a certificate/ }).click()
  await expect(app.getByTestId('audit-count')).toHaveText('2 entries match')
  await app.getByLabel('To').fill('2001-01-01')
  await expect(app.getByText('No entry matches')).toBeVisible()
})

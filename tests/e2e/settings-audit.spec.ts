// Settings (theme toggle that persists in main, auto-lock with its coded error beside the
// field, keychain status) and the audit trail (integrity status, filter, export).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, goTo } from './helpers'

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
  await expect(field).toHaveAccessibleDescription(/autoLockMinutes/)
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
  await expect(entries.getByRole('cell', { name: 'authority.create', exact: true })).toHaveCount(1)
  await app.getByLabel('Filter by subject').fill('no-such-subject')
  await expect(app.getByText('No entry matches')).toBeVisible()
  await app.getByLabel('Filter by subject').fill('')
  await app.getByRole('button', { name: 'Export…' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'saved' })).toContainText('head hash')
  const dir = join(harness.outputDir, 'save-1')
  const lines = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8').trim().split('\n')
  expect(lines.length).toBeGreaterThan(1)
  expect(lines.some((l) => (JSON.parse(l) as { action: string }).action === 'authority.create')).toBe(true)
})

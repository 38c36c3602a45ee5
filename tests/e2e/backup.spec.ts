// Settings → Backup (a split backup with named custodians, written by main to the place its
// dialog chose), first start of another store offering "Restore from a backup" (two of the
// shares, one sealed by its custodian), and the custodian unlock (one field per custodian:
// one is not enough, two are). Screenshots of each.
import { readdirSync } from 'node:fs'
import { test, expect, screenshot } from './fixtures'
import { createRootCa, expectAccessible, fixture, goTo, issue } from './helpers'
import { startHarness } from '../harness/server'

const ALICE = 'alice custodian passphrase'

function listAll(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => e.name)
}

test('Settings → Backup writes a split backup; a new store restores it on first start', async ({ app, harness, browser }) => {
  test.setTimeout(120_000)
  const root = await createRootCa(app, 'Backed-up Root')
  expect(root.unlocked).toBe(true)
  await goTo(app, 'Settings')
  const section = app.getByRole('region', { name: 'Backup' })
  await section.getByText('Shares for custodians (M of N)').click()
  await section.getByRole('textbox', { name: 'Share 1: custodian', exact: true }).fill('Alice')
  await section.getByRole('textbox', { name: 'Share 1: custodian passphrase' }).fill(ALICE)
  await section.getByRole('textbox', { name: 'Share 2: custodian', exact: true }).fill('Bob')
  await section.getByRole('textbox', { name: 'Share 3: custodian', exact: true }).fill('Carol')
  await section.getByRole('button', { name: 'Make a backup…' }).click()
  await expect(section.getByText('Saved', { exact: true })).toBeVisible()
  await expect(section).toContainText('Last backup')
  await expect(section).toContainText('Share files: 3')
  const written = listAll(harness.outputDir)
  expect(written.filter((f) => f.endsWith('.pkibackup'))).toHaveLength(1)
  expect(written.filter((f) => /\.share-\d-of-3-(Alice|Bob|Carol)\.txt$/.test(f))).toHaveLength(3)
  await section.scrollIntoViewIfNeeded()
  await expectAccessible(app, 'settings backup')
  await screenshot(app, 'settings-backup-light')

  // The reminder: editable here, shown on the dashboard once a certificate has been issued since.
  const afterIssuances = section.getByRole('textbox', { name: '…or after (certificates issued)' })
  await afterIssuances.fill('1')
  await afterIssuances.blur()
  await expect.poll(() => app.evaluate(async () => {
    const r = await (globalThis as unknown as { pki: { settings: { get(r: object): Promise<{ ok: boolean; value: { backupReminderIssuances: number } }> } } }).pki.settings.get({})
    return r.value.backupReminderIssuances
  })).toBe(1)
  await goTo(app, 'Dashboard')
  const reminder = app.getByRole('heading', { name: 'Backup', exact: true }).locator('xpath=ancestor::div[contains(@class, "mantine-Card-root")]')
  await expect(reminder).toContainText('Last backup')
  await expect(reminder).not.toContainText('Backup due')
  await issue(app, root.id, [fixture('web1.csr')])
  await expect(reminder).toContainText('Backup due')
  await expect(reminder).toContainText('1 certificate since the last backup (reminder after 1): make a backup.')
  await screenshot(app, 'dashboard-backup-due-light')

  // Another machine: a fresh store reading the same folder. Its dashboard offers the restore.
  const other = await startHarness({ outputDir: harness.outputDir })
  const page = await browser.newPage()
  try {
    await page.goto(other.url)
    await page.getByRole('button', { name: 'Restore from a backup' }).click()
    const dialog = page.getByRole('dialog', { name: 'Restore from a backup' })
    await dialog.getByRole('button', { name: 'Choose the backup file…' }).click()
    await expect(dialog.getByLabel('Backup contents')).toContainText('1 authorities')
    await expect(dialog.getByLabel('Backup contents')).toContainText('any 2 of 3 shares')
    await dialog.getByRole('button', { name: 'Choose the share files…' }).click()
    await dialog.getByRole('textbox', { name: /^Alice's share passphrase/ }).fill(ALICE)
    await dialog.getByRole('combobox', { name: 'Protect the restored keys on this machine with' }).click()
    await page.getByRole('option', { name: 'OS keychain' }).click()
    await screenshot(page, 'restore-dialog-light')
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click()
    await expect(dialog.getByRole('status')).toContainText('Restored 1 authorities')
    await dialog.getByRole('button', { name: 'Done' }).click()
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Authorities' }).click()
    await expect(page.getByRole('main')).toContainText('Backed-up Root')
    const r = await page.evaluate(() => (globalThis as unknown as { pki: { audit: { verify(r: object): Promise<{ ok: boolean; value: { intact: boolean } }> } } }).pki.audit.verify({}))
    expect(r.value.intact).toBe(true)
  } finally {
    await page.close()
    await other.close()
  }
})

test('a custodian-held root unlocks with two custodians in one sitting, not with one', async ({ app }) => {
  test.setTimeout(90_000)
  const root = await createRootCa(app, 'Ceremony Root')
  const set = await app.evaluate(
    ({ id }) =>
      (globalThis as unknown as { pki: { authorities: { setCustodians(r: object): Promise<{ ok: boolean }> ; lock(r: object): Promise<unknown> } } }).pki.authorities
        .setCustodians({ authorityId: id, threshold: 2, custodians: [{ name: 'Alice', passphrase: 'alice long passphrase' }, { name: 'Bob', passphrase: 'bob long passphrase!' }, { name: 'Carol', passphrase: 'carol long passphrase' }] }),
    { id: root.id }
  )
  expect(set.ok).toBe(true)
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Lock', exact: true }).click()
  await app.getByRole('button', { name: 'Unlock', exact: true }).click()
  const dialog = app.getByRole('dialog', { name: 'Unlock Ceremony Root' })
  await expect(dialog).toContainText('Any 2 of its 3 custodians')
  await dialog.getByRole('textbox', { name: "Alice's passphrase" }).fill('alice long passphrase')
  await dialog.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(dialog).toContainText('Only 1 of the 2 custodians needed were present (Alice)')
  await dialog.getByRole('textbox', { name: "Carol's passphrase" }).fill('carol long passphrase')
  await expectAccessible(app, 'custodian unlock')
  await screenshot(app, 'custodian-unlock-light')
  await dialog.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('button', { name: 'Lock', exact: true })).toBeVisible()
  // The sitting is in the trail with both names (and the refused one with Alice's).
  const audit = await app.evaluate(() => (globalThis as unknown as { pki: { audit: { list(r: object): Promise<{ ok: boolean; value: { entries: { action: string; details: string }[] } }> } } }).pki.audit.list({ limit: 10 }))
  const byAction = Object.fromEntries(audit.value.entries.map((e) => [e.action, JSON.parse(e.details) as unknown]))
  expect(byAction['vault.unlock']).toEqual({ custodians: ['Alice', 'Carol'] })
  expect(byAction['vault.unlock-failed']).toMatchObject({ code: 'CUSTODIANS_TOO_FEW', custodians: ['Alice'] })
})

test('Settings → Backup with a backup passphrase; Verify refuses a wrong passphrase with its code and checks the whole backup with the right one', async ({ app }) => {
  await createRootCa(app, 'Passphrase Backup Root')
  await goTo(app, 'Settings')
  const section = app.getByRole('region', { name: 'Backup' })
  await section.getByLabel('Backup passphrase (at least 12 characters)').fill('short')
  await section.getByRole('button', { name: 'Make a backup…' }).click()
  await expect(section.getByLabel('Backup passphrase (at least 12 characters)')).toHaveAttribute('data-invalid', 'true')
  await section.getByLabel('Backup passphrase (at least 12 characters)').fill('the backup passphrase for the safe')
  await section.getByRole('button', { name: 'Make a backup…' }).click()
  await expect(section.getByText('Saved', { exact: true })).toBeVisible()
  await expect(section).toContainText('(backup passphrase)')

  await section.getByRole('button', { name: 'Verify a backup…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Verify a backup' })
  await dialog.getByRole('button', { name: 'Choose the backup file…' }).click()
  await expect(dialog.getByLabel('Backup contents')).toContainText('Protected by a backup passphrase')
  await expect(dialog.getByRole('combobox', { name: 'Protect the restored keys on this machine with' })).toHaveCount(0)
  await dialog.getByLabel('Backup passphrase').fill('not the backup passphrase')
  await dialog.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(dialog.getByLabel('Backup passphrase')).toHaveAttribute('data-invalid', 'true')
  await expect(dialog).toContainText('does not open with this key')
  await dialog.getByLabel('Backup passphrase').fill('the backup passphrase for the safe')
  await dialog.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(dialog.getByRole('status')).toContainText('opens with this passphrase and checks out')
  await expect(dialog.getByRole('status')).toContainText('Nothing was restored')
  await expectAccessible(app, 'verify backup')
  await screenshot(app, 'verify-backup-light')
  await dialog.getByRole('button', { name: 'Done' }).click()
  // Verifying restored nothing and changed no authority.
  await goTo(app, 'Authorities')
  await expect(app.getByRole('main')).toContainText('Passphrase Backup Root')
})

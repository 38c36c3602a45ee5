// The certificates table's columns: profile, issued on, key held, renewal links both ways
// (the table and the certificate view), every column sorting in main, and the column chooser
// kept across a reload.
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('columns for profile, issued on, key held and renewals (linked both ways); every column sorts; the chooser persists', async ({ app }) => {
  const ca = await createRootCa(app, 'Columns CA')
  await issue(app, ca.id, [fixture('web1.csr')])
  const { originalSerial, renewalSerial } = await app.evaluate(async (authorityId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const made = await pki.csr.generate({ subject: [[{ type: 'CN', value: 'held.example.com' }]], sans: [{ type: 'dns', value: 'held.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
    if (!made.ok) throw new Error(made.error.message)
    const issued = await pki.certificates.issue({ authorityId, profileId: 'tls-server', confirmWarnings: true, items: [{ csrPem: made.value.pem, input: {} }] })
    const first = issued.ok ? issued.value.results[0] : undefined
    if (!first?.ok) throw new Error('not issued')
    const renewed = await pki.certificates.renew({ id: first.certificateId, confirmWarnings: true })
    if (!renewed.ok) throw new Error(renewed.error.message)
    return { originalSerial: first.serial, renewalSerial: renewed.value.serial }
  }, ca.id)

  await goTo(app, 'Certificates')
  const table = app.getByRole('table', { name: 'Certificates' })
  const rows = table.getByRole('row')
  /** A column's header (its name gains ▲ or ▼ once sorted by it) and its sort button. */
  const header = (name: string) => table.getByRole('columnheader', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}( [▲▼])?$`) })
  const sortBy = (name: string) => header(name).getByRole('button').click()
  await expect(app.getByTestId('inventory-count')).toHaveText('4 certificates')
  for (const name of ['Subject', 'Names (SAN)', 'Serial', 'Profile', 'Issued on', 'Expires', 'Status', 'Key', 'Renews', 'Renewed by'])
    await expect(table.getByRole('columnheader', { name, exact: true })).toBeVisible()

  // Profile and key held, in the row of each certificate (the first cell is the row's selection box).
  const web1 = rows.filter({ hasText: 'web1.example.com' })
  await expect(web1).toContainText('built-in')
  await expect(web1.getByRole('cell').nth(8)).toHaveText('—')
  const held = rows.filter({ hasText: 'held.example.com' })
  await expect(held).toHaveCount(2)
  await expect(held.first()).toContainText('TLS server (90 days)')
  await expect(held.first().getByRole('cell').nth(8)).toHaveText('held')

  // Sort by key held: the ones without a key first, then the other way.
  await sortBy('Key')
  await expect(header('Key')).toHaveAttribute('aria-sort', 'ascending')
  await expect(rows.nth(1)).toContainText('web1.example.com')
  await sortBy('Key')
  await expect(rows.nth(4)).toContainText('web1.example.com')
  // Every column sorts (its header says so once main answered).
  for (const name of ['Names (SAN)', 'Serial', 'Profile', 'Issued on', 'Expires', 'Status', 'Renews', 'Renewed by', 'Subject']) {
    await sortBy(name)
    await expect(header(name)).toHaveAttribute('aria-sort', 'ascending')
  }
  // Sorted by "Renewed by" descending: the original (renewed) comes first.
  await sortBy('Renewed by')
  await expect(header('Renewed by')).toHaveAttribute('aria-sort', 'ascending')
  await sortBy('Renewed by')
  await expect(header('Renewed by')).toHaveAttribute('aria-sort', 'descending')
  await expect(rows.nth(1).getByRole('button', { name: `Renewed by ${renewalSerial.toUpperCase().slice(0, 10)}…` })).toBeVisible()

  // Linked both ways: the original's "Renewed by" opens the renewal, whose "Renews" goes back.
  await rows.nth(1).getByRole('button', { name: `Renewed by ${renewalSerial.toUpperCase().slice(0, 10)}…` }).click()
  const main = app.getByRole('main')
  await expect(main.getByRole('row', { name: /^Serial number/ })).toContainText(renewalSerial.toUpperCase().match(/.{2}/g)!.join(':'))
  await main.getByRole('button', { name: new RegExp(`certificate ${originalSerial.toUpperCase().match(/.{2}/g)!.join(':')}`) }).click()
  await expect(main.getByRole('row', { name: /^Serial number/ })).toContainText(originalSerial.toUpperCase().match(/.{2}/g)!.join(':'))
  await expect(main.getByRole('row', { name: /^Renewed by/ })).toContainText(renewalSerial.toUpperCase().match(/.{2}/g)!.join(':'))
  await app.getByRole('button', { name: /Back/ }).click()

  // The chooser: hide the names, show the issuer; kept after a reload.
  await app.getByRole('button', { name: 'Columns…' }).click()
  const chooser = app.getByRole('group', { name: 'Columns shown' })
  await expect(chooser.getByRole('checkbox', { name: 'Subject' })).toBeDisabled()
  await chooser.getByRole('checkbox', { name: 'Names (SAN)' }).uncheck()
  await chooser.getByRole('checkbox', { name: 'Issuer' }).check()
  await app.keyboard.press('Escape')
  await expect(table.getByRole('columnheader', { name: 'Names (SAN)' })).toHaveCount(0)
  await expect(table.getByRole('columnheader', { name: 'Issuer' })).toBeVisible()
  await app.reload()
  await goTo(app, 'Certificates')
  await expect(table.getByRole('columnheader', { name: 'Issuer', exact: true })).toBeVisible()
  await expect(table.getByRole('columnheader', { name: 'Names (SAN)' })).toHaveCount(0)
  await app.getByRole('button', { name: 'Columns…' }).click()
  await app.getByRole('button', { name: 'Default columns' }).click()
  await expect(table.getByRole('columnheader', { name: 'Names (SAN)', exact: true })).toBeVisible()
  await expect(table.getByRole('columnheader', { name: 'Issuer' })).toHaveCount(0)
})

// The inventory with 100,000 certificates seeded directly into the test's store: the count,
// paging in as the table scrolls, search and filters still answer. Only the visible rows are
// in the DOM; the dashboard's counts agree. (Latency is measured by tests/harness/bench-inventory.ts, not asserted here.)
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'
import { seedCertificates } from '../harness/seed'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('100,000 certificates: scroll, search and filter stay usable', async ({ app, harness }) => {
  test.setTimeout(120_000)
  const ca = await createRootCa(app, 'Bulk CA')
  const [id] = await issue(app, ca.id, [fixture('web1.csr')])
  const one = await app.evaluate((certId) => (globalThis as unknown as PageGlobal).pki.certificates.get({ id: certId }), id!)
  if (!one.ok) throw new Error(one.error.message)
  const der = Buffer.from(one.value.view.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  seedCertificates(harness.dataDir, { authorityId: ca.id, der, issuer: 'CN=Bulk CA, O=Example', count: 100_000 })

  await goTo(app, 'Certificates')
  const count = app.getByTestId('inventory-count')
  await expect(count).toHaveText('100,002 certificates')
  const table = app.getByRole('table', { name: 'Certificates' })
  await expect(table).toHaveAttribute('aria-rowcount', '100003')
  // Virtualized: a screenful of rows in the DOM, not 100,000.
  expect(await table.getByRole('row').count()).toBeLessThan(80)

  // Scrolling to the end of what is loaded pages in more rows.
  const scroller = app.getByTestId('inventory-scroll')
  const loadedRows = (): Promise<number> => scroller.evaluate((el) => Math.round(el.scrollHeight / 36))
  const before = await loadedRows()
  for (let i = 0; i < 4; i++) {
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
    await app.waitForTimeout(150)
  }
  await expect.poll(loadedRows).toBeGreaterThan(before)
  await expect(table.getByRole('row').last()).toBeVisible()

  // Search finds one certificate among 100,000.
  await app.getByLabel('Search').fill('host-77777.bulk')
  await expect(count).toHaveText('1 certificate match')
  await expect(table.getByRole('row').nth(1)).toContainText('host-77777.bulk.example')

  // Filters: revoked ones (every 50th) and those expiring within 10 days.
  await app.getByLabel('Search').fill('')
  await app.getByRole('combobox', { name: 'Status' }).click()
  await app.getByRole('option', { name: 'revoked' }).click()
  await expect(count).toHaveText('2,000 certificates match')
  await app.getByRole('button', { name: 'Reset filters' }).click()
  await app.getByLabel('Expires within (days)').fill('10')
  await expect(count).toHaveText(/^[\d,]+ certificates match$/)
  const expiring = Number((await count.innerText()).split(' ')[0]!.replace(/,/g, ''))
  expect(expiring).toBeGreaterThan(2000)
  expect(expiring).toBeLessThan(3000)

  // The dashboard counts the same store (certificates:expiryStats, from the tallies): seeded
  // certificates expire 1..400 days from now, 250 on each day, every 50th revoked (day 1's).
  await goTo(app, 'Dashboard')
  const tile = (label: string) => app.getByRole('main').getByText(label, { exact: true }).locator('..')
  await expect(tile('Certificates')).toContainText('100,002')
  await expect(tile('Revoked')).toContainText('2,000')
  await expect(tile('Expiring in 30 days')).toContainText('7,250')
  await expect(app.getByTestId('expiry-timeline')).toHaveAttribute('aria-label', /^Certificates expiring per week\. week of [^:]+: 1500; week of [^:]+: 1750; week of [^:]+: 1750; /)
})

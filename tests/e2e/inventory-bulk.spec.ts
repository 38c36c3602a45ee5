// Multi-select in the certificate inventory and the actions on the selection: rows picked with
// a click, Shift-click and Space; Revoke… opens on the dry run (the count, a sample, a
// certificate on hold said and left), revokes, and OpenSSL finds the serials on the next CRL.
// "Select all N matching the filter" past the loaded page selects by the filter itself (the
// count main answers, not ids); Export… writes one file per certificate plus a bundle in the
// chosen folder, each read by OpenSSL.
import { execFileSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { createRootCa, distinctCsrs, expectAccessible, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

/** Serial (upper-case hex) by subject CN, read through window.pki. */
async function serialsByCn(page: Page, search: string): Promise<Map<string, string>> {
  const r = await page.evaluate((search) => (globalThis as unknown as PageGlobal).pki.certificates.list({ search, limit: 1000, sort: { field: 'subject', direction: 'asc' } }), search)
  if (!r.ok) throw new Error(r.error.message)
  return new Map(r.value.items.map((c) => [c.commonName, c.serial.toUpperCase()]))
}

test('rows picked by click, Shift-click and Space are revoked after the dry run, and the next CRL lists them', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Bulk CA')
  const ids = await issue(app, ca.id, distinctCsrs(7))
  const serials = await serialsByCn(app, 'example.com')
  // web-1 is on hold: the selection includes it, the dry run says so and leaves it.
  const held = await app.evaluate((id) => (globalThis as unknown as PageGlobal).pki.certificates.revoke({ id, reason: 'certificateHold' }), ids[1]!)
  expect(held.ok).toBe(true)

  await goTo(app, 'Certificates')
  await app.getByLabel('Search').fill('web-')
  await expect(app.getByTestId('inventory-count')).toHaveText('7 certificates match')
  const table = app.getByRole('table', { name: 'Certificates' })
  await table.getByRole('button', { name: 'Subject' }).click()
  await expect(table.getByRole('row').nth(1)).toContainText('web-0.example.com')

  // Click web-0, Shift-click web-2: three rows. Space on the focused web-4 adds it; Space on web-5 twice leaves it out.
  await table.getByRole('checkbox', { name: 'Select web-0.example.com' }).click()
  await table.getByRole('checkbox', { name: 'Select web-2.example.com' }).click({ modifiers: ['Shift'] })
  await expect(app.getByTestId('selection-count')).toHaveText('3 certificates selected')
  await table.getByRole('row').nth(5).focus()
  await app.keyboard.press('Space')
  await app.keyboard.press('ArrowDown')
  await app.keyboard.press('Space')
  await app.keyboard.press('Space')
  await expect(app.getByTestId('selection-count')).toHaveText('4 certificates selected')
  await expect(table).toBeVisible() // Space opened no certificate
  for (const cn of ['web-0', 'web-1', 'web-2', 'web-4']) await expect(table.getByRole('checkbox', { name: `Select ${cn}.example.com` })).toBeChecked()
  for (const cn of ['web-3', 'web-5', 'web-6']) await expect(table.getByRole('checkbox', { name: `Select ${cn}.example.com` })).not.toBeChecked()
  // The header box: not all of the page.
  await expect(table.getByRole('checkbox', { name: 'Select the certificates shown' })).not.toBeChecked()

  await app.getByTestId('selection-bar').getByRole('button', { name: 'Revoke…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Revoke the selected certificates' })
  await expect(dialog.getByTestId('bulk-revoke-count')).toHaveText('3 certificates will be revoked.')
  const sample = dialog.getByRole('table', { name: 'Certificates to revoke (a sample)' })
  for (const cn of ['web-0.example.com', 'web-2.example.com', 'web-4.example.com']) await expect(sample).toContainText(serials.get(cn)!)
  await expect(sample).not.toContainText(serials.get('web-1.example.com')!)
  await expect(dialog.getByTestId('bulk-revoke-skipped')).toContainText('1 on hold')
  await expect(dialog.getByTestId('bulk-revoke-skipped')).toContainText(serials.get('web-1.example.com')!)
  await expectAccessible(app, 'bulk revoke dialog')
  await dialog.getByRole('combobox', { name: 'Reason' }).click()
  await app.getByRole('option', { name: /^Key compromise/ }).click()
  await dialog.getByRole('button', { name: 'Revoke 3 certificates' }).click()
  await expect(dialog.getByRole('status').filter({ hasText: 'Revoked' })).toContainText('3 certificates revoked (keyCompromise)')
  await dialog.getByRole('button', { name: 'Done' }).click()
  // Done: the selection is let go, the rows say revoked.
  await expect(app.getByTestId('selection-bar')).toBeHidden()
  await expect(table.getByRole('row').filter({ hasText: 'web-4.example.com' })).toContainText(/revoked/i)

  // The next CRL, read by OpenSSL: the three with keyCompromise, the held one with certificateHold, none of the others.
  const crlPem = await app.evaluate(async (authorityId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const crl = await pki.crl.generate({ authorityId })
    if (!crl.ok) return null
    const pem = await pki.crl.export({ id: crl.value.id, format: 'pem' })
    return pem.ok ? pem.value.base64 : null
  }, ca.id)
  expect(crlPem).not.toBeNull()
  const crlFile = join(harness.outputDir, 'bulk.crl')
  writeFileSync(crlFile, Buffer.from(crlPem!, 'base64'))
  const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], { encoding: 'utf8' })
  const entries = [...text.matchAll(/Serial Number: ([0-9A-F]+)\s+Revocation Date:[^\n]*\n(?:\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code:\s*\n\s+([^\n]+))?/g)].map((m) => [m[1]!, m[2]?.trim() ?? ''] as const)
  expect(new Map(entries)).toEqual(
    new Map([
      [serials.get('web-0.example.com')!, 'Key Compromise'],
      [serials.get('web-1.example.com')!, 'Certificate Hold'],
      [serials.get('web-2.example.com')!, 'Key Compromise'],
      [serials.get('web-4.example.com')!, 'Key Compromise']
    ])
  )
})

test('select all matching the filter past the loaded page: the count, the dry run, and an export OpenSSL reads', async ({ app, harness }) => {
  test.setTimeout(180_000)
  const ca = await createRootCa(app, 'Fleet CA')
  const [fleet, other] = distinctCsrs(2)
  // 620 certificates for one request (the inventory loads 500 a page), and one that does not match.
  await issue(app, ca.id, Array.from({ length: 620 }, () => fleet!))
  await issue(app, ca.id, [other!])
  await goTo(app, 'Certificates')
  await app.getByLabel('Search').fill('web-0.example')
  await expect(app.getByTestId('inventory-count')).toHaveText('620 certificates match')
  const table = app.getByRole('table', { name: 'Certificates' })
  await table.getByRole('checkbox', { name: 'Select the certificates shown' }).check()
  await expect(app.getByTestId('selection-count')).toHaveText('500 certificates selected')
  await app.getByRole('button', { name: 'Select all 620 matching the filter' }).click()
  await expect(app.getByTestId('selection-count')).toHaveText('All 620 certificates matching the filter selected')

  // The dry run counts what main resolves from the filter.
  await app.getByTestId('selection-bar').getByRole('button', { name: 'Revoke…' }).click()
  const revoke = app.getByRole('dialog', { name: 'Revoke the selected certificates' })
  await expect(revoke.getByTestId('bulk-revoke-count')).toHaveText('620 certificates will be revoked.')
  await expect(revoke).toContainText('…and 612 more certificates.')
  await revoke.getByRole('button', { name: 'Cancel' }).click()
  await expect(revoke).toBeHidden()

  await app.getByTestId('selection-bar').getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Export 620 certificates' })
  await dialog.getByRole('radio', { name: 'DER' }).check()
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status').filter({ hasText: 'Exported' })).toContainText('620 certificates written to')
  await expect(dialog.getByRole('status').filter({ hasText: 'Exported' })).toContainText('621 files with the bundle')
  const folder = readdirSync(harness.outputDir).filter((d) => d.startsWith('save-')).map((d) => join(harness.outputDir, d))
  expect(folder).toHaveLength(1)
  const names = readdirSync(folder[0]!).sort()
  expect(names).toHaveLength(621)
  const listed = await app.evaluate(async () => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const out: string[] = []
    let cursor: string | undefined
    do {
      const r = await pki.certificates.list({ search: 'web-0.example', limit: 1000, sort: { field: 'serial', direction: 'asc' }, ...(cursor ? { cursor } : {}) })
      if (!r.ok) throw new Error(r.error.message)
      out.push(...r.value.items.map((c) => c.serial.toUpperCase()))
      cursor = r.value.nextCursor ?? undefined
    } while (cursor)
    return out
  })
  expect(names.filter((n) => n.endsWith('.cer')).map((n) => n.replace('.cer', '')).sort()).toEqual([...listed].sort())
  // OpenSSL reads every file as the certificate its name says, and the bundle as all 620.
  for (const name of names.filter((n) => n.endsWith('.cer'))) {
    const serial = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(folder[0]!, name), '-noout', '-serial'], { encoding: 'utf8' }).trim()
    expect(`${serial.replace(/^serial=/, '')}.cer`).toBe(name)
  }
  const bundle = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', join(folder[0]!, 'bundle.p7b'), '-print_certs', '-noout'], { encoding: 'utf8' })
  expect(bundle.match(/^subject=/gm)).toHaveLength(620)
  expect(bundle).not.toContain('web-1.example.com')
})

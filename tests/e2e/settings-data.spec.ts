// Settings → Data and Default formats: the data directory with Reveal and Copy path (recorded
// by the harness where the app calls Electron's shell and clipboard), the store's counts and
// size, the audit status with its way to the Audit screen, the way to Backup; and the default
// certificate export and CRL formats, which the export dialog and a CRL's Save… then use.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { test, expect } from './fixtures'
import { createRootCa, expectAccessible, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('Data: the directory (reveal, copy from the keyboard), what the store holds, its size, the audit status, the way to Backup', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Settings Root')
  const [, second] = await issue(app, ca.id, [fixture('web1.csr'), fixture('web2.csr')])
  await app.evaluate(
    async ({ authorityId, id }) => {
      const pki = (globalThis as unknown as PageGlobal).pki
      await pki.certificates.revoke({ id, reason: 'superseded' })
      await pki.crl.generate({ authorityId })
    },
    { authorityId: ca.id, id: second! }
  )
  await goTo(app, 'Settings')
  await expect(app.getByTestId('settings-data-dir')).toHaveText(harness.dataDir)

  const held = app.getByRole('table', { name: 'What the store holds' })
  const row = (label: string) => held.getByRole('row').filter({ has: app.getByRole('rowheader', { name: label, exact: true }) })
  await expect(row('Certificate authorities')).toContainText('1')
  // The CA's own certificate and the two issued; one of those revoked.
  await expect(row('Certificates')).toContainText('3 (2 valid, 0 expired, 1 revoked)')
  await expect(row('CRLs')).toContainText('1')
  const auditEntries = await app.evaluate(async () => {
    const r = await (globalThis as unknown as PageGlobal).pki.audit.verify({})
    return r.ok ? r.value.entries : -1
  })
  await expect(row('Audit entries')).toContainText(auditEntries.toLocaleString('en-US'))
  await expect(app.getByTestId('settings-store-size')).toContainText(/Store on disk: [\d.]+ (KiB|MiB)/)
  await expect(app.getByTestId('settings-audit-status')).toContainText(`Intact${auditEntries} entries`)

  // Reveal and Copy path go to main, which opens and copies its own paths.
  await app.getByRole('button', { name: 'Reveal' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'Shown in the file manager' })).toBeVisible()
  await app.getByRole('button', { name: 'Copy path' }).focus()
  await app.keyboard.press('Enter')
  await expect(app.getByRole('status').filter({ hasText: 'Path copied' })).toBeVisible()
  expect(harness.desktopCalls).toEqual([
    { call: 'showItemInFolder', arg: join(harness.dataDir, 'pkidesk.sqlite3') },
    { call: 'copyText', arg: harness.dataDir }
  ])
  await expectAccessible(app, 'Settings')

  await app.getByRole('button', { name: 'Go to Backup' }).click()
  await expect(app.getByRole('region', { name: 'Backup' })).toBeFocused()
  await app.getByRole('button', { name: 'Open the audit trail' }).click()
  await expect(app.getByRole('main')).toHaveAccessibleName('Audit trail')
})

test('Default formats: the export dialog starts with the chosen format and a CRL is saved in the chosen one', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Formats Root')
  await issue(app, ca.id, [fixture('web1.csr')])
  await app.evaluate((authorityId) => (globalThis as unknown as PageGlobal).pki.crl.generate({ authorityId }), ca.id)

  await goTo(app, 'Settings')
  const exportFormat = app.getByRole('combobox', { name: 'Certificate export format' })
  const crlFormat = app.getByRole('combobox', { name: 'CRL save format' })
  await expect(exportFormat).toHaveValue('pem')
  await expect(crlFormat).toHaveValue('der')
  await exportFormat.selectOption({ label: 'DER' })
  await expect(app.getByText('Export format saved')).toBeVisible()
  await crlFormat.selectOption('pem')
  await expect(app.getByText('CRL format saved')).toBeVisible()
  await app.reload()
  await goTo(app, 'Settings')
  await expect(exportFormat).toHaveValue('der')
  await expect(crlFormat).toHaveValue('pem')

  await goTo(app, 'Certificates')
  await app.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'web1.example.com' }).click()
  await app.getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog')
  await expect(dialog.getByRole('radio', { name: 'DER', exact: true })).toBeChecked()
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('save-1')
  const certFile = join(harness.outputDir, 'save-1', readdirSync(join(harness.outputDir, 'save-1'))[0]!)
  expect(certFile).toMatch(/\.cer$|\.der$/)
  // Binary DER, as node:crypto reads it.
  const der = readFileSync(certFile)
  expect(der[0]).toBe(0x30)
  expect(new X509Certificate(der).subject).toContain('web1.example.com')
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()

  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Save CRL 1' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'CRL 1 saved' })).toContainText('(PEM)')
  const crlDir = join(harness.outputDir, 'save-2')
  const crlFile = join(crlDir, readdirSync(crlDir)[0]!)
  expect(readFileSync(crlFile, 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/)
  expect(execFileSync('openssl', ['crl', '-inform', 'PEM', '-in', crlFile, '-noout', '-crlnumber'], { encoding: 'utf8' })).toMatch(/crlNumber=0x0*1/)
})

// What an operator's first day found outside the Sign screen: a CRL save that said nothing
// (and a format different from the CLI's), a broken audit trail the dashboard did not flag
// and the audit screen repeated, an export dialog taller than a 900-pixel window, a wrong
// passphrase answered with an internal key id and left off the trail, and RC2-40 PFX files
// (openssl pkcs12 -export -legacy) refused.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'
import { openStoreFile } from '../integration/store-file'
import type { PkiApi } from '../../src/shared/ipc/contract'
import type { CreateAuthorityInput } from '../../src/shared/domain/authority'

type PageGlobal = { readonly pki: PkiApi }
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

test('saving a CRL confirms where it went, as DER (what pkidesk crl generate writes too)', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'CRL Root')
  await app.evaluate((authorityId) => (globalThis as unknown as PageGlobal).pki.crl.generate({ authorityId }), ca.id)
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Save CRL 1' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'CRL 1 saved' })).toContainText('(DER)')
  const dir = join(harness.outputDir, 'save-1')
  const out = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, readdirSync(dir)[0]!), '-noout', '-crlnumber'], { encoding: 'utf8' })
  expect(out).toMatch(/crlNumber=0x0*1/)
})

test('a broken audit trail: the dashboard flags it, the audit screen says the reason once', async ({ app, harness }) => {
  await createRootCa(app, 'Audit Root')
  const file = openStoreFile(harness.dataDir)
  try {
    file.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update')
    file.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").run()
  } finally {
    file.close()
  }
  await app.reload()
  await goTo(app, 'Dashboard')
  await expect(app.getByTestId('dashboard-audit-broken')).toContainText('Audit trail broken at entry 1')
  await app.getByRole('button', { name: 'Open the audit trail' }).click()
  const verdict = app.getByTestId('audit-verdict')
  await expect(verdict).toContainText('was altered after it was written')
  const text = await verdict.innerText()
  expect(text.split('was altered after it was written').length - 1).toBe(1)
})

test('the export dialog fits in a 900-pixel-high window, its buttons in view', async ({ app }) => {
  await app.setViewportSize({ width: 1360, height: 900 })
  const ca = await createRootCa(app, 'Export Root')
  await issue(app, ca.id, [fixture('web1.csr')])
  await goTo(app, 'Certificates')
  await app.getByRole('row').filter({ hasText: 'web1.example.com' }).click()
  await app.getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog')
  await dialog.getByRole('radio', { name: 'PFX, modern' }).check()
  const button = dialog.getByRole('button', { name: 'Export…' })
  await expect(button).toBeVisible()
  const box = await button.boundingBox()
  expect(box && box.y + box.height).toBeLessThanOrEqual(900)
})

test('a wrong passphrase is refused without an internal id, and the attempt is on the audit trail', async ({ app }) => {
  const input: CreateAuthorityInput = {
    name: 'Passphrase Root',
    parentId: null,
    subject: [[{ type: 'CN', value: 'Passphrase Root' }]],
    keySpec: 'ec-p256',
    protection: 'passphrase',
    passphrase: 'a long CA passphrase',
    validityDays: 365,
    pathLength: null,
    nameConstraints: null,
    signature: { hash: 'SHA-256', rsaPss: false },
    crlDistributionPoints: [],
    ocspUrls: [],
    caIssuersUrls: []
  }
  const made = await app.evaluate(async (i) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const r = await pki.authorities.create(i)
    return r.ok ? pki.authorities.lock({ authorityId: r.value.id }) : r
  }, input)
  expect(made.ok).toBe(true)
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Unlock', exact: true }).click()
  const dialog = app.getByRole('dialog', { name: 'Unlock Passphrase Root' })
  await dialog.getByLabel('Passphrase').fill('not the passphrase')
  await dialog.getByRole('button', { name: 'Unlock' }).click()
  const error = dialog.getByText('The passphrase is wrong')
  await expect(error).toBeVisible()
  expect(await dialog.innerText()).not.toMatch(UUID)
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  const failed = await app.evaluate(async () => {
    const r = await (globalThis as unknown as PageGlobal).pki.audit.list({ limit: 50 })
    return r.ok ? r.value.entries.filter((e) => e.action === 'vault.unlock-failed').length : -1
  })
  expect(failed).toBe(1)
})

test('a PFX made by openssl pkcs12 -export -legacy (RC2-40) imports as a CA', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-e2e-rc2-'))
  const key = join(dir, 'ca.key')
  const crt = join(dir, 'ca.crt')
  const pfx = join(dir, 'legacy-ca.pfx')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '365', '-subj', '/O=Old Windows/CN=Legacy Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'pipe' })
  execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-inkey', key, '-in', crt, '-out', pfx, '-passout', 'pass:legacy password'], { stdio: 'pipe' })
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Import…' }).first().click()
  const dialog = app.getByRole('dialog', { name: 'Import a CA' })
  await dialog.getByLabel('Name in PKI Desk').fill('Legacy')
  const chooser = app.waitForEvent('filechooser')
  await dialog.getByRole('button', { name: 'Choose PFX…' }).click()
  await (await chooser).setFiles(pfx)
  await dialog.getByRole('textbox', { name: 'PFX password' }).fill('legacy password')
  await dialog.getByRole('combobox', { name: 'Protect the key in PKI Desk with' }).click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('main')).toContainText('CN=Legacy Root, O=Old Windows')
})

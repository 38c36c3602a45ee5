// The certificate inventory and view: search, filter, sort; every field in words with
// fingerprints that node's X509Certificate confirms; export (PEM and PFX, checked by OpenSSL)
// with the passphrase confirmation; revocation with reason and invalidity date. A key the
// app holds: PFX and encrypted PKCS#8 written by main (never sent to the window), deletion.
// Renewal with the same profile: for a held key (a locked key's passphrase asked up front), checked by OpenSSL;
// for a key held elsewhere, the way to the Sign screen with the same profile.
import { execFileSync, spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, expectAccessible, fixture, goTo, issue, recordIpcFrames } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('search, filter and sort the inventory; open a certificate; export it; revoke it', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Inventory CA')
  await issue(app, ca.id, [fixture('web1.csr'), fixture('web2.csr'), fixture('web3.csr'), fixture('rsa.csr')])
  await goTo(app, 'Certificates')
  const count = app.getByTestId('inventory-count')
  await expect(count).toHaveText('5 certificates')
  const table = app.getByRole('table', { name: 'Certificates' })

  // Search from the keyboard: / focuses the search box.
  await app.keyboard.press('/')
  await expect(app.getByLabel('Search')).toBeFocused()
  await app.keyboard.type('web2')
  await expect(count).toHaveText('1 certificate match')
  await expect(table.getByRole('row')).toHaveCount(2)
  await app.getByLabel('Search').fill('zzz-nothing')
  await expect(app.getByText('No certificate matches')).toBeVisible()
  await app.getByRole('button', { name: 'Reset filters' }).click()
  await expect(count).toHaveText('5 certificates')

  // Sort by subject, ascending then descending.
  await table.getByRole('button', { name: 'Subject' }).click()
  await expect(table.getByRole('columnheader', { name: /Subject/ })).toHaveAttribute('aria-sort', 'ascending')
  await expect(table.getByRole('row').nth(1)).toContainText('Inventory CA')
  await table.getByRole('button', { name: /Subject/ }).click()
  await expect(table.getByRole('row').nth(1)).toContainText('web3.example.com')

  // Keyboard: focus the first row, move down, Enter opens it.
  await table.getByRole('row').nth(1).focus()
  await app.keyboard.press('ArrowDown')
  await expect(table.getByRole('row').nth(2)).toBeFocused()
  await app.keyboard.press('Enter')
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('web2.example.com')

  // The view: fields and fingerprints agree with an independent parser.
  const pem = await app.getByLabel('Certificate PEM').innerText()
  const x = new X509Certificate(pem)
  const main = app.getByRole('main')
  await expect(main).toContainText(x.fingerprint256)
  await expect(main).toContainText(x.fingerprint)
  await expect(main).toContainText('DNS: web2.example.com, DNS: www.web2.example.com')
  await expect(main).toContainText('Key Usage')
  await expect(main).toContainText('Inventory CA')

  // Export as PEM, then as a modern PFX (no key held: certificate only).
  await app.getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('Saved to')
  const pemFile = join(harness.outputDir, 'save-1', readdirSync(join(harness.outputDir, 'save-1'))[0]!)
  expect(new X509Certificate(readFileSync(pemFile)).fingerprint256).toBe(x.fingerprint256)
  await dialog.getByRole('radio', { name: 'PFX, modern' }).check()
  await expect(dialog).toContainText('AES-256')
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('export pass phrase 1')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('export pass phrase 2')
  await expect(dialog.getByText('The two entries differ')).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Export…' })).toBeDisabled()
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('export pass phrase 1')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('save-2')
  const pfxFile = join(harness.outputDir, 'save-2', readdirSync(join(harness.outputDir, 'save-2'))[0]!)
  const dump = execFileSync('openssl', ['pkcs12', '-in', pfxFile, '-nokeys', '-passin', 'pass:export pass phrase 1'], { encoding: 'utf8' })
  expect(new X509Certificate(dump.slice(dump.indexOf('-----BEGIN CERTIFICATE-----'))).fingerprint256).toBe(x.fingerprint256)
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()

  // Revoke with a reason and an invalidity date.
  await app.getByRole('button', { name: 'Revoke…' }).click()
  const revoke = app.getByRole('dialog')
  await revoke.getByRole('combobox', { name: 'Reason' }).click()
  await app.getByRole('option', { name: /Key compromise/ }).click()
  await revoke.getByLabel('Invalid since (optional)').fill('2026-11-01')
  await revoke.getByRole('button', { name: 'Revoke' }).click()
  await expect(revoke).toBeHidden()
  await expect(main).toContainText('keyCompromise')
  await expect(main).toContainText('invalid since 2026-11-01')
  await expect(app.getByRole('button', { name: 'Revoke…' })).toBeDisabled()

  // The filter finds it among the revoked.
  await app.getByRole('button', { name: '← Back to certificates' }).click()
  await app.getByRole('combobox', { name: 'Status' }).click()
  await app.getByRole('option', { name: 'revoked' }).click()
  await expect(count).toHaveText('1 certificate match')
  await expect(table.getByRole('row').nth(1)).toContainText('web2.example.com')
})

test('a key the app holds: PFX and PKCS#8 are written by main and never reach the window; the key is deleted on request', async ({ app, harness }) => {
  const frames = await recordIpcFrames(app)
  const ca = await createRootCa(app, 'Key CA')
  const gen = await app.evaluate(() =>
    (globalThis as unknown as PageGlobal).pki.csr.generate({
      subject: [[{ type: 'CN', value: 'keyed.example.com' }]],
      sans: [{ type: 'dns', value: 'keyed.example.com' }],
      keySpec: 'ec-p256',
      protection: 'keychain',
      hash: 'SHA-256'
    })
  )
  if (!gen.ok) throw new Error(gen.error.message)
  await issue(app, ca.id, [gen.value.pem])
  await goTo(app, 'Certificates')
  const table = app.getByRole('table', { name: 'Certificates' })
  await table.getByRole('row').filter({ hasText: 'keyed.example.com' }).click()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('keyed.example.com')
  const main = app.getByRole('main')
  await expect(main).toContainText('key held')
  const cert = new X509Certificate(await app.getByLabel('Certificate PEM').innerText())

  // PFX with the key, from the export dialog: the right password opens it, a wrong one does not.
  await app.getByRole('button', { name: 'Export…' }).click()
  const dialog = app.getByRole('dialog')
  await dialog.getByRole('radio', { name: 'PFX, modern' }).check()
  await expect(dialog.getByRole('switch', { name: 'Include the private key' })).toBeChecked()
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('pfx pass phrase one')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('pfx pass phrase one')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('save-1')
  const pfxFile = join(harness.outputDir, 'save-1', 'keyed.example.com.pfx')
  const info = execFileSync('openssl', ['pkcs12', '-info', '-in', pfxFile, '-nodes', '-passin', 'pass:pfx pass phrase one'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  expect(info).toContain('BEGIN PRIVATE KEY')
  expect(info).toMatch(/subject=CN ?= ?keyed\.example\.com/)
  expect(spawnSync('openssl', ['pkcs12', '-info', '-in', pfxFile, '-nodes', '-passin', 'pass:not the password']).status).not.toBe(0)
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()

  // The key alone, as encrypted PKCS#8: OpenSSL decrypts it to the certificate's public key.
  await app.getByRole('button', { name: 'Export key…' }).click()
  const keyDialog = app.getByRole('dialog')
  await expect(keyDialog.getByRole('radio', { name: 'Encrypted PKCS#8 (PEM)' })).toBeChecked()
  await expectAccessible(app, 'key export dialog')
  await keyDialog.getByRole('textbox', { name: 'File password', exact: true }).fill('short')
  await expect(keyDialog.getByRole('button', { name: 'Export key…' })).toBeDisabled()
  await keyDialog.getByRole('textbox', { name: 'File password', exact: true }).fill('key pass phrase two')
  await keyDialog.getByRole('textbox', { name: 'Confirm file password' }).fill('key pass phrase two')
  await keyDialog.getByRole('button', { name: 'Export key…' }).click()
  await expect(keyDialog.getByRole('status')).toContainText('save-2')
  const keyFile = join(harness.outputDir, 'save-2', 'keyed.example.com.key.pem')
  const keyPem = readFileSync(keyFile, 'utf8')
  expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
  const pub = execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:key pass phrase two', '-pubout'], { encoding: 'utf8' })
  expect(pub).toBe(cert.publicKey.export({ type: 'spki', format: 'pem' }))
  expect(spawnSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:not the password', '-noout']).status).not.toBe(0)
  await keyDialog.getByRole('button', { name: 'Close', exact: true }).click()

  // What crossed the socket: the new channels were asked, and no byte of either file came back.
  expect(frames.sent.some((f) => f.includes('"channel":"files:exportCertificate"'))).toBe(true)
  expect(frames.sent.some((f) => f.includes('"channel":"files:exportKey"'))).toBe(true)
  expect(frames.sent.filter((f) => f.includes('"channel":"certificates:export"'))).toEqual([])
  const pfxPiece = readFileSync(pfxFile).toString('base64').slice(200, 300)
  const keyLine = keyPem.split('\n')[2]!
  expect(keyLine).toHaveLength(64)
  for (const f of frames.received) {
    expect(f).not.toContain(pfxPiece)
    expect(f).not.toContain(keyLine)
    expect(f).not.toContain('PRIVATE KEY')
  }

  // Delete the key on request: the certificate stays, without a key.
  await app.getByRole('button', { name: 'Delete key…' }).click()
  const del = app.getByRole('dialog')
  await expect(del).toContainText('cannot be recovered')
  await expectAccessible(app, 'delete key dialog')
  await del.getByRole('button', { name: 'Delete key' }).click()
  await expect(del).toBeHidden()
  await expect(main).not.toContainText('key held')
  await expect(app.getByRole('button', { name: 'Export key…' })).toHaveCount(0)
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('keyed.example.com')
  const audit = harness.services.audit.list({ offset: 0, limit: 50 })
  if (!audit.ok) throw new Error(audit.error.message)
  expect(audit.value.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['vault.delete', 'vault.export', 'certificate.export']))
})

test('renew with the same profile: a held key is renewed (OpenSSL verifies it); another key needs a new CSR', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Renew CA')
  const made = await app.evaluate(async (authorityId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const gen = await pki.csr.generate({
      subject: [[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'renew.example.com' }]],
      sans: [{ type: 'dns', value: 'renew.example.com' }],
      keySpec: 'ec-p256',
      protection: 'passphrase',
      passphrase: 'renewal key pass phrase',
      hash: 'SHA-256'
    })
    if (!gen.ok) return gen
    // The key locks, as it would after the auto-lock time: renewal must ask for its passphrase.
    await pki.vault.lock({ keyId: gen.value.keyId })
    return pki.certificates.issue({ authorityId, profileId: 'tls-server', items: [{ csrPem: gen.value.pem, input: {} }] })
  }, ca.id)
  if (!made.ok) throw new Error(made.error.message)
  await issue(app, ca.id, [fixture('web1.csr')])
  const caPem = harness.services.authorities.get(ca.id)
  if (!caPem.ok || !caPem.value.certificatePem) throw new Error('no CA certificate')
  const caFile = join(harness.outputDir, 'renew-ca.pem')
  writeFileSync(caFile, caPem.value.certificatePem)

  await goTo(app, 'Certificates')
  const table = app.getByRole('table', { name: 'Certificates' })
  await table.getByRole('row').filter({ hasText: 'renew.example.com' }).click()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('renew.example.com')
  const old = new X509Certificate(await app.getByLabel('Certificate PEM').innerText())

  await app.getByRole('button', { name: 'Renew…' }).click()
  const dialog = app.getByRole('dialog')
  await expect(dialog).toContainText('TLS server (90 days)')
  await expect(dialog.getByRole('combobox', { name: 'Signing CA' })).toHaveValue('Renew CA')
  // The key is locked and protected by a passphrase: the dialog asks for it up front, and
  // Renew waits for it.
  const keyPass = dialog.getByLabel('Passphrase of the key in the vault')
  await expect(keyPass).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Renew', exact: true })).toBeDisabled()
  await expectAccessible(app, 'renew dialog asking for the key passphrase')
  await keyPass.fill('not the passphrase')
  await dialog.getByRole('button', { name: 'Renew', exact: true }).click()
  await expect(dialog).toContainText('wrong')
  await keyPass.fill('renewal key pass phrase')
  await dialog.getByRole('button', { name: 'Renew', exact: true }).click()
  await expect(dialog.getByRole('status')).toContainText('Renewed')
  await dialog.getByRole('button', { name: 'Open the new certificate' }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('renew.example.com')
  const pem = await app.getByLabel('Certificate PEM').innerText()
  const renewed = new X509Certificate(pem)
  expect(renewed.serialNumber).not.toBe(old.serialNumber)
  expect(renewed.subject).toBe(old.subject)
  expect(renewed.subjectAltName).toBe(old.subjectAltName)
  expect(renewed.publicKey.export({ type: 'spki', format: 'pem' })).toBe(old.publicKey.export({ type: 'spki', format: 'pem' }))
  const leaf = join(harness.outputDir, 'renewed.pem')
  writeFileSync(leaf, pem)
  expect(execFileSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, leaf], { encoding: 'utf8' })).toContain(': OK')
  await expect(app.getByRole('main')).toContainText('key held')
  // The key is locked again after the renewal.
  const status = harness.services.vault.status()
  expect(status.keys.filter((k) => k.purpose === 'end-entity' && k.unlocked)).toEqual([])

  // A certificate whose key is elsewhere: the dialog says a new CSR is needed and opens Sign
  // requests with its profile (none here) and CA chosen.
  await app.getByRole('button', { name: '← Back to certificates' }).click()
  await table.getByRole('row').filter({ hasText: 'web1.example.com' }).click()
  await app.getByRole('button', { name: 'Renew…' }).click()
  await expect(dialog).toContainText('A new CSR is needed')
  await expect(dialog).toContainText('does not hold this certificate’s private key')
  await expectAccessible(app, 'renew dialog for a key held elsewhere')
  await dialog.getByRole('button', { name: 'Sign a new CSR with this profile…' }).click()
  await expect(app.getByRole('main')).toHaveAccessibleName('Sign requests')
  await expect(app.getByRole('combobox', { name: 'Signing CA' })).toHaveValue('Renew CA')
})

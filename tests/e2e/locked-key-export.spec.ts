// A locked key behind a passphrase: the export dialogs (PFX with the key, encrypted PKCS#8)
// ask for its passphrase up front, before any attempt, and wait for it; a wrong one is refused
// beside the field and the right one writes a file OpenSSL opens. The key is locked again
// afterwards. A keychain-only key is not asked for a passphrase at all.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test, expect } from './fixtures'
import { createRootCa, expectAccessible, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

/** The file a “Saved to …” note names. */
const savedPath = (note: string): string => note.replace(/^Saved to /, '').trim()

async function heldCertificate(app: Parameters<typeof issue>[0], authorityId: string, cn: string, protection: 'passphrase' | 'keychain'): Promise<void> {
  const gen = await app.evaluate(
    async ({ cn, protection }) => {
      const pki = (globalThis as unknown as PageGlobal).pki
      const made = await pki.csr.generate({
        subject: [[{ type: 'CN', value: cn }]],
        sans: [{ type: 'dns', value: cn }],
        keySpec: 'ec-p256',
        protection,
        ...(protection === 'passphrase' ? { passphrase: 'the key pass phrase' } : {}),
        hash: 'SHA-256'
      })
      if (made.ok) await pki.vault.lock({ keyId: made.value.keyId })
      return made
    },
    { cn, protection }
  )
  if (!gen.ok) throw new Error(gen.error.message)
  await issue(app, authorityId, [gen.value.pem])
}

test('a locked passphrase key: both export dialogs ask for its passphrase up front; a keychain key is not asked', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Locked Key CA')
  await heldCertificate(app, ca.id, 'locked.example.com', 'passphrase')
  await heldCertificate(app, ca.id, 'keychain.example.com', 'keychain')
  await goTo(app, 'Certificates')
  const table = app.getByRole('table', { name: 'Certificates' })
  await table.getByRole('row').filter({ hasText: 'locked.example.com' }).click()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('locked.example.com')
  await expect(app.getByTestId('held-key')).toContainText('locked')
  const cert = new X509Certificate(await app.getByLabel('Certificate PEM').innerText())

  // Export key…: the field is there when the dialog opens, and Export waits for it.
  await app.getByRole('button', { name: 'Export key…' }).click()
  const dialog = app.getByRole('dialog')
  const keyPass = dialog.getByLabel('Passphrase of the key in the vault')
  await expect(keyPass).toBeVisible()
  await expectAccessible(app, 'key export dialog asking for the key passphrase')
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('file pass phrase one')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('file pass phrase one')
  await expect(dialog.getByRole('button', { name: 'Export key…' })).toBeDisabled()
  await keyPass.fill('not the pass phrase')
  await dialog.getByRole('button', { name: 'Export key…' }).click()
  await expect(dialog).toContainText('wrong')
  await expect(dialog.getByRole('status')).toHaveCount(0)
  await keyPass.fill('the key pass phrase')
  await dialog.getByRole('button', { name: 'Export key…' }).click()
  await expect(dialog.getByRole('status')).toContainText('locked.example.com.key.pem')
  const keyFile = savedPath(await dialog.getByRole('status').innerText())
  // The refused attempt wrote nothing.
  expect(readdirSync(dirname(dirname(keyFile))).flatMap((d) => readdirSync(join(dirname(dirname(keyFile)), d)))).toEqual(['locked.example.com.key.pem'])
  const pub = execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:file pass phrase one', '-pubout'], { encoding: 'utf8' })
  expect(pub).toBe(cert.publicKey.export({ type: 'spki', format: 'pem' }))
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  // Unlocked for that export only.
  await expect(app.getByTestId('held-key')).toContainText('locked')

  // Export… as a PFX with the key: asked up front too (only once the key goes in).
  await app.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByLabel('Passphrase of the key in the vault')).toHaveCount(0)
  await dialog.getByRole('radio', { name: 'PFX, modern' }).check()
  await expect(dialog.getByRole('switch', { name: 'Include the private key' })).toBeChecked()
  await expect(keyPass).toBeVisible()
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('pfx pass phrase two')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('pfx pass phrase two')
  await expect(dialog.getByRole('button', { name: 'Export…' })).toBeDisabled()
  const includeKey = dialog.getByRole('switch', { name: 'Include the private key' })
  await includeKey.uncheck({ force: true })
  await expect(keyPass).toHaveCount(0)
  await includeKey.check({ force: true })
  await keyPass.fill('the key pass phrase')
  await dialog.getByRole('button', { name: 'Export…' }).click()
  await expect(dialog.getByRole('status')).toContainText('locked.example.com.pfx')
  const info = execFileSync('openssl', ['pkcs12', '-info', '-in', savedPath(await dialog.getByRole('status').innerText()), '-nodes', '-passin', 'pass:pfx pass phrase two'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  expect(info).toContain('BEGIN PRIVATE KEY')
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  const status = harness.services.vault.status()
  expect(status.keys.filter((k) => k.purpose === 'end-entity' && k.unlocked)).toEqual([])

  // A keychain-only key opens with its keychain entry: no passphrase is asked.
  await app.getByRole('button', { name: '← Back to certificates' }).click()
  await table.getByRole('row').filter({ hasText: 'keychain.example.com' }).click()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('keychain.example.com')
  await app.getByRole('button', { name: 'Export key…' }).click()
  await dialog.getByRole('textbox', { name: 'File password', exact: true }).fill('file pass phrase three')
  await dialog.getByRole('textbox', { name: 'Confirm file password' }).fill('file pass phrase three')
  await expect(dialog.getByRole('button', { name: 'Export key…' })).toBeEnabled()
  await expect(dialog.getByLabel('Passphrase of the key in the vault')).toHaveCount(0)
  await dialog.getByRole('button', { name: 'Export key…' }).click()
  await expect(dialog.getByRole('status')).toContainText('keychain.example.com.key.pem')
})

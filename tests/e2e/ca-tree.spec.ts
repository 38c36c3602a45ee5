// The Authorities screen as a tree of issuers: a root with its intermediate, an intermediate
// whose parent is outside PKI Desk under an "external parent" node, each CA's serial and
// SHA-256 fingerprint as its certificate has them (node:crypto), name constraints; the tree
// by keyboard alone (arrows, Home/End, Enter); then renew (a locked parent asked for in place)
// and re-key from the Actions menu: the retired CA stays in the tree and says what replaced
// it. Screenshots of the tree and of the re-key dialog in both themes.
import type { Page } from '@playwright/test'
import { X509Certificate } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, screenshot } from './fixtures'
import { createRootCa, expectAccessible, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

/** An intermediate and its key made by OpenSSL under an OpenSSL root: a CA whose parent PKI Desk does not hold. */
function outsideIntermediate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-e2e-ext-'))
  const f = (n: string): string => join(dir, n)
  const run = (args: string[]): void => void execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('root.key'), '-out', f('root.pem'), '-subj', '/O=Partner/CN=Partner Root CA', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('int.key'), '-out', f('int.csr'), '-subj', '/O=Example/CN=Partner Issued CA'])
  writeFileSync(f('ext.cnf'), '[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nnameConstraints=critical,permitted;DNS:partner.example\n')
  run(['x509', '-req', '-in', f('int.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-out', f('int.pem'), '-days', '1000', '-extfile', f('ext.cnf'), '-extensions', 'v3'])
  return { cert: readFileSync(f('int.pem'), 'utf8'), key: readFileSync(f('int.key'), 'utf8') }
}

async function seed(page: Page): Promise<{ rootId: string; issuingId: string }> {
  const root = await createRootCa(page, 'Example Root CA')
  const outside = outsideIntermediate()
  const issuing = await createRootCa(page, 'Example Issuing CA', true, { parentId: root.id, pathLength: 0, validityDays: 1825 })
  await page.evaluate(async (outside) => {
    const imported = await (globalThis as unknown as PageGlobal).pki.authorities.import({ name: 'Partner Issued CA', source: { kind: 'pem', certificate: { encoding: 'pem', data: outside.cert }, key: { encoding: 'pem', data: outside.key } }, protection: 'keychain' })
    if (!imported.ok) throw new Error(imported.error.message)
  }, outside)
  return { rootId: root.id, issuingId: issuing.id }
}

const certificateOf = async (page: Page, authorityId: string): Promise<X509Certificate> => {
  const pem = await page.evaluate(async (id) => {
    const r = await (globalThis as unknown as PageGlobal).pki.authorities.get({ authorityId: id })
    return r.ok ? r.value.certificatePem : null
  }, authorityId)
  return new X509Certificate(pem!)
}

test('the CA tree: issuers, external parents, fingerprints, keyboard; renew and re-key from the Actions menu', async ({ app }) => {
  test.setTimeout(120_000)
  const { rootId, issuingId } = await seed(app)
  await goTo(app, 'Authorities')
  const tree = app.getByRole('tree', { name: 'CA hierarchy' })
  /** The tree node that shows this name (a node's accessible name is its whole row). */
  const node = (name: string) => tree.getByRole('treeitem').filter({ has: app.getByText(name, { exact: true }) })
  await expect(tree.getByRole('treeitem')).toHaveCount(4)
  const root = node('Example Root CA')
  const issuing = node('Example Issuing CA')
  const external = node('CN=Partner Root CA, O=Partner')
  const partner = node('Partner Issued CA')
  await expect(root).toHaveAttribute('aria-level', '1')
  await expect(issuing).toHaveAttribute('aria-level', '2')
  await expect(external).toHaveAttribute('aria-level', '1')
  await expect(external).toContainText('external parent')
  await expect(partner).toHaveAttribute('aria-level', '2')
  await expect(root).toContainText('root')
  await expect(issuing).toContainText('intermediate')

  // The details are the certificate's: serial and SHA-256 as node:crypto reads them.
  await root.click()
  const rootCert = await certificateOf(app, rootId)
  await expect(app.getByTestId('ca-serial')).toHaveText(rootCert.serialNumber.replace(/(..)(?!$)/g, '$1:'))
  await expect(app.getByTestId('ca-sha256')).toHaveText(rootCert.fingerprint256)

  // The tree by keyboard: one tab stop, arrows move, Enter chooses, ←/→ close and open.
  await root.focus()
  await expect(root).toHaveAttribute('tabindex', '0')
  await expect(issuing).toHaveAttribute('tabindex', '-1')
  await app.keyboard.press('ArrowDown')
  await expect(issuing).toBeFocused()
  await app.keyboard.press('Enter')
  await expect(issuing).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByRole('main')).toContainText('CN=Example Issuing CA')
  await app.keyboard.press('ArrowLeft')
  await expect(root).toBeFocused()
  await app.keyboard.press('ArrowLeft')
  await expect(root).toHaveAttribute('aria-expanded', 'false')
  await expect(tree.getByRole('treeitem')).toHaveCount(3)
  await app.keyboard.press('ArrowRight')
  await expect(root).toHaveAttribute('aria-expanded', 'true')
  await app.keyboard.press('End')
  await expect(partner).toBeFocused()
  await app.keyboard.press(' ')
  await expect(app.getByRole('main')).toContainText('Intermediate of an external parent')
  await expect(app.getByRole('main')).toContainText('(outside PKI Desk)')
  await expect(app.getByTestId('ca-name-constraints')).toContainText('DNS partner.example')
  // Outside PKI Desk: only its own CA can renew it.
  await app.getByRole('button', { name: 'Actions' }).click()
  await app.getByRole('menuitem', { name: 'Renew…' }).click()
  const refused = app.getByRole('dialog', { name: 'Renew Partner Issued CA' })
  await expect(refused).toContainText('a CA outside PKI Desk')
  await expect(refused.getByRole('button', { name: 'Renew', exact: true })).toBeDisabled()
  await refused.getByRole('button', { name: 'Cancel' }).click()
  // Back in the tree (one Tab stop away), Home goes to the first node.
  await partner.focus()
  await app.keyboard.press('Home')
  await expect(root).toBeFocused()
  await expect(root).toHaveAttribute('tabindex', '0')

  // Renew the intermediate with its parent locked: the parent is asked for in place, then it renews.
  await app.evaluate((id) => (globalThis as unknown as PageGlobal).pki.authorities.lock({ authorityId: id }), rootId)
  const before = await certificateOf(app, issuingId)
  await issuing.click()
  await app.getByRole('button', { name: 'Actions' }).click()
  await app.getByRole('menuitem', { name: 'Renew…' }).click()
  const renew = app.getByRole('dialog', { name: 'Renew Example Issuing CA' })
  await expect(renew).toContainText('Signed by "Example Root CA"')
  await renew.getByRole('textbox', { name: 'Validity (days)' }).fill('400')
  await renew.getByRole('button', { name: 'Unlock and renew…' }).click()
  const prompt = app.getByRole('dialog', { name: 'Unlock Example Root CA' })
  await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(renew).toBeHidden()
  const after = await certificateOf(app, issuingId)
  expect(after.serialNumber).not.toBe(before.serialNumber)
  expect(after.publicKey.export({ format: 'der', type: 'spki' }).equals(before.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true)
  expect(Math.round((Date.parse(after.validTo) - Date.parse(after.validFrom)) / 86_400_000)).toBe(400)
  expect(after.verify(rootCert.publicKey)).toBe(true)
  await expect(app.getByTestId('ca-serial')).toHaveText(after.serialNumber.replace(/(..)(?!$)/g, '$1:'))

  // Re-key it: a new P-384 key under the same name; the old CA stays, retired, and says what replaced it.
  await app.getByRole('button', { name: 'Actions' }).click()
  await app.getByRole('menuitem', { name: 'Re-key…' }).click()
  const rekey = app.getByRole('dialog', { name: 'Re-key Example Issuing CA' })
  await rekey.getByLabel('New key type').click()
  await app.getByRole('option', { name: /P-384/ }).click()
  await rekey.getByLabel('Key protection').click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await expect(rekey).toContainText('retired as "Example Issuing CA (key N)"')
  await screenshot(app, 'authority-rekey-light')
  await rekey.getByRole('button', { name: 'Re-key', exact: true }).click()
  await expect(rekey).toBeHidden()
  await expect(tree.getByRole('treeitem')).toHaveCount(5)
  const retired = node('Example Issuing CA (key 1)')
  await expect(retired).toContainText('retired')
  const renamed = node('Example Issuing CA')
  await expect(renamed).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByRole('main')).toContainText('P-384')
  const newId = await app.evaluate(async () => {
    const r = await (globalThis as unknown as PageGlobal).pki.authorities.list({})
    return r.ok ? r.value.items.find((a) => a.name === 'Example Issuing CA')!.id : ''
  })
  const rekeyed = await certificateOf(app, newId)
  expect(rekeyed.subject).toBe(after.subject)
  expect(rekeyed.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1')
  expect(rekeyed.verify(rootCert.publicKey)).toBe(true)
  await retired.click()
  await expect(app.getByTestId('ca-replaced-by')).toContainText('Example Issuing CA (re-keyed)')
  await expect(app.getByTestId('ca-replaced-by')).toContainText('signs CRLs for what it issued')
  // The retired CA still signs its CRL with the old key (OpenSSL checks those in cli-ca-renew.test.ts).
  await app.getByRole('button', { name: 'Generate CRL' }).click()
  await expect(app.getByRole('button', { name: /^Save CRL \d+$/ })).toBeVisible()
  await expect(app.getByRole('menuitem', { name: 'Renew…' })).toBeHidden()
  await app.getByRole('button', { name: 'Actions' }).click()
  await expect(app.getByRole('menuitem', { name: 'Renew…' })).toBeDisabled()
  await expect(app.getByRole('menuitem', { name: 'Re-key…' })).toBeDisabled()
  await app.keyboard.press('Escape')
  await app.getByTestId('ca-replaced-by').getByRole('button', { name: 'Example Issuing CA' }).click()
  await expect(renamed).toHaveAttribute('aria-selected', 'true')
  await expectAccessible(app, 'authorities tree')
})

for (const theme of ['light', 'dark'] as const) {
  test(`the CA tree with an external parent and a retired key, in the ${theme} theme`, async ({ app }) => {
    await app.emulateMedia({ colorScheme: theme })
    const { issuingId } = await seed(app)
    await app.evaluate((id) => (globalThis as unknown as PageGlobal).pki.authorities.rekey({ authorityId: id, keySpec: 'ec-p384', protection: 'keychain' }), issuingId)
    await app.reload()
    await goTo(app, 'Authorities')
    const tree = app.getByRole('tree', { name: 'CA hierarchy' })
    await expect(tree.getByRole('treeitem')).toHaveCount(5)
    await tree.getByRole('treeitem').filter({ has: app.getByText('Example Issuing CA', { exact: true }) }).click()
    await expect(app.getByTestId('ca-sha256')).not.toHaveText('—')
    await expectAccessible(app, `authorities tree (${theme})`)
    await screenshot(app, `authorities-tree-${theme}`)
    if (theme === 'dark') {
      await app.getByRole('button', { name: 'Actions' }).click()
      await app.getByRole('menuitem', { name: 'Re-key…' }).click()
      await expect(app.getByRole('dialog', { name: 'Re-key Example Issuing CA' })).toBeVisible()
      await screenshot(app, 'authority-rekey-dark')
    }
  })
}

// An intermediate for an external parent, from the create dialog: its CSR saved and signed by
// an OpenSSL root, the CA pending until "Install certificate…" takes the certificate back
// (a non-CA certificate and one for another key refused with their codes, nothing changed),
// then a leaf it issues verifies against the OpenSSL root. The Export action writes the CA
// certificate as PEM, DER and PKCS#7 with its chain, read back by OpenSSL.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, screenshot } from './fixtures'
import { expectAccessible, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

const openssl = (args: readonly string[]): string => execFileSync('openssl', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** The one file the harness wrote for save number `n`. */
async function savedFile(outputDir: string, n: number): Promise<string> {
  const dir = join(outputDir, `save-${n}`)
  await expect.poll(() => (readdirSync(outputDir).includes(`save-${n}`) ? readdirSync(dir).length : 0)).toBe(1)
  return join(dir, readdirSync(dir)[0]!)
}

async function install(app: Page, file: string): Promise<void> {
  const dialog = app.getByRole('dialog', { name: 'Install certificate of Partner Issuing' })
  const chooser = app.waitForEvent('filechooser')
  await dialog.getByRole('button', { name: 'Choose certificate…' }).click()
  await (await chooser).setFiles(file)
  await dialog.getByRole('button', { name: 'Install', exact: true }).click()
}

test('CSR for an external parent: save, install the certificate back, issue; export the CA certificate', async ({ app, harness }) => {
  const work = mkdtempSync(join(tmpdir(), 'pkidesk-e2e-ext-'))
  const w = (name: string): string => join(work, name)
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', w('root.key'), '-subj', '/O=Partner/CN=Partner Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', w('root.pem')])

  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'New intermediate' }).click()
  const dialog = app.getByRole('dialog', { name: 'New intermediate CA' })
  // No CA here to sign it: the external parent is the choice, and the parent decides validity and path length.
  await expect(dialog.getByRole('radio', { name: 'CSR for an external parent' })).toBeChecked()
  await expect(dialog.getByLabel('Validity (days)')).toHaveCount(0)
  await dialog.getByLabel('Name in PKI Desk').fill('Partner Issuing')
  await dialog.getByLabel('Common name (CN)').fill('Partner Issuing CA')
  await dialog.getByLabel('Organization (O)').fill('Example')
  await dialog.getByLabel('Key protection').click()
  await app.getByRole('option', { name: 'OS keychain' }).click()
  await screenshot(app, 'external-parent-dialog-light')
  await dialog.getByRole('button', { name: 'Create key and CSR' }).click()
  await expect(dialog.getByRole('status').filter({ hasText: 'Partner Issuing is pending' })).toBeVisible()
  await expect(dialog.getByLabel('Certificate signing request (PEM)')).toHaveValue(/-----BEGIN CERTIFICATE REQUEST-----/)
  await dialog.getByRole('button', { name: 'Save CSR…' }).click()
  const csr = await savedFile(harness.outputDir, 1)
  expect(csr).toMatch(/Partner_Issuing\.csr$/)
  expect(openssl(['req', '-in', csr, '-verify', '-noout', '-subject'])).toMatch(/CN ?= ?Partner Issuing CA/)
  await dialog.getByRole('button', { name: 'Done' }).click()
  await expect(dialog).toBeHidden()

  // Listed as pending; it signs nothing.
  const tree = app.getByRole('tree', { name: 'CA hierarchy' })
  await expect(tree.getByRole('treeitem', { name: /Partner Issuing/ })).toContainText('pending')
  const pending = app.getByTestId('pending-authority')
  await expect(pending).toContainText('It signs nothing until the certificate the parent returns is installed.')
  await expect(app.getByRole('button', { name: 'Generate CRL' })).toBeDisabled()
  await expectAccessible(app, 'a pending CA')
  await screenshot(app, 'authorities-pending-light')

  // The parent signs: first by mistake as an end entity, then as a CA.
  writeFileSync(w('leaf.cnf'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n')
  writeFileSync(w('ca.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  openssl(['x509', '-req', '-in', csr, '-CA', w('root.pem'), '-CAkey', w('root.key'), '-days', '730', '-extfile', w('leaf.cnf'), '-out', w('not-ca.pem')])
  openssl(['x509', '-req', '-in', csr, '-CA', w('root.pem'), '-CAkey', w('root.key'), '-days', '730', '-extfile', w('ca.cnf'), '-out', w('issuing.pem')])
  writeFileSync(w('issuing-chain.pem'), readFileSync(w('issuing.pem'), 'utf8') + readFileSync(w('root.pem'), 'utf8'))

  await pending.getByRole('button', { name: 'Install certificate…' }).click()
  const installDialog = app.getByRole('dialog', { name: 'Install certificate of Partner Issuing' })
  await install(app, w('not-ca.pem'))
  await expect(installDialog.getByRole('alert')).toHaveAttribute('data-error-code', 'AUTHORITY_NOT_CA')
  await expect(installDialog.getByRole('alert')).toContainText('is not a CA certificate')
  await install(app, w('root.pem'))
  await expect(installDialog.getByRole('alert')).toHaveAttribute('data-error-code', 'CERTIFICATE_KEY_MISMATCH')
  await install(app, w('issuing-chain.pem'))
  await expect(installDialog).toBeHidden()
  await expect(pending).toBeHidden()
  await expect(tree.getByRole('treeitem', { name: /Partner Issuing/ })).not.toContainText('pending')

  // It signs now: a leaf that OpenSSL verifies with the Partner root alone.
  const authorityId = await app.evaluate(async () => {
    const r = await (globalThis as unknown as { pki: PkiApi }).pki.authorities.list({})
    return r.ok ? r.value.items.find((a) => a.name === 'Partner Issuing')!.id : ''
  })
  const [leafId] = await issue(app, authorityId, [fixture('web1.csr')])
  const chainPem = await app.evaluate(async (id) => {
    const r = await (globalThis as unknown as { pki: PkiApi }).pki.certificates.export({ id, format: 'pem-chain' })
    return r.ok ? atob(r.value.base64) : ''
  }, leafId!)
  writeFileSync(w('leaf-chain.pem'), chainPem)
  expect(openssl(['verify', '-x509_strict', '-CAfile', w('root.pem'), '-untrusted', w('leaf-chain.pem'), w('leaf-chain.pem')])).toContain(': OK')

  // Export the CA certificate: PKCS#7 with the chain, DER and PEM.
  const exportAs = async (item: string): Promise<void> => {
    await app.getByRole('button', { name: 'Export certificate…' }).click()
    await app.getByRole('menuitem', { name: item }).click()
  }
  await exportAs('PKCS#7 with the chain (.p7b)')
  const p7b = await savedFile(harness.outputDir, 2)
  const printed = openssl(['pkcs7', '-inform', 'DER', '-in', p7b, '-print_certs', '-noout'])
  expect(printed).toMatch(/subject=.*CN ?= ?Partner Issuing CA/)
  expect(printed).toMatch(/subject=.*CN ?= ?Partner Root/)
  await expect(app.getByRole('status').filter({ hasText: 'Certificate of Partner Issuing saved to' })).toBeVisible()
  await exportAs('DER (.cer)')
  const der = await savedFile(harness.outputDir, 3)
  expect(openssl(['x509', '-inform', 'DER', '-in', der, '-noout', '-fingerprint', '-sha256'])).toBe(openssl(['x509', '-in', w('issuing.pem'), '-noout', '-fingerprint', '-sha256']))
  await exportAs('PEM with the chain to the root')
  const pemChain = await savedFile(harness.outputDir, 4)
  expect(openssl(['verify', '-x509_strict', '-CAfile', w('root.pem'), pemChain])).toContain(': OK')
})

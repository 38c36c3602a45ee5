// Drag-and-drop signing: several CSR files dropped on the window (a real DataTransfer with
// File objects), cards with their checks, one confirmation, progress, per-item results, and
// the results saved to a folder — checked with node's X509Certificate and OpenSSL.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { createRootCa, distinctCsrs, expectAccessible, fixture, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

async function dropFiles(page: Page, files: readonly { name: string; text: string }[]): Promise<void> {
  // Runs in the page; the node world has no DOM types, so the two constructors are typed here.
  type PageDom = {
    DataTransfer: new () => { items: { add(file: unknown): void } }
    File: new (parts: string[], name: string, options: { type: string }) => unknown
  }
  const dataTransfer = await page.evaluateHandle((list) => {
    const dom = globalThis as unknown as PageDom
    const dt = new dom.DataTransfer()
    for (const f of list) dt.items.add(new dom.File([f.text], f.name, { type: 'application/pkcs10' }))
    return dt
  }, files)
  await page.dispatchEvent('main', 'dragenter', { dataTransfer })
  await page.dispatchEvent('main', 'dragover', { dataTransfer })
  await expect(page.getByText('Drop to sign')).toBeVisible()
  await page.dispatchEvent('main', 'drop', { dataTransfer })
  await expect(page.getByText('Drop to sign')).toBeHidden()
}

const CSR_FILES = ['web1.csr', 'web2.csr', 'web3.csr', 'rsa.csr', 'junk.csr']

test('several CSR files dropped anywhere are read, checked, signed with one confirmation and saved', async ({ app, harness }) => {
  const ca = await createRootCa(app, 'Drop Root CA')
  // Dropped on the dashboard: the files go to Sign requests.
  await dropFiles(app, CSR_FILES.map((name) => ({ name, text: fixture(name) })))
  await expect(app.getByRole('main')).toHaveAccessibleName('Sign requests')
  const cards = app.getByTestId('csr-card')
  await expect(cards).toHaveCount(5)
  const web1 = cards.filter({ hasText: 'CN=web1.example.com' })
  await expect(web1).toContainText('DNS: web1.example.com, DNS: www.web1.example.com')
  await expect(web1).toContainText('ECDSA P-256')
  await expect(web1).toContainText('✓ valid')
  await expect(cards.filter({ hasText: 'CN=rsa.example.com' })).toContainText('RSA 2048 bits')
  // The file that holds no request says so, in the words of its coded error, on its own card.
  const junk = cards.filter({ hasText: 'from junk.csr' })
  await expect(junk.getByRole('alert')).toContainText('holds no request')
  await expect(junk).toContainText('Cannot sign')
  await expect(app.getByRole('combobox', { name: 'Signing CA' })).toHaveValue('Drop Root CA')
  await expectAccessible(app, 'sign requests with dropped files')

  await app.getByRole('button', { name: 'Sign 4 valid requests…' }).click()
  const confirm = app.getByRole('dialog', { name: 'Sign these requests?' })
  await expect(confirm).toContainText('Drop Root CA will sign 4 certificates')
  await expect(confirm).toContainText('1 request that cannot be signed will be skipped')
  await confirm.getByRole('button', { name: 'Sign 4 certificates' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'Done:' })).toHaveText('Done: 4 certificates issued, 0 failed.')
  await expect(app.getByRole('progressbar', { name: 'Signing progress' })).toHaveAttribute('aria-valuenow', '100')
  await expect(app.getByTestId('issued-serial')).toHaveCount(4)

  await app.getByRole('button', { name: 'Save results…' }).click()
  // Per certificate: PEM, chain, PKCS#7; plus one PKCS#7 bundle of all four and the chain.
  await expect(app.getByRole('status').filter({ hasText: 'files saved' })).toHaveText('13 files saved.')
  const dir = join(harness.outputDir, 'save-1')
  const saved = readdirSync(dir).sort()
  expect(saved.filter((f) => f.endsWith('.chain.pem'))).toHaveLength(4)
  expect(saved.filter((f) => f.endsWith('.p7b'))).toHaveLength(5)
  expect(saved).toContain('issued-certificates-4.p7b')
  const bundled = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', join(dir, 'issued-certificates-4.p7b'), '-print_certs', '-noout'], { encoding: 'utf8' })
  const bundledSubjects = [...bundled.matchAll(/^subject=.*CN ?= ?(.+)$/gm)].map((m) => m[1]).sort()
  expect(bundledSubjects).toEqual(['Drop Root CA', 'rsa.example.com', 'web1.example.com', 'web2.example.com', 'web3.example.com'])
  const caCert = await app.evaluate((id) => (globalThis as unknown as PageGlobal).pki.authorities.get({ authorityId: id }), ca.id)
  if (!caCert.ok || !caCert.value.certificatePem) throw new Error('no CA certificate')
  const issuer = new X509Certificate(caCert.value.certificatePem)
  const subjects: string[] = []
  for (const f of saved.filter((n) => n.endsWith('.pem') && !n.endsWith('.chain.pem'))) {
    const cert = new X509Certificate(readFileSync(join(dir, f)))
    expect(cert.verify(issuer.publicKey), `${f} is signed by the CA`).toBe(true)
    subjects.push(cert.subject.split('\n').find((l) => l.startsWith('CN='))!)
  }
  expect(subjects.sort()).toEqual(['CN=rsa.example.com', 'CN=web1.example.com', 'CN=web2.example.com', 'CN=web3.example.com'])
  const p7b = saved.find((f) => f.startsWith('web1') && f.endsWith('.p7b'))!
  const printed = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', join(dir, p7b), '-print_certs', '-noout'], { encoding: 'utf8' })
  expect(printed).toMatch(/subject=C ?= ?DE, O ?= ?Example, CN ?= ?web1\.example\.com/)
  expect(printed).toMatch(/subject=O ?= ?Example, CN ?= ?Drop Root CA/)
})

test('files can be picked with the file picker and PEM pasted; the profile preselects its default CA', async ({ app }) => {
  await createRootCa(app, 'First CA')
  const second = await createRootCa(app, 'Second CA')
  const made = await app.evaluate(
    async (authorityId) => {
      const pki = (globalThis as unknown as PageGlobal).pki
      const base = await pki.profiles.get({ id: 'tls-server' })
      if (!base.ok) return base
      const { id: _id, archived: _a, source: _s, createdAt: _c, updatedAt: _u, ...body } = base.value
      return pki.profiles.create({ id: 'tls-second', profile: { ...body, name: 'TLS via Second CA', defaultAuthorityId: authorityId } })
    },
    second.id
  )
  expect(made.ok).toBe(true)
  await goTo(app, 'Sign requests')
  await expect(app.getByText('No requests yet')).toBeVisible()
  const chooser = app.waitForEvent('filechooser')
  await app.getByRole('button', { name: 'Choose CSR files…' }).click()
  await (await chooser).setFiles([join(__dirname, '../fixtures/e2e/web2.csr'), join(__dirname, '../fixtures/e2e/web3.csr')])
  await expect(app.getByTestId('csr-card')).toHaveCount(2)
  await app.getByLabel('Paste PEM').fill(fixture('web1.csr'))
  await app.getByRole('button', { name: 'Add pasted' }).click()
  await expect(app.getByTestId('csr-card')).toHaveCount(3)
  await expect(app.getByTestId('csr-card').last()).toContainText('from pasted text')

  await app.getByRole('combobox', { name: 'Profile' }).click()
  await app.getByRole('option', { name: 'TLS via Second CA' }).click()
  await expect(app.getByRole('combobox', { name: 'Signing CA' })).toHaveValue('Second CA')
  // The preview shows what each certificate will contain.
  await app.getByRole('switch', { name: 'Show preview of each certificate' }).check()
  await expect(app.getByRole('table', { name: 'Preview of CN=web1.example.com, O=Example, C=DE' })).toBeVisible()
})

test.describe('a slow signing run', () => {
  // Main waits 200 ms before each signature, so 100 requests take about twenty seconds: long
  // enough that Cancel lands mid-run even on a loaded machine.
  test.use({ harnessOptions: { issuePaceMs: 200 } })
  test('shows progress and can be cancelled in main; what was not attempted is reported', async ({ app }) => {
    test.setTimeout(180_000)
    await createRootCa(app, 'Slow CA')
    await goTo(app, 'Sign requests')
    // A hundred different requests: the same one pasted twice would be a re-submission, refused after the first.
    await app.getByLabel('Paste PEM').fill(distinctCsrs(100).join('\n'))
    await app.getByRole('button', { name: 'Add pasted' }).click()
    await expect(app.getByTestId('csr-card')).toHaveCount(100)
    await app.getByRole('button', { name: 'Sign 100 valid requests…' }).click()
    await app.getByRole('dialog').getByRole('button', { name: 'Sign 100 certificates' }).click()
    // Main's progress events move the bar while the one call for all 100 is still running.
    await expect(app.getByRole('status').filter({ hasText: 'Signing' })).toContainText(/Signing [1-9]\d* of 100/)
    await app.getByRole('button', { name: 'Cancel' }).click()
    await expect(app.getByRole('status').filter({ hasText: 'Cancelled:' })).toContainText('not attempted')
    const text = await app.getByRole('status').filter({ hasText: 'Cancelled:' }).innerText()
    const issued = Number(/(\d+) certificates? issued/.exec(text)?.[1])
    const notAttempted = Number(/(\d+) not attempted/.exec(text)?.[1])
    // All 100 went to main in one call: only main stopping mid-run leaves some unsigned.
    expect(issued).toBeGreaterThan(0)
    expect(issued).toBeLessThan(100)
    expect(issued + notAttempted).toBe(100)
    // The bar stops where main stopped (of 100 requests, so the percentage is the count).
    await expect(app.getByRole('progressbar', { name: 'Signing progress' })).toHaveAttribute('aria-valuenow', String(issued))
    await expect(app.getByTestId('issued-serial')).toHaveCount(issued)
    await expect(app.getByTestId('csr-card').filter({ hasText: 'Cancelled' })).toHaveCount(notAttempted)
    // The store holds exactly what was signed: nothing of the cancelled rest.
    const stored = await app.evaluate(async () => {
      const r = await (globalThis as unknown as PageGlobal).pki.certificates.list({ limit: 1000 })
      return r.ok ? r.value.items.filter((c) => !c.isCa).length : -1
    })
    expect(stored).toBe(issued)
  })
})

// The Sign requests screen as an operator's first day found it: the whole serial on a signed
// card, a preview switch that never stays silent (the built-in profile previews too), a "saved" note that goes with its batch, a
// request whose signature fails titled by its subject, and the CA chosen for the operator
// when only one can sign (or the profile names one), kept until the app restarts.
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'
import type { AuthoritySummary, CreateAuthorityInput } from '../../src/shared/domain/authority'

type PageGlobal = { readonly pki: PkiApi }

async function paste(page: Page, pem: string): Promise<void> {
  await page.getByLabel('Paste PEM').fill(pem)
  await page.getByRole('button', { name: 'Add pasted' }).click()
}

async function signAll(page: Page, n: number): Promise<void> {
  await page.getByRole('button', { name: `Sign ${n} valid request${n === 1 ? '' : 's'}…` }).click()
  await page.getByRole('dialog', { name: 'Sign these requests?' }).getByRole('button', { name: `Sign ${n} certificate${n === 1 ? '' : 's'}` }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Done:' })).toBeVisible()
}

/** web1.csr with one bit of its signature flipped: it parses, but proves nothing. */
function tamperedCsr(): string {
  const pem = fixture('web1.csr')
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  const der = Buffer.from(b64, 'base64')
  der[der.length - 3]! ^= 0x01
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`
}

test('a signed card shows the whole serial of the certificate', async ({ app }) => {
  await createRootCa(app, 'Serial Root')
  await goTo(app, 'Sign requests')
  await paste(app, fixture('web1.csr'))
  await signAll(app, 1)
  const serial = await app.evaluate(async () => {
    const r = await (globalThis as unknown as PageGlobal).pki.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 1 })
    return r.ok ? r.value.items[0]!.serial : ''
  })
  expect(serial.length).toBeGreaterThanOrEqual(32)
  const shown = (await app.getByTestId('issued-serial').innerText()).replace(/:/g, '')
  expect(shown).toBe(serial.toUpperCase())
})

test('"Show preview" shows each certificate with the built-in profile too, in the card\'s own DN order', async ({ app }) => {
  await createRootCa(app, 'Preview Root')
  await goTo(app, 'Sign requests')
  await paste(app, fixture('web1.csr'))
  await paste(app, fixture('junk.csr'))
  await expect(app.getByRole('combobox', { name: 'Profile' })).toHaveValue('Built-in: minimal TLS server')
  await app.getByRole('switch', { name: 'Show preview of each certificate' }).check()
  const title = 'CN=web1.example.com, O=Example, C=DE'
  const preview = app.getByRole('table', { name: `Preview of ${title}` })
  await expect(preview).toBeVisible()
  await expect(preview).toContainText(title)
  await expect(preview).not.toContainText('C=DE, O=Example, CN=web1.example.com')
  // A card that cannot be previewed says so instead of showing nothing.
  await expect(app.getByTestId('csr-card').filter({ hasText: 'from pasted text' }).last().getByTestId('preview-note')).toContainText('No preview')
  // With a profile, the same.
  await app.getByRole('combobox', { name: 'Profile' }).click()
  await app.getByRole('option', { name: 'TLS server (90 days)' }).click()
  await expect(preview).toContainText(title)
  await expect(preview).not.toContainText('C=DE, O=Example, CN=web1.example.com')
})

test('"N files saved." goes when the batch is cleared or new requests arrive', async ({ app }) => {
  await createRootCa(app, 'Save Root')
  await goTo(app, 'Sign requests')
  await paste(app, fixture('web1.csr'))
  await signAll(app, 1)
  await app.getByRole('button', { name: 'Save results…' }).click()
  const saved = app.getByRole('status').filter({ hasText: 'files saved' })
  await expect(saved).toHaveText('4 files saved.')
  await app.getByRole('button', { name: 'Clear' }).click()
  await paste(app, fixture('web2.csr'))
  await expect(app.getByTestId('csr-card')).toHaveCount(1)
  await expect(saved).toHaveCount(0)
  // And after a second save, a new request alone clears it too.
  await signAll(app, 1)
  await app.getByRole('button', { name: 'Save results…' }).click()
  await expect(saved).toHaveText('4 files saved.')
  await paste(app, fixture('web3.csr'))
  await expect(app.getByTestId('csr-card')).toHaveCount(2)
  await expect(saved).toHaveCount(0)
})

test('a request whose signature fails is titled by its subject and says why it cannot be signed', async ({ app }) => {
  await goTo(app, 'Sign requests')
  await paste(app, tamperedCsr())
  const card = app.getByTestId('csr-card')
  await expect(card).toHaveCount(1)
  await expect(card).not.toContainText('No request could be read')
  await expect(card).toContainText('CN=web1.example.com, O=Example, C=DE')
  await expect(card).toContainText('Cannot sign')
  await expect(card).toContainText('✗ does not verify')
  await expect(card.getByRole('alert')).toContainText('not signed by its own key')
})

test('sign defaults: the only CA that can sign is chosen, the choice stays until the app restarts', async ({ app }) => {
  const root = await createRootCa(app, 'Only Root')
  // An intermediate whose certificate the root revoked: active, but it may issue nothing.
  const revoked = await app.evaluate(async (parentId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const input: CreateAuthorityInput = {
      name: 'Revoked Issuing',
      parentId,
      subject: [[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'Revoked Issuing' }]],
      keySpec: 'ec-p256',
      protection: 'keychain',
      validityDays: 365,
      pathLength: 0,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    }
    const made = await pki.authorities.create(input)
    if (!made.ok) return made
    const r = await pki.certificates.revoke({ id: made.value.certificateId!, reason: 'cessationOfOperation' })
    return r.ok ? pki.authorities.get({ authorityId: made.value.id }) : r
  }, root.id)
  expect(revoked.ok && (revoked.value as AuthoritySummary).canIssue).toBe(false)
  await goTo(app, 'Sign requests')
  const ca = app.getByRole('combobox', { name: 'Signing CA' })
  await expect(ca).toHaveValue('Only Root')

  // A second CA that can sign: the operator chooses; the choice survives leaving the screen.
  await createRootCa(app, 'Second Root')
  await app.reload()
  await goTo(app, 'Sign requests')
  await expect(ca).toHaveValue('')
  await ca.click()
  await app.getByRole('option', { name: 'Second Root' }).click()
  await goTo(app, 'Certificates')
  await goTo(app, 'Sign requests')
  await expect(ca).toHaveValue('Second Root')
  // A restart (reload) forgets it: with two CAs that can sign, none is chosen for the operator.
  await app.reload()
  await goTo(app, 'Sign requests')
  await expect(ca).toHaveValue('')
})

// Values the operator enters at signing: a profile whose CN comes from the operator
// (mandatory, with a pattern) and that lets the operator add e-mail SANs and shorten the
// validity. The Sign screen shows a field for each, once for the batch and on each request
// card as an override; the profile's verdict appears beside the field; the certificates are
// read back by node:crypto.
import { X509Certificate } from 'node:crypto'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { createEnteredProfile, createRootCa, expectAccessible, fixture, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

async function paste(page: Page, pem: string): Promise<void> {
  await page.getByLabel('Paste PEM').fill(pem)
  await page.getByRole('button', { name: 'Add pasted' }).click()
}

async function certificatePem(page: Page, cn: string): Promise<X509Certificate> {
  const pem = await page.evaluate(async (cn) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const list = await pki.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 50 })
    if (!list.ok) return null
    const hit = list.value.items.find((c) => c.subjectText.includes(`CN=${cn}`))
    if (!hit) return null
    const detail = await pki.certificates.get({ id: hit.id })
    return detail.ok ? detail.value.view.pem : null
  }, cn)
  if (!pem) throw new Error(`no certificate for ${cn}`)
  return new X509Certificate(pem)
}

test('entered fields: mandatory and pattern errors beside the field, a card overrides the batch, values reach the certificate', async ({ app }) => {
  await createRootCa(app, 'Entered Root')
  await createEnteredProfile(app)
  await goTo(app, 'Sign requests')
  await paste(app, fixture('web1.csr'))
  await paste(app, fixture('web2.csr'))
  const cards = app.getByTestId('csr-card')
  await expect(cards).toHaveCount(2)
  await app.getByRole('combobox', { name: 'Profile' }).click()
  await app.getByRole('option', { name: 'Entered web server' }).click()

  const batch = app.getByTestId('batch-input')
  const cn = batch.getByRole('textbox', { name: 'Common name (CN)' })
  // Mandatory (marked and required), its pattern in words.
  await expect(cn).toHaveAttribute('required', '')
  await expect(batch).toContainText('Pattern: ends with ".example.com".')
  await expect(batch.getByRole('textbox', { name: 'E-mail addresses to add' })).toBeVisible()
  await expect(batch.getByRole('textbox', { name: 'Validity (days)' })).toBeVisible()
  // The CA is ECDSA P-256: it signs with SHA-256, so there is no hash to choose.
  await expect(batch.getByRole('combobox', { name: 'Signature hash' })).toHaveCount(0)

  // Keyboard: the batch's first field follows the preview switch and the output folder.
  await app.getByRole('switch', { name: 'Show preview of each certificate' }).focus()
  await app.keyboard.press('Tab')
  // The output folder's button sits between the batch settings and the values entered.
  await expect(app.getByRole('group', { name: 'Output folder' }).getByRole('button', { name: 'Choose folder…' })).toBeFocused()
  await app.keyboard.press('Tab')
  await expect(cn).toBeFocused()

  // Nothing entered: refused, and the reason sits beside the field.
  await expect(cards.first()).toContainText('Refused by profile')
  // Beside the field: its error text, announced with it (aria-describedby), the field marked invalid.
  const cnError = batch.locator('[id="batch-subject.CN-error"]')
  await expect(cnError).toHaveText('Subject rule: CN is mandatory and comes from the operator at issuance, but none was given; enter CN at issuance. (2 requests)')
  await expect(cn).toHaveAttribute('aria-invalid', 'true')
  await expect(cn).toHaveAttribute('aria-describedby', /batch-subject\.CN-error/)
  await expect(app.getByRole('button', { name: /Sign 0 valid requests/ })).toBeDisabled()

  // A value the pattern refuses: beside the field too.
  await app.keyboard.type('web.example.org')
  await expect(cnError).toContainText('Subject rule: CN "web.example.org" does not match the profile\'s pattern')
  await cn.fill('batch.example.com')
  await expect(cnError).toHaveCount(0)
  await expect(app.getByRole('button', { name: 'Sign 2 valid requests…' })).toBeEnabled()
  await batch.getByRole('textbox', { name: 'E-mail addresses to add' }).fill('ops@example.com')
  await batch.getByRole('textbox', { name: 'Validity (days)' }).fill('30')

  // web2's card overrides the CN; its own bad value is refused beside its own field.
  const web2 = cards.filter({ hasText: 'CN=web2.example.com' })
  await web2.getByRole('button', { name: 'Values for this request…' }).click()
  const ownCn = web2.getByRole('textbox', { name: 'Common name (CN)' })
  await expect(ownCn).toHaveAttribute('placeholder', 'batch.example.com')
  await expect(ownCn).not.toHaveAttribute('required', '')
  await ownCn.fill('own.example.net')
  await expect(web2.locator('[id$="-subject.CN-error"]')).toHaveText("Subject rule: CN \"own.example.net\" does not match the profile's pattern .*\\.example\\.com.")
  await expect(ownCn).toHaveAttribute('aria-invalid', 'true')
  // The batch field stays clean: web2 has its own value, web1 takes the batch's.
  await expect(cnError).toHaveCount(0)
  await expect(app.getByRole('button', { name: 'Sign 1 valid request…' })).toBeEnabled()
  await ownCn.fill('own.example.com')
  await expect(web2).toContainText('own values')
  await expect(app.getByRole('button', { name: 'Sign 2 valid requests…' })).toBeEnabled()

  // The preview marks the entered values.
  await app.getByRole('switch', { name: 'Show preview of each certificate' }).click()
  await expect(web2.getByRole('table', { name: /Preview of/ })).toContainText('own.example.com (entered)')
  await expect(web2.getByRole('table', { name: /Preview of/ })).toContainText('email:ops@example.com (entered)')
  await expectAccessible(app, 'sign requests with entered fields')

  await app.getByRole('button', { name: 'Sign 2 valid requests…' }).click()
  await app.getByRole('dialog', { name: 'Sign these requests?' }).getByRole('button', { name: 'Sign 2 certificates' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'Done:' })).toHaveText('Done: 2 certificates issued, 0 failed.')

  const one = await certificatePem(app, 'batch.example.com')
  expect(one.subjectAltName).toContain('email:ops@example.com')
  expect(Math.round((new Date(one.validTo).getTime() - new Date(one.validFrom).getTime()) / 86_400_000)).toBe(30)
  const two = await certificatePem(app, 'own.example.com')
  expect(two.subject).toBe('CN=own.example.com')
  expect(two.subjectAltName).toContain('email:ops@example.com')
})

test('a DSA request is described on its card (subject, key, signature check) before it is refused', async ({ app }) => {
  const { readFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  await goTo(app, 'Sign requests')
  await paste(app, readFileSync(join(__dirname, '../fixtures/engine/bad-dsa.pem'), 'utf8'))
  const card = app.getByTestId('csr-card')
  await expect(card).toHaveAttribute('aria-label', 'Request CN=dsa')
  await expect(card.getByTestId('described')).toContainText('DSA 2048 bits')
  await expect(card.getByTestId('described')).toContainText('dsa-with-sha256 · verifies')
  await expect(card.getByRole('alert')).toHaveAttribute('data-error-code', 'KEY_UNSUPPORTED')
  await expect(card).toContainText('Cannot sign')
})

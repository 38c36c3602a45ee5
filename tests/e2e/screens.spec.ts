// Every screen, with realistic data, in the light and the dark theme (the theme follows the
// OS: the test flips the emulated prefers-color-scheme): a screenshot of each for
// docs/screenshots/<screen>-<theme>.png, and zero serious or critical axe violations.
import type { Page } from '@playwright/test'
import { test, expect, screenshot } from './fixtures'
import { createEnteredProfile, createRootCa, expectAccessible, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

async function seed(page: Page): Promise<void> {
  const root = await createRootCa(page, 'Example Root CA')
  // The URLs the root puts in what it issues: the certificate view shows them.
  await page.evaluate(
    (authorityId) =>
      (globalThis as unknown as PageGlobal).pki.authorities.setUrls({
        authorityId,
        urls: { crlDistributionPoints: ['http://pki.example.com/root.crl'], ocspUrls: ['http://ocsp.example.com'], caIssuersUrls: ['http://pki.example.com/root.crt'] }
      }),
    root.id
  )
  const ids = await issue(page, root.id, [fixture('web1.csr'), fixture('web2.csr'), fixture('web3.csr'), fixture('rsa.csr')])
  await page.evaluate(
    async ({ rootId, revokeId }) => {
      const pki = (globalThis as unknown as PageGlobal).pki
      await pki.certificates.revoke({ id: revokeId, reason: 'superseded' })
      await pki.crl.generate({ authorityId: rootId })
      await pki.connectors.add({ name: 'lab-lamassu', type: 'lamassu', baseUrl: 'https://lamassu.lab.example' })
      // A queued push: the outbox shows what the Lamassu dialect cannot carry.
      await pki.sync.enqueue({ kind: 'profile-push', connector: 'lab-lamassu', profileId: 'tls-server' })
      // A certificate whose key the vault holds (generated here), issued with a profile: renewable.
      const made = await pki.csr.generate({ subject: [[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'app.example.com' }]], sans: [{ type: 'dns', value: 'app.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
      // Issued, then renewed once: the table links the two.
      if (made.ok) {
        const issued = await pki.certificates.issue({ authorityId: rootId, profileId: 'tls-server', items: [{ csrPem: made.value.pem, input: {} }] })
        const first = issued.ok ? issued.value.results[0] : undefined
        if (first?.ok) await pki.certificates.renew({ id: first.certificateId, confirmWarnings: true })
      }
    },
    { rootId: root.id, revokeId: ids[3]! }
  )
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen in the ${theme} theme: screenshot and accessibility`, async ({ app }) => {
    test.setTimeout(300_000) // about 2 min alone; far longer on two cores shared with other runs
    await app.emulateMedia({ colorScheme: theme })
    await seed(app)
    await app.reload()
    await expect(app.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme)

    const shot = async (name: string): Promise<void> => {
      await expectAccessible(app, `${name} (${theme})`)
      await screenshot(app, `${name}-${theme}`)
    }

    await goTo(app, 'Dashboard')
    await expect(app.getByTestId('expiry-timeline')).toBeVisible()
    await expect(app.getByRole('table', { name: 'CRLs due' })).toContainText('Example Root CA')
    await shot('dashboard')

    await goTo(app, 'Sign requests')
    for (const name of ['web1.csr', 'rsa.csr', 'junk.csr']) {
      await app.getByLabel('Paste PEM').fill(fixture(name))
      await app.getByRole('button', { name: 'Add pasted' }).click()
    }
    await expect(app.getByTestId('csr-card')).toHaveCount(3)
    await shot('sign')
    // The CA locked: Sign waits with the reason, and the CA unlocks in place.
    await app.evaluate(async () => {
      const pki = (globalThis as unknown as PageGlobal).pki
      const list = await pki.authorities.list({})
      if (list.ok) for (const a of list.value.items) await pki.authorities.lock({ authorityId: a.id })
    })
    await expect(app.getByTestId('sign-locked-reason')).toBeVisible()
    await app.getByRole('button', { name: 'Unlock Example Root CA…' }).click()
    const unlock = app.getByRole('dialog', { name: 'Unlock Example Root CA' })
    await expect(unlock).toContainText('unlock it to sign these requests')
    await shot('sign-unlock')
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click()
    await expect(app.getByTestId('sign-locked-reason')).toBeHidden()
    // A profile that takes the CN and e-mail SANs from the operator: the batch's fields (the
    // mandatory CN refused beside its field while empty), then one card's own values, its
    // refused CN beside the field. Removed afterwards: the other screens stay as they were.
    await createEnteredProfile(app)
    await app.getByRole('combobox', { name: 'Profile' }).click()
    await app.getByRole('option', { name: 'Entered web server' }).click()
    const batchInput = app.getByTestId('batch-input')
    await batchInput.getByRole('textbox', { name: 'E-mail addresses to add' }).fill('ops@example.com')
    await expect(batchInput.locator('[id="batch-subject.CN-error"]')).toContainText('CN is mandatory')
    await shot('sign-entered')
    await batchInput.getByRole('textbox', { name: 'Common name (CN)' }).fill('web.example.com')
    const rsaCard = app.getByTestId('csr-card').filter({ hasText: 'CN=rsa.example.com' })
    await rsaCard.getByRole('button', { name: 'Values for this request…' }).click()
    await rsaCard.getByRole('textbox', { name: 'Common name (CN)' }).fill('rsa.example.org')
    await expect(rsaCard.locator('[id$="-subject.CN-error"]')).toContainText('does not match')
    await rsaCard.evaluate((el) => el.scrollIntoView({ block: 'end' }))
    await shot('sign-entered-card')
    await app.getByRole('button', { name: 'Clear' }).click()
    await app.evaluate(() => (globalThis as unknown as PageGlobal).pki.profiles.delete({ id: 'entered-web' }))

    await goTo(app, 'Generate CSR')
    await shot('csr')

    await goTo(app, 'Authorities')
    await expect(app.getByRole('tree', { name: 'CA hierarchy' })).toContainText('Example Root CA')
    await expect(app.getByTestId('crl-next-update')).toBeVisible()
    await shot('authorities')
    await app.getByRole('button', { name: 'Actions' }).click()
    await app.getByRole('menuitem', { name: 'URLs…' }).click()
    await expect(app.getByRole('dialog', { name: 'URLs of Example Root CA' })).toContainText('http://ocsp.example.com')
    await shot('authority-urls')
    await app.getByRole('dialog', { name: 'URLs of Example Root CA' }).getByRole('button', { name: 'Cancel' }).click()
    await expect(app.getByRole('dialog')).toBeHidden()

    await goTo(app, 'Certificates')
    await expect(app.getByTestId('inventory-count')).toHaveText(/7 certificates/)
    await expect(app.getByRole('table', { name: 'Certificates' }).getByRole('button', { name: /^Renewed by / })).toBeVisible()
    await shot('certificates')
    await app.getByRole('row').filter({ hasText: 'web1.example.com' }).click()
    await expect(app.getByRole('heading', { name: 'web1.example.com' })).toBeVisible()
    await shot('certificate-view')
    await app.getByRole('button', { name: 'Export…' }).click()
    await app.getByRole('radio', { name: 'PFX, modern' }).check()
    await expect(app.getByRole('dialog')).toBeVisible()
    await shot('export-dialog')
    await app.keyboard.press('Escape')
    await app.getByRole('button', { name: '← Back to certificates' }).click()
    await app.getByRole('row').filter({ hasText: 'app.example.com' }).first().click()
    await app.getByRole('button', { name: 'Renew…' }).click()
    await expect(app.getByRole('dialog')).toContainText('TLS server (90 days)')
    await expect(app.getByRole('combobox', { name: 'Signing CA' })).toHaveValue('Example Root CA')
    await shot('renew-dialog')
    await app.keyboard.press('Escape')

    await goTo(app, 'Profiles')
    await app.getByRole('navigation', { name: 'Profile list' }).getByRole('button').first().click()
    await app.getByRole('button', { name: 'Edit', exact: true }).click()
    await expect(app.getByTestId('profile-validity')).toBeVisible()
    await shot('profiles')
    // The subject rules and allowed DNS names said in words, and the preview's dates.
    const dnsNames = app.getByRole('combobox', { name: 'Allowed DNS names' })
    await dnsNames.fill('.example.com')
    await dnsNames.press('Enter')
    await app.getByLabel('Sample CSR (PEM)').fill(fixture('web1.csr'))
    await app.getByRole('button', { name: 'Preview' }).click()
    await expect(app.getByRole('table', { name: 'Profile preview' })).toContainText('UTC')
    await app.getByRole('table', { name: 'Subject attribute rules' }).evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await shot('profile-patterns')
    await app.getByRole('table', { name: 'Profile preview' }).evaluate((el) => el.scrollIntoView({ block: 'end' }))
    await shot('profile-preview')
    await app.getByRole('button', { name: 'Close', exact: true }).click()

    await goTo(app, 'Connections')
    await expect(app.getByRole('table', { name: 'Connectors' })).toContainText('lab-lamassu')
    await expect(app.getByRole('table', { name: 'Outbox' })).toContainText('push profile tls-server')
    await expect(app.getByLabel('Notes of outbox item 1')).toContainText('note: san: Lamassu has no field for san')
    await shot('connections')

    await goTo(app, 'Audit trail')
    await expect(app.getByTestId('audit-verdict')).toContainText('intact')
    await shot('audit')

    await goTo(app, 'Settings')
    await expect(app.getByTestId('keychain-status')).toBeVisible()
    await expect(app.getByTestId('settings-store-size')).toBeVisible()
    await expect(app.getByTestId('settings-audit-status')).toContainText('Intact')
    // The PKCS#11 card has looked for its modules (what it finds depends on the machine).
    await expect(app.getByRole('heading', { name: 'PKCS#11 modules' })).toBeVisible()
    await expect(app.getByText('Looking…')).toHaveCount(0)
    await shot('settings')
    // The rest of Data and the default formats, scrolled to.
    await app.getByRole('heading', { name: 'Default formats' }).evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await shot('settings-formats')
  })
}

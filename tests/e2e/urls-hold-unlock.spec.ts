// A locked CA unlocks where it is needed (the Sign button waits with its reason, a wrong
// passphrase is refused and audited; Generate CRL and Renew ask in place); a CA's URLs edited
// on the Authorities screen reach the Sign preview ("set on the CA") and the issued
// certificate (read by OpenSSL); the profile editor's AIA fields; a certificate put on hold
// is released from its view.
import { execFileSync } from 'node:child_process'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { createRootCa, expectAccessible, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'
import type { CreateAuthorityInput } from '../../src/shared/domain/authority'

type PageGlobal = { readonly pki: PkiApi }
const PASS = 'correct horse battery staple'

async function lockedPassphraseCa(app: Page, name: string): Promise<string> {
  const input: CreateAuthorityInput = {
    name,
    parentId: null,
    subject: [[{ type: 'CN', value: name }]],
    keySpec: 'ec-p256',
    protection: 'passphrase',
    passphrase: PASS,
    validityDays: 3650,
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
  if (!made.ok) throw new Error(made.error.message)
  return made.value.id
}

const auditCount = (app: Page, action: string): Promise<number> =>
  app.evaluate(async (a) => {
    const r = await (globalThis as unknown as PageGlobal).pki.audit.list({ limit: 200, action: a })
    return r.ok ? r.value.entries.length : -1
  }, action)

async function pasteCsr(app: Page, pem: string): Promise<void> {
  await app.getByRole('textbox', { name: 'Paste PEM' }).fill(pem)
  await app.getByRole('button', { name: 'Add pasted' }).click()
  await expect(app.getByTestId('csr-card')).toHaveCount(1)
}

test('the Sign button waits while the chosen CA is locked and the CA unlocks right there; a wrong passphrase is audited', async ({ app }) => {
  await lockedPassphraseCa(app, 'Locked Root')
  await goTo(app, 'Sign requests')
  await pasteCsr(app, fixture('web1.csr'))
  const sign = app.getByRole('button', { name: 'Sign 1 valid request…' })
  await expect(sign).toBeDisabled()
  await expect(sign).toHaveAccessibleDescription('Locked Root is locked: unlock it to sign.')
  await expectAccessible(app, 'sign screen with a locked CA')

  const unlocksBefore = await auditCount(app, 'vault.unlock')
  await app.getByRole('button', { name: 'Unlock Locked Root…' }).click()
  const prompt = app.getByRole('dialog', { name: 'Unlock Locked Root' })
  await expect(prompt).toContainText('Locked Root is locked: unlock it to sign these requests.')
  await prompt.getByRole('textbox', { name: 'Passphrase' }).fill('not the passphrase')
  await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(prompt.getByRole('textbox', { name: 'Passphrase' })).toHaveAttribute('aria-invalid', 'true')
  await expect(prompt).toContainText('The passphrase is wrong')
  expect(await auditCount(app, 'vault.unlock-failed')).toBe(1)
  await expect(sign).toBeDisabled()

  await prompt.getByRole('textbox', { name: 'Passphrase' }).fill(PASS)
  await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(prompt).toBeHidden()
  await expect(app.getByTestId('sign-locked-reason')).toBeHidden()
  await expect(sign).toBeEnabled()
  expect(await auditCount(app, 'vault.unlock')).toBe(unlocksBefore + 1)
  await sign.click()
  await app.getByRole('dialog', { name: 'Sign these requests?' }).getByRole('button', { name: 'Sign 1 certificate' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'Done:' })).toHaveText('Done: 1 certificate issued, 0 failed.')
})

test('Generate CRL on a locked CA asks for the passphrase and then signs the CRL', async ({ app }) => {
  await lockedPassphraseCa(app, 'CRL Root')
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Unlock and generate CRL…' }).click()
  const prompt = app.getByRole('dialog', { name: 'Unlock CRL Root' })
  await expect(prompt).toContainText('unlock it to sign its CRL')
  await prompt.getByRole('textbox', { name: 'Passphrase' }).fill(PASS)
  await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(prompt).toBeHidden()
  await expect(app.getByTestId('crl-next-update')).toBeVisible()
  await expect(app.getByRole('button', { name: 'Save CRL 1' })).toBeVisible()
})

test("a CA's URLs edited on the Authorities screen show in the Sign preview as the CA's and are in the issued certificate", async ({ app }) => {
  const ca = await createRootCa(app, 'URL Root')
  await goTo(app, 'Authorities')
  await app.getByRole('button', { name: 'Actions' }).click()
  await app.getByRole('menuitem', { name: 'URLs…' }).click()
  const dialog = app.getByRole('dialog', { name: 'URLs of URL Root' })
  const crl = dialog.getByRole('combobox', { name: 'CRL distribution points' })
  await crl.fill('ftp://pki.example.com/root.crl')
  await crl.press('Enter')
  await expect(dialog).toContainText('uses ftp: only http, https, ldap URLs are allowed')
  await expect(dialog.getByRole('button', { name: 'Save URLs' })).toBeDisabled()
  // Backspace in the empty field removes the last URL.
  await crl.press('Backspace')
  await expect(dialog).not.toContainText('uses ftp')
  await crl.fill('http://pki.example.com/root.crl')
  await crl.press('Enter')
  const ocsp = dialog.getByRole('combobox', { name: 'OCSP responders (AIA)' })
  await ocsp.fill('http://ocsp.example.com')
  await ocsp.press('Enter')
  await expectAccessible(app, 'the CA URLs editor')
  await dialog.getByRole('button', { name: 'Save URLs' }).click()
  await expect(dialog).toBeHidden()
  const stored = await app.evaluate(async (id) => {
    const r = await (globalThis as unknown as PageGlobal).pki.authorities.get({ authorityId: id })
    return r.ok ? r.value.urls : null
  }, ca.id)
  expect(stored).toEqual({ crlDistributionPoints: ['http://pki.example.com/root.crl'], ocspUrls: ['http://ocsp.example.com'], caIssuersUrls: [] })

  await goTo(app, 'Sign requests')
  await pasteCsr(app, fixture('web2.csr'))
  await app.getByRole('switch', { name: 'Show preview of each certificate' }).check()
  const preview = app.getByRole('table', { name: /^Preview of/ })
  await expect(preview.getByRole('row', { name: /CRL distribution points/ })).toContainText('http://pki.example.com/root.crl')
  await expect(preview.getByRole('row', { name: /CRL distribution points/ })).toContainText('set on the CA "URL Root"')
  await expect(preview.getByRole('row', { name: /OCSP responder/ })).toContainText('set on the CA "URL Root"')

  const [id] = await issue(app, ca.id, [fixture('web2.csr')])
  const pem = await app.evaluate(async (certId) => {
    const r = await (globalThis as unknown as PageGlobal).pki.certificates.get({ id: certId })
    return r.ok ? r.value.view.pem : ''
  }, id!)
  const ext = execFileSync('openssl', ['x509', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess'], { input: pem, encoding: 'utf8' })
  expect(ext).toContain('URI:http://pki.example.com/root.crl')
  expect(ext).toContain('OCSP - URI:http://ocsp.example.com')
})

test('a certificate put on hold is released from its view and is valid again', async ({ app }) => {
  const ca = await createRootCa(app, 'Hold Root')
  const [id] = await issue(app, ca.id, [fixture('web3.csr')])
  await goTo(app, 'Certificates')
  await app.getByRole('table', { name: 'Certificates' }).getByRole('row', { name: /web3\.example\.com/ }).click()
  await expect(app.getByRole('heading', { level: 2 })).toHaveText('web3.example.com')
  await expect(app.getByRole('button', { name: 'Release hold' })).toHaveCount(0)

  await app.getByRole('button', { name: 'Revoke…' }).click()
  const revoke = app.getByRole('dialog')
  await revoke.getByRole('combobox', { name: 'Reason' }).click()
  await app.getByRole('option', { name: /Certificate hold/ }).click()
  await expect(revoke).toContainText('the next CRL lists it until you release it')
  await revoke.getByRole('button', { name: 'Put on hold' }).click()
  await expect(revoke).toBeHidden()
  const main = app.getByRole('main')
  await expect(main.getByText('on hold', { exact: true })).toBeVisible()
  await expect(main).toContainText('certificateHold · listed on the next CRL until released')
  await expect(app.getByRole('button', { name: 'Revoke for good…' })).toBeEnabled()
  await expectAccessible(app, 'a certificate on hold')

  await app.getByRole('button', { name: 'Release hold' }).click()
  await expect(app.getByRole('button', { name: 'Release hold' })).toHaveCount(0)
  await expect(main.getByText('on hold', { exact: true })).toHaveCount(0)
  await expect(app.getByRole('button', { name: 'Revoke…' })).toBeEnabled()
  const status = await app.evaluate(async (certId) => {
    const r = await (globalThis as unknown as PageGlobal).pki.certificates.get({ id: certId })
    return r.ok ? r.value.status : null
  }, id!)
  expect(status).toBe('issued')
  expect(await auditCount(app, 'certificate.release')).toBe(1)
})

test('Renew waits while its CA is locked and unlocks the CA in the dialog', async ({ app }) => {
  const caId = await lockedPassphraseCa(app, 'Renew Root')
  const made = await app.evaluate(async (authorityId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const gen = await pki.csr.generate({ subject: [[{ type: 'CN', value: 'held.example.com' }]], sans: [{ type: 'dns', value: 'held.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
    if (!gen.ok) return gen
    const unlocked = await pki.authorities.unlock({ authorityId, passphrase: 'correct horse battery staple' })
    if (!unlocked.ok) return unlocked
    const issued = await pki.certificates.issue({ authorityId, profileId: 'tls-server', items: [{ csrPem: gen.value.pem, input: {} }] })
    await pki.authorities.lock({ authorityId })
    return issued
  }, caId)
  if (!made.ok) throw new Error(made.error.message)
  await goTo(app, 'Certificates')
  await app.getByRole('table', { name: 'Certificates' }).getByRole('row', { name: /held\.example\.com/ }).click()
  await app.getByRole('button', { name: 'Renew…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Renew held.example.com' })
  const renew = dialog.getByRole('button', { name: 'Renew', exact: true })
  await expect(renew).toBeDisabled()
  await expect(renew).toHaveAccessibleDescription('Renew Root is locked: unlock it to sign the renewal.')
  await dialog.getByRole('button', { name: 'Unlock Renew Root…' }).click()
  const prompt = app.getByRole('dialog', { name: 'Unlock Renew Root' })
  await expect(prompt).toContainText('unlock it to sign the renewal')
  await prompt.getByRole('textbox', { name: 'Passphrase' }).fill(PASS)
  await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
  await expect(prompt).toBeHidden()
  await expect(renew).toBeEnabled()
  await renew.click()
  await expect(dialog.getByRole('status')).toContainText('Renewed')
})

test('the profile editor takes OCSP and caIssuers URLs, held to the same rule as a CA', async ({ app }) => {
  await goTo(app, 'Profiles')
  await app.getByRole('navigation', { name: 'Profile list' }).getByRole('button', { name: /TLS client/ }).click()
  await app.getByRole('button', { name: 'Edit', exact: true }).click()
  const ocsp = app.getByRole('combobox', { name: 'OCSP responders (AIA)' })
  await ocsp.fill('ldap://dir.example.com/')
  await ocsp.press('Enter')
  await expect(app.getByRole('main')).toContainText('uses ldap: only http, https URLs are allowed')
  await expect(app.getByRole('button', { name: 'Save changes' })).toBeDisabled()
  await ocsp.press('Backspace')
  await ocsp.fill('http://ocsp.profile.example.com')
  await ocsp.press('Enter')
  const issuers = app.getByRole('combobox', { name: 'CA issuers (AIA caIssuers)' })
  await issuers.fill('http://pki.profile.example.com/issuing.crt')
  await issuers.press('Enter')
  await app.getByRole('button', { name: 'Save changes' }).click()
  await expect.poll(async () =>
    app.evaluate(async () => {
      const r = await (globalThis as unknown as PageGlobal).pki.profiles.get({ id: 'tls-client' })
      return r.ok ? [r.value.ocspUrls, r.value.caIssuersUrls] : null
    })
  ).toEqual([['http://ocsp.profile.example.com'], ['http://pki.profile.example.com/issuing.crt']])
})

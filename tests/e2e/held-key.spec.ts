// The certificate view says whether the vault holds the certificate's key, how it is
// protected and whether it is unlocked, and locks and unlocks it.
import { test, expect } from './fixtures'
import { createRootCa, fixture, goTo, issue } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

test('key held and lock state in the certificate view, with Lock and Unlock', async ({ app }) => {
  const ca = await createRootCa(app, 'Key Root')
  await issue(app, ca.id, [fixture('web1.csr')])
  const made = await app.evaluate(async (authorityId) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const csr = await pki.csr.generate({ subject: [[{ type: 'CN', value: 'held.example.com' }]], sans: [{ type: 'dns', value: 'held.example.com' }], keySpec: 'ec-p256', protection: 'passphrase', passphrase: 'a long key passphrase', hash: 'SHA-256' })
    if (!csr.ok) return csr
    return pki.certificates.issue({ authorityId, profileId: null, items: [{ csrPem: csr.value.pem, input: {} }] })
  }, ca.id)
  expect(made.ok).toBe(true)
  await goTo(app, 'Certificates')
  await app.getByRole('row').filter({ hasText: 'web1.example.com' }).click()
  await expect(app.getByRole('row', { name: /Private key/ })).toContainText('Not held')
  await app.getByRole('button', { name: '← Back to certificates' }).click()
  await app.getByRole('row').filter({ hasText: 'held.example.com' }).click()
  const state = app.getByTestId('held-key')
  await expect(state).toContainText('Held in the vault · passphrase')
  if ((await state.innerText()).includes('unlocked')) {
    await state.getByRole('button', { name: 'Lock key' }).click()
  }
  await expect(state).toContainText('locked')
  await expect(state).not.toContainText('unlocked')
  await state.getByRole('button', { name: 'Unlock key…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Unlock the key of held.example.com' })
  await dialog.getByLabel('Key passphrase').fill('a long key passphrase')
  await dialog.getByRole('button', { name: 'Unlock' }).click()
  await expect(dialog).toBeHidden()
  await expect(state).toContainText('unlocked (locks at')
  await state.getByRole('button', { name: 'Lock key' }).click()
  await expect(state).not.toContainText('unlocked')
})

// The app shell opens on the harness, every section is reachable by mouse and by keyboard,
// and the shell's screenshot is saved for the README.
import type { PkiApi } from '../../src/shared/ipc/contract'
import { test, expect, screenshot } from './fixtures'

/** window.pki inside page.evaluate (the node world has no DOM types). */
type PageGlobal = { readonly pki: PkiApi }

const SECTIONS = [
  'Dashboard',
  'Sign requests',
  'Generate CSR',
  'Authorities',
  'Certificates',
  'Profiles',
  'Connections',
  'Audit trail',
  'Settings'
]

test('the shell opens and every section is reachable by mouse', async ({ app }) => {
  const nav = app.getByRole('navigation', { name: 'Sections' })
  for (const label of SECTIONS) {
    await nav.getByRole('button', { name: label }).click()
    await expect(nav.getByRole('button', { name: label })).toHaveAttribute('aria-current', 'page')
    await expect(app.getByRole('main')).toHaveAccessibleName(label)
  }
  await nav.getByRole('button', { name: 'Dashboard' }).click()
  await screenshot(app, 'shell')
})

test('sections are reachable by keyboard: Alt+digit, and arrows in the section list', async ({ app }) => {
  const nav = app.getByRole('navigation', { name: 'Sections' })
  await app.keyboard.press('Alt+4')
  await expect(app.getByRole('main')).toHaveAccessibleName('Authorities')
  await app.keyboard.press('Alt+9')
  await expect(app.getByRole('main')).toHaveAccessibleName('Settings')

  await nav.getByRole('button', { name: 'Dashboard' }).focus()
  await app.keyboard.press('ArrowDown')
  await expect(nav.getByRole('button', { name: 'Sign requests' })).toBeFocused()
  await app.keyboard.press('ArrowDown')
  await app.keyboard.press('Enter')
  await expect(app.getByRole('main')).toHaveAccessibleName('Generate CSR')
  await app.keyboard.press('End')
  await expect(nav.getByRole('button', { name: 'Settings' })).toBeFocused()
  await app.keyboard.press('ArrowDown')
  await expect(nav.getByRole('button', { name: 'Dashboard' })).toBeFocused()
})

test.describe('transport', () => {
  test.use({ expectedConsoleErrors: [/token=wrong/] })
  test('the page reaches main only through window.pki, over the token-gated socket', async ({ app, harness }) => {
  const info = await app.evaluate(() => (globalThis as unknown as PageGlobal).pki.app.info({}))
  expect(info).toMatchObject({ ok: true, value: { name: 'PKI Desk', dataDir: harness.dataDir } })
  // The same contract validation as in Electron: a bad request is a coded error, not a crash.
  const bad = await app.evaluate(() => (globalThis as unknown as PageGlobal).pki.settings.update({ autoLockMinutes: 0 }))
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'autoLockMinutes' } })
  // Without the token, neither the page nor the socket answers.
  const page = await fetch(harness.origin + '/')
  expect(page.status).toBe(403)
  const refused = await app.evaluate(
    (origin) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(origin.replace('http', 'ws') + '/__harness/ws?token=wrong')
        ws.onopen = () => resolve('open')
        ws.onerror = () => resolve('refused')
      }),
    harness.origin
  )
  expect(refused).toBe('refused')
})
})

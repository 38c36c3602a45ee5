// Playwright fixtures: every test gets its own harness (fresh temp data dir, its own
// services) and a page opened on it with the app shell ready.
import { test as base, expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startHarness, type Harness, type HarnessOptions, REPO_ROOT } from '../harness/server'

export const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots')

interface Fixtures {
  harness: Harness
  app: Page
  /** Console errors a test provokes on purpose. */
  expectedConsoleErrors: RegExp[]
  harnessOptions: HarnessOptions
}

export const test = base.extend<Fixtures>({
  expectedConsoleErrors: [[], { option: true }],
  harnessOptions: [{}, { option: true }],
  harness: async ({ harnessOptions }, use) => {
    const harness = await startHarness(harnessOptions)
    await use(harness)
    await harness.close()
  },
  app: async ({ page, harness, expectedConsoleErrors }, use) => {
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && !expectedConsoleErrors.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`)
    })
    await page.goto(harness.url)
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible()
    await use(page)
    expect(problems, 'the page logged errors').toEqual([])
  }
})

export { expect }

/** Saves a screenshot of the whole window to docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.mouse.move(0, 0)
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled', caret: 'hide' })
}

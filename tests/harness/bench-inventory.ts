// Benchmark: the certificate inventory with 100,000 rows in Chromium through the harness.
// Measures time to first rows, frame times while scrolling, and search latency (keystroke to
// updated count). Prints one JSON object. Run: npx tsx tests/harness/bench-inventory.ts
// (after `npx electron-vite build`). Not a test: numbers vary by machine.
import { chromium } from '@playwright/test'
import { startHarness } from './server'
import { seedCertificates } from './seed'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)

async function main(): Promise<void> {
  const harness = await startHarness()
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    await page.goto(harness.url)
    const setup = await page.evaluate(async () => {
      const pki = (globalThis as unknown as PageGlobal).pki
      const ca = await pki.authorities.create({
        name: 'Bench CA', parentId: null, subject: [[{ type: 'CN', value: 'Bench CA' }]], keySpec: 'ec-p256', protection: 'keychain',
        validityDays: 3650, pathLength: null, nameConstraints: null, signature: { hash: 'SHA-256', rsaPss: false }, crlDistributionPoints: [], ocspUrls: [], caIssuersUrls: []
      })
      if (!ca.ok) throw new Error(ca.error.message)
      const cert = await pki.certificates.get({ id: ca.value.certificateId! })
      if (!cert.ok) throw new Error(cert.error.message)
      return { id: ca.value.id, pem: cert.value.view.pem }
    })
    const der = Buffer.from(setup.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
    let t = performance.now()
    seedCertificates(harness.dataDir, { authorityId: setup.id, der, issuer: 'CN=Bench CA', count: ROWS })
    const seedMs = performance.now() - t

    t = performance.now()
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Certificates' }).click()
    await page.getByTestId('inventory-count').filter({ hasText: 'certificates' }).waitFor()
    await page.getByRole('table', { name: 'Certificates' }).getByRole('row').nth(1).waitFor()
    const firstRowsMs = performance.now() - t

    // Scroll continuously for 3 s (paging in as it goes) and record frame intervals.
    // A string, not a function: tsx would wrap named functions in a helper the page lacks.
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="inventory-scroll"]')
      const deltas = []
      let last = performance.now()
      const start = last
      requestAnimationFrame(function tick(now) {
        deltas.push(now - last)
        last = now
        el.scrollTop += 400
        if (now - start < 3000) requestAnimationFrame(tick)
        else resolve(deltas)
      })
    })`)) as number[]
    const sorted = [...frames].sort((a, b) => a - b)
    const pct = (p: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10

    const searches: number[] = []
    for (const term of ['host-77777.bulk', 'host-123', 'bulk.example', 'nothing-matches']) {
      const count = page.getByTestId('inventory-count')
      const before = await count.innerText()
      t = performance.now()
      await page.getByLabel('Search').fill(term)
      await page.waitForFunction(
        `(() => { const t = document.querySelector('[data-testid="inventory-count"]')?.textContent ?? ''; return t !== ${JSON.stringify(before)} && !t.includes('loading') })()`
      )
      searches.push(Math.round(performance.now() - t))
    }
    console.log(
      JSON.stringify(
        {
          rows: ROWS,
          seedMs: Math.round(seedMs),
          firstRowsMs: Math.round(firstRowsMs),
          scroll: { frames: frames.length, p50ms: pct(50), p95ms: pct(95), maxMs: pct(100), over50ms: frames.filter((d) => d > 50).length },
          searchMs: searches,
          note: 'searchMs includes the 200 ms input debounce'
        },
        null,
        2
      )
    )
  } finally {
    await browser.close()
    await harness.close()
  }
}

void main()

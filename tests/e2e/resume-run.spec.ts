// A signing run interrupted for real: the app (the harness, as its own process) signs a batch
// into an output folder and is killed with SIGKILL mid-run. The harness's pace seam lets
// HELD requests through and then holds the run before the next signature, so the kill lands
// at a known point of a run in progress: what the killed app committed is exactly what is on
// disk, one whole file per certificate and no temp file. The app opened again on the same data
// directory shows the run as "N of M signed" with Resume; the run's CA is unlocked from the
// banner; Resume signs only the rest, and every input request ends with exactly one
// certificate and one file (node:crypto reads each file, its name is its serial, its DER is
// the store's, each request's name appears once).
import { spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { REPO_ROOT, startHarness } from '../harness/server'
import { openDatabase, databaseFile } from '../../src/main/store'
import { createRootCa, distinctCsrs, goTo } from './helpers'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }
const TOTAL = 120
/** Requests the killed app signs before its run is held (the batch is large enough for the worker pool, as a real one is). */
const HELD = 50
const PASSPHRASE = 'resume run passphrase'

/** Leaf certificates in the store: serial (upper-case) → subject and DER. */
function storedLeaves(dataDir: string): Map<string, { subject: string; der: Buffer }> {
  const db = openDatabase(databaseFile(dataDir))
  try {
    const rows = db.prepare('SELECT serial, subject, der FROM certificates WHERE is_ca = 0').all() as { serial: string; subject: string; der: Buffer }[]
    return new Map(rows.map((r) => [r.serial.toUpperCase(), { subject: r.subject, der: r.der }]))
  } finally {
    db.close()
  }
}

/** Every name in the output folder (temp files too); none while it does not exist yet. */
const namesIn = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder) : [])

/** Each file read by node:crypto: its name is its serial, its DER the store's; the CNs, sorted. */
function checkFiles(folder: string, leaves: ReadonlyMap<string, { der: Buffer }>): string[] {
  return namesIn(folder)
    .map((name) => {
      const x = new X509Certificate(readFileSync(join(folder, name)))
      const serial = x.serialNumber.toUpperCase()
      expect(name).toBe(`${serial}.pem`)
      expect(leaves.get(serial)?.der.equals(x.raw)).toBe(true)
      return /CN=([^\n,]+)/.exec(x.subject)![1]!
    })
    .sort()
}

test('a run killed mid-way shows "N of M signed"; Resume signs only the rest, one certificate and one file per request', async ({ page }) => {
  test.setTimeout(110_000)
  const work = mkdtempSync(join(tmpdir(), 'pkidesk-resume-e2e-'))
  const dataDir = join(work, 'store')
  const outputDir = join(work, 'saved')
  mkdirSync(dataDir)
  const csrs = distinctCsrs(TOTAL)
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/harness/server.ts'), '--data-dir', dataDir, '--output-dir', outputDir, '--issue-pace-ms', '20', '--issue-hold-after', String(HELD)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' }
  })
  try {
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const line = out.split('\n').find((l) => l.startsWith('{'))
        if (line) resolve((JSON.parse(line) as { url: string }).url)
      })
      child.on('close', () => reject(new Error(`the harness ended before it started: ${stderr}`)))
    })
    await page.goto(url)
    const ca = await createRootCa(page, 'Resume CA', false, { protection: 'passphrase', passphrase: PASSPHRASE })
    const unlocked = await page.evaluate(
      ({ authorityId, passphrase }) => (globalThis as unknown as PageGlobal).pki.authorities.unlock({ authorityId, passphrase }),
      { authorityId: ca.id, passphrase: PASSPHRASE }
    )
    expect(unlocked.ok).toBe(true)

    // The Sign screen, as an operator: the requests, an output folder, Sign.
    await goTo(page, 'Sign requests')
    await page.getByLabel('Paste PEM').fill(csrs.join(''))
    await page.getByRole('button', { name: 'Add pasted' }).click()
    await expect(page.getByText(`${TOTAL} requests · ${TOTAL} ready to sign`)).toBeVisible({ timeout: 60_000 })
    await page.getByRole('group', { name: 'Output folder' }).getByRole('button', { name: 'Choose folder…' }).click()
    await expect(page.getByTestId('output-folder')).toHaveText(join(outputDir, 'save-1'))
    const folder = join(outputDir, 'save-1')
    await page.getByRole('button', { name: `Sign ${TOTAL} valid requests…` }).click()
    await page.getByRole('dialog', { name: 'Sign these requests?' }).getByRole('button', { name: `Sign ${TOTAL} certificates` }).click()
    // The run goes on until HELD requests are signed and written, then waits before the next
    // signature; the screen follows it there. Killed at that point, as a crash would.
    await expect.poll(() => namesIn(folder).filter((n) => /^[0-9A-F]+\.pem$/.test(n)).length, { timeout: 60_000 }).toBe(HELD)
    await expect(page.getByRole('status').filter({ hasText: 'Signing' })).toHaveText(`Signing ${HELD} of ${TOTAL}…`, { timeout: 30_000 })
    child.kill('SIGKILL')
    await new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.on('close', () => done())))
    expect(child.signalCode).toBe('SIGKILL')

    // What the killed app committed is on disk: one whole file per certificate, nothing else.
    const committed = storedLeaves(dataDir)
    expect(committed.size).toBe(HELD)
    expect(namesIn(folder).sort()).toEqual([...committed.keys()].map((s) => `${s}.pem`).sort())
    expect(checkFiles(folder, committed)).toHaveLength(HELD)

    // The app again, on the same data directory.
    const again = await startHarness({ dataDir, outputDir })
    try {
      await page.goto(again.url)
      await goTo(page, 'Sign requests')
      const banner = page.getByRole('alert').filter({ hasText: 'Interrupted signing run' })
      await expect(banner).toContainText(`${committed.size} of ${TOTAL} signed with Resume CA`)
      await expect(banner).toContainText('(the app stopped mid-run)')
      await expect(banner.getByRole('button', { name: 'Resume', exact: true })).toBeDisabled()
      await banner.getByRole('button', { name: 'Unlock Resume CA…' }).click()
      const prompt = page.getByRole('dialog', { name: 'Unlock Resume CA' })
      await prompt.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE)
      await prompt.getByRole('button', { name: 'Unlock', exact: true }).click()
      await expect(prompt).toBeHidden()
      await banner.getByRole('button', { name: 'Resume', exact: true }).click()
      await expect(page.getByRole('status').filter({ hasText: 'Resumed:' })).toHaveText(`Resumed: ${TOTAL - committed.size} certificates issued; ${TOTAL} of ${TOTAL} signed.`, { timeout: 60_000 })
      await expect(banner).toBeHidden()
    } finally {
      await again.close()
    }

    // Every request: exactly one certificate in the store and one file, named by its serial.
    const leaves = storedLeaves(dataDir)
    expect(leaves.size).toBe(TOTAL)
    for (const [serial, { subject }] of committed) expect(leaves.get(serial)?.subject).toBe(subject)
    expect(namesIn(folder).filter((n) => !n.endsWith('.pem') || n.startsWith('.'))).toEqual([])
    expect(checkFiles(folder, leaves)).toEqual(Array.from({ length: TOTAL }, (_, i) => `web-${i}.example.com`).sort())
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(work, { recursive: true, force: true })
  }
})

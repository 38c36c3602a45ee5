// Helpers for the e2e suite: calls through the page's own window.pki (the same contract the
// screens use), fixture files, and the accessibility check.
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PkiApi } from '../../src/shared/ipc/contract'
import type { AuthoritySummary, CreateAuthorityInput } from '../../src/shared/domain/authority'
import { REPO_ROOT } from '../harness/server'

export const FIXTURES = join(REPO_ROOT, 'tests/fixtures/e2e')
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')

/** `count` distinct P-256 requests made by OpenSSL (web-N.example.com), one key each: a batch with no re-submission in it. */
export function distinctCsrs(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', `/O=Example/CN=web-${i}.example.com`, '-addext', `subjectAltName=DNS:web-${i}.example.com`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
  )
}

type PageGlobal = { readonly pki: PkiApi }

/** Creates a root CA (keychain-protected, so no passphrase) through window.pki and unlocks it. */
/** `over` makes it something else (an intermediate: `parentId`). */
export async function createRootCa(page: Page, name = 'Test Root CA', unlock = true, over: Partial<CreateAuthorityInput> = {}): Promise<AuthoritySummary> {
  const input: CreateAuthorityInput = {
    name,
    parentId: null,
    subject: [[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: name }]],
    keySpec: 'ec-p256',
    protection: 'keychain',
    validityDays: 3650,
    pathLength: null,
    nameConstraints: null,
    signature: { hash: 'SHA-256', rsaPss: false },
    crlDistributionPoints: [],
    ocspUrls: [],
    caIssuersUrls: [],
    ...over
  }
  const created = await page.evaluate(async ({ input, unlock }) => {
    const pki = (globalThis as unknown as PageGlobal).pki
    const r = await pki.authorities.create(input)
    if (!r.ok || !unlock) return r
    return pki.authorities.unlock({ authorityId: r.value.id })
  }, { input, unlock })
  if (!created.ok) throw new Error(`createRootCa: ${created.error.code} ${created.error.message}`)
  return created.value
}

/** Issues the given PEM CSRs through window.pki; returns the certificate ids. */
export async function issue(page: Page, authorityId: string, pems: readonly string[]): Promise<number[]> {
  const r = await page.evaluate(
    ({ authorityId, pems }) =>
      (globalThis as unknown as PageGlobal).pki.certificates.issue({ authorityId, profileId: null, items: pems.map((csrPem) => ({ csrPem, input: {} })) }),
    { authorityId, pems }
  )
  if (!r.ok) throw new Error(`issue: ${r.error.code} ${r.error.message}`)
  return r.value.results.map((x) => {
    if (!x.ok) throw new Error(`issue item ${x.index}: ${x.error.message}`)
    return x.certificateId
  })
}

/** CN entered (mandatory, *.example.com), an optional entered e-mail SAN, a shorter validity allowed. */
export async function createEnteredProfile(page: Page): Promise<void> {
  const r = await page.evaluate(() =>
    (globalThis as unknown as PageGlobal).pki.profiles.create({
      id: 'entered-web',
      profile: {
        name: 'Entered web server',
        validity: { type: 'Duration', duration: '365d' },
        allowValidityOverride: true,
        keyUsage: ['digitalSignature'],
        extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
        honorSubject: false,
        subjectAttributes: [{ type: 'CN', mandatory: true, sources: ['entered'], pattern: '.*\\.example\\.com' }],
        san: { fromCsr: true, allowedTypes: ['dns', 'email'], rules: [{ type: 'email', mandatory: false, multiple: true, sources: ['entered'] }] }
      }
    })
  )
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
}

/** Zero serious or critical axe violations on what the page shows now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` [${n.any[0].message}]` : ''}`).join(' | ')}`),
    `axe on ${what}`
  ).toEqual([])
}

export async function goTo(page: Page, section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: section }).click()
  await expect(page.getByRole('main')).toHaveAccessibleName(section)
}

/**
 * Records every frame of the page's IPC socket (the harness carries window.pki over one
 * WebSocket, as JSON). Reloads the page so the socket is opened while listening.
 */
export async function recordIpcFrames(page: Page): Promise<{ sent: string[]; received: string[] }> {
  const frames = { sent: [] as string[], received: [] as string[] }
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.sent.push(String(f.payload)))
    ws.on('framereceived', (f) => frames.received.push(String(f.payload)))
  })
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible()
  return frames
}

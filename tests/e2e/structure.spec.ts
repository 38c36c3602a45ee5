// The Structure tab (#18): the ASN.1 tree of a certificate (Certificates → a certificate →
// Structure), of a CSR on the Sign screen and of a CRL on the Authorities screen, driven from
// the keyboard (↑/↓, →/←, Home/End, Enter); the selected element's bytes; a CRL of 250
// entries shows 100 and a row that loads the rest. Screenshots in both themes.
import { X509Certificate } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import type { Locator, Page } from '@playwright/test'
import { test, expect, screenshot } from './fixtures'
import { createRootCa, expectAccessible, fixture, goTo, issue } from './helpers'
import { seedCertificates } from '../harness/seed'
import type { PkiApi } from '../../src/shared/ipc/contract'

type PageGlobal = { readonly pki: PkiApi }

const focused = (tree: Locator): Locator => tree.locator('[role="treeitem"][tabindex="0"]')

/** openssl asn1parse's first lines for a DER document: offset, hl and l of each of the first elements. */
function asn1parseHead(der: Buffer, lines: number): { offset: number; hl: number; l: number }[] {
  const out = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der, encoding: 'latin1' })
  return out
    .split('\n')
    .slice(0, lines)
    .map((line) => {
      const m = /^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)/.exec(line)!
      return { offset: Number(m[1]), hl: Number(m[2]), l: Number(m[3]) }
    })
}

async function expectRow(item: Locator, want: { offset: number; hl: number; l: number }): Promise<void> {
  await expect(item).toHaveAttribute('data-offset', String(want.offset))
  await expect(item).toHaveAccessibleName(new RegExp(`\\soffset ${want.offset}\\s+header ${want.hl}\\s+length ${want.l}\\s+tag `))
}

async function openCertificateStructure(app: Page): Promise<Locator> {
  await goTo(app, 'Certificates')
  await app.getByRole('row').filter({ hasText: 'web1.example.com' }).click()
  await expect(app.getByRole('heading', { name: 'web1.example.com' })).toBeVisible()
  await app.getByRole('tab', { name: 'Structure' }).click()
  const tree = app.getByRole('tree', { name: 'ASN.1 structure of web1.example.com' })
  await expect(tree).toBeVisible()
  return tree
}

for (const theme of ['light', 'dark'] as const) {
  test(`Structure of a certificate, a CSR and a CRL, by keyboard (${theme})`, async ({ app, harness }) => {
    test.setTimeout(180_000)
    await app.emulateMedia({ colorScheme: theme })
    const ca = await createRootCa(app, 'Structure Root')
    const [id] = await issue(app, ca.id, [fixture('web1.csr')])
    const pem = await app.evaluate((certId) => (globalThis as unknown as PageGlobal).pki.certificates.get({ id: certId }), id!)
    if (!pem.ok) throw new Error(pem.error.message)
    const der = new X509Certificate(pem.value.view.pem).raw
    await app.reload()
    await expect(app.locator('html')).toHaveAttribute('data-mantine-color-scheme', theme)

    // --- the certificate: the tree's first rows are openssl's first lines
    const tree = await openCertificateStructure(app)
    const head = asn1parseHead(der, 4)
    const root = focused(tree)
    await expectRow(root, head[0]!)
    await expect(root).toHaveAttribute('aria-expanded', 'true')
    await expect(app.getByTestId('structure-bytes')).toContainText(der.subarray(0, 8).toString('hex').toUpperCase().match(/../g)!.join(' '))
    await root.focus()
    await app.keyboard.press('ArrowDown') // tbsCertificate
    await expectRow(focused(tree), head[1]!)
    await expect(focused(tree)).toHaveAttribute('aria-expanded', 'false')
    await app.keyboard.press('ArrowRight') // opens it
    await expect(focused(tree)).toHaveAttribute('aria-expanded', 'true')
    await app.keyboard.press('ArrowRight') // first child: [0] version
    await expectRow(focused(tree), head[2]!)
    await app.keyboard.press('ArrowRight')
    await app.keyboard.press('ArrowRight') // INTEGER 2
    await expectRow(focused(tree), head[3]!)
    await expect(focused(tree)).toHaveAttribute('aria-selected', 'true')
    await app.keyboard.press('ArrowLeft') // to [0]
    await app.keyboard.press('ArrowLeft') // closes [0]
    await expect(focused(tree)).toHaveAttribute('aria-expanded', 'false')
    await app.keyboard.press('End')
    await expect(focused(tree)).toHaveAccessibleName(/^BIT STRING/)
    await app.keyboard.press('Home')
    await expectRow(focused(tree), head[0]!)
    // an extension's value opens as a tree: subjectAltName's OCTET STRING holds the names
    await tree.getByRole('treeitem', { name: /^\[3\]\s/ }).click() // extensions [3] opens
    await app.keyboard.press('ArrowRight') // its SEQUENCE
    await app.keyboard.press('ArrowRight') // opens it
    const extensionRows = tree.locator('[role="treeitem"][aria-level="5"]')
    for (let i = 0; i < (await extensionRows.count()); i++) await extensionRows.nth(i).click()
    await tree.getByRole('treeitem', { name: /^OBJECT IDENTIFIER\s+2\.5\.29\.17\s+\(subjectAltName\)/ }).click()
    await app.keyboard.press('ArrowDown') // the extnValue OCTET STRING
    await expect(focused(tree)).toHaveAccessibleName(/^OCTET STRING/)
    await expect(focused(tree)).toContainText('encapsulates')
    await app.keyboard.press('ArrowRight')
    await app.keyboard.press('ArrowRight') // GeneralNames SEQUENCE
    await app.keyboard.press('ArrowRight')
    await app.keyboard.press('ArrowRight') // [2] dNSName
    await expect(focused(tree)).toHaveAccessibleName(/^\[2\]\s+web1\.example\.com/)
    // its bytes: tag 82, length 16, then "web1.example.com" (16 bytes a line)
    await expect(app.getByTestId('structure-bytes')).toContainText(`82 10 ${Buffer.from('web1.example.c').toString('hex').toUpperCase().match(/../g)!.join(' ')}`)
    await expect(app.getByText(/Bytes of \[2\] at offset \d+: 18 bytes/)).toBeVisible()
    await expectAccessible(app, `certificate structure (${theme})`)
    await screenshot(app, `structure-certificate-${theme}`)

    // --- a CSR on the Sign screen
    await goTo(app, 'Sign requests')
    await app.getByLabel('Paste PEM').fill(fixture('web2.csr'))
    await app.getByRole('button', { name: 'Add pasted' }).click()
    const card = app.getByTestId('csr-card').last()
    await card.getByRole('button', { name: 'Structure (ASN.1)…' }).click()
    const csrTree = card.getByRole('tree', { name: /^ASN\.1 structure of the request/ })
    await expect(csrTree).toBeVisible()
    const csrDer = Buffer.from(fixture('web2.csr').replace(/-----[^-]+-----|\s/g, ''), 'base64')
    const csrHead = asn1parseHead(csrDer, 3)
    await expectRow(focused(csrTree), csrHead[0]!)
    await focused(csrTree).focus()
    await app.keyboard.press('ArrowDown')
    await app.keyboard.press('ArrowRight')
    await app.keyboard.press('ArrowDown') // certificationRequestInfo's version INTEGER
    await expectRow(focused(csrTree), csrHead[2]!)
    await app.keyboard.press('End')
    await expect(focused(csrTree)).toHaveAccessibleName(/^BIT STRING/)
    await csrTree.evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await expectAccessible(app, `CSR structure (${theme})`)
    await screenshot(app, `structure-csr-${theme}`)

    // --- a CRL of 250 entries on the Authorities screen: 100, then the rest on Enter
    seedCertificates(harness.dataDir, { authorityId: ca.id, der, issuer: 'CN=Structure Root', count: 250, revokedEvery: 1 })
    const crl = await app.evaluate((authorityId) => (globalThis as unknown as PageGlobal).pki.crl.generate({ authorityId }), ca.id)
    if (!crl.ok) throw new Error(crl.error.message)
    await goTo(app, 'Authorities')
    await app.getByRole('button', { name: 'Structure of CRL 1' }).click()
    const dialog = app.getByRole('dialog')
    const crlTree = dialog.getByRole('tree', { name: 'ASN.1 structure of CRL 1' })
    await expect(crlTree).toBeVisible()
    await focused(crlTree).focus()
    await app.keyboard.press('ArrowDown') // tbsCertList
    await app.keyboard.press('ArrowRight')
    const entries = crlTree.getByRole('treeitem', { name: /^SEQUENCE\s+250 inside/ })
    await entries.click()
    await expect(entries).toHaveAttribute('aria-expanded', 'true')
    const more = crlTree.getByTestId('structure-more')
    await expect(more).toHaveAccessibleName(/^150 more elements: press Enter/)
    await more.focus()
    await expectAccessible(app, `CRL structure (${theme})`)
    await screenshot(app, `structure-crl-${theme}`)
    await app.keyboard.press('Enter')
    await expect(more).toHaveAccessibleName(/^50 more elements: press Enter/)
    await app.keyboard.press('Enter')
    await expect(more).toHaveCount(0)
    await expect(crlTree.locator('[role="treeitem"][aria-level="4"]')).toHaveCount(250)
  })
}

// One distinguished-name order in the whole UI: every reader main offers (CSR intake, the
// profile preview, the certificate view, the CA's own subject) writes a subject as the shared
// dnText does (RFC 4514, most specific first), and the renderer formats no DN itself.
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import { buildCertificate, describeCertificate, readCsrInput } from '../../../src/main/engine'
import { evaluate } from '../../../src/main/engine/policy'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'
import { dnText, type DistinguishedName } from '../../../src/shared/domain/names'
import { operatorInput } from '../../../src/shared/domain/profile'
import { profile } from '../../fixtures/profiles/csr'
import { opensslBytes, tempDir } from './helpers'

const EXPECTED = 'CN=web.example.com, OU=Web, O=Example, C=DE'
const ISSUER: DistinguishedName = [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'Example Root' }]]

describe('DN order', () => {
  it('dnText writes the most specific RDN first, multi-valued RDNs with " + ", RFC 4514 escapes', () => {
    expect(dnText([[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example, Inc.' }], [{ type: 'CN', value: 'a' }, { type: 'UID', value: 'b' }]])).toBe('CN=a + UID=b, O=Example\\, Inc., C=DE')
  })

  it('CSR intake, the profile preview, the certificate view and the issuer name all use it', async () => {
    const tmp = tempDir('pkidesk-dn-')
    try {
      const key = tmp.path('k.pem')
      const csrDer = opensslBytes(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/C=DE/O=Example/OU=Web/CN=web.example.com', '-outform', 'DER'])
      const read = readCsrInput(new Uint8Array(csrDer))
      const item = read.ok ? read.value[0] : undefined
      if (!item?.ok) throw new Error('the CSR did not parse')
      expect(item.csr.subjectText).toBe(EXPECTED)

      const now = new Date(Math.floor(Date.now() / 1000) * 1000)
      const p = profile({ keyUsage: ['digitalSignature'], san: { includeCommonName: true }, subjectAttributes: ['C', 'O', 'OU', 'CN'].map((type) => ({ type, mandatory: false, sources: ['csr'] })) })
      const evaluation = evaluate(p, item.csr, operatorInput.parse({}), { now })
      const row = evaluation.preview.find((r) => r.field === 'subject')
      expect(row?.requested).toBe(EXPECTED)
      expect(row?.result).toBe(EXPECTED)

      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const signer = createKeyObjectSigner('issuer', 'ec-p256', privateKey)
      const root = await buildCertificate(
        { subject: ISSUER, subjectPublicKeySpki: signer.publicKeySpki, notBefore: now, notAfter: new Date(now.getTime() + 365 * 86_400_000), signature: { hash: 'SHA-256', rsaPss: false }, basicConstraints: { ca: true, critical: true }, keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true } },
        null,
        signer
      )
      if (!root.ok) throw new Error(root.error.message)
      const built = await buildCertificate(evaluation.template, issuerInfoOf(root.value.der), signer)
      if (!built.ok) throw new Error(built.error.message)
      const view = describeCertificate(built.value.der)
      expect(view.subjectText).toBe(EXPECTED)
      expect(view.issuerText).toBe('CN=Example Root, O=Example, C=DE')
      expect(describeCertificate(root.value.der).subjectText).toBe(view.issuerText)
    } finally {
      tmp.cleanup()
    }
  })

  it('the renderer builds no DN text of its own (it shows what main wrote)', () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(ts|tsx)$/.test(name)) files.push(p)
      }
    }
    walk(join(__dirname, '../../../src/renderer/src'))
    const offenders = files.filter((f) => /\.type\}=\$\{|\.reverse\(\)[\s\S]{0,80}\.join\(', '\)/.test(readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })
})

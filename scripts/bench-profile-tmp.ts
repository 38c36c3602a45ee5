import { generateKeyPairSync } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { createKeyObjectSigner } from '../src/main/vault/signer'
import { buildCsr, toPem, readCsrInput, buildCertificate } from '../src/main/engine'
import { minimalProfile } from '../src/main/services/issuance-service'
async function main() {
  const s = createKeyObjectSigner('k', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const ca = createKeyObjectSigner('ca', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csrs: string[] = []
  let t = performance.now()
  for (let i = 0; i < 1000; i++) { const r = await buildCsr({ subject: [[{ type: 'CN', value: `h${i}` }]], sans: [{ type: 'dns', value: `h${i}.x` }], ca: false, hash: 'SHA-256', rsaPss: false }, s); if (r.ok) csrs.push(toPem('CERTIFICATE REQUEST', r.value)) }
  console.log('csr build/ms', (performance.now() - t) / 1000)
  t = performance.now()
  const parsed = csrs.map((c) => { const r = readCsrInput(Buffer.from(c)); return (r as any).value[0].csr })
  console.log('parse/ms', (performance.now() - t) / 1000)
  const issuer = { subjectDer: new Uint8Array([0x30, 0]), ski: new Uint8Array(20), notAfter: new Date(Date.now() + 1e12) }
  t = performance.now()
  for (const p of parsed) { const e = minimalProfile(p, { subject: {}, sans: [] }, { now: new Date(), issuer: { notAfter: issuer.notAfter, keyFamily: 'ec' } }); await buildCertificate(e.template, issuer, ca) }
  console.log('build/ms', (performance.now() - t) / 1000)
}
main()

import 'reflect-metadata'
import { generateKeyPairSync, sign, createPublicKey, verify } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { AsnConvert } from '@peculiar/asn1-schema'
import { CertificationRequest } from '@peculiar/asn1-csr'
import { createKeyObjectSigner } from '../src/main/vault/signer'
import { buildCsr, toPem, readCsrInput, parseCsrDer } from '../src/main/engine'
async function main() {
  const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const s = createKeyObjectSigner('k', 'ec-p256', k)
  const r = await buildCsr({ subject: [[{ type: 'CN', value: `h` }]], sans: [{ type: 'dns', value: `h.x` }], ca: false, hash: 'SHA-256', rsaPss: false }, s)
  const der = (r as any).value as Uint8Array
  const time = (label: string, n: number, f: () => void) => { const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(label, ((performance.now() - t) / n * 1000).toFixed(1), 'us') }
  const data = Buffer.alloc(300, 1)
  time('sign p256', 2000, () => sign('sha256', data, { key: k, dsaEncoding: 'der' }))
  time('sign p256 plain', 2000, () => sign('sha256', data, k))
  const pub = createPublicKey(k)
  const sig = sign('sha256', data, k)
  time('verify p256', 2000, () => verify('sha256', data, pub, sig))
  time('createPublicKey der', 2000, () => createPublicKey({ key: Buffer.from(s.publicKeySpki), format: 'der', type: 'spki' }))
  time('asn parse csr', 2000, () => AsnConvert.parse(der, CertificationRequest))
  time('parseCsrDer', 2000, () => parseCsrDer(der))
  const pem = Buffer.from(toPem('CERTIFICATE REQUEST', der))
  time('readCsrInput pem', 2000, () => readCsrInput(pem))
}
main()

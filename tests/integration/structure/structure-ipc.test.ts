// structure:tree and structure:bytes through the dispatcher (request and response schemas
// applied): a stored certificate by id, a CSR by its PEM, and a stored CRL of 100,000 entries
// answered a page at a time; a private key's PEM is refused, never described.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { Asn1Bytes, Asn1Page } from '../../../src/shared/domain/asn1'
import { ASN1_TREE_LIMITS } from '../../../src/main/engine/asn1-tree'
import { fixture, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'
import { seedCertificates } from '../../harness/seed'

const tmp = tempDir('pkidesk-structure-')
let services: Services
let handlers: Handlers

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain() })
  handlers = createHandlers(services)
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

async function tree(request: unknown): Promise<Asn1Page> {
  const r = await dispatch(handlers, 'structure:tree', request)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as Asn1Page
}

describe('the structure view over IPC', () => {
  it('describes a stored certificate by id and a CSR by PEM; refuses a private key and unknown ids', async () => {
    const ca = await createRootCa(services, 'Structure Root')
    const id = services.certificates.findBySerial(new X509Certificate(ca.pem).serialNumber)[0]!.id
    const cert = await tree({ source: { kind: 'certificate', id } })
    expect(cert.size).toBe(new X509Certificate(ca.pem).raw.length)
    expect(cert.nodes.map((n) => n.note)).toContain('basicConstraints')
    const bytes = await dispatch(handlers, 'structure:bytes', { source: { kind: 'certificate', id }, offset: 0 })
    expect(bytes.ok && (bytes.value as Asn1Bytes).hex).toBe(new X509Certificate(ca.pem).raw.toString('hex').toUpperCase())

    const csrPem = Buffer.from(fixture('csr-rsa2048.pem')).toString('latin1')
    const csr = await tree({ source: { kind: 'csr', pem: csrPem } })
    expect(csr.nodes[0]).toMatchObject({ offset: 0, parent: null, name: 'SEQUENCE', constructed: true })
    expect(csr.nodes.map((n) => n.note)).toContain('rsaEncryption')

    const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(await dispatch(handlers, 'structure:tree', { source: { kind: 'csr', pem: keyPem } })).toMatchObject({ ok: false, error: { code: 'CSR_NOT_FOUND' } })
    expect(await dispatch(handlers, 'structure:tree', { source: { kind: 'certificate', id: 99_999 } })).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_NOT_FOUND' } })
    expect(await dispatch(handlers, 'structure:tree', { source: { kind: 'crl', id: 99_999 } })).toMatchObject({ ok: false, error: { code: 'CRL_NOT_FOUND' } })
    expect(await dispatch(handlers, 'structure:tree', { source: { kind: 'certificate', id }, parent: 0 })).toMatchObject({ ok: false, error: { code: 'ASN1_OFFSET_INVALID', field: 'from' } })
  })

  it('a stored CRL of 100,000 entries: the first answer is a page, continuations follow by offset', async () => {
    const ca = await createRootCa(services, 'Big CRL Root')
    seedCertificates(tmp.dir, { authorityId: ca.id, der: new X509Certificate(ca.pem).raw, issuer: 'CN=Big CRL Root', count: 100_000, revokedEvery: 1 })
    const crl = await services.certificates.generateCrl(ca.id)
    if (!crl.ok) throw new Error(crl.error.message)
    expect(crl.value.entries).toBe(100_000)
    const source = { kind: 'crl', id: crl.value.id }
    const first = await tree({ source })
    expect(first.nodes.length).toBeLessThanOrEqual(ASN1_TREE_LIMITS.responseNodes)
    const list = first.nodes.find((n) => n.childCount === 100_000)!
    expect(list).toMatchObject({ name: 'SEQUENCE', more: { remaining: 100_000 - ASN1_TREE_LIMITS.pageSize } })
    const next = await tree({ source, parent: list.offset, from: list.more!.from })
    const entries = next.nodes.filter((n) => n.parent === list.offset)
    expect(entries.length).toBe(ASN1_TREE_LIMITS.pageSize)
    expect(entries[0]!.offset).toBe(list.more!.from)
    expect(next.more?.remaining).toBe(100_000 - 2 * ASN1_TREE_LIMITS.pageSize)
    // the signature algorithm and signature after the 5 MB list are in the first answer too
    expect(first.nodes.filter((n) => n.parent === 0).map((n) => n.name)).toEqual(['SEQUENCE', 'SEQUENCE', 'BIT STRING'])
  })
})

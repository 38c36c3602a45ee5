// Platform deliveries read without assuming their form or order: PEM, bare base64 DER and
// PKCS#7 (PEM or base64) give the same certificates; checkChain accepts end-entity → root,
// puts another order right with a note, and refuses a certificate that signs nothing below.
import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { certificatesIn, checkChain } from '../../../src/main/sync/delivery'
import { createCsr, createTestCa, pkcs7Pem } from '../../fixtures/sync/pki'

async function pki() {
  const root = await createTestCa('CN=Unit Root')
  const issuing = await root.issueCa('CN=Unit Issuing')
  const csr = await createCsr('CN=leaf.example.com')
  const leaf = await issuing.issue({ spki: csr.spki, subject: 'CN=leaf.example.com', serialHex: '0abc' })
  return { root, issuing, leaf }
}
const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw)
const hex = (d: Uint8Array) => Buffer.from(d).toString('hex')

describe('platform deliveries', () => {
  it('read PEM, base64 DER and PKCS#7 (PEM and base64) as the same certificates', async () => {
    const { root, issuing, leaf } = await pki()
    const want = [leaf, issuing.pem, root.pem].map((p) => hex(der(p)))
    expect(certificatesIn(leaf + issuing.pem + root.pem)?.map(hex)).toEqual(want)
    expect(certificatesIn(Buffer.from(der(leaf)).toString('base64'))?.map(hex)).toEqual([want[0]])
    const p7 = pkcs7Pem([leaf, issuing.pem, root.pem])
    expect(p7).toContain('BEGIN PKCS7')
    expect(certificatesIn(p7)?.map(hex).sort()).toEqual([...want].sort())
    const p7b64 = p7.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '')
    expect(certificatesIn(p7b64)?.map(hex).sort()).toEqual([...want].sort())
    expect(certificatesIn('not a certificate')).toBeNull()
  })

  it('accept end-entity → root, reorder another order with a note, refuse a stranger', async () => {
    const { root, issuing, leaf } = await pki()
    const inOrder = checkChain(der(leaf), [der(leaf), der(issuing.pem), der(root.pem)], 'certificate 0ABC')
    expect(inOrder.ok && inOrder.value.issuers.map(hex)).toEqual([hex(der(issuing.pem)), hex(der(root.pem))])
    expect(inOrder.ok && inOrder.value.notes).toEqual([])
    const reversed = checkChain(der(leaf), [der(root.pem), der(issuing.pem)], 'certificate 0ABC')
    expect(reversed.ok && reversed.value.issuers.map(hex)).toEqual([hex(der(issuing.pem)), hex(der(root.pem))])
    expect(reversed.ok && reversed.value.notes).toEqual(['the chain delivered with certificate 0ABC was not ordered end-entity → root; it was checked and put in order'])
    const partial = checkChain(der(leaf), [der(issuing.pem)], 'certificate 0ABC')
    expect(partial.ok && partial.value.notes).toEqual(['the chain delivered with certificate 0ABC ends at CN=Unit Issuing, which is not a self-signed root'])
    const stranger = await createTestCa('CN=Stranger')
    expect(checkChain(der(leaf), [der(issuing.pem), der(stranger.pem)], 'certificate 0ABC')).toMatchObject({ ok: false, error: { code: 'REMOTE_CHAIN_INVALID' } })
    // An issuer that does not sign the leaf, alone: refused too.
    expect(checkChain(der(leaf), [der(root.pem)], 'certificate 0ABC')).toMatchObject({ ok: false, error: { code: 'REMOTE_CHAIN_INVALID' } })
  })
})

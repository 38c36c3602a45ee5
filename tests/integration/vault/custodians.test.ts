// M-of-N custodians for a root: its KEK split 2-of-3 between Alice, Bob and Carol. Two of
// them unlock it in one sitting, one does not; every unlock and every refused sitting is
// audited with the names of the custodians whose shares opened; custodians are replaced
// with two current ones present; a custodian may also hold their share under the keychain.
// The unlocked root signs a CRL OpenSSL verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import type { Services } from '../../../src/main/services'
import { createMemoryKeychain, type MemoryKeychain } from '../../../src/main/vault'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { CA_PASS, must, open, withStoreFile } from '../backup/fixture'
import { createRootCa } from '../issuance/root-ca'

const tmp = tempDir('pkidesk-custodians-')
const P = { Alice: 'alice long passphrase', Bob: 'bob long passphrase!', Carol: 'carol long passphrase', Dave: 'dave long passphrase', Erin: 'erin long passphrase' }
let s: Services
let keychain: MemoryKeychain
let rootId: string
let rootPem: string
let keyId: string

const lastAudit = (action: string) => {
  const r = withStoreFile(s, (db) => db.prepare('SELECT details FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1').get(action) as { details: string } | undefined)
  return r ? (JSON.parse(r.details) as Record<string, unknown>) : null
}
const code = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : r.error!.code)

beforeAll(async () => {
  keychain = createMemoryKeychain()
  s = open(tmp.path('store'), keychain)
  const root = await createRootCa(s, 'Ceremony Root', { protection: 'passphrase', passphrase: CA_PASS })
  rootId = root.id
  rootPem = root.pem
  keyId = must(s.authorities.get(rootId)).keyId!
  s.vault.lockAll()
  must(
    await s.vault.setCustodians(keyId, 2, [{ name: 'Alice', passphrase: P.Alice }, { name: 'Bob', passphrase: P.Bob, keychain: true }, { name: 'Carol', passphrase: P.Carol }], { passphrase: CA_PASS })
  )
}, 60_000)
afterAll(() => {
  s?.close()
  tmp.cleanup()
})

describe('a 2-of-3 custodian root', () => {
  it('is stored as custodian-protected, names its custodians, and its old passphrase opens nothing', async () => {
    expect(s.vault.custodiansOf(keyId)).toEqual({ threshold: 2, names: ['Alice', 'Bob', 'Carol'] })
    expect(s.vault.status([keyId]).keys[0]!.protection).toBe('custodians')
    expect(lastAudit('vault.custodians')).toMatchObject({ threshold: 2, custodians: ['Alice', 'Bob', 'Carol'], keychain: ['Bob'], previous: 'passphrase' })
    expect(code(await s.vault.unlock(keyId, CA_PASS))).toBe('CUSTODIANS_REQUIRED')
  })

  it('does not unlock with one custodian, and audits the refused sitting with the name', async () => {
    expect(code(await s.vault.unlock(keyId, undefined, [{ passphrase: P.Alice }]))).toBe('CUSTODIANS_TOO_FEW')
    expect(s.vault.isUnlocked(keyId)).toBe(false)
    expect(lastAudit('vault.unlock-failed')).toMatchObject({ code: 'CUSTODIANS_TOO_FEW', custodians: ['Alice'], unmatched: 0 })
  })

  it('does not unlock with one right and one wrong passphrase, and says which name was wrong', async () => {
    const r = await s.vault.unlock(keyId, undefined, [{ name: 'Alice', passphrase: P.Alice }, { name: 'Carol', passphrase: 'not carols passphrase' }])
    expect(code(r)).toBe('CUSTODIAN_PASSPHRASE_WRONG')
    if (!r.ok) expect(r.error.message).toContain('given as Carol')
    expect(lastAudit('vault.unlock-failed')).toMatchObject({ code: 'CUSTODIAN_PASSPHRASE_WRONG', custodians: ['Alice'], unmatched: 1 })
  })

  it('unlocks with two custodians (unnamed passphrases are matched to their shares), audited with both names, and signs a CRL OpenSSL verifies', async () => {
    must(await s.vault.unlock(keyId, undefined, [{ passphrase: P.Carol }, { passphrase: P.Alice }]))
    expect(s.vault.isUnlocked(keyId)).toBe(true)
    expect(lastAudit('vault.unlock')).toEqual({ custodians: ['Alice', 'Carol'] })
    const crl = must(await s.certificates.generateCrl(rootId))
    const file = tmp.write('root.crl.pem', Buffer.from(must(s.certificates.exportCrl(crl.id, 'pem')).base64, 'base64'))
    writeFileSync(tmp.path('root.pem'), rootPem)
    expect(openssl(['crl', '-in', file, '-CAfile', tmp.path('root.pem'), '-noout']).out).toContain('verify OK')
    s.vault.lockAll()
  })

  it("needs the keychain for a custodian who chose it: Bob's share does not open without his entry", async () => {
    const bobEntry = [...keychain.entries.keys()].find((k) => k.includes(`custodian:${keyId}`))!
    const saved = keychain.entries.get(bobEntry)!
    ;(keychain.entries as Map<string, Uint8Array>).delete(bobEntry)
    expect(code(await s.vault.unlock(keyId, undefined, [{ name: 'Bob', passphrase: P.Bob }, { name: 'Alice', passphrase: P.Alice }]))).toBe('KEYCHAIN_ENTRY_MISSING')
    ;(keychain.entries as Map<string, Uint8Array>).set(bobEntry, saved)
    must(await s.vault.unlock(keyId, undefined, [{ name: 'Bob', passphrase: P.Bob }, { name: 'Alice', passphrase: P.Alice }]))
    expect(lastAudit('vault.unlock')).toEqual({ custodians: ['Alice', 'Bob'] })
    s.vault.lockAll()
  })

  it('replaces its custodians only with two current ones present; the old ones no longer unlock it', async () => {
    const one = await s.vault.setCustodians(keyId, 2, [{ name: 'Dave', passphrase: P.Dave }, { name: 'Erin', passphrase: P.Erin }], { custodians: [{ passphrase: P.Alice }] })
    expect(code(one)).toBe('CUSTODIANS_TOO_FEW')
    expect(lastAudit('vault.custodians-failed')).toMatchObject({ custodians: ['Alice'] })
    must(await s.vault.setCustodians(keyId, 2, [{ name: 'Dave', passphrase: P.Dave }, { name: 'Erin', passphrase: P.Erin }, { name: 'Carol', passphrase: P.Carol }], { custodians: [{ passphrase: P.Alice }, { passphrase: P.Carol }] }))
    expect(lastAudit('vault.custodians')).toMatchObject({ custodians: ['Dave', 'Erin', 'Carol'], previous: ['Alice', 'Bob', 'Carol'], present: ['Alice', 'Carol'] })
    // Bob's keychain entry went with his share.
    expect([...keychain.entries.keys()].some((k) => k.includes(`custodian:${keyId}`))).toBe(false)
    expect(code(await s.vault.unlock(keyId, undefined, [{ passphrase: P.Alice }, { passphrase: P.Bob }]))).toBe('CUSTODIAN_PASSPHRASE_WRONG')
    must(await s.vault.unlock(keyId, undefined, [{ passphrase: P.Erin }, { passphrase: P.Dave }]))
    s.vault.lockAll()
    expect(s.audit.verify().intact).toBe(true)
  })

  it('refuses custodian sets that would not be split knowledge', async () => {
    expect(code(await s.vault.setCustodians(keyId, 1, [{ name: 'Solo', passphrase: P.Alice }], { custodians: [] }))).toBe('CUSTODIANS_INVALID')
    expect(code(await s.vault.setCustodians(keyId, 3, [{ name: 'A', passphrase: P.Alice }, { name: 'B', passphrase: P.Bob }], { custodians: [] }))).toBe('CUSTODIANS_INVALID')
    expect(code(await s.vault.setCustodians(keyId, 2, [{ name: 'A', passphrase: P.Alice }, { name: 'A', passphrase: P.Bob }], { custodians: [] }))).toBe('CUSTODIANS_INVALID')
    expect(code(await s.vault.setCustodians(keyId, 2, [{ name: 'A', passphrase: 'short' }, { name: 'B', passphrase: P.Bob }], { custodians: [] }))).toBe('PASSPHRASE_TOO_SHORT')
  })
})

// Every signature checks that the signer's public key is the issuing CA certificate's: with
// a CA's key record swapped for another CA's key (direct database access), issuance is
// refused with AUTHORITY_KEY_MISMATCH and nothing is stored or audited; restored, it issues
// and the certificate verifies against the CA certificate (node:crypto X509Certificate).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'

const tmp = tempDir('pkidesk-signer-ca-')
let services: Services
let a: { id: string; pem: string }
let b: { id: string; pem: string }
let csrPem: string

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  a = await createRootCa(services, 'Signer Check A')
  b = await createRootCa(services, 'Signer Check B')
  const generated = await services.csr.generate({ subject: [[{ type: 'CN', value: 'signer.example.com' }]], sans: [{ type: 'dns', value: 'signer.example.com' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' })
  if (!generated.ok) throw new Error(generated.error.message)
  csrPem = generated.value.pem
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

const issue = () => services.issuance.issue({ authorityId: a.id, profileId: null, confirmWarnings: true, items: [{ csrPem, input: { subject: {}, sans: [] } }] })
function counts(db: Database.Database): { certs: number; audit: number } {
  return {
    certs: (db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n,
    audit: (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n
  }
}

describe('the signer is the issuing CA', () => {
  it("a CA whose key record names another CA's key issues nothing (AUTHORITY_KEY_MISMATCH)", async () => {
    const db = new Database(join(tmp.dir, 'pkidesk.sqlite3'))
    try {
      const keyOf = (id: string): string => (db.prepare('SELECT key_id FROM authorities WHERE id = ?').get(id) as { key_id: string }).key_id
      const keyA = keyOf(a.id)
      const keyB = keyOf(b.id)
      db.prepare('UPDATE authorities SET key_id = ? WHERE id = ?').run(keyB, a.id)
      const before = counts(db)
      const r = await issue()
      expect(r).toMatchObject({ ok: false, error: { code: 'AUTHORITY_KEY_MISMATCH', field: 'authorityId' } })
      expect(counts(db)).toEqual(before)

      db.prepare('UPDATE authorities SET key_id = ? WHERE id = ?').run(keyA, a.id)
      const good = await issue()
      expect(good.ok && good.value.results[0]!.ok).toBe(true)
      const row = db.prepare('SELECT der FROM certificates ORDER BY id DESC LIMIT 1').get() as { der: Buffer }
      expect(new X509Certificate(row.der).verify(new X509Certificate(a.pem).publicKey)).toBe(true)
      expect(counts(db).certs).toBe(before.certs + 1)
    } finally {
      db.close()
    }
  })
})

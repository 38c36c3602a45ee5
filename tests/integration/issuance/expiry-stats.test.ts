// The dashboard's counts (certificates:expiryStats) over a store with seeded rows, issued
// certificates and revocations and a hold released through the services: the total, the
// revoked, those expiring within 30 days and the 26 weekly buckets equal what the test counts
// itself from the stored rows, and equal the inventory's own totals for the same filters.
import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { databaseFile, openDatabase } from '../../../src/main/store'
import { seedCertificates } from '../../harness/seed'
import { tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const DAY = 86_400_000
const tmp = tempDir('pkidesk-expiry-stats-')
const clock = Date.parse('2027-01-05T10:00:00.000Z')
let services: Services
let dataDir: string

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

beforeAll(async () => {
  dataDir = tmp.path('data')
  services = createServices({ dataDir, keychain: createMemoryKeychain(), now: () => new Date(clock) })
  const ca = await createRootCa(services, 'Stats Root')
  services.close()
  seedCertificates(dataDir, { authorityId: ca.id, der: new Uint8Array(new X509Certificate(ca.pem).raw), issuer: 'CN=Stats Root', count: 4000, now: new Date(clock), revokedEvery: 37 })
  services = createServices({ dataDir, keychain: createMemoryKeychain(), now: () => new Date(clock) })
  // Through the services: a revocation, a hold, a hold released (each keeps the tallies).
  const page = must(services.certificates.list({ sort: { field: 'notAfter', direction: 'asc' }, limit: 3, status: 'issued' })).items
  must(services.certificates.revoke(page[0]!.id, 'keyCompromise'))
  must(services.certificates.revoke(page[1]!.id, 'certificateHold'))
  must(services.certificates.revoke(page[2]!.id, 'certificateHold'))
  must(services.certificates.release(page[2]!.id))
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('certificates:expiryStats', () => {
  it('counts what the stored rows hold, and what the inventory filters total', () => {
    const db = openDatabase(databaseFile(dataDir))
    const rows = db.prepare('SELECT status, not_after AS notAfter FROM certificates').all() as { status: string; notAfter: string }[]
    db.close()
    const at = (days: number): string => new Date(clock + days * DAY).toISOString()
    const unrevoked = rows.filter((r) => r.status === 'issued')
    const within = (days: number): number => unrevoked.filter((r) => r.notAfter >= at(0) && r.notAfter <= at(days)).length

    const stats = must(services.certificates.expiryStats(26))
    expect(stats.total).toBe(rows.length)
    expect(stats.revoked).toBe(rows.filter((r) => r.status === 'revoked').length)
    expect(stats.revoked).toBeGreaterThan(100)
    expect(stats.within30).toBe(within(30))
    expect(stats.weeks).toHaveLength(26)
    stats.weeks.forEach((w, k) => {
      expect(w.start).toBe(at(7 * k))
      expect(w.count).toBe(within(7 * (k + 1)) - within(7 * k))
    })
    expect(stats.weeks.every((w) => w.count > 0)).toBe(true)

    const total = (q: Omit<Parameters<Services['certificates']['list']>[0], 'sort' | 'limit'>): number => must(services.certificates.list({ ...q, sort: { field: 'createdAt', direction: 'desc' }, limit: 1 })).total
    expect(total({})).toBe(stats.total)
    expect(total({ status: 'revoked' })).toBe(stats.revoked)
    expect(total({ expiringWithinDays: 30 })).toBe(stats.within30)
    expect(total({ status: 'issued' }) + total({ status: 'expired' }) + total({ status: 'revoked' })).toBe(rows.length)
  })
})

// The inventory's columns through certificates:list: every column sorts both ways, server-side,
// and paging with the cursor (two rows a page, so every seek of the keyset is crossed) gives
// exactly the order of the whole list; renewals are linked both ways (the newest renewal wins);
// profile, issued-on and key-held are in the summaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCsr, toPem } from '../../../src/main/engine'
import { certificateSortField } from '../../../src/shared/ipc/certificates'
import type { CertificateSummary } from '../../../src/shared/domain/certificate'
import { tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const DAY = 86_400_000
const tmp = tempDir('pkidesk-inventory-sort-')
let clock = Date.parse('2026-01-05T10:00:00Z')
let services: Services
let caId: string

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

async function issueOutside(cn: string, profileId: string | null): Promise<number> {
  const signer = createKeyObjectSigner(cn, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csr = must(await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, signer))
  const item = must(await services.issuance.issue({ authorityId: caId, profileId, confirmWarnings: true, items: [{ csrPem: toPem('CERTIFICATE REQUEST', csr), input: { subject: {}, sans: [] } }] })).results[0]!
  if (!item.ok) throw new Error(item.error.message)
  return item.certificateId
}

async function issueHeld(cn: string, profileId: string | null): Promise<number> {
  const made = must(await services.csr.generate({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' }))
  const item = must(await services.issuance.issue({ authorityId: caId, profileId, confirmWarnings: true, items: [{ csrPem: made.pem, input: { subject: {}, sans: [] } }] })).results[0]!
  if (!item.ok) throw new Error(item.error.message)
  return item.certificateId
}

/** Time passes; the CA (auto-locked meanwhile) is unlocked again from the keychain. */
async function advance(days: number): Promise<void> {
  clock += days * DAY
  must(await services.authorities.unlock(caId))
}

/** Every page of a sort, `limit` rows at a time, following nextCursor. */
function allPages(sort: { field: (typeof certificateSortField.options)[number]; direction: 'asc' | 'desc' }, limit: number): CertificateSummary[] {
  const out: CertificateSummary[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 100; guard++) {
    const page = must(services.certificates.list({ sort, limit, ...(cursor ? { cursor } : {}) }))
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  throw new Error('the pages never ended')
}

/** What each column orders by, read from the summaries (SQLite compares these texts byte-wise; all are ASCII here). */
const keyOf: Record<(typeof certificateSortField.options)[number], (c: CertificateSummary) => readonly (string | number)[]> = {
  notAfter: (c) => [c.notAfter],
  notBefore: (c) => [c.notBefore],
  subject: (c) => [c.subjectText],
  createdAt: (c) => [c.createdAt],
  serial: (c) => [c.serial],
  issuer: (c) => [c.issuerText],
  sans: (c) => [c.sans.join('\n')],
  // Stored status, then notAfter: expired (issued, notAfter past), valid, revoked.
  status: (c) => [c.status === 'revoked' ? 'revoked' : 'issued', c.notAfter],
  profile: (c) => [c.profileId ?? ''],
  keyHeld: (c) => [c.hasKey ? 1 : 0],
  renewalOf: (c) => [c.renewalOf?.id ?? 0],
  renewedBy: (c) => [c.renewedBy?.id ?? 0]
}

function compare(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1
  return 0
}

let ids: { expiredHeld: number; expiredOutside: number; original: number; firstRenewal: number; secondRenewal: number; revoked: number; tls: number }

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 }, now: () => new Date(clock) })
  caId = (await createRootCa(services, 'Sort Root')).id
  const expiredHeld = await issueHeld('b-expired-held.example', null)
  const expiredOutside = await issueOutside('a-expired-outside.example', null)
  await advance(400)
  const original = await issueHeld('c-renewed.example', 'tls-server')
  await advance(1)
  const firstRenewal = must(await services.renewal.renew({ id: original, confirmWarnings: true })).certificateId
  await advance(1)
  const secondRenewal = must(await services.renewal.renew({ id: original, confirmWarnings: true })).certificateId
  const revoked = await issueOutside('d-revoked.example', 'tls-server')
  must(services.certificates.revoke(revoked, 'superseded'))
  await advance(1)
  const tls = await issueOutside('e-tls.example', 'tls-server')
  ids = { expiredHeld, expiredOutside, original, firstRenewal, secondRenewal, revoked, tls }
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('the certificates table, sorted server-side', () => {
  it('has the profile, issued-on, key-held and renewal links in every summary, linked both ways', () => {
    const byId = new Map(allPages({ field: 'createdAt', direction: 'asc' }, 100).map((c) => [c.id, c]))
    const serial = (id: number): string => byId.get(id)!.serial
    expect(byId.get(ids.original)).toMatchObject({ profileId: 'tls-server', hasKey: true, renewalOf: null, renewedBy: { id: ids.secondRenewal, serial: serial(ids.secondRenewal) } })
    expect(byId.get(ids.firstRenewal)).toMatchObject({ renewalOf: { id: ids.original, serial: serial(ids.original) }, renewedBy: null, hasKey: true })
    expect(byId.get(ids.secondRenewal)).toMatchObject({ renewalOf: { id: ids.original, serial: serial(ids.original) }, renewedBy: null })
    expect(byId.get(ids.expiredOutside)).toMatchObject({ profileId: null, hasKey: false, status: 'expired', renewalOf: null, renewedBy: null })
    expect(byId.get(ids.tls)!.notBefore < byId.get(ids.tls)!.notAfter).toBe(true)
    // The certificate view reads the same links.
    expect(must(services.certificates.get(ids.firstRenewal))).toMatchObject({ renewalOf: { id: ids.original } })
  })

  for (const field of certificateSortField.options)
    for (const direction of ['asc', 'desc'] as const)
      it(`sorts by ${field} ${direction}: pages of two follow the cursor to exactly the whole order`, () => {
        const whole = allPages({ field, direction }, 1000)
        // The CA's own certificate is in the inventory too.
        expect(whole).toHaveLength(Object.keys(ids).length + 1)
        const expected = [...whole].sort((a, b) => (direction === 'asc' ? 1 : -1) * (compare(keyOf[field](a), keyOf[field](b)) || a.id - b.id))
        expect(whole.map((c) => c.id)).toEqual(expected.map((c) => c.id))
        expect(allPages({ field, direction }, 2).map((c) => c.id)).toEqual(whole.map((c) => c.id))
      })

  it('orders status as expired, valid, revoked; key held without a key first', () => {
    const status = allPages({ field: 'status', direction: 'asc' }, 3).map((c) => c.status)
    expect(status).toEqual(['expired', 'expired', 'issued', 'issued', 'issued', 'issued', 'issued', 'revoked'])
    const held = allPages({ field: 'keyHeld', direction: 'asc' }, 3).map((c) => c.hasKey)
    expect(held).toEqual([false, false, false, true, true, true, true, true])
  })

  it('refuses a cursor of another sort (its key has another shape) with INVALID_CURSOR', () => {
    const page = must(services.certificates.list({ sort: { field: 'status', direction: 'asc' }, limit: 2 }))
    expect(services.certificates.list({ sort: { field: 'subject', direction: 'asc' }, limit: 2, cursor: page.nextCursor! })).toMatchObject({ ok: false, error: { code: 'INVALID_CURSOR', field: 'cursor' } })
  })
})

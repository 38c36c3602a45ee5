// The certificate tallies (migration 014) give the same totals as counting the rows, for
// every filter the inventory and the dashboard count without text: status (valid, expired,
// revoked), expiring within N days, one CA, one profile, and their combinations, at instants
// on a day's first and last millisecond and exactly on a stored notAfter. The expected counts
// come from a model of the rows kept by the test, not from the store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, storeOf, type Db, type Store, type WriteTx } from '../../../src/main/store'
import { countCertificates, finalizeHold, insertCertificate, releaseHold, revokeCertificate, type CertificateFilter } from '../../../src/main/store/certificates-repo'
import { rebuildCertificateTallies } from '../../../src/main/store/certificate-tallies'

interface ModelRow {
  id: number
  authorityId: string | null
  profileId: string | null
  notAfter: string
  status: 'issued' | 'revoked'
  held: boolean
}

const DAY = 86_400_000
const BASE = Date.parse('2027-03-10T00:00:00.000Z')

/** A small deterministic generator (the same rows every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function matches(r: ModelRow, f: CertificateFilter): boolean {
  if (f.authorityId && r.authorityId !== f.authorityId) return false
  if (f.profileId && r.profileId !== f.profileId) return false
  if (f.status === 'revoked' && r.status !== 'revoked') return false
  if (f.status === 'issued' && !(r.status === 'issued' && r.notAfter >= f.now)) return false
  if (f.status === 'expired' && !(r.status === 'issued' && r.notAfter < f.now)) return false
  if (f.expiring && !(r.status === 'issued' && r.notAfter >= f.expiring.now && r.notAfter <= f.expiring.until)) return false
  return true
}

describe('certificate tallies', () => {
  let dir: string
  let db: Db
  let store: Store
  let model: ModelRow[]
  let profiles: string[]

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-tallies-'))
    db = openDatabase(join(dir, 'db.sqlite3'))
    store = storeOf(db)
    const now = new Date(BASE).toISOString()
    for (const id of ['ca1', 'ca2']) db.prepare("INSERT INTO authorities (id, name, state, subject, created_at) VALUES (?, ?, 'active', ?, ?)").run(id, id, `CN=${id}`, now)
    profiles = (db.prepare('SELECT id FROM profiles ORDER BY id LIMIT 2').all() as { id: string }[]).map((r) => r.id)
    expect(profiles).toHaveLength(2)
    model = []
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Rows over 60 days, many on a day's first or last millisecond, some without a CA or profile; then revocations, holds, releases. */
  function fill(n: number): void {
    const r = rng(42)
    store.write((tx) => {
      for (let i = 0; i < n; i++) {
        const day = Math.floor(r() * 60) - 20
        const within = [0, DAY - 1, Math.floor(r() * DAY)][i % 3]!
        const notAfter = new Date(BASE + day * DAY + within).toISOString()
        const authorityId = i % 7 === 0 ? null : i % 2 ? 'ca1' : 'ca2'
        const profileId = i % 5 === 0 ? null : profiles[i % 2]!
        const id = insertCertificate(tx, {
          authorityId, profileId, keyId: null, serial: i.toString(16).padStart(4, '0'), der: new Uint8Array([0x30, 0]),
          subject: `CN=h${i}`, issuer: 'CN=ca', sans: '', notBefore: new Date(BASE - 400 * DAY).toISOString(), notAfter,
          sha256: `s${i}`, spkiSha256: `k${i}`, source: 'local', isCa: false, createdAt: new Date(BASE).toISOString()
        })
        model.push({ id, authorityId, profileId, notAfter, status: 'issued', held: false })
      }
      for (const m of model) {
        const x = r()
        if (x < 0.15) {
          const held = x < 0.05
          expect(revokeCertificate(tx, m.id, { revokedAt: new Date(BASE).toISOString(), reason: held ? 'certificateHold' : 'keyCompromise', invalidityDate: null })).toBe(true)
          m.status = 'revoked'
          m.held = held
        }
      }
      // A second revocation of the same row changes nothing (and no tally).
      const revoked = model.find((m) => m.status === 'revoked' && !m.held)!
      expect(revokeCertificate(tx, revoked.id, { revokedAt: new Date(BASE).toISOString(), reason: 'superseded', invalidityDate: null })).toBe(false)
      let k = 0
      for (const m of model.filter((x) => x.held)) {
        if (k++ % 2 === 0) {
          expect(releaseHold(tx, m.id)).toBe(true)
          m.status = 'issued'
        } else expect(finalizeHold(tx, m.id, { reason: 'cessationOfOperation', invalidityDate: null })).toBe(true)
        m.held = false
      }
      expect(releaseHold(tx, revoked.id)).toBe(false)
    })
  }

  it('equal the rows counted for every status, expiry window, CA and profile, at day edges and on stored instants', () => {
    fill(3000)
    const instants = [
      BASE,
      BASE - 1,
      BASE + DAY - 1,
      BASE + 3 * DAY + 12_345,
      Date.parse(model[10]!.notAfter),
      Date.parse(model[11]!.notAfter),
      Date.parse(model[12]!.notAfter)
    ].map((t) => new Date(t).toISOString())
    const windows: (number | string | null)[] = [null, 0, 1, 7, 30, 45, model[13]!.notAfter, model[14]!.notAfter]
    let checked = 0
    let nonZero = 0
    store.read((tx) => {
      for (const now of instants)
        for (const status of [undefined, 'issued', 'revoked', 'expired'] as const)
          for (const w of windows)
            for (const authorityId of [undefined, 'ca1', 'ca2'])
              for (const profileId of [undefined, profiles[0]!]) {
                const until = w === null ? null : typeof w === 'string' ? w : new Date(Date.parse(now) + w * DAY).toISOString()
                const f: CertificateFilter = {
                  now,
                  ...(status ? { status } : {}),
                  ...(until ? { expiring: { now, until } } : {}),
                  ...(authorityId ? { authorityId } : {}),
                  ...(profileId ? { profileId } : {})
                }
                const expected = model.filter((m) => matches(m, f)).length
                expect(countCertificates(tx, f), JSON.stringify(f)).toBe(expected)
                checked++
                if (expected > 0) nonZero++
              }
    })
    expect(checked).toBe(7 * 4 * 8 * 3 * 2)
    // The filters are not all trivially empty.
    expect(nonZero).toBeGreaterThan(checked / 3)
  })

  it('a filter with text or notBefore conditions is counted row by row, with the same answer', () => {
    fill(600)
    const now = new Date(BASE).toISOString()
    store.read((tx) => {
      const all = countCertificates(tx, { now })
      expect(all).toBe(600)
      expect(countCertificates(tx, { now, issuedBefore: new Date(BASE).toISOString() })).toBe(600)
      expect(countCertificates(tx, { now, status: 'revoked', subjectMatch: 'CN=h' })).toBe(model.filter((m) => m.status === 'revoked').length)
    })
  })

  it('kept in the write transactions, they equal a recount from the rows', () => {
    fill(1500)
    const tallies = (): unknown[] => db.prepare('SELECT status, expiry_day, authority_id, profile_id, n FROM certificate_tallies WHERE n <> 0 ORDER BY 1, 2, 3, 4').all()
    const kept = tallies()
    expect(kept.length).toBeGreaterThan(100)
    store.write((tx: WriteTx) => rebuildCertificateTallies(tx))
    expect(tallies()).toEqual(kept)
  })
})

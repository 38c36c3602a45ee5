// Settings → Data against a real store: the counts (CAs, certificates valid/expired/revoked,
// profiles, CRLs, audit entries) match what was created through the services and seeded
// beside them, the size is the database file plus its WAL as the file system reports them,
// and "Reveal" / "Copy path" reach the desktop port with main's own paths (or say why not).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import type { DesktopPort } from '../../../src/main/services/settings-service'
import { createMemoryKeychain } from '../../../src/main/vault'
import { tempDir } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'
import { issue, must, opensslCsr } from '../backup/fixture'
import { seedCertificates } from '../../harness/seed'

const DAY = 86_400_000
const T = Date.parse('2026-06-01T00:00:00.000Z')
const SEEDED = 1_000
const tmp = tempDir('pkidesk-store-info-')
const calls: { call: keyof DesktopPort; arg: string }[] = []
let clock = T
let services: Services

beforeAll(() => {
  services = createServices({
    dataDir: tmp.dir,
    keychain: createMemoryKeychain(),
    now: () => new Date(clock),
    desktop: { showItemInFolder: (arg) => void calls.push({ call: 'showItemInFolder', arg }), copyText: (arg) => void calls.push({ call: 'copyText', arg }) }
  })
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('settings:storeInfo', () => {
  it('counts what the store holds and sizes its files', async () => {
    const empty = services.settings.storeInfo()
    expect(empty.counts.authorities).toBe(0)
    expect(empty.counts.certificates).toEqual({ total: 0, valid: 0, expired: 0, revoked: 0 })
    expect(empty.counts.crls).toBe(0)

    const ca = await createRootCa(services, 'Counted Root')
    const second = await createRootCa(services, 'Counted Second')
    const kept = await issue(services, ca.id, opensslCsr(tmp.dir, 'kept.example'))
    const gone = await issue(services, ca.id, opensslCsr(tmp.dir, 'gone.example'))
    must(services.certificates.revoke(gone.id, 'keyCompromise'))
    must(await services.certificates.generateCrl(ca.id))
    must(await services.certificates.generateCrl(second.id))
    const profilesBefore = services.settings.storeInfo().counts.profiles
    must(services.profiles.create({ ...must(services.profiles.get('tls-server')), name: 'Counted profile' }, { id: 'counted' }))

    // Seeded rows: every 50th revoked; notAfter T + ((i % 400) + 1) days for the rest.
    seedCertificates(tmp.dir, { authorityId: ca.id, der: new X509Certificate(ca.pem).raw, issuer: 'CN=Counted Root', count: SEEDED, now: new Date(T) })
    // 100.5 days on, every issued row with (i % 400) + 1 <= 100 has expired.
    clock = T + 100.5 * DAY
    let revoked = 0
    let expired = 0
    for (let i = 0; i < SEEDED; i++) {
      if (i % 50 === 0) revoked++
      else if ((i % 400) + 1 <= 100) expired++
    }

    const info = services.settings.storeInfo()
    expect(info.dataDir).toBe(tmp.dir)
    expect(info.databaseFile).toBe(join(tmp.dir, 'pkidesk.sqlite3'))
    expect(info.counts.authorities).toBe(2)
    // The two CAs' own certificates are in the inventory too (valid ten years); the tls-server
    // profile gives 90 days: kept.example has expired by now, gone.example is revoked.
    expect(expired).toBe(294)
    expect(info.counts.certificates).toEqual({ total: SEEDED + 4, valid: SEEDED - revoked - expired + 2, expired: expired + 1, revoked: revoked + 1 })
    // The inventory's own filters agree.
    const listed = (status: 'issued' | 'expired' | 'revoked'): number => must(services.certificates.list({ status, limit: 1, sort: { field: 'createdAt', direction: 'desc' } })).total
    expect([listed('issued'), listed('expired'), listed('revoked')]).toEqual([info.counts.certificates.valid, info.counts.certificates.expired, info.counts.certificates.revoked])
    expect(info.counts.crls).toBe(2)
    expect(info.counts.profiles).toBe(profilesBefore + 1)
    // The audit trail's own walk of the chain counts the same entries.
    const verdict = services.audit.verify()
    expect(verdict.intact).toBe(true)
    expect(info.counts.auditEntries).toBe(verdict.entries)
    expect(info.counts.auditEntries).toBeGreaterThan(5)

    expect(info.databaseBytes).toBe(statSync(info.databaseFile).size)
    // While the store is open, what was just written sits in the write-ahead log: the size on
    // disk counts both (each seeded row carries a certificate's DER, a few hundred bytes).
    const wal = `${info.databaseFile}-wal`
    expect(existsSync(wal)).toBe(true)
    expect(info.walBytes).toBe(statSync(wal).size)
    expect(info.databaseBytes + info.walBytes).toBeGreaterThan(SEEDED * 300)
    expect(services.certificates.get(kept.id)).toMatchObject({ ok: true, value: { status: 'expired' } })
  })

  it('reveals the database file and copies the data directory through the desktop port', () => {
    expect(must(services.settings.revealDataDir())).toEqual({ revealed: join(tmp.dir, 'pkidesk.sqlite3') })
    expect(must(services.settings.copyDataDir())).toEqual({ copied: tmp.dir })
    expect(calls).toEqual([
      { call: 'showItemInFolder', arg: join(tmp.dir, 'pkidesk.sqlite3') },
      { call: 'copyText', arg: tmp.dir }
    ])
  })

  it('says why without a desktop (the command line)', () => {
    const dir = tempDir('pkidesk-store-info-cli-')
    const cli = createServices({ dataDir: dir.dir, keychain: createMemoryKeychain() })
    try {
      const r = cli.settings.revealDataDir()
      expect(r).toMatchObject({ ok: false, error: { code: 'FILES_NO_DESKTOP' } })
      expect(!r.ok && r.error.message).toContain(dir.dir)
      expect(cli.settings.copyDataDir()).toMatchObject({ ok: false, error: { code: 'FILES_NO_DESKTOP' } })
    } finally {
      cli.close()
      dir.cleanup()
    }
  })
})

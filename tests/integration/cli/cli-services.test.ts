// The store and service parts the CLI relies on, in process over a real SQLite store: the
// cheap audit head check, the exact serial lookup tolerant of leading zeros, and the explicit
// opt-in (audited) before a CA's private key goes into a PFX, checked by OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { appendAudit } from '../../../src/main/store/audit-log'
import { openStoreFile, type StoreFile } from '../store-file'
import { warnIfAuditBroken } from '../../../src/cli/audit-guard'

const PASSPHRASE = 'correct horse battery staple'
let dir: string
let services: Services
let file: StoreFile
const keychain = createMemoryKeychain()

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-svc-'))
  services = createServices({ dataDir: join(dir, 'store'), keychain, scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  file = openStoreFile(join(dir, 'store'))
})
afterAll(() => {
  file?.close()
  services?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('CA key export needs an explicit opt-in', () => {
  it('refuses a CA key in a PFX without includeCaKey, exports and audits it with', async () => {
    const root = await services.authorities.create({
      name: 'Svc Root',
      parentId: null,
      subject: [[{ type: 'CN', value: 'Svc Root' }]],
      keySpec: 'ec-p256',
      protection: 'passphrase',
      passphrase: PASSPHRASE,
      validityDays: 365,
      pathLength: null,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    })
    expect(root.ok, JSON.stringify(root)).toBe(true)
    const page = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10 })
    const cert = page.ok ? page.value.items.find((c) => c.isCa) : undefined
    expect(cert?.hasKey).toBe(true)
    if (root.ok && !root.value.unlocked) expect((await services.authorities.unlock(root.value.id, PASSPHRASE)).ok).toBe(true)

    const refused = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true)
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.code).toBe('CA_KEY_EXPORT_NOT_CONFIRMED')
      expect(refused.error.field).toBe('includeCaKey')
      expect(refused.error.message).toContain('--include-ca-key')
    }
    // Certificates only is fine without the opt-in.
    const noKey = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', false)
    expect(noKey.ok && noKey.value.containsKey).toBe(false)

    // The opt-in carries the CA key's passphrase again, checked even though the key is unlocked.
    const noPassphrase = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, {})
    expect(!noPassphrase.ok && noPassphrase.error).toMatchObject({ code: 'PASSPHRASE_REQUIRED', field: 'caKeyPassphrase' })
    const wrong = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, { passphrase: 'not the CA passphrase' })
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'caKeyPassphrase' })
    const done = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, { passphrase: PASSPHRASE })
    expect(done.ok).toBe(true)
    if (!done.ok) return
    expect(done.value.containsKey).toBe(true)
    const pfx = join(dir, 'root.pfx')
    writeFileSync(pfx, Buffer.from(done.value.base64, 'base64'))
    const keyPem = execFileSync('openssl', ['pkcs12', '-in', pfx, '-nocerts', '-passin', 'pass:pfx export passphrase 42', '-passout', 'pass:x', '-nodes'], { encoding: 'utf8' })
    expect(keyPem).toContain('PRIVATE KEY')
    const audit = services.audit.list({ offset: 0, limit: 5, action: 'certificate.export' })
    expect(audit.ok && audit.value.entries.map((e) => JSON.parse(e.details) as { caKey?: boolean; containsKey: boolean })[0]).toEqual({ format: 'pfx-modern', containsKey: true, caKey: true, confirmedWith: 'passphrase' })
    const refusals = services.audit.list({ offset: 0, limit: 5, action: 'vault.confirm-failed' })
    expect(refusals.ok && refusals.value.entries.map((e) => (JSON.parse(e.details) as { code: string }).code)).toEqual(['PASSPHRASE_WRONG', 'PASSPHRASE_REQUIRED'])
  })
})

describe('an existing keychain key when the keychain is down', () => {
  it('says to start the Secret Service and unlock the keyring, not to choose passphrase protection', async () => {
    const ca = await services.authorities.create({
      name: 'Keychain Root',
      parentId: null,
      subject: [[{ type: 'CN', value: 'Keychain Root' }]],
      keySpec: 'ec-p256',
      protection: 'keychain',
      validityDays: 365,
      pathLength: null,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    })
    expect(ca.ok, JSON.stringify(ca)).toBe(true)
    if (!ca.ok) return
    services.vault.lockAll()
    keychain.setAvailable(false)
    try {
      const r = await services.authorities.unlock(ca.value.id)
      expect(r.ok).toBe(false)
      if (r.ok) return
      expect(r.error.code).toBe('KEYCHAIN_UNAVAILABLE')
      expect(r.error.message).not.toMatch(/choose passphrase protection/)
      expect(r.error.message).toMatch(/this key is kept in the keychain .*start the Secret Service \(gnome-keyring\) and unlock your login keyring/)
    } finally {
      keychain.setAvailable(true)
    }
  })
})

describe('certificates.findBySerial', () => {
  it('finds a serial exactly, with or without leading zeros, in any case, never by substring', () => {
    const page = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10 })
    const c = page.ok ? page.value.items[0]! : undefined
    const serial = c!.serial
    const stripped = serial.replace(/^0+/, '')
    for (const spelling of [serial, serial.toUpperCase(), `00${serial}`, `0000${serial}`, stripped, `0${stripped}`])
      expect(services.certificates.findBySerial(spelling).map((r) => r.id), spelling).toEqual([c!.id])
    expect(services.certificates.findBySerial(serial.slice(0, -2))).toEqual([])
    expect(services.certificates.findBySerial(serial, 'another-ca')).toEqual([])
    expect(services.certificates.findBySerial('not hex')).toEqual([])
  })
})

describe('audit.headIntact', () => {
  it('is intact after ordinary appends and sees a cut tail, a removed entry and an edited newest entry', () => {
    file.store.write((tx) => appendAudit(tx, { action: 'test.one', subject: 'x' }))
    file.store.write((tx) => appendAudit(tx, { action: 'test.two', subject: 'x' }))
    expect(services.audit.headIntact()).toEqual({ intact: true })
    const warnings: string[] = []
    expect(warnIfAuditBroken(services, { stderr: (s) => void warnings.push(s) })).toBe(true)
    expect(warnings).toEqual([])

    const last = file.db.prepare('SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number }
    const snapshot = file.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(last.seq) as Record<string, unknown>
    // Tampering as a hand edit of the file would: the append-only triggers are dropped first.
    file.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete')

    file.db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run('{"edited":true}', last.seq)
    expect(services.audit.headIntact()).toMatchObject({ intact: false, reason: expect.stringContaining('altered') })
    file.db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(snapshot.details, last.seq)
    expect(services.audit.headIntact().intact).toBe(true)

    file.db.prepare('DELETE FROM audit_log WHERE seq = ?').run(last.seq)
    const cut = services.audit.headIntact()
    expect(cut).toMatchObject({ intact: false, reason: expect.stringContaining('does not match the audit head record') })
    expect(warnIfAuditBroken(services, { stderr: (s) => void warnings.push(s) })).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning\[AUDIT_BROKEN\]: .*run pkidesk audit verify/)
    file.db
      .prepare('INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(snapshot.seq, snapshot.at, snapshot.actor, snapshot.action, snapshot.subject, snapshot.details, snapshot.prev_hash, snapshot.hash)
    expect(services.audit.headIntact().intact).toBe(true)

    file.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()
    expect(services.audit.headIntact()).toMatchObject({ intact: false, reason: expect.stringMatching(/1 of \d+ entries are missing/) })
  })
})

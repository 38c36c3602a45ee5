// Backup and restore through the services: a store with passphrase, keychain and both
// protected CAs, issued and revoked certificates, a CRL, a profile and a connector, backed
// up split 2-of-3 and restored on "another machine" (a new data dir and a new keychain) with
// two of the shares. The restored CAs sign a certificate and a CRL OpenSSL verifies against
// the original chain; counts, serials and the audit head are as before. Then every refusal,
// each with its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { tempDir } from '../../unit/engine/helpers'
import { BACKUP_PASS, CA_PASS, must, open, populate, proveCaSigns, storeFacts, withStoreFile, type Populated } from './fixture'

const NEW_PASS = 'the new machine passphrase'
const ALICE = 'alice custodian passphrase'
const CAROL = 'carol custodian passphrase'

const tmp = tempDir('pkidesk-backup-')
let a: Services
const keychainA = createMemoryKeychain()
let ca: Populated
let before: ReturnType<typeof storeFacts>
let backupFile: string
let shareFiles: string[]
let passBackup: string

const shareArg = (files: readonly string[]) => files.map((f) => ({ name: f, text: readFileSync(f, 'utf8') }))

beforeAll(async () => {
  mkdirSync(tmp.path('work'))
  mkdirSync(tmp.path('shares'))
  a = open(tmp.path('store-a'), keychainA)
  ca = await populate(a, tmp.path('work'))
  before = storeFacts(a)
  backupFile = tmp.path('store-a.pkibackup')
  const made = must(
    await a.backup.create({
      out: backupFile,
      secret: { kind: 'shares', total: 3, threshold: 2, shareDir: tmp.path('shares'), custodians: [{ name: 'Alice', passphrase: ALICE }, { name: 'Bob' }, { name: 'Carol', passphrase: CAROL }] },
      keySecrets: { passphrase: CA_PASS }
    })
  )
  shareFiles = made.shareFiles
  passBackup = tmp.path('store-a-pass.pkibackup')
  must(await a.backup.create({ out: passBackup, secret: { kind: 'passphrase', passphrase: BACKUP_PASS }, keySecrets: { passphrase: CA_PASS } }))
}, 120_000)

afterAll(() => {
  a?.close()
  tmp.cleanup()
})

describe('backup create', () => {
  it('writes one file and three share files, states the store in its manifest, and audits it', async () => {
    expect(shareFiles).toHaveLength(3)
    expect(readdirSync(tmp.path('shares')).sort()).toEqual(['store-a.share-1-of-3-Alice.txt', 'store-a.share-2-of-3-Bob.txt', 'store-a.share-3-of-3-Carol.txt'])
    const paper = readFileSync(shareFiles[0]!, 'utf8')
    expect(paper).toContain('PKI Desk backup share 1 of 3: any 2 of the 3 shares restore the backup.')
    expect(paper).toContain('Custodian: Alice (this share opens only with their passphrase)')
    const v = must(await a.backup.verify(backupFile))
    expect(v.opened).toBe(false)
    expect(v.counts).toMatchObject({ ...before.counts, auditEntries: expect.any(Number) })
    expect(v.protection).toEqual({ kind: 'shares', threshold: 2, total: 3, custodians: ['Alice', 'Bob', 'Carol'] })
    expect(v.keys.map((k) => k.protection).sort()).toEqual(['both', 'keychain', 'keychain', 'passphrase'])
    expect(v.connectors).toEqual([{ name: 'lab-lamassu', type: 'lamassu', credential: 'not included: re-enter it after a restore' }])
    const entries = withStoreFile(a, (db) => db.prepare("SELECT details FROM audit_log WHERE action = 'backup.create' ORDER BY seq").all() as { details: string }[])
    expect(entries).toHaveLength(2)
    expect(JSON.parse(entries[0]!.details)).toMatchObject({ protection: 'shares 2 of 3', custodians: ['Alice', 'Bob', 'Carol'] })
    expect(a.backup.status()).toMatchObject({ due: false, issuancesSince: 0, last: { protection: 'passphrase' } })
  })

  it('carries no key material in the clear: no PKCS#8 and no share bytes in the file', () => {
    const bytes = readFileSync(backupFile)
    expect(bytes.includes(Buffer.from('PRIVATE KEY'))).toBe(false)
    // The manifest lists what is inside without secrets.
    expect(bytes.subarray(0, 8).toString()).toBe('PKIDBK01')
  })

  it('refuses a locked passphrase key it cannot open, naming the CA', async () => {
    const r = await a.backup.create({ out: tmp.path('locked.pkibackup'), secret: { kind: 'passphrase', passphrase: BACKUP_PASS } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('BACKUP_KEYS_LOCKED')
    expect(r.error.message).toContain('Backup Root')
    expect(r.error.message).toContain('Backup Both')
    expect(readdirSync(tmp.dir)).not.toContain('locked.pkibackup')
  })
})

describe('backup verify', () => {
  it('checks everything with two of the shares', async () => {
    const v = must(await a.backup.verify(backupFile, { shares: shareArg([shareFiles[1]!, shareFiles[2]!]), sharePassphrases: [CAROL] }))
    expect(v.opened).toBe(true)
    expect(v.checks).toEqual(expect.arrayContaining(['payload authenticated', 'store integrity', '4 keys open and match their public keys']))
  })
})

describe('restore on another machine with 2 of 3 shares', () => {
  let b: Services
  afterAll(() => b?.close())

  it('brings back counts, serials, profiles and the audit head, re-seals every key and appends a restore entry', async () => {
    b = open(tmp.path('store-b'), createMemoryKeychain())
    const r = must(await b.backup.restore({ file: backupFile, shares: shareArg([shareFiles[0]!, shareFiles[2]!]), sharePassphrases: [CAROL, ALICE], protection: 'both', keyPassphrase: NEW_PASS }))
    expect(r).toMatchObject({ restoredKeys: 4, credentialsToReenter: ['lab-lamassu'], migrated: false })
    const after = storeFacts(b)
    expect(after.counts).toEqual(before.counts)
    expect(after.serials).toEqual(before.serials)
    expect(after.profiles).toEqual(before.profiles)
    expect(after.authorities).toEqual(before.authorities)
    const verdict = b.audit.verify()
    expect(verdict.intact).toBe(true)
    const last = withStoreFile(b, (db) => db.prepare('SELECT action, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { action: string; prev_hash: string })
    expect(last.action).toBe('backup.restore')
    // The entry before the restore is the head the backup was taken at.
    expect(last.prev_hash).toBe(r.auditHead!.hash)
    expect(before.auditHead).toBe(r.auditHead!.hash)
    const protections = withStoreFile(b, (db) => db.prepare('SELECT DISTINCT protection FROM vault_keys').all() as { protection: string }[]).map((p) => p.protection)
    expect(protections).toEqual(['both'])
    // The search index is not copied but rebuilt from the restored rows: every subject is found again.
    const subjects = withStoreFile(b, (db) => db.prepare('SELECT id, subject FROM certificates ORDER BY id').all() as { id: number; subject: string }[])
    expect(subjects.length).toBeGreaterThan(0)
    for (const c of subjects) {
      const found = b.certificates.list({ search: c.subject, sort: { field: 'createdAt', direction: 'asc' }, limit: 100 })
      expect(found.ok && found.value.items.map((i) => i.id)).toContain(c.id)
    }
    // The certificate tallies are not copied either but counted again: totals equal the rows.
    const stats = must(b.certificates.expiryStats(26))
    expect(stats.total).toBe(after.counts.certificates)
    expect(stats.revoked).toBe(after.counts.revoked)
    expect(stats.revoked).toBeGreaterThan(0)
    const total = (status?: 'revoked' | 'issued' | 'expired'): number => must(b.certificates.list({ ...(status ? { status } : {}), sort: { field: 'createdAt', direction: 'asc' }, limit: 1 })).total
    expect(total()).toBe(after.counts.certificates)
    expect(total('issued') + total('expired') + total('revoked')).toBe(after.counts.certificates)
  })

  it('restored CAs sign a certificate and a CRL that OpenSSL verifies against the original chain', async () => {
    // Old passphrases no longer open anything: every key is under this machine's protection now.
    expect((await b.authorities.unlock(ca.rootId, CA_PASS)).ok).toBe(false)
    must(await b.authorities.unlock(ca.rootId, NEW_PASS))
    must(await b.authorities.unlock(ca.issuingId, NEW_PASS))
    must(await b.authorities.unlock(ca.bothId, NEW_PASS))
    await proveCaSigns(b, tmp.path('work'), ca.issuingId, [ca.issuingPem, ca.rootPem], 'after-restore.example')
    await proveCaSigns(b, tmp.path('work'), ca.bothId, [ca.bothPem], 'after-restore-both.example')
  })

  it('refuses to restore into a store that is no longer empty', async () => {
    const r = await b.backup.restore({ file: passBackup, passphrase: BACKUP_PASS, protection: 'passphrase', keyPassphrase: NEW_PASS })
    expect(r.ok ? 'restored' : r.error.code).toBe('BACKUP_TARGET_NOT_EMPTY')
  })
})

describe('restore refusals', () => {
  const fresh = (name: string): Services => open(tmp.path(name), createMemoryKeychain())
  const code = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : r.error!.code)

  it('refuses one share of three, and leaves the store empty', async () => {
    const s = fresh('one-share')
    try {
      const r = await s.backup.restore({ file: backupFile, shares: shareArg([shareFiles[1]!]), protection: 'keychain' })
      expect(code(r)).toBe('BACKUP_SHARES_TOO_FEW')
      expect(storeFacts(s).counts.authorities).toBe(0)
    } finally {
      s.close()
    }
  })

  it('refuses a protected share without its custodian passphrase', async () => {
    const s = fresh('no-share-pass')
    try {
      expect(code(await s.backup.restore({ file: backupFile, shares: shareArg([shareFiles[0]!, shareFiles[1]!]), sharePassphrases: ['not alice at all!!'], protection: 'keychain' }))).toBe('BACKUP_SHARE_PASSPHRASE_WRONG')
    } finally {
      s.close()
    }
  })

  it('refuses a wrong backup passphrase', async () => {
    const s = fresh('wrong-pass')
    try {
      expect(code(await s.backup.restore({ file: passBackup, passphrase: 'a wrong backup passphrase', protection: 'keychain' }))).toBe('BACKUP_KEY_WRONG')
      expect(code(await s.backup.verify(passBackup, { passphrase: 'a wrong backup passphrase' }))).toBe('BACKUP_KEY_WRONG')
    } finally {
      s.close()
    }
  })

  it('refuses a share of another backup', async () => {
    mkdirSync(tmp.path('other-shares'))
    must(await a.backup.create({ out: tmp.path('other.pkibackup'), secret: { kind: 'shares', total: 3, threshold: 2, shareDir: tmp.path('other-shares') }, keySecrets: { passphrase: CA_PASS } }))
    const other = readdirSync(tmp.path('other-shares')).map((f) => join(tmp.path('other-shares'), f))
    const s = fresh('foreign-share')
    try {
      expect(code(await s.backup.restore({ file: backupFile, shares: shareArg([shareFiles[1]!, other[0]!]), protection: 'keychain' }))).toBe('BACKUP_SHARE_FOREIGN')
    } finally {
      s.close()
    }
  })

  it('refuses a share whose block was retyped wrong, and accepts one retyped with other spacing', async () => {
    const text = readFileSync(shareFiles[1]!, 'utf8')
    const block = text.slice(text.indexOf('-----BEGIN'))
    const body = block.split('\n').slice(1, -2).join('').replace(/\s/g, '')
    // Typed back from paper: other line lengths, stray spaces, none of the explanatory lines.
    const respaced = `-----BEGIN PKIDESK BACKUP SHARE-----\n${body.match(/.{1,30}/g)!.join(' \n  ')}\n-----END PKIDESK BACKUP SHARE-----\n`
    const retyped = tmp.write('retyped.txt', respaced)
    const v = must(await a.backup.verify(backupFile, { shares: shareArg([retyped, shareFiles[2]!]), sharePassphrases: [CAROL] }))
    expect(v.opened).toBe(true)
    const inner = JSON.parse(Buffer.from(body, 'base64').toString()) as { share: string }
    const share = Buffer.from(inner.share, 'base64')
    share[5]! ^= 0x01
    const forged = Buffer.from(JSON.stringify({ ...inner, share: share.toString('base64') })).toString('base64')
    const bad = tmp.write('forged.txt', `-----BEGIN PKIDESK BACKUP SHARE-----\n${forged}\n-----END PKIDESK BACKUP SHARE-----\n`)
    expect(code(await a.backup.verify(backupFile, { shares: shareArg([bad, shareFiles[2]!]), sharePassphrases: [CAROL] }))).toBe('BACKUP_SHARE_MISMATCH')
  })

  it('refuses any single flipped byte: the checksum finds it without secrets, the AEAD with a recomputed checksum', async () => {
    const original = readFileSync(passBackup)
    const headerEnd = 12 + original.readUInt32BE(8)
    const size = original.length
    // Every region: magic, length, manifest, payload start, middle, end, tag, checksum; and a spread of others.
    const positions = new Set([0, 7, 8, 11, 12, headerEnd - 1, headerEnd, headerEnd + 1, Math.floor(size / 2), size - 49, size - 48, size - 33, size - 32, size - 1])
    for (let i = 0; i < 40; i++) positions.add(Math.floor(((i * 7919) % 1000) / 1000 * size))
    for (const pos of positions) {
      const bad = Buffer.from(original)
      bad[pos]! ^= 0x01
      writeFileSync(tmp.path('flipped.pkibackup'), bad)
      const v = await a.backup.verify(tmp.path('flipped.pkibackup'))
      expect([pos, code(v)]).toEqual([pos, expect.stringMatching(/^BACKUP_(DAMAGED|FORMAT_UNSUPPORTED)$/)])
    }
    // An attacker who also recomputes the checksum: the payload's tag (AAD = the manifest) refuses it.
    for (const pos of [20, headerEnd + 10, Math.floor(size / 2), size - 40]) {
      const bad = Buffer.from(original)
      bad[pos]! ^= 0x01
      const body = bad.subarray(0, size - 32)
      const forged = Buffer.concat([body, createHash('sha256').update(body).digest()])
      writeFileSync(tmp.path('forged.pkibackup'), forged)
      const s = fresh(`forged-${pos}`)
      try {
        const r = await s.backup.restore({ file: tmp.path('forged.pkibackup'), passphrase: BACKUP_PASS, protection: 'keychain' })
        expect([pos, code(r)]).toEqual([pos, expect.stringMatching(/^BACKUP_(KEY_WRONG|DAMAGED)$/)])
        expect(storeFacts(s).counts.certificates).toBe(0)
      } finally {
        s.close()
      }
    }
  })

  it('refuses a backup from a newer schema before decrypting anything', async () => {
    const original = readFileSync(passBackup)
    const len = original.readUInt32BE(8)
    const manifest = JSON.parse(original.subarray(12, 12 + len).toString()) as { schemaVersion: number }
    manifest.schemaVersion = 99
    const m = Buffer.from(JSON.stringify(manifest))
    const lenBuf = Buffer.alloc(4)
    lenBuf.writeUInt32BE(m.length)
    const body = Buffer.concat([original.subarray(0, 8), lenBuf, m, original.subarray(12 + len, original.length - 32)])
    // The payload length is stated in the manifest; the file stays consistent with it.
    writeFileSync(tmp.path('newer.pkibackup'), Buffer.concat([body, createHash('sha256').update(body).digest()]))
    const s = fresh('newer')
    try {
      expect(code(await s.backup.restore({ file: tmp.path('newer.pkibackup'), passphrase: BACKUP_PASS, protection: 'keychain' }))).toBe('BACKUP_SCHEMA_NEWER')
    } finally {
      s.close()
    }
  })

  it('a copy of the backup restores where the original was made too (its own keychain entries are untouched)', async () => {
    copyFileSync(passBackup, tmp.path('copy.pkibackup'))
    const s = open(tmp.path('same-machine'), keychainA)
    try {
      must(await s.backup.restore({ file: tmp.path('copy.pkibackup'), passphrase: BACKUP_PASS, protection: 'keychain' }))
      must(await s.authorities.unlock(ca.issuingId))
    } finally {
      s.close()
    }
    // The original store still opens its keychain CA.
    must(await a.authorities.unlock(ca.issuingId))
    a.vault.lockAll()
  })
})

// Restore on a new machine with a real, fresh Secret Service: run with `npm run test:keychain`
// (scripts/with-secret-service.sh: a private D-Bus session, a new gnome-keyring, HOME a new
// temporary directory). Machine A is a store with passphrase, keychain and both-protected
// CAs, issued and revoked certificates, a CRL, a profile and a connector, whose keychain is
// A's own (in memory here: nothing of it exists in the new keyring). Its backup, split 2-of-3,
// is restored with two shares into a data directory under the new HOME, every key sealed
// into the new gnome-keyring; after the services are closed and opened again, the restored
// CAs sign a certificate and a CRL that OpenSSL verifies against the original chain, and the
// counts, serials and audit head are the ones the backup was taken at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AsyncEntry } from '@napi-rs/keyring'
import type { Services } from '../../../src/main/services'
import { createMemoryKeychain, createNapiKeychain, KEYCHAIN_SERVICE } from '../../../src/main/vault'
import { tempDir } from '../../unit/engine/helpers'
import { CA_PASS, must, open, populate, proveCaSigns, storeFacts, withStoreFile, type Populated } from '../backup/fixture'

const ALICE = 'alice custodian passphrase'
const CAROL = 'carol custodian passphrase'
const tmp = tempDir('pkidesk-backup-a-')
let a: Services
let ca: Populated
let before: ReturnType<typeof storeFacts>
let backupFile: string
let shareFiles: string[]
let storeB: string

beforeAll(async () => {
  const home = process.env.PKIDESK_TEST_HOME
  if (!process.env.DBUS_SESSION_BUS_ADDRESS || !home) throw new Error('these tests need a private Secret Service: run them with `npm run test:keychain`')
  expect(process.env.HOME).toBe(home)
  mkdirSync(tmp.path('work'))
  mkdirSync(tmp.path('shares'))
  a = open(tmp.path('store-a'), createMemoryKeychain())
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
  a.close()
  storeB = join(home, 'pkidesk-restored')
}, 120_000)

afterAll(() => tmp.cleanup())

describe('restore with 2 of 3 shares into a fresh gnome-keyring under another HOME', () => {
  it('seals every key into the new keyring; after a restart the restored CAs sign a certificate and a CRL OpenSSL verifies against the original chain', async () => {
    const b = open(storeB, createNapiKeychain())
    const shares = [shareFiles[2]!, shareFiles[0]!].map((f) => ({ name: f, text: readFileSync(f, 'utf8') }))
    const r = must(await b.backup.restore({ file: backupFile, shares, sharePassphrases: [ALICE, CAROL], protection: 'keychain' }))
    expect(r).toMatchObject({ restoredKeys: 4, credentialsToReenter: ['lab-lamassu'], migrated: false })
    b.close()

    // A new process's view: the services opened again, the keys read from the Secret Service.
    const again = open(storeB, createNapiKeychain())
    try {
      const after = storeFacts(again)
      expect(after.counts).toEqual(before.counts)
      expect(after.serials).toEqual(before.serials)
      expect(after.profiles).toEqual(before.profiles)
      expect(after.authorities).toEqual(before.authorities)
      expect(again.audit.verify().intact).toBe(true)
      const last = withStoreFile(again, (db) => db.prepare('SELECT action, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { action: string; prev_hash: string })
      expect(last).toEqual({ action: 'backup.restore', prev_hash: before.auditHead })

      const keys = withStoreFile(again, (db) => db.prepare('SELECT protection, envelope FROM vault_keys').all() as { protection: string; envelope: string }[])
      expect(keys).toHaveLength(4)
      for (const k of keys) {
        expect(k.protection).toBe('keychain')
        // Each key's entry is in the new keyring itself, read here without PKI Desk.
        const account = (JSON.parse(k.envelope) as { kek: { keychain?: { account: string } } }).kek.keychain?.account
        expect(account).toBeTruthy()
        expect(await new AsyncEntry(KEYCHAIN_SERVICE, account!, { linux: { store: 'secret-service' } }).getSecret()).toBeTruthy()
      }
      // The old CA passphrase is not asked for: the keyring opens the keys.
      for (const id of [ca.rootId, ca.issuingId, ca.bothId]) must(await again.authorities.unlock(id))
      await proveCaSigns(again, tmp.path('work'), ca.issuingId, [ca.issuingPem, ca.rootPem], 'keyring-restore.example')
      await proveCaSigns(again, tmp.path('work'), ca.rootId, [ca.rootPem], 'keyring-restore-root.example')
      await proveCaSigns(again, tmp.path('work'), ca.bothId, [ca.bothPem], 'keyring-restore-both.example')
    } finally {
      again.close()
    }
  })
})

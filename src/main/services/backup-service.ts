// Backup, verify and restore (the file format is src/main/backup/container.ts).
//
// create: an online snapshot of the store, every vault key re-sealed by the vault under the
//   backup's key-wrap key, the manifest stated from the snapshot itself (so it describes
//   exactly what is inside), then one authenticated file. The backup key is scrypt of a
//   backup passphrase, or random and split M-of-N into share files. Audited; the time and
//   the certificate count are kept for the dashboard's reminder.
// verify: the structure and checksum without secrets; with them, everything a restore would
//   check (payload tag, snapshot integrity, audit chain, counts, every key opens and matches).
// restore: into an empty store only. The snapshot is migrated if older (a newer schema is
//   refused before anything is decrypted), its audit chain verified end to end, each key
//   sealed under the protection chosen for this machine, and the whole store copied in with
//   a restore entry appended, in one transaction: a failure leaves the store empty.
//
// Not in a backup, and said so in its manifest: keys not held by the vault (an authority
// whose key lives elsewhere, and PKCS#11 token keys once those exist: their CA records are
// in the backup, their keys stay on the token), and connector credentials. Credentials are
// API tokens of remote platforms, re-issued there in minutes; a backup that may sit in a
// safe for years should not carry live ones, so a restore lists the connectors whose
// credential must be entered again.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { open as openFile } from 'node:fs/promises'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fail, ok, type Result } from '../../shared/errors'
import type { KeyProtection } from '../../shared/domain/keys'
import type { EventSink } from '../../shared/ipc/events'
import type { BackupStatusDto } from '../../shared/ipc/backup'
import { appendAudit, type Store } from '../store'
import { migrations } from '../store/migrations'
import {
  certificatesSince,
  checkSnapshot,
  copySnapshotInto,
  fileSchemaVersion,
  readLastBackup,
  readSnapshotFacts,
  snapshotStore,
  storeHoldsData,
  writeLastBackup,
  type SnapshotFacts
} from '../store/backup-snapshot'
import { auditHeadIntact } from '../store/audit-log'
import { DEFAULT_SCRYPT, MIN_PASSPHRASE_LENGTH, scryptKey, type KeySecrets, type RowChange, type ScryptParams, type Sealed } from '../vault'
import type { BackupKeysPort } from './vault-service'
import { decryptBackupPayload, deriveBackupKeys, keyWrapAad, openBackupFile, writeBackupFile, type BackupManifest, type OpenedBackup, type PayloadIndex } from '../backup/container'
import { combineBackupShares, parseShareFile, splitBackupKey, type OfferedShare, type ShareCustodian } from '../backup/shares'

export type BackupSecretInput =
  | { readonly kind: 'passphrase'; readonly passphrase: string }
  | {
      readonly kind: 'shares'
      readonly total: number
      readonly threshold: number
      /** Existing folder the share files are written to. */
      readonly shareDir: string
      /** Per share (by position), an optional custodian name and passphrase. */
      readonly custodians?: readonly (ShareCustodian | undefined)[]
    }

export interface CreateBackupInput {
  /** The backup file to write; it must not exist unless `force`. */
  readonly out: string
  readonly secret: BackupSecretInput
  /**
   * Opens locked keys: `passphrase` is tried for each passphrase-protected one, `custodians`
   * for custodian-protected ones (unlocked and keychain-only keys need nothing).
   */
  readonly keySecrets?: KeySecrets
  readonly force?: boolean
}

export interface BackupSummary {
  readonly file: string
  readonly backupId: string
  readonly createdAt: string
  readonly appVersion: string
  readonly schemaVersion: number
  readonly counts: BackupManifest['counts']
  readonly auditHead: BackupManifest['auditHead']
  readonly protection: { kind: 'passphrase' } | { kind: 'shares'; threshold: number; total: number; custodians: (string | null)[] }
  readonly keys: { keyId: string; purpose: string; spec: string; protection: string; authorities: string[] }[]
  readonly notIncluded: BackupManifest['notIncluded']
  readonly connectors: BackupManifest['connectors']
}

export interface BackupCreated extends BackupSummary {
  readonly bytes: number
  readonly shareFiles: string[]
}

/** How a backup is opened: its passphrase, or share files (their text) and the custodians' passphrases. */
export interface BackupSecrets {
  readonly passphrase?: string
  readonly shares?: readonly { readonly name: string; readonly text: string }[]
  readonly sharePassphrases?: readonly string[]
}

export interface BackupVerified extends BackupSummary {
  /** False when only the structure and checksum were checked (no secret given). */
  readonly opened: boolean
  readonly checks: string[]
}

export interface RestoreInput extends BackupSecrets {
  readonly file: string
  /** How every restored key is protected on this machine. */
  readonly protection: KeyProtection
  /** The passphrase for 'passphrase' and 'both'. */
  readonly keyPassphrase?: string
}

export interface BackupRestored extends BackupSummary {
  readonly fromSchema: number
  readonly migrated: boolean
  readonly restoredKeys: number
  /** Connectors whose credential must be entered again. */
  readonly credentialsToReenter: string[]
  /** Authorities whose key was custodian-protected: it comes back under the chosen protection; set the custodians again. */
  readonly custodianKeys: string[]
  readonly auditEntries: number
}

export interface BackupService {
  create(input: CreateBackupInput): Promise<Result<BackupCreated>>
  verify(file: string, secrets?: BackupSecrets): Promise<Result<BackupVerified>>
  restore(input: RestoreInput): Promise<Result<BackupRestored>>
  /** The last backup and whether the reminder is due (days or issuances since, from settings). */
  status(): BackupStatusDto
}

export interface BackupServiceOptions {
  readonly store: Store
  /** The vault's part of a restore, and whether the keychain can take re-sealed keys. */
  readonly vault: BackupKeysPort
  readonly emit: EventSink
  readonly now: () => Date
  readonly appVersion: string
  readonly reminder: () => { days: number; issuances: number }
  /** scrypt cost for a backup passphrase and custodian share passphrases (tests lower it). */
  readonly scrypt?: ScryptParams
}

const CURRENT_SCHEMA = migrations.at(-1)!.version

function summary(file: string, m: BackupManifest): BackupSummary {
  return {
    file,
    backupId: m.backupId,
    createdAt: m.createdAt,
    appVersion: m.appVersion,
    schemaVersion: m.schemaVersion,
    counts: m.counts,
    auditHead: m.auditHead,
    protection: m.protection.kind === 'passphrase' ? { kind: 'passphrase' } : { kind: 'shares', threshold: m.protection.threshold, total: m.protection.total, custodians: m.protection.shares.map((s) => s.custodian) },
    keys: m.keys.map((k) => ({ keyId: k.keyId, purpose: k.purpose, spec: k.spec, protection: k.protection, authorities: k.authorities })),
    notIncluded: m.notIncluded,
    connectors: m.connectors
  }
}

function checkBackupPassphrase(passphrase: string | undefined): Result<string> {
  if (passphrase === undefined || passphrase.length === 0) return fail('PASSPHRASE_REQUIRED', 'A backup needs a backup passphrase, or shares: give one.', 'passphrase')
  const len = [...passphrase].length
  if (len < MIN_PASSPHRASE_LENGTH) return fail('PASSPHRASE_TOO_SHORT', `The backup passphrase has ${len} characters: use at least ${MIN_PASSPHRASE_LENGTH}.`, 'passphrase')
  return ok(passphrase)
}

/** The backup key named by the manifest, from the secrets given. */
async function backupKeyFor(m: BackupManifest, secrets: BackupSecrets): Promise<Result<Buffer>> {
  const p = m.protection
  if (p.kind === 'passphrase') {
    if (!secrets.passphrase) return fail('PASSPHRASE_REQUIRED', 'This backup is protected by a backup passphrase: give it.', 'passphrase')
    return ok(await scryptKey(secrets.passphrase, Buffer.from(p.scrypt.salt, 'base64'), p.scrypt))
  }
  const offered: OfferedShare[] = []
  for (const s of secrets.shares ?? []) {
    const parsed = parseShareFile(s.text, s.name)
    if (!parsed.ok) return parsed
    offered.push({ name: s.name, file: parsed.value })
  }
  if (offered.length === 0) return fail('BACKUP_SHARES_TOO_FEW', `This backup is split into ${p.total} shares, any ${p.threshold} of which open it: give them with --share.`, 'share')
  return combineBackupShares(m, offered, secrets.sharePassphrases ?? [])
}

/** Whether the snapshot inside agrees with what the manifest says of it. */
function factsMismatch(m: BackupManifest, f: SnapshotFacts): string | null {
  for (const [k, v] of Object.entries(m.counts)) if (f.counts[k as keyof typeof f.counts] !== v) return `${k}: the manifest says ${v}, the store holds ${f.counts[k as keyof typeof f.counts]}`
  if ((m.auditHead?.hash ?? null) !== (f.auditHead?.hash ?? null)) return 'the audit head differs from the manifest'
  return null
}

export function createBackupService(options: BackupServiceOptions): BackupService {
  const { store, vault, emit, now } = options
  const scrypt = options.scrypt ?? DEFAULT_SCRYPT

  /** Decrypts into a private temp folder and checks everything; the caller removes `dir`. */
  async function openAndCheck(b: OpenedBackup, secrets: BackupSecrets, dir: string): Promise<Result<{ key: Buffer; index: PayloadIndex; snapshot: string; checked: ReturnType<typeof checkSnapshot>; checks: string[] }>> {
    const m = b.manifest
    if (m.schemaVersion > CURRENT_SCHEMA)
      return fail('BACKUP_SCHEMA_NEWER', `${basename(b.file)} holds a store at schema ${m.schemaVersion}; this PKI Desk knows schema ${CURRENT_SCHEMA}: restore it with the newer PKI Desk that made it`, 'file')
    const key = await backupKeyFor(m, secrets)
    if (!key.ok) return key
    const keys = deriveBackupKeys(key.value, m.backupId)
    const snapshot = join(dir, 'store.sqlite3')
    const index = await decryptBackupPayload(b, keys, snapshot)
    if (!index.ok) return index
    const checks = ['checksum', 'payload authenticated']
    const fromSchema = fileSchemaVersion(snapshot)
    if (fromSchema !== m.schemaVersion) return fail('BACKUP_DAMAGED', `The snapshot in ${basename(b.file)} is at schema ${fromSchema}, its manifest says ${m.schemaVersion}: use another copy of the backup.`, 'file')
    const checked = checkSnapshot(snapshot)
    if (checked.integrity !== 'ok') return fail('BACKUP_DAMAGED', `The store snapshot in ${basename(b.file)} fails SQLite's integrity check (${checked.integrity}): use another copy of the backup.`, 'file')
    checks.push('store integrity')
    if (!checked.audit.intact)
      return fail('BACKUP_AUDIT_BROKEN', `The audit trail in ${basename(b.file)} is broken at entry ${checked.audit.brokenAt} (${checked.audit.reason}): this backup cannot be restored as a faithful record.`, 'file')
    checks.push(`audit chain (${checked.audit.entries} entries)`)
    const mismatch = factsMismatch(m, checked.facts)
    if (mismatch) return fail('BACKUP_DAMAGED', `${basename(b.file)} does not hold what its manifest says (${mismatch})`, 'file')
    checks.push('counts and audit head match the manifest')
    for (const k of m.keys) {
      // A token key's row is in the snapshot; the key itself stays on its token.
      if (k.protection === 'pkcs11') continue
      const sealed = index.value.keys.find((s) => s.keyId === k.keyId)
      if (!sealed || !vault.checkBackupKey(sealed.sealed, keys.keyWrap, keyWrapAad(m.backupId, k.keyId, k.spkiSha256), k.spkiSha256))
        return fail('BACKUP_KEY_INVALID', `Key ${k.keyId}${k.authorities.length ? ` (${k.authorities.join(', ')})` : ''} in ${basename(b.file)} does not open or does not match its public key: use another copy of the backup.`, 'file')
    }
    checks.push(`${m.keys.length} keys open and match their public keys`)
    keys.payload.fill(0)
    return ok({ key: keys.keyWrap, index: index.value, snapshot, checked, checks })
  }

  const service: BackupService = {
    async create(input) {
      if (!input.force && existsSync(input.out)) return fail('OUTPUT_EXISTS', `${input.out} already exists: choose another name or replace it`, 'out')
      const secret = input.secret
      if (secret.kind === 'passphrase') {
        const p = checkBackupPassphrase(secret.passphrase)
        if (!p.ok) return p
      } else {
        if (!Number.isInteger(secret.total) || !Number.isInteger(secret.threshold) || secret.threshold < 2 || secret.total < secret.threshold || secret.total > 255)
          return fail('BACKUP_SHARES_INVALID', `${secret.threshold} of ${secret.total} shares is not a split PKI Desk makes: use at least 2 shares to restore and no more shares than 255 (e.g. --shares 3 --threshold 2)`, 'threshold')
        if ((secret.custodians ?? []).length > secret.total) return fail('BACKUP_SHARES_INVALID', `${secret.custodians!.length} custodians were named for ${secret.total} shares`, 'custodians')
        for (const c of secret.custodians ?? []) {
          if (c?.passphrase !== undefined && [...c.passphrase].length < MIN_PASSPHRASE_LENGTH)
            return fail('PASSPHRASE_TOO_SHORT', `Custodian ${c.name}'s share passphrase is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters.`, 'custodians')
        }
        if (!existsSync(secret.shareDir)) return fail('OUTPUT_FOLDER_MISSING', `The share folder ${secret.shareDir} does not exist: create it first.`, 'shareDir')
      }
      const head = store.read(auditHeadIntact)
      if (!head.intact)
        return fail('AUDIT_BROKEN', `The audit trail is damaged (${head.reason}): a backup of it could not be restored; run "audit verify" and investigate before backing up.`)

      const dir = mkdtempSync(join(tmpdir(), 'pkidesk-backup-'))
      try {
        const snapshot = join(dir, 'store.sqlite3')
        await snapshotStore(store, snapshot)
        // Stated from the snapshot, not the live store: it describes exactly what is inside.
        const facts = readSnapshotFacts(snapshot)
        const backupId = randomUUID()
        const createdAt = now().toISOString()

        let backupKey: Buffer
        let protection: BackupManifest['protection']
        let shareTexts: { name: string; text: string }[] = []
        if (secret.kind === 'passphrase') {
          const salt = randomBytes(16)
          backupKey = await scryptKey(secret.passphrase, salt, scrypt)
          protection = { kind: 'passphrase', kdf: 'scrypt', scrypt: { salt: salt.toString('base64'), ...scrypt } }
        } else {
          backupKey = randomBytes(32)
          const s = await splitBackupKey(backupKey, { backupId, createdAt, appVersion: options.appVersion }, secret.total, secret.threshold, secret.custodians ?? [], scrypt)
          protection = s.commitments
          const stem = basename(input.out).replace(/\.[^.]*$/, '')
          shareTexts = s.files.map((f) => ({ name: join(secret.shareDir, `${stem}.share-${f.index}-of-${secret.total}${f.custodian ? `-${f.custodian.replace(/[^A-Za-z0-9._-]+/g, '_')}` : ''}.txt`), text: f.text }))
          const taken = shareTexts.find((f) => existsSync(f.name))
          if (taken && !input.force) return fail('OUTPUT_EXISTS', `${taken.name} already exists: choose another share folder or backup name`, 'shareDir')
        }
        const keys = deriveBackupKeys(backupKey, backupId)
        backupKey.fill(0)

        const sealedKeys: { keyId: string; sealed: Sealed }[] = []
        const locked: string[] = []
        const openedBy: Record<string, string[]> = {}
        for (const k of facts.keys) {
          // A key on a PKCS#11 token never leaves it: its row (where it is) goes in the snapshot, the token is backed up with its vendor's tools.
          if (k.protection === 'pkcs11') continue
          const r = await vault.sealForBackup(k.keyId, keys.keyWrap, keyWrapAad(backupId, k.keyId, k.spkiSha256), input.keySecrets ?? {})
          if (r.ok) {
            sealedKeys.push({ keyId: k.keyId, sealed: r.value.sealed })
            if (r.value.custodians.length) openedBy[k.authorities.join(', ') || k.keyId] = r.value.custodians
          }
          else if (r.error.code === 'KEY_NOT_FOUND') return fail('BACKUP_STORE_CHANGED', `Key ${k.keyId} was deleted while the backup was taken: run the backup again.`)
          else locked.push(`${k.authorities.length ? k.authorities.join(', ') : `key ${k.keyId.slice(0, 8)}`} (${k.protection}: ${r.error.code})`)
        }
        if (locked.length)
          return fail(
            'BACKUP_KEYS_LOCKED',
            `${locked.length} ${locked.length === 1 ? 'key' : 'keys'} could not be opened to re-seal under the backup key: ${locked.join('; ')}. Unlock them first (custodian keys with their custodians), or give their passphrase`,
            'keyPassphrase',
            { keys: locked }
          )

        const indexJson: PayloadIndex = { keys: sealedKeys, store: { bytes: 0, sha256: '' } }
        const { size, sha256 } = await fileDigest(snapshot)
        indexJson.store = { bytes: size, sha256 }
        const indexLength = Buffer.byteLength(JSON.stringify(indexJson), 'utf8')
        const manifest: BackupManifest = {
          format: 'pkidesk-backup',
          version: 1,
          backupId,
          createdAt,
          appVersion: options.appVersion,
          schemaVersion: facts.schemaVersion,
          counts: facts.counts,
          auditHead: facts.auditHead,
          keys: facts.keys,
          notIncluded: facts.keyless.map((authority) => ({ authority, reason: 'its key is not held by the vault (an external key or one awaiting import): the authority record is included, its key is not' })),
          connectors: facts.connectors.map((c) => ({
            name: c.name,
            type: c.type,
            credential: c.credentialEnv ? `read from $${c.credentialEnv} at each run: nothing to re-enter` : 'not included: re-enter it after a restore'
          })),
          protection,
          payload: { cipher: 'aes-256-gcm', iv: randomBytes(12).toString('base64'), bytes: 4 + indexLength + size + 0 }
        }
        await writeBackupFile(input.out, manifest, keys, indexJson, snapshot)
        keys.payload.fill(0)
        keys.keyWrap.fill(0)
        const written: string[] = []
        try {
          for (const f of shareTexts) {
            writeFileSync(f.name, f.text, { mode: 0o600, flag: input.force ? 'w' : 'wx' })
            written.push(f.name)
          }
        } catch (e) {
          for (const w of [...written, input.out]) rmSync(w, { force: true })
          return fail('OUTPUT_UNWRITABLE', `The share files could not be written (${(e as Error).message}); nothing was kept: choose another share folder.`, 'shareDir')
        }
        store.write((tx) => {
          appendAudit(
            tx,
            {
              action: 'backup.create',
              subject: `backup:${backupId}`,
              details: {
                file: basename(input.out),
                protection: protection.kind === 'passphrase' ? 'passphrase' : `shares ${protection.threshold} of ${protection.total}`,
                custodians: protection.kind === 'shares' ? protection.shares.flatMap((s) => (s.custodian ? [s.custodian] : [])) : [],
                counts: facts.counts,
                auditHead: facts.auditHead?.hash ?? null,
                schemaVersion: facts.schemaVersion,
                // Custodian keys opened for the backup, and by whom (a custodian sitting like an unlock).
                openedByCustodians: openedBy
              }
            },
            now()
          )
          writeLastBackup(tx, { at: createdAt, backupId, protection: protection.kind, certificates: facts.counts.certificates })
        })
        emit('changed', { domain: 'audit' })
        emit('changed', { domain: 'backup' })
        const bytes = (await fileDigest(input.out, false)).size
        return ok({ ...summary(input.out, manifest), bytes, shareFiles: written })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },

    async verify(file, secrets) {
      const b = await openBackupFile(file)
      if (!b.ok) return b
      const m = b.value.manifest
      // The secret that opens this backup, if it was given ($PKIDESK_BACKUP_PASSPHRASE does not open a split one).
      const hasSecret = m.protection.kind === 'passphrase' ? Boolean(secrets?.passphrase) : (secrets?.shares?.length ?? 0) > 0
      if (!hasSecret) return ok({ ...summary(file, m), opened: false, checks: ['checksum', 'manifest structure'] })
      const dir = mkdtempSync(join(tmpdir(), 'pkidesk-verify-'))
      try {
        const r = await openAndCheck(b.value, secrets!, dir)
        if (!r.ok) return r
        r.value.key.fill(0)
        return ok({ ...summary(file, m), opened: true, checks: ['manifest structure', ...r.value.checks, ...(r.value.checked.fromSchema < CURRENT_SCHEMA ? [`schema ${r.value.checked.fromSchema} migrates to ${CURRENT_SCHEMA}`] : [])] })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },

    async restore(input) {
      const target = store.read(storeHoldsData)
      if (target.holds)
        return fail('BACKUP_TARGET_NOT_EMPTY', `This store already holds ${target.what.join(', ')}: restore into a new, empty data directory (pkidesk --data-dir NEW backup restore …)`, 'dataDir')
      if (input.protection !== 'keychain') {
        const len = input.keyPassphrase === undefined ? 0 : [...input.keyPassphrase].length
        if (len === 0) return fail('PASSPHRASE_REQUIRED', `${input.protection} protection needs a passphrase for the restored keys: give one of at least ${MIN_PASSPHRASE_LENGTH} characters`, 'keyPassphrase')
        if (len < MIN_PASSPHRASE_LENGTH) return fail('PASSPHRASE_TOO_SHORT', `The passphrase for the restored keys has ${len} characters: use at least ${MIN_PASSPHRASE_LENGTH}.`, 'keyPassphrase')
      }
      if (input.protection !== 'passphrase') {
        const kc = await vault.keychainStatus()
        if (!kc.available) return fail('KEYCHAIN_UNAVAILABLE', kc.message, 'protection')
      }
      const b = await openBackupFile(input.file)
      if (!b.ok) return b
      const m = b.value.manifest
      const dir = mkdtempSync(join(tmpdir(), 'pkidesk-restore-'))
      const changes: RowChange[] = []
      try {
        const opened = await openAndCheck(b.value, input, dir)
        if (!opened.ok) return opened
        const { index, snapshot, checked } = opened.value
        const keyWrap = opened.value.key
        for (const k of m.keys) {
          if (k.protection === 'pkcs11') continue
          const sealed = index.keys.find((s) => s.keyId === k.keyId)!.sealed
          const r = await vault.rewrapFromBackup(k.keyId, k.purpose, k.spkiSha256, sealed, keyWrap, keyWrapAad(m.backupId, k.keyId, k.spkiSha256), input.protection, input.keyPassphrase ? { passphrase: input.keyPassphrase } : {})
          if (!r.ok) return r
          changes.push(r.value)
        }
        keyWrap.fill(0)
        const credentialsToReenter = m.connectors.filter((c) => c.credential.startsWith('not included')).map((c) => c.name)
        const custodianKeys = m.keys.filter((k) => k.protection === 'custodians').flatMap((k) => (k.authorities.length ? k.authorities : [k.keyId]))
        let entries = 0
        copySnapshotInto(store, snapshot, (tx) => {
          for (const c of changes) c.write(tx)
          const e = appendAudit(
            tx,
            {
              action: 'backup.restore',
              subject: `backup:${m.backupId}`,
              details: {
                file: basename(input.file),
                createdAt: m.createdAt,
                appVersion: m.appVersion,
                fromSchema: checked.fromSchema,
                toSchema: CURRENT_SCHEMA,
                auditHead: m.auditHead?.hash ?? null,
                protection: input.protection,
                keys: m.keys.length,
                opened: m.protection.kind === 'passphrase' ? 'passphrase' : `shares ${m.protection.threshold} of ${m.protection.total}`,
                credentialsToReenter,
                custodianKeys
              }
            },
            now()
          )
          entries = e.seq
          writeLastBackup(tx, { at: m.createdAt, backupId: m.backupId, protection: m.protection.kind, certificates: m.counts.certificates })
        })
        changes.length = 0
        for (const d of ['authorities', 'certificates', 'profiles', 'sync', 'vault', 'audit', 'settings', 'backup'] as const) emit('changed', { domain: d })
        return ok({
          ...summary(input.file, m),
          fromSchema: checked.fromSchema,
          migrated: checked.fromSchema < CURRENT_SCHEMA,
          restoredKeys: m.keys.length,
          credentialsToReenter,
          custodianKeys,
          auditEntries: entries
        })
      } finally {
        // Keys re-sealed for a restore that did not commit leave no keychain entries behind.
        for (const c of changes) await c.discard()
        rmSync(dir, { recursive: true, force: true })
      }
    },

    status() {
      const last = store.read(readLastBackup)
      const { days, issuances } = options.reminder()
      if (!last) return { last: null, daysSince: null, issuancesSince: store.read((tx) => certificatesSince(tx, '')), due: true, reason: 'No backup has been made of this store yet.', reminderDays: days, reminderIssuances: issuances }
      const daysSince = Math.floor((now().getTime() - Date.parse(last.at)) / 86_400_000)
      const issuancesSince = store.read((tx) => certificatesSince(tx, last.at))
      const reasons = [daysSince >= days ? `${daysSince} ${daysSince === 1 ? 'day' : 'days'} since the last backup (reminder after ${days})` : '', issuancesSince >= issuances ? `${issuancesSince} ${issuancesSince === 1 ? 'certificate' : 'certificates'} since the last backup (reminder after ${issuances})` : ''].filter(Boolean)
      return { last: { at: last.at, backupId: last.backupId, protection: last.protection }, daysSince, issuancesSince, due: reasons.length > 0, reason: reasons.length ? `${reasons.join('; ')}: make a backup.` : null, reminderDays: days, reminderIssuances: issuances }
    }
  }
  return service
}

async function fileDigest(file: string, hash = true): Promise<{ size: number; sha256: string }> {
  const fh = await openFile(file, 'r')
  try {
    const size = (await fh.stat()).size
    if (!hash) return { size, sha256: '' }
    const h = createHash('sha256')
    const buf = Buffer.allocUnsafe(1024 * 1024)
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      h.update(buf.subarray(0, bytesRead))
    }
    return { size, sha256: h.digest('hex') }
  } finally {
    await fh.close()
  }
}

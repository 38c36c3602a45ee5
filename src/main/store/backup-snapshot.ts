// The store's side of backup and restore: an online snapshot (SQLite's backup API, taken
// while the app runs and writes), the facts a backup manifest states about a snapshot, and
// the copy of a restored snapshot into an empty store in one transaction.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { connectionOf, openDatabase, schemaVersion, type Db, type ReadTx, type Store, type WriteTx } from './database'
import { readAuditHead, verifyAudit, type AuditHead, type AuditVerdict } from './audit-log'
import { rebuildSearchIndex } from './certificates-repo'
import { rebuildCertificateTallies } from './certificate-tallies'

export interface StoreCounts {
  readonly authorities: number
  readonly certificates: number
  readonly revoked: number
  readonly crls: number
  readonly profiles: number
  readonly connectors: number
  readonly keys: number
  readonly auditEntries: number
}

export interface SnapshotKey {
  readonly keyId: string
  readonly purpose: 'ca' | 'end-entity'
  readonly spec: string
  readonly protection: string
  readonly spkiSha256: string
  readonly authorities: string[]
}

export interface SnapshotFacts {
  readonly schemaVersion: number
  readonly counts: StoreCounts
  readonly auditHead: AuditHead | null
  readonly keys: SnapshotKey[]
  /** Authorities without a key in the vault (an external parent's, one pending its certificate). */
  readonly keyless: string[]
  readonly connectors: { name: string; type: string; credentialEnv: string | null }[]
  /** Every certificate's (authority, serial), sorted: what a restore must bring back. */
  readonly serialsSha256: string
}

/** Copies the live store to `file` page by page while other connections keep writing. */
export async function snapshotStore(store: Store, file: string): Promise<void> {
  await connectionOf(store).backup(file)
}

const n = (db: Db, sql: string): number => (db.prepare(sql).get() as { n: number }).n

export function storeCounts(db: Db): StoreCounts {
  return {
    authorities: n(db, 'SELECT COUNT(*) AS n FROM authorities'),
    certificates: n(db, 'SELECT COUNT(*) AS n FROM certificates'),
    revoked: n(db, "SELECT COUNT(*) AS n FROM certificates WHERE status = 'revoked'"),
    crls: n(db, 'SELECT COUNT(*) AS n FROM crls'),
    profiles: n(db, 'SELECT COUNT(*) AS n FROM profiles'),
    connectors: n(db, 'SELECT COUNT(*) AS n FROM connectors'),
    keys: n(db, 'SELECT COUNT(*) AS n FROM vault_keys'),
    auditEntries: n(db, 'SELECT COUNT(*) AS n FROM audit_log')
  }
}

/** SHA-256 over every certificate's authority and serial in order: equal before and after a restore. */
export function serialsDigest(db: Db): string {
  // Hashed in SQL's order by a running digest in JS: 100,000 rows take a few tens of ms.
  const h = createHash('sha256')
  for (const r of db.prepare("SELECT coalesce(authority_id, '') AS a, serial AS s FROM certificates ORDER BY authority_id, serial").iterate() as IterableIterator<{ a: string; s: string }>)
    h.update(`${r.a}/${r.s}\n`)
  return h.digest('hex')
}

/** `db` is a snapshot (or store) connection this module reads: it is branded as a read handle where the audit readers need one. */
export function snapshotFacts(db: Db): SnapshotFacts {
  const keyRows = db.prepare('SELECT id, purpose, algorithm, protection, spki_sha256 FROM vault_keys ORDER BY created_at, id').all() as {
    id: string
    purpose: 'ca' | 'end-entity'
    algorithm: string
    protection: string
    spki_sha256: string
  }[]
  const holders = db.prepare('SELECT name, key_id FROM authorities ORDER BY name').all() as { name: string; key_id: string | null }[]
  const connectors = db.prepare('SELECT name, type, settings FROM connectors ORDER BY name').all() as { name: string; type: string; settings: string }[]
  return {
    schemaVersion: schemaVersion(db),
    counts: storeCounts(db),
    auditHead: readAuditHead(db as ReadTx),
    keys: keyRows.map((k) => ({
      keyId: k.id,
      purpose: k.purpose,
      spec: k.algorithm,
      protection: k.protection,
      spkiSha256: k.spki_sha256,
      authorities: holders.filter((h) => h.key_id === k.id).map((h) => h.name)
    })),
    keyless: holders.filter((h) => h.key_id === null).map((h) => h.name),
    connectors: connectors.map((c) => {
      let env: unknown
      try {
        env = (JSON.parse(c.settings) as { credentialEnv?: unknown }).credentialEnv ?? null
      } catch {
        env = null
      }
      return { name: c.name, type: c.type, credentialEnv: typeof env === 'string' ? env : null }
    }),
    serialsSha256: serialsDigest(db)
  }
}

/** The schema version of a store file, read without migrating it (a newer one must be refused, not opened). */
export function fileSchemaVersion(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

/** The facts of a snapshot file just taken (same schema as the live store), read-only. */
export function readSnapshotFacts(file: string): SnapshotFacts {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return snapshotFacts(db)
  } finally {
    db.close()
  }
}

export interface CheckedSnapshot {
  readonly facts: SnapshotFacts
  readonly audit: AuditVerdict
  readonly integrity: string
  /** The schema version the snapshot was written at (it is now migrated to the current one). */
  readonly fromSchema: number
}

/**
 * Opens a restored snapshot file, migrates it to the current schema (an older backup), checks
 * SQLite's integrity and walks the audit chain end to end. The caller has refused a newer schema.
 */
export function checkSnapshot(file: string): CheckedSnapshot {
  const fromSchema = fileSchemaVersion(file)
  const db = openDatabase(file)
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }))
    return { facts: snapshotFacts(db), audit: verifyAudit(db as ReadTx), integrity, fromSchema }
  } finally {
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
  }
}

/** What makes a store not empty: anything an operator made. Starter profiles and settings do not count. */
export function storeHoldsData(db: ReadTx): { readonly holds: boolean; readonly what: string[] } {
  const c = storeCounts(db)
  const what = [
    c.authorities ? `${c.authorities} authorities` : '',
    c.certificates ? `${c.certificates} certificates` : '',
    c.keys ? `${c.keys} keys` : '',
    c.connectors ? `${c.connectors} connectors` : '',
    c.auditEntries ? `${c.auditEntries} audit entries` : ''
  ].filter(Boolean)
  return { holds: what.length > 0, what }
}

/** Tables SQLite or FTS5 maintain, and the certificate tallies: never copied (the search index and the tallies are rebuilt from the copied rows). */
const derived = (name: string): boolean => name.startsWith('sqlite_') || name.startsWith('certificates_search') || name === 'certificate_tallies'

/**
 * Replaces the (empty) store's contents with the snapshot's, then runs `alsoInTransaction`
 * (the vault's new envelopes, the restore's audit entry): all of it commits, or none of it.
 * Both stores are at the current schema. Foreign keys are checked at commit.
 */
export function copySnapshotInto(store: Store, snapshotFile: string, alsoInTransaction: (tx: WriteTx) => void): void {
  const db = connectionOf(store)
  db.prepare('ATTACH DATABASE ? AS backup_src').run(snapshotFile)
  try {
    const tables = (db.prepare("SELECT name FROM backup_src.sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name).filter((t) => !derived(t))
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON')
      // What a fresh store holds before any operator action: seeded starter profiles and settings.
      for (const t of tables) if (t !== 'audit_log') db.prepare(`DELETE FROM main."${t}"`).run()
      for (const t of tables) {
        const cols = (db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).all(t) as { name: string }[]).map((c) => `"${c.name}"`).join(', ')
        if (!cols) throw new Error(`the restored snapshot has table ${t}, which this store does not`)
        db.prepare(`INSERT INTO main."${t}" (${cols}) SELECT ${cols} FROM backup_src."${t}"`).run()
      }
      rebuildSearchIndex(db as WriteTx)
      rebuildCertificateTallies(db as WriteTx)
      alsoInTransaction(db as WriteTx)
    }).immediate()
  } finally {
    db.prepare('DETACH DATABASE backup_src').run()
  }
}

export const LAST_BACKUP_SETTING = 'backup.last'

export interface LastBackupRecord {
  readonly at: string
  readonly backupId: string
  readonly protection: 'passphrase' | 'shares'
  readonly certificates: number
}

export function readLastBackup(db: ReadTx): LastBackupRecord | null {
  const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(LAST_BACKUP_SETTING) as { value: string } | undefined
  if (!r) return null
  try {
    return JSON.parse(r.value) as LastBackupRecord
  } catch {
    return null
  }
}

/** Written in the transaction of the backup's audit entry. */
export function writeLastBackup(db: WriteTx, record: LastBackupRecord): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(LAST_BACKUP_SETTING, JSON.stringify(record))
}

/** Certificates issued (or imported) after `at`. */
export function certificatesSince(db: ReadTx, at: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM certificates WHERE created_at > ?').get(at) as { n: number }).n
}

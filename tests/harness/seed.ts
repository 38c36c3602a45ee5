// Seeds a large certificate inventory straight into a harness's SQLite store, for the
// 100,000-row e2e test and the inventory benchmark. Every row reuses the DER of one real
// certificate (the list never parses DER); the indexed columns vary per row. It writes
// through a connection of its own to the store's file, beside the services' connection, as
// another process would.
import { createHash } from 'node:crypto'
import { databaseFile, openDatabase, type Db, type WriteTx } from '../../src/main/store'
import { rebuildCertificateTallies } from '../../src/main/store/certificate-tallies'

export interface SeedOptions {
  readonly authorityId: string
  /** A real certificate's DER, stored in every row. */
  readonly der: Uint8Array
  readonly issuer: string
  readonly count: number
  readonly now?: Date
  /** Every n-th row is revoked (superseded); 50 by default, 1 revokes them all. */
  readonly revokedEvery?: number
}

/** Host names are host-<n>.bulk.example; notAfter spreads over the next 400 days; every 50th (revokedEvery) is revoked. */
export function seedCertificates(dataDir: string, o: SeedOptions): void {
  const db = openDatabase(databaseFile(dataDir))
  try {
    seed(db, o)
  } finally {
    db.close()
  }
}

function seed(db: Db, o: SeedOptions): void {
  const now = (o.now ?? new Date()).getTime()
  const insert = db.prepare(
    `INSERT INTO certificates (authority_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, status, revoked_at, revocation_reason, source, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'local', ?)`
  )
  // The full-text index is filled once at the end instead of row by row (insertCertificate
  // writes it per row; migration 013): the same index, built several times faster. The
  // tallies (migration 014) are counted again from the rows, as a restore does.
  db.transaction(() => {
    const firstNew = ((db.prepare('SELECT MAX(id) AS id FROM certificates').get() as { id: number | null }).id ?? 0) + 1
    for (let i = 0; i < o.count; i++) {
      const host = `host-${i}.bulk.example`
      // A positive, minimally encoded INTEGER as issuance makes (top nibble 4..7): CRLs list these.
      const digest = createHash('sha1').update(`serial-${i}`).digest('hex')
      const serial = ((parseInt(digest[0]!, 16) & 0x3) | 0x4).toString(16) + digest.slice(1, 32)
      const sha = createHash('sha256').update(`cert-${i}`).digest('hex')
      const revoked = i % (o.revokedEvery ?? 50) === 0
      insert.run(
        o.authorityId,
        serial,
        o.der,
        `CN=${host}, O=Bulk`,
        o.issuer,
        `DNS:${host}`,
        new Date(now - 86_400_000).toISOString(),
        new Date(now + ((i % 400) + 1) * 86_400_000).toISOString(),
        sha,
        sha,
        revoked ? 'revoked' : 'issued',
        revoked ? new Date(now).toISOString() : null,
        revoked ? 'superseded' : null,
        new Date(now - (o.count - i) * 1000).toISOString()
      )
    }
    db.prepare('INSERT INTO certificates_search(rowid, subject, sans) SELECT id, subject, sans FROM certificates WHERE id >= ?').run(firstNew)
    rebuildCertificateTallies(db as WriteTx)
  })()
}

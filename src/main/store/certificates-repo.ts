// SQL for the certificates table. der is the truth; subject, sans, dates, fingerprints and
// is_ca are views of it kept for search and sort. The list uses keyset pagination on
// (sort column, id) so page N costs the same as page 1 at 100,000 rows.
import { createHash } from 'node:crypto'
import type { Db } from './database'

export interface CertificateRow {
  readonly id: number
  readonly authorityId: string | null
  readonly profileId: string | null
  readonly keyId: string | null
  readonly serial: string
  readonly der: Uint8Array
  readonly subject: string
  readonly issuer: string
  /** SAN display texts joined by '\n'. */
  readonly sans: string
  readonly notBefore: string
  readonly notAfter: string
  readonly sha256: string
  readonly spkiSha256: string
  readonly status: 'issued' | 'revoked'
  readonly revokedAt: string | null
  readonly revocationReason: string | null
  readonly invalidityDate: string | null
  readonly source: string
  readonly isCa: boolean
  readonly createdAt: string
}

export type NewCertificateRow = Omit<CertificateRow, 'id' | 'status' | 'revokedAt' | 'revocationReason' | 'invalidityDate'>

interface Raw {
  id: number
  authority_id: string | null
  profile_id: string | null
  key_id: string | null
  serial: string
  der: Buffer
  subject: string
  issuer: string
  sans: string
  not_before: string
  not_after: string
  sha256: string
  spki_sha256: string
  status: 'issued' | 'revoked'
  revoked_at: string | null
  revocation_reason: string | null
  invalidity_date: string | null
  source: string
  is_ca: number
  created_at: string
}

function toRow(r: Raw): CertificateRow {
  return {
    id: r.id,
    authorityId: r.authority_id,
    profileId: r.profile_id,
    keyId: r.key_id,
    serial: r.serial,
    der: r.der ? new Uint8Array(r.der) : new Uint8Array(0),
    subject: r.subject,
    issuer: r.issuer,
    sans: r.sans,
    notBefore: r.not_before,
    notAfter: r.not_after,
    sha256: r.sha256,
    spkiSha256: r.spki_sha256,
    status: r.status,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    invalidityDate: r.invalidity_date,
    source: r.source,
    isCa: r.is_ca === 1,
    createdAt: r.created_at
  }
}

const INSERT_SQL = `INSERT INTO certificates (authority_id, profile_id, key_id, serial, der, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, source, is_ca, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

export function insertCertificate(db: Db, c: NewCertificateRow): number {
  const info = db
    .prepare(INSERT_SQL)
    .run(c.authorityId, c.profileId, c.keyId, c.serial, c.der, c.subject, c.issuer, c.sans, c.notBefore, c.notAfter, c.sha256, c.spkiSha256, c.source, c.isCa ? 1 : 0, c.createdAt)
  return Number(info.lastInsertRowid)
}

export function getCertificate(db: Db, id: number): CertificateRow | null {
  const r = db.prepare('SELECT * FROM certificates WHERE id = ?').get(id) as Raw | undefined
  return r ? toRow(r) : null
}

export function findCertificateBySha256(db: Db, sha256: string): CertificateRow | null {
  const r = db.prepare('SELECT * FROM certificates WHERE sha256 = ? LIMIT 1').get(sha256) as Raw | undefined
  return r ? toRow(r) : null
}

export function serialExists(db: Db, authorityId: string, serial: string): boolean {
  return db.prepare('SELECT 1 FROM certificates WHERE authority_id = ? AND serial = ?').get(authorityId, serial) !== undefined
}

export function revokeCertificate(db: Db, id: number, v: { revokedAt: string; reason: string; invalidityDate: string | null }): void {
  db.prepare("UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?, invalidity_date = ? WHERE id = ?").run(
    v.revokedAt,
    v.reason,
    v.invalidityDate,
    id
  )
}

export function revokedOf(db: Db, authorityId: string): CertificateRow[] {
  return (
    db
      .prepare("SELECT id, serial, revoked_at, revocation_reason, invalidity_date, authority_id, status FROM certificates WHERE authority_id = ? AND status = 'revoked' ORDER BY id")
      .all(authorityId) as Raw[]
  ).map((r) => toRow({ ...r, der: Buffer.alloc(0) } as Raw))
}

export type SortField = 'notAfter' | 'notBefore' | 'subject' | 'createdAt' | 'serial'
const SORT_COLUMN: Record<SortField, string> = {
  notAfter: 'not_after',
  notBefore: 'not_before',
  subject: 'subject',
  createdAt: 'created_at',
  serial: 'serial'
}

export interface CertificateQuery {
  readonly search?: string
  readonly status?: 'issued' | 'revoked' | 'expired'
  readonly authorityId?: string
  readonly profileId?: string
  /** ISO bounds for the expiring filter: notAfter in [now, until]. */
  readonly expiring?: { readonly now: string; readonly until: string }
  readonly now: string
  readonly sort: { readonly field: SortField; readonly direction: 'asc' | 'desc' }
  readonly after?: { readonly value: string; readonly id: number }
  readonly limit: number
}

export function queryCertificates(db: Db, q: CertificateQuery): { rows: CertificateRow[]; total: number } {
  const where: string[] = []
  const args: (string | number)[] = []
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    where.push("(subject LIKE ? ESCAPE '\\' OR sans LIKE ? ESCAPE '\\' OR serial LIKE ? ESCAPE '\\' OR sha256 LIKE ? ESCAPE '\\')")
    args.push(like, like, like.toLowerCase(), like.toLowerCase())
  }
  if (q.status === 'revoked') where.push("status = 'revoked'")
  else if (q.status === 'issued') {
    where.push("status = 'issued' AND not_after >= ?")
    args.push(q.now)
  } else if (q.status === 'expired') {
    where.push("status = 'issued' AND not_after < ?")
    args.push(q.now)
  }
  if (q.authorityId) {
    where.push('authority_id = ?')
    args.push(q.authorityId)
  }
  if (q.profileId) {
    where.push('profile_id = ?')
    args.push(q.profileId)
  }
  if (q.expiring) {
    where.push("status = 'issued' AND not_after >= ? AND not_after <= ?")
    args.push(q.expiring.now, q.expiring.until)
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM certificates ${filter}`).get(...args) as { n: number }).n
  const col = SORT_COLUMN[q.sort.field]
  const cmp = q.sort.direction === 'asc' ? '>' : '<'
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC'
  const pageWhere = [...where]
  const pageArgs = [...args]
  if (q.after) {
    pageWhere.push(`(${col}, id) ${cmp} (?, ?)`)
    pageArgs.push(q.after.value, q.after.id)
  }
  const pageFilter = pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''
  // DER is not needed for a list page; leave it out of the read.
  const cols =
    'id, authority_id, profile_id, key_id, serial, subject, issuer, sans, not_before, not_after, sha256, spki_sha256, status, revoked_at, revocation_reason, invalidity_date, source, is_ca, created_at'
  const rows = (db.prepare(`SELECT ${cols} FROM certificates ${pageFilter} ORDER BY ${col} ${dir}, id ${dir} LIMIT ?`).all(...pageArgs, q.limit) as Raw[]).map(
    (r) => toRow({ ...r, der: Buffer.alloc(0) })
  )
  return { rows, total }
}

export function sortValue(row: CertificateRow, field: SortField): string {
  switch (field) {
    case 'notAfter':
      return row.notAfter
    case 'notBefore':
      return row.notBefore
    case 'subject':
      return row.subject
    case 'createdAt':
      return row.createdAt
    case 'serial':
      return row.serial
  }
}

export function certificateOfAuthority(db: Db, authorityId: string): CertificateRow | null {
  const a = db.prepare('SELECT cert_der FROM authorities WHERE id = ?').get(authorityId) as { cert_der: Buffer | null } | undefined
  if (!a?.cert_der) return null
  return findCertificateBySha256(db, createHashHex(a.cert_der))
}

function createHashHex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}

// SQL for the authorities table. cert_der is the truth for an active CA; subject/ski/dates
// are views kept for listing.
import type { ReadTx, WriteTx } from './database'

export interface AuthorityRow {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly keyId: string | null
  readonly state: 'active' | 'pending-certificate' | 'retired'
  readonly certDer: Uint8Array | null
  readonly csrDer: Uint8Array | null
  readonly subject: string
  readonly ski: string | null
  readonly notBefore: string | null
  readonly notAfter: string | null
  readonly crlSettings: string
  readonly nextCrlNumber: number
  readonly createdAt: string
  /** JSON of the URLs placed in what the CA issues (migration 009); absent on a row not yet stored. */
  readonly extensionUrls?: string
  /** A retired (re-keyed) CA: the CA that replaced it. Written by retireAuthority only. */
  readonly successorId?: string | null
}

interface Raw {
  id: string
  name: string
  parent_id: string | null
  key_id: string | null
  state: AuthorityRow['state']
  cert_der: Buffer | null
  csr_der: Buffer | null
  subject: string
  ski: string | null
  not_before: string | null
  not_after: string | null
  crl_settings: string
  next_crl_number: number
  created_at: string
  extension_urls: string
  successor_id: string | null
}

function toRow(r: Raw): AuthorityRow {
  return {
    id: r.id,
    name: r.name,
    parentId: r.parent_id,
    keyId: r.key_id,
    state: r.state,
    certDer: r.cert_der ? new Uint8Array(r.cert_der) : null,
    csrDer: r.csr_der ? new Uint8Array(r.csr_der) : null,
    subject: r.subject,
    ski: r.ski,
    notBefore: r.not_before,
    notAfter: r.not_after,
    crlSettings: r.crl_settings,
    nextCrlNumber: r.next_crl_number,
    createdAt: r.created_at,
    extensionUrls: r.extension_urls,
    successorId: r.successor_id
  }
}

export function insertAuthority(db: WriteTx, a: AuthorityRow): void {
  db.prepare(
    `INSERT INTO authorities (id, name, parent_id, key_id, state, cert_der, csr_der, subject, ski, not_before, not_after, crl_settings, next_crl_number, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(a.id, a.name, a.parentId, a.keyId, a.state, a.certDer, a.csrDer, a.subject, a.ski, a.notBefore, a.notAfter, a.crlSettings, a.nextCrlNumber, a.createdAt)
}

export function getAuthority(db: ReadTx, id: string): AuthorityRow | null {
  const r = db.prepare('SELECT * FROM authorities WHERE id = ?').get(id) as Raw | undefined
  return r ? toRow(r) : null
}

export function authorityNameTaken(db: ReadTx, name: string): boolean {
  return db.prepare('SELECT 1 FROM authorities WHERE name = ?').get(name) !== undefined
}

export function listAuthorities(db: ReadTx): AuthorityRow[] {
  return (db.prepare('SELECT * FROM authorities ORDER BY created_at, name').all() as Raw[]).map(toRow)
}

/** A pending CA receives its certificate (or a new CA becomes active). */
export function activateAuthority(db: WriteTx,
  id: string,
  v: { certDer: Uint8Array; subject: string; ski: string; notBefore: string; notAfter: string; parentId: string | null }
): void {
  db.prepare(
    `UPDATE authorities SET state = 'active', cert_der = ?, subject = ?, ski = ?, not_before = ?, not_after = ?, parent_id = COALESCE(?, parent_id) WHERE id = ?`
  ).run(v.certDer, v.subject, v.ski, v.notBefore, v.notAfter, v.parentId, id)
}

export function setExtensionUrls(db: WriteTx, id: string, json: string): void {
  db.prepare('UPDATE authorities SET extension_urls = ? WHERE id = ?').run(json, id)
}

export function setCrlSettings(db: WriteTx, id: string, json: string): void {
  db.prepare('UPDATE authorities SET crl_settings = ? WHERE id = ?').run(json, id)
}

/**
 * Takes CRL number `expected` and advances the counter, only if no other CRL took it since
 * it was read (compare-and-swap inside the CRL's transaction): false when it was taken.
 * Numbers stay monotonic and are never reused.
 */
export function takeCrlNumber(db: WriteTx, id: string, expected: number): boolean {
  return db.prepare('UPDATE authorities SET next_crl_number = next_crl_number + 1 WHERE id = ? AND next_crl_number = ?').run(id, expected).changes === 1
}

/** The request of a CA waiting for its certificate from an external parent. */
export function setAuthorityCsr(db: WriteTx, id: string, csrDer: Uint8Array): void {
  db.prepare('UPDATE authorities SET csr_der = ? WHERE id = ?').run(csrDer, id)
}

export function deleteAuthority(db: WriteTx, id: string): void {
  db.prepare('DELETE FROM authorities WHERE id = ?').run(id)
}

/**
 * A re-keyed CA steps aside: renamed (its name goes to the successor) and retired, only if it
 * is still the active CA with this certificate (false when it changed meanwhile). Its link to
 * the successor is written by linkSuccessor once the successor's row exists.
 */
export function retireAuthority(db: WriteTx, id: string, v: { name: string; certDer: Uint8Array }): boolean {
  return db.prepare("UPDATE authorities SET state = 'retired', name = ? WHERE id = ? AND state = 'active' AND cert_der = ?").run(v.name, id, v.certDer).changes === 1
}

export function linkSuccessor(db: WriteTx, id: string, successorId: string): void {
  db.prepare('UPDATE authorities SET successor_id = ? WHERE id = ?').run(successorId, id)
}

/** A renewal replaces the certificate of a CA (same key), only if it still has `previousDer` (false when it changed meanwhile). */
export function replaceAuthorityCertificate(
  db: WriteTx,
  id: string,
  previousDer: Uint8Array,
  v: { certDer: Uint8Array; subject: string; ski: string; notBefore: string; notAfter: string; parentId: string | null }
): boolean {
  return (
    db
      .prepare("UPDATE authorities SET cert_der = ?, subject = ?, ski = ?, not_before = ?, not_after = ?, parent_id = ? WHERE id = ? AND state = 'active' AND cert_der = ?")
      .run(v.certDer, v.subject, v.ski, v.notBefore, v.notAfter, v.parentId, id, previousDer).changes === 1
  )
}

/** The CA that now stands for `id`: itself, or the last of its successors (a re-keyed CA's). */
export function currentAuthorityId(db: ReadTx, id: string): string {
  const seen = new Set<string>()
  let cur = id
  for (;;) {
    seen.add(cur)
    const r = db.prepare('SELECT successor_id FROM authorities WHERE id = ?').get(cur) as { successor_id: string | null } | undefined
    if (!r?.successor_id || seen.has(r.successor_id)) return cur
    cur = r.successor_id
  }
}

/** The latest notAfter of the certificates a CA issued (its own self-signed certificate aside), or null: until then its CRLs matter. */
export function lastIssuedNotAfter(db: ReadTx, authorityId: string, ownSha256: string | null): string | null {
  const r = db.prepare('SELECT MAX(not_after) AS m FROM certificates WHERE authority_id = ? AND sha256 IS NOT ?').get(authorityId, ownSha256) as { m: string | null }
  return r.m
}

/** A CA chain is never deeper than this here; a longer walk means a parent cycle in the rows. */
const MAX_CHAIN_DEPTH = 32

/** The CA and its ancestors held here (issuer first, up to the root), each with its certificate; stops at a cycle or a CA without one. */
export function authorityChain(db: ReadTx, id: string): { readonly authority: string; readonly der: Uint8Array }[] {
  const out: { authority: string; der: Uint8Array }[] = []
  const seen = new Set<string>()
  let cur = getAuthority(db, id)
  while (cur && cur.certDer && !seen.has(cur.id) && out.length < MAX_CHAIN_DEPTH) {
    seen.add(cur.id)
    out.push({ authority: cur.name, der: cur.certDer })
    cur = cur.parentId ? getAuthority(db, cur.parentId) : null
  }
  return out
}

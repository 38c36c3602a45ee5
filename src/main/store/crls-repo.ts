// SQL for the crls table: every CRL issued, DER as the truth, numbered per CA.
import type { ReadTx, WriteTx } from './database'

export interface CrlRow {
  readonly id: number
  readonly authorityId: string
  readonly crlNumber: number
  readonly der: Uint8Array
  readonly thisUpdate: string
  readonly nextUpdate: string
  readonly createdAt: string
}

interface Raw {
  id: number
  authority_id: string
  crl_number: number
  der: Buffer
  this_update: string
  next_update: string
  created_at: string
}

const toRow = (r: Raw): CrlRow => ({
  id: r.id,
  authorityId: r.authority_id,
  crlNumber: r.crl_number,
  der: new Uint8Array(r.der),
  thisUpdate: r.this_update,
  nextUpdate: r.next_update,
  createdAt: r.created_at
})

export function insertCrl(db: WriteTx, c: Omit<CrlRow, 'id'>): number {
  const info = db
    .prepare('INSERT INTO crls (authority_id, crl_number, der, this_update, next_update, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(c.authorityId, c.crlNumber, c.der, c.thisUpdate, c.nextUpdate, c.createdAt)
  return Number(info.lastInsertRowid)
}

export function listCrls(db: ReadTx, authorityId: string): CrlRow[] {
  return (db.prepare('SELECT * FROM crls WHERE authority_id = ? ORDER BY crl_number DESC').all(authorityId) as Raw[]).map(toRow)
}

export function getCrl(db: ReadTx, id: number): CrlRow | null {
  const r = db.prepare('SELECT * FROM crls WHERE id = ?').get(id) as Raw | undefined
  return r ? toRow(r) : null
}

// SQL for the vault_keys table. Rows hold public data and an envelope (JSON) whose only
// secret content is ciphertext; the vault (src/main/vault) builds and opens envelopes.
import type { ReadTx, WriteTx } from './database'
import type { StoredKeyProtection } from '../../shared/domain/keys'

export interface VaultKeyRow {
  readonly id: string
  readonly purpose: 'ca' | 'end-entity'
  /** A KeySpec ('rsa-3072', 'ec-p256', …). */
  readonly algorithm: string
  readonly spki: Uint8Array
  readonly spkiSha256: string
  readonly protection: StoredKeyProtection
  readonly envelope: string
  readonly createdAt: string
}

interface Raw {
  id: string
  purpose: 'ca' | 'end-entity'
  algorithm: string
  spki: Buffer
  spki_sha256: string
  protection: StoredKeyProtection
  envelope: string
  created_at: string
}

function toRow(r: Raw): VaultKeyRow {
  return {
    id: r.id,
    purpose: r.purpose,
    algorithm: r.algorithm,
    spki: new Uint8Array(r.spki),
    spkiSha256: r.spki_sha256,
    protection: r.protection,
    envelope: r.envelope,
    createdAt: r.created_at
  }
}

export function insertVaultKey(db: WriteTx, row: VaultKeyRow): void {
  db.prepare(
    'INSERT INTO vault_keys (id, purpose, algorithm, spki, spki_sha256, protection, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
  ).run(row.id, row.purpose, row.algorithm, Buffer.from(row.spki), row.spkiSha256, row.protection, row.envelope, row.createdAt)
}

export function getVaultKey(db: ReadTx, id: string): VaultKeyRow | null {
  const r = db.prepare('SELECT * FROM vault_keys WHERE id = ?').get(id) as Raw | undefined
  return r ? toRow(r) : null
}

export function findVaultKeyBySpkiSha256(db: ReadTx, spkiSha256: string): VaultKeyRow | null {
  const r = db.prepare('SELECT * FROM vault_keys WHERE spki_sha256 = ?').get(spkiSha256) as Raw | undefined
  return r ? toRow(r) : null
}

export function listVaultKeys(db: ReadTx, filter: { readonly purpose?: 'ca' | 'end-entity' } = {}): VaultKeyRow[] {
  const rows = (
    filter.purpose
      ? db.prepare('SELECT * FROM vault_keys WHERE purpose = ? ORDER BY created_at, id').all(filter.purpose)
      : db.prepare('SELECT * FROM vault_keys ORDER BY created_at, id').all()
  ) as Raw[]
  return rows.map(toRow)
}

/** Ids of rows that still point at the key (authorities, certificates): a key in use is not deleted. */
export function vaultKeyReferences(db: ReadTx, id: string): { authorities: number; certificates: number } {
  const a = db.prepare('SELECT COUNT(*) AS n FROM authorities WHERE key_id = ?').get(id) as { n: number }
  const c = db.prepare('SELECT COUNT(*) AS n FROM certificates WHERE key_id = ?').get(id) as { n: number }
  return { authorities: a.n, certificates: c.n }
}

export function deleteVaultKey(db: WriteTx, id: string): boolean {
  return db.prepare('DELETE FROM vault_keys WHERE id = ?').run(id).changes > 0
}

/** A key re-sealed under another protection (custodians set or replaced, a restore). */
export function updateVaultKeyEnvelope(db: WriteTx, id: string, protection: StoredKeyProtection, envelope: string): void {
  const r = db.prepare('UPDATE vault_keys SET protection = ?, envelope = ? WHERE id = ?').run(protection, envelope, id)
  if (r.changes !== 1) throw new Error(`vault key ${id} is not in the store`)
}

/**
 * Replaces a key's envelope only if the row still holds `from` (an envelope upgrade that
 * must not overwrite a change made meanwhile). True when it was replaced.
 */
export function replaceVaultKeyEnvelope(db: WriteTx, id: string, from: string, to: string): boolean {
  return db.prepare('UPDATE vault_keys SET envelope = ? WHERE id = ? AND envelope = ?').run(to, id, from).changes === 1
}

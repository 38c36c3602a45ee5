// SQL for the chains platforms deliver with the certificates they issue (migration 007):
// the issuers as DER, immediate issuer first, checked before they are stored.
import type { ReadTx, WriteTx } from './database'

/** Replaces the stored chain of a certificate. */
export function saveDeliveredChain(db: WriteTx, certificateId: number, issuers: readonly Uint8Array[]): void {
  db.prepare('DELETE FROM certificate_chains WHERE certificate_id = ?').run(certificateId)
  const put = db.prepare('INSERT INTO certificate_chains (certificate_id, position, der) VALUES (?, ?, ?)')
  issuers.forEach((der, i) => put.run(certificateId, i, der))
}

/** The chain delivered with a certificate, immediate issuer first; empty when none was. */
export function deliveredChain(db: ReadTx, certificateId: number): Uint8Array[] {
  return (db.prepare('SELECT der FROM certificate_chains WHERE certificate_id = ? ORDER BY position').all(certificateId) as { der: Uint8Array }[]).map((r) => new Uint8Array(r.der))
}

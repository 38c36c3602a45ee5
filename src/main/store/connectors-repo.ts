// SQL for the connectors table and the remote objects a pull last saw. A connector row holds
// no credential: that lives in the OS keychain under the connector's id.
import { connectionOf, type Store } from './database'

export interface ConnectorRow {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly baseUrl: string
  readonly enabled: boolean
  /** JSON text of the connector's settings. */
  readonly settings: string
  readonly createdAt: string
}

interface RawRow {
  id: string
  name: string
  type: string
  base_url: string
  enabled: number
  settings: string
  created_at: string
}

const toRow = (r: RawRow): ConnectorRow => ({
  id: r.id,
  name: r.name,
  type: r.type,
  baseUrl: r.base_url,
  enabled: r.enabled === 1,
  settings: r.settings,
  createdAt: r.created_at
})

export interface RemoteObjectRow {
  readonly connectorId: string
  readonly kind: string
  readonly remoteId: string
  readonly contentSha256: string
  readonly localId: string | null
  readonly pulledAt: string
}

export function createConnectorsRepo(store: Store) {
  const db = connectionOf(store)
  return {
    list(): ConnectorRow[] {
      return (db.prepare('SELECT * FROM connectors ORDER BY name').all() as RawRow[]).map(toRow)
    },
    byName(name: string): ConnectorRow | null {
      const r = db.prepare('SELECT * FROM connectors WHERE name = ?').get(name) as RawRow | undefined
      return r ? toRow(r) : null
    },
    byId(id: string): ConnectorRow | null {
      const r = db.prepare('SELECT * FROM connectors WHERE id = ?').get(id) as RawRow | undefined
      return r ? toRow(r) : null
    },
    insert(row: ConnectorRow): void {
      db.prepare('INSERT INTO connectors (id, name, type, base_url, enabled, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        row.id,
        row.name,
        row.type,
        row.baseUrl,
        row.enabled ? 1 : 0,
        row.settings,
        row.createdAt
      )
    },
    update(id: string, patch: { baseUrl: string; enabled: boolean; settings: string }): void {
      db.prepare('UPDATE connectors SET base_url = ?, enabled = ?, settings = ? WHERE id = ?').run(patch.baseUrl, patch.enabled ? 1 : 0, patch.settings, id)
    },
    /** Removes the connector with its outbox items and remote-object memory. */
    remove(id: string): void {
      db.prepare('DELETE FROM outbox WHERE connector_id = ?').run(id)
      db.prepare('DELETE FROM sync_remote_objects WHERE connector_id = ?').run(id)
      db.prepare('DELETE FROM connectors WHERE id = ?').run(id)
    },
    remoteObject(connectorId: string, kind: string, remoteId: string): RemoteObjectRow | null {
      const r = db
        .prepare('SELECT connector_id, kind, remote_id, content_sha256, local_id, pulled_at FROM sync_remote_objects WHERE connector_id = ? AND kind = ? AND remote_id = ?')
        .get(connectorId, kind, remoteId) as
        | { connector_id: string; kind: string; remote_id: string; content_sha256: string; local_id: string | null; pulled_at: string }
        | undefined
      return r ? { connectorId: r.connector_id, kind: r.kind, remoteId: r.remote_id, contentSha256: r.content_sha256, localId: r.local_id, pulledAt: r.pulled_at } : null
    },
    /** The remote object of `kind` last pushed from (or pulled into) local id `localId`, newest first. */
    remoteObjectByLocal(connectorId: string, kind: string, localId: string): RemoteObjectRow | null {
      const r = db
        .prepare('SELECT connector_id, kind, remote_id, content_sha256, local_id, pulled_at FROM sync_remote_objects WHERE connector_id = ? AND kind = ? AND local_id = ? ORDER BY pulled_at DESC LIMIT 1')
        .get(connectorId, kind, localId) as
        | { connector_id: string; kind: string; remote_id: string; content_sha256: string; local_id: string | null; pulled_at: string }
        | undefined
      return r ? { connectorId: r.connector_id, kind: r.kind, remoteId: r.remote_id, contentSha256: r.content_sha256, localId: r.local_id, pulledAt: r.pulled_at } : null
    },
    /** Every remote object of `kind` with the body last seen (null when only its hash was kept). */
    remoteObjects(connectorId: string, kind: string): (RemoteObjectRow & { body: string | null })[] {
      const rows = db
        .prepare('SELECT connector_id, kind, remote_id, content_sha256, local_id, pulled_at, body FROM sync_remote_objects WHERE connector_id = ? AND kind = ? ORDER BY pulled_at')
        .all(connectorId, kind) as { connector_id: string; kind: string; remote_id: string; content_sha256: string; local_id: string | null; pulled_at: string; body: string | null }[]
      return rows.map((r) => ({ connectorId: r.connector_id, kind: r.kind, remoteId: r.remote_id, contentSha256: r.content_sha256, localId: r.local_id, pulledAt: r.pulled_at, body: r.body }))
    },
    rememberRemoteObject(o: RemoteObjectRow & { body?: string | null }): void {
      db.prepare(
        `INSERT INTO sync_remote_objects (connector_id, kind, remote_id, content_sha256, local_id, pulled_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(connector_id, kind, remote_id) DO UPDATE SET content_sha256 = excluded.content_sha256, local_id = excluded.local_id, pulled_at = excluded.pulled_at, body = excluded.body`
      ).run(o.connectorId, o.kind, o.remoteId, o.contentSha256, o.localId, o.pulledAt, o.body ?? null)
    }
  }
}
export type ConnectorsRepo = ReturnType<typeof createConnectorsRepo>

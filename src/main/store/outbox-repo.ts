// SQL for the outbox (every remote action, written before it is sent) and the sync runs
// that execute it. State moves: queued → running → done | failed | queued (retry later).
// Each transition is one UPDATE guarded by the expected current state, so two runs can
// never both claim an item.
import { connectionOf, type Store } from './database'

export type OutboxStateValue = 'queued' | 'running' | 'done' | 'failed'

export interface OutboxRow {
  readonly id: number
  readonly connectorId: string
  readonly action: string
  /** Canonical JSON of the action's input. */
  readonly payload: string
  readonly idempotencyKey: string
  readonly state: OutboxStateValue
  readonly attempts: number
  readonly nextAttemptAt: string | null
  /** JSON of the last error, or null. */
  readonly lastError: string | null
  /** JSON of the result (or of the progress of a multi-step action), or null. */
  readonly result: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

interface RawRow {
  id: number
  connector_id: string
  action: string
  payload: string
  idempotency_key: string
  state: OutboxStateValue
  attempts: number
  next_attempt_at: string | null
  last_error: string | null
  result: string | null
  created_at: string
  updated_at: string
}

const toRow = (r: RawRow): OutboxRow => ({
  id: r.id,
  connectorId: r.connector_id,
  action: r.action,
  payload: r.payload,
  idempotencyKey: r.idempotency_key,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  result: r.result,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

export interface SyncRunRow {
  readonly id: string
  readonly connector: string | null
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly reclaimed: number
  readonly done: number
  readonly failed: number
  readonly remaining: number
}

export function createOutboxRepo(store: Store) {
  const db = connectionOf(store)
  /** Queued items whose next attempt time matches `when` (a clause on `now`), oldest first. */
  const queued = (when: string, now: string, filter: { connectorId?: string; ids?: readonly number[] }): OutboxRow[] => {
    const where = ["state = 'queued'", when]
    const args: unknown[] = [now]
    if (filter.connectorId) {
      where.push('connector_id = ?')
      args.push(filter.connectorId)
    }
    if (filter.ids) {
      where.push(`id IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`)
      args.push(...filter.ids)
    }
    return (db.prepare(`SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY id`).all(...args) as RawRow[]).map(toRow)
  }
  return {
    /** `result` may carry the notes written when the item was planned. */
    insert(item: { connectorId: string; action: string; payload: string; idempotencyKey: string; now: string; result?: string }): OutboxRow {
      const info = db
        .prepare(
          "INSERT INTO outbox (connector_id, action, payload, idempotency_key, state, attempts, result, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)"
        )
        .run(item.connectorId, item.action, item.payload, item.idempotencyKey, item.result ?? null, item.now, item.now)
      return this.get(Number(info.lastInsertRowid)) as OutboxRow
    },
    get(id: number): OutboxRow | null {
      const r = db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as RawRow | undefined
      return r ? toRow(r) : null
    },
    /** An item not yet done with the same connector, action and payload (enqueueing twice is a no-op). */
    findPending(connectorId: string, action: string, payload: string): OutboxRow | null {
      const r = db
        .prepare("SELECT * FROM outbox WHERE connector_id = ? AND action = ? AND payload = ? AND state IN ('queued', 'running', 'failed') ORDER BY id LIMIT 1")
        .get(connectorId, action, payload) as RawRow | undefined
      return r ? toRow(r) : null
    },
    list(filter: { connectorId?: string; states?: readonly OutboxStateValue[]; limit?: number } = {}): OutboxRow[] {
      const where: string[] = []
      const args: unknown[] = []
      if (filter.connectorId) {
        where.push('connector_id = ?')
        args.push(filter.connectorId)
      }
      if (filter.states && filter.states.length > 0) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`)
        args.push(...filter.states)
      }
      const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
      return (db.prepare(sql).all(...args, filter.limit ?? 500) as RawRow[]).map(toRow)
    },
    /** Queued items due at `now`, oldest first. */
    due(now: string, filter: { connectorId?: string; ids?: readonly number[] } = {}): OutboxRow[] {
      return queued('(next_attempt_at IS NULL OR next_attempt_at <= ?)', now, filter)
    },
    /** Queued items backing off past `now` (not due yet), oldest first. */
    waiting(now: string, filter: { connectorId?: string; ids?: readonly number[] } = {}): OutboxRow[] {
      return queued('next_attempt_at > ?', now, filter)
    },
    countByState(connectorId?: string): Record<OutboxStateValue, number> {
      const rows = (
        connectorId
          ? db.prepare('SELECT state, COUNT(*) AS n FROM outbox WHERE connector_id = ? GROUP BY state').all(connectorId)
          : db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all()
      ) as { state: OutboxStateValue; n: number }[]
      const counts: Record<OutboxStateValue, number> = { queued: 0, running: 0, done: 0, failed: 0 }
      for (const r of rows) counts[r.state] = r.n
      return counts
    },
    /** Claims a queued item: running, one more attempt. False when another run took it first. */
    claim(id: number, now: string): boolean {
      return db.prepare("UPDATE outbox SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'").run(now, id).changes === 1
    },
    /** The heartbeat of a running item: refreshed before each request it makes. */
    touch(id: number, now: string): void {
      db.prepare("UPDATE outbox SET updated_at = ? WHERE id = ? AND state = 'running'").run(now, id)
    },
    /** A queued item backed off within a run becomes due again for its immediate retry. */
    makeDue(id: number): void {
      db.prepare("UPDATE outbox SET next_attempt_at = NULL WHERE id = ? AND state = 'queued'").run(id)
    },
    finish(id: number, state: 'done' | 'failed' | 'queued', patch: { now: string; lastError: string | null; result: string | null; nextAttemptAt: string | null; attempts?: number }): void {
      db.prepare(
        `UPDATE outbox SET state = ?, updated_at = ?, last_error = ?, result = ?, next_attempt_at = ?, attempts = COALESCE(?, attempts) WHERE id = ? AND state = 'running'`
      ).run(state, patch.now, patch.lastError, patch.result, patch.nextAttemptAt, patch.attempts ?? null, id)
    },
    /** Puts `running` items whose run died back in the queue (attempts are kept). */
    reclaim(ids: readonly number[], now: string): number {
      const put = db.prepare("UPDATE outbox SET state = 'queued', updated_at = ?, next_attempt_at = NULL WHERE id = ? AND state = 'running'")
      let n = 0
      for (const id of ids) n += put.run(now, id).changes
      return n
    },
    /** A failed item back in the queue, or a backing-off one due now; the backoff starts over. */
    requeue(id: number, now: string): boolean {
      return (
        db
          .prepare("UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND (state = 'failed' OR (state = 'queued' AND next_attempt_at IS NOT NULL))")
          .run(now, id).changes === 1
      )
    },
    remove(id: number): boolean {
      return db.prepare("DELETE FROM outbox WHERE id = ? AND state IN ('queued', 'failed')").run(id).changes === 1
    },
    countPending(connectorId: string): number {
      return (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE connector_id = ? AND state IN ('queued', 'running')").get(connectorId) as { n: number }).n
    },
    startRun(run: { id: string; connector: string | null; startedAt: string }): void {
      db.prepare('INSERT INTO sync_runs (id, connector, started_at) VALUES (?, ?, ?)').run(run.id, run.connector, run.startedAt)
    },
    finishRun(run: { id: string; finishedAt: string; reclaimed: number; done: number; failed: number; remaining: number }): void {
      db.prepare('UPDATE sync_runs SET finished_at = ?, reclaimed = ?, done = ?, failed = ?, remaining = ? WHERE id = ?').run(
        run.finishedAt,
        run.reclaimed,
        run.done,
        run.failed,
        run.remaining,
        run.id
      )
    },
    lastRun(): SyncRunRow | null {
      const r = db.prepare('SELECT * FROM sync_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, rowid DESC LIMIT 1').get() as
        | { id: string; connector: string | null; started_at: string; finished_at: string | null; reclaimed: number; done: number; failed: number; remaining: number }
        | undefined
      return r
        ? { id: r.id, connector: r.connector, startedAt: r.started_at, finishedAt: r.finished_at, reclaimed: r.reclaimed, done: r.done, failed: r.failed, remaining: r.remaining }
        : null
    }
  }
}
export type OutboxRepo = ReturnType<typeof createOutboxRepo>

// SQL for the profiles table. `body` (JSON of the ProfileBody) is the truth; name,
// description, sign_as_ca are copies kept for uniqueness, filtering and sorting.
import type { ReadTx, WriteTx } from './database'

export interface ProfileRow {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly signAsCa: boolean
  readonly archived: boolean
  readonly body: string
  readonly source: string | null
  readonly remoteEtag: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

interface Raw {
  id: string
  name: string
  description: string
  sign_as_ca: number
  archived: number
  body: string
  source: string | null
  remote_etag: string | null
  created_at: string
  updated_at: string
}

function toRow(r: Raw): ProfileRow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    signAsCa: r.sign_as_ca === 1,
    archived: r.archived === 1,
    body: r.body,
    source: r.source,
    remoteEtag: r.remote_etag,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }
}

export function insertProfile(db: WriteTx, p: ProfileRow): void {
  db.prepare(
    `INSERT INTO profiles (id, name, description, sign_as_ca, archived, body, source, remote_etag, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(p.id, p.name, p.description, p.signAsCa ? 1 : 0, p.archived ? 1 : 0, p.body, p.source, p.remoteEtag, p.createdAt, p.updatedAt)
}

export function updateProfileRow(db: WriteTx, p: ProfileRow): void {
  db.prepare(
    `UPDATE profiles SET name = ?, description = ?, sign_as_ca = ?, archived = ?, body = ?, source = ?, remote_etag = ?, updated_at = ? WHERE id = ?`
  ).run(p.name, p.description, p.signAsCa ? 1 : 0, p.archived ? 1 : 0, p.body, p.source, p.remoteEtag, p.updatedAt, p.id)
}

export function getProfileRow(db: ReadTx, id: string): ProfileRow | null {
  const r = db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as Raw | undefined
  return r ? toRow(r) : null
}

/** Case-insensitive: "Web Server" and "web server" are the same name to an operator. */
export function profileIdByName(db: ReadTx, name: string): string | null {
  const r = db.prepare('SELECT id FROM profiles WHERE lower(name) = lower(?)').get(name) as { id: string } | undefined
  return r?.id ?? null
}

export function deleteProfileRow(db: WriteTx, id: string): void {
  db.prepare('DELETE FROM profiles WHERE id = ?').run(id)
}

export function certificatesIssuedWith(db: ReadTx, id: string): number {
  const r = db.prepare('SELECT COUNT(*) AS n FROM certificates WHERE profile_id = ?').get(id) as { n: number }
  return r.n
}

export function countProfiles(db: ReadTx): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM profiles').get() as { n: number }).n
}

// ---------------------------------------------------------------------------------------
// Listing: filters, sort and keyset pagination.

export type FilterOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'ct' | 'nc'

export interface ProfileFilter {
  /** A column name, or a JSON path into body (`$.crypto.allowRsa`). */
  readonly column?: 'id' | 'name' | 'description' | 'sign_as_ca' | 'archived' | 'source' | 'created_at' | 'updated_at'
  readonly jsonPath?: string
  readonly op: FilterOp
  readonly caseInsensitive: boolean
  readonly value: string | number
}

export type SortColumn = 'name' | 'id' | 'created_at' | 'updated_at' | 'sign_as_ca'

export interface ListQuery {
  readonly filters: readonly ProfileFilter[]
  readonly includeArchived: boolean
  readonly sortBy: SortColumn
  readonly sortMode: 'asc' | 'desc'
  readonly limit: number
  /** Keyset cursor: the sort value and id of the last row of the previous page. */
  readonly after?: { readonly value: string | number; readonly id: string }
}

const SQL_OPS: Readonly<Record<Exclude<FilterOp, 'ct' | 'nc'>, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }

/** Every identifier in the SQL comes from a closed set; values and JSON paths are bound. */
export function listProfileRows(db: ReadTx, q: ListQuery): ProfileRow[] {
  const where: string[] = []
  const params: (string | number)[] = []
  if (!q.includeArchived) where.push('archived = 0')
  for (const f of q.filters) {
    let expr: string
    if (f.column) expr = f.column
    else {
      expr = 'json_extract(body, ?)'
      params.push(f.jsonPath!)
    }
    const text = f.caseInsensitive ? `lower(CAST(${expr} AS TEXT))` : `CAST(${expr} AS TEXT)`
    const value = f.caseInsensitive ? String(f.value).toLowerCase() : f.value
    if (f.op === 'ct') where.push(`instr(${text}, ?) > 0`)
    else if (f.op === 'nc') where.push(`COALESCE(instr(${text}, ?), 0) = 0`)
    else where.push(`${f.caseInsensitive ? text : expr} ${SQL_OPS[f.op]} ?`)
    params.push(f.op === 'ct' || f.op === 'nc' ? String(value) : value)
  }
  const col = q.sortBy === 'name' ? 'lower(name)' : q.sortBy
  const dir = q.sortMode === 'desc' ? 'DESC' : 'ASC'
  const cmp = q.sortMode === 'desc' ? '<' : '>'
  if (q.after) {
    where.push(`(${col} ${cmp} ? OR (${col} = ? AND id ${cmp} ?))`)
    params.push(q.after.value, q.after.value, q.after.id)
  }
  const sql = `SELECT * FROM profiles ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${col} ${dir}, id ${dir} LIMIT ?`
  params.push(q.limit)
  return (db.prepare(sql).all(...params) as Raw[]).map(toRow)
}

export function sortValue(row: ProfileRow, by: SortColumn): string | number {
  switch (by) {
    case 'name':
      return row.name.toLowerCase()
    case 'id':
      return row.id
    case 'created_at':
      return row.createdAt
    case 'updated_at':
      return row.updatedAt
    case 'sign_as_ca':
      return row.signAsCa ? 1 : 0
  }
}


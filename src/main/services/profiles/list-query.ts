// The profile list's query grammar: filter expressions (`sign_as_ca[eq]=true`,
// `name[contains]web`, `validity.duration[eq_ic]90D`) parsed into the store's ProfileFilter,
// and the opaque "next" bookmark of a sorted page. Pure: no store, no I/O; the profiles
// service parses, the profiles repository runs the query.
import { fail, ok, type Result } from '../../../shared/errors'
import { profileBody } from '../../../shared/domain/profile'
import type { FilterOp, ProfileFilter, SortColumn } from '../../store/profiles-repo'

const COLUMNS: Readonly<Record<string, NonNullable<ProfileFilter['column']>>> = {
  id: 'id',
  name: 'name',
  description: 'description',
  sign_as_ca: 'sign_as_ca',
  signasca: 'sign_as_ca',
  archived: 'archived',
  source: 'source',
  created_at: 'created_at',
  createdat: 'created_at',
  updated_at: 'updated_at',
  updatedat: 'updated_at'
}
const OPS: Readonly<Record<string, FilterOp>> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'gt',
  ge: 'ge',
  lt: 'lt',
  le: 'le',
  ct: 'ct',
  contains: 'ct',
  nc: 'nc',
  notcontains: 'nc',
  not_contains: 'nc'
}
const BODY_KEYS = new Set(Object.keys(profileBody.shape ?? {}))

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** `sign_as_ca[eq]=true`, `name[contains]web`, `validity.duration[eq_ic]90D`, `crypto.allow_rsa[eq]true`. */
export function parseFilter(expr: string, index: number): Result<ProfileFilter> {
  const m = /^([A-Za-z_][\w.]*)\[([a-z_]+)\]=?(.*)$/s.exec(expr.trim())
  const field = `filter[${index}]`
  if (!m) return fail('INVALID_FILTER', `The filter "${expr}" is not of the form field[op]value: write it like sign_as_ca[eq]=true.`, field)
  const [, rawField, rawOp, rawValue] = m as unknown as [string, string, string, string]
  const ic = rawOp.endsWith('_ic')
  const op = OPS[ic ? rawOp.slice(0, -3) : rawOp]
  if (!op) return fail('INVALID_FILTER', `The filter operator "${rawOp}" is unknown: use one of eq, ne, gt, ge, lt, le, contains (ct), nc, or their _ic forms.`, field)
  const lowered = rawValue.toLowerCase()
  const value: string | number = lowered === 'true' ? 1 : lowered === 'false' ? 0 : /^-?\d+(\.\d+)?$/.test(rawValue) ? Number(rawValue) : rawValue
  const column = COLUMNS[rawField.toLowerCase()]
  if (column) return ok({ column, op, caseInsensitive: ic, value: column === 'sign_as_ca' || column === 'archived' || typeof value === 'number' ? value : rawValue })
  const path = rawField.split('.').map(camel)
  const top = path[0] === 'cryptoEnforcement' ? 'crypto' : path[0]!
  if (!BODY_KEYS.has(top)) return fail('INVALID_FILTER', `The filter names "${rawField}", which is not a profile field: filter on a field of the profile body.`, field)
  return ok({ jsonPath: `$.${[top, ...path.slice(1)].join('.')}`, op, caseInsensitive: ic, value })
}

/** Every filter of a list request, or the first refusal (its field names the filter's position). */
export function parseFilters(exprs: readonly string[]): Result<ProfileFilter[]> {
  const filters: ProfileFilter[] = []
  for (const [i, f] of exprs.entries()) {
    const parsed = parseFilter(f, i)
    if (!parsed.ok) return parsed
    filters.push(parsed.value)
  }
  return ok(filters)
}

/** The bookmark after the row with sort value `v` and id `id`, in a list sorted by `s` in mode `m`. */
export function encodeBookmark(b: { v: string | number; id: string; s: SortColumn; m: string }): string {
  return Buffer.from(JSON.stringify(b), 'utf8').toString('base64url')
}

/** Where the next page starts; refused when the bookmark is not one a list sorted this way returned. */
export function decodeBookmark(text: string, sortBy: SortColumn, sortMode: string): Result<{ value: string | number; id: string }> {
  try {
    const b = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; id?: unknown; s?: unknown; m?: unknown }
    if ((typeof b.v !== 'string' && typeof b.v !== 'number') || typeof b.id !== 'string') throw new Error('shape')
    if (b.s !== sortBy || b.m !== sortMode) return fail('INVALID_CURSOR', 'The bookmark belongs to a list sorted differently: start again from the first page.', 'next')
    return ok({ value: b.v, id: b.id })
  } catch {
    return fail('INVALID_CURSOR', 'The bookmark is not one this list returned: start again from the first page.', 'next')
  }
}

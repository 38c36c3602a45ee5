// The profile list's query grammar (services/profiles/list-query.ts): filter expressions
// parsed into the repository's ProfileFilter, and the next-page bookmark. Known answers.
import { describe, expect, it } from 'vitest'
import { decodeBookmark, encodeBookmark, parseFilter, parseFilters } from '../../../src/main/services/profiles/list-query'

const parsed = (expr: string) => {
  const r = parseFilter(expr, 0)
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}
const refused = (expr: string, index = 0) => {
  const r = parseFilter(expr, index)
  return r.ok ? null : { code: r.error.code, field: r.error.field }
}

describe('profile list filters', () => {
  it('columns, by their snake or run-together names; true/false become 1/0 for the flag columns', () => {
    expect(parsed('sign_as_ca[eq]=true')).toEqual({ column: 'sign_as_ca', op: 'eq', caseInsensitive: false, value: 1 })
    expect(parsed('signAsCa[ne]false')).toEqual({ column: 'sign_as_ca', op: 'ne', caseInsensitive: false, value: 0 })
    expect(parsed('archived[eq]=true')).toEqual({ column: 'archived', op: 'eq', caseInsensitive: false, value: 1 })
    expect(parsed('updatedAt[gt]=2026-01-01')).toEqual({ column: 'updated_at', op: 'gt', caseInsensitive: false, value: '2026-01-01' })
  })

  it('operator aliases and the _ic (case-insensitive) forms', () => {
    expect(parsed('name[contains]web')).toEqual({ column: 'name', op: 'ct', caseInsensitive: false, value: 'web' })
    expect(parsed('name[not_contains_ic]=Web')).toEqual({ column: 'name', op: 'nc', caseInsensitive: true, value: 'Web' })
    expect(parsed('description[eq_ic]=TLS')).toEqual({ column: 'description', op: 'eq', caseInsensitive: true, value: 'TLS' })
  })

  it('a body field becomes a JSON path in camelCase; crypto_enforcement is crypto; numbers stay numbers', () => {
    expect(parsed('validity.duration[eq_ic]90D')).toEqual({ jsonPath: '$.validity.duration', op: 'eq', caseInsensitive: true, value: '90D' })
    expect(parsed('crypto_enforcement.allow_rsa[eq]true')).toEqual({ jsonPath: '$.crypto.allowRsa', op: 'eq', caseInsensitive: false, value: 1 })
    expect(parsed('crypto.rsa_key_sizes[ct]=4096')).toEqual({ jsonPath: '$.crypto.rsaKeySizes', op: 'ct', caseInsensitive: false, value: 4096 })
  })

  it('refusals name the filter by its position: bad shape, unknown operator, unknown field', () => {
    expect(refused('name=web', 2)).toEqual({ code: 'INVALID_FILTER', field: 'filter[2]' })
    expect(refused('name[like]web')).toEqual({ code: 'INVALID_FILTER', field: 'filter[0]' })
    expect(refused('colour[eq]red')).toEqual({ code: 'INVALID_FILTER', field: 'filter[0]' })
  })

  it('parseFilters keeps the order and stops at the first refusal, naming its position', () => {
    const ok = parseFilters(['archived[eq]false', 'name[ct]web'])
    expect(ok.ok && ok.value.map((f) => f.column)).toEqual(['archived', 'name'])
    const bad = parseFilters(['archived[eq]false', 'name[zz]web', 'nope'])
    expect(bad.ok ? null : bad.error.field).toBe('filter[1]')
  })
})

describe('profile list bookmarks', () => {
  it('a bookmark reads back as the sort value and id it was made from, for the same sort only', () => {
    const b = encodeBookmark({ v: 'TLS server', id: 'tls-server', s: 'name', m: 'asc' })
    expect(decodeBookmark(b, 'name', 'asc')).toEqual({ ok: true, value: { value: 'TLS server', id: 'tls-server' } })
    const n = encodeBookmark({ v: 1, id: 'sub-ca', s: 'sign_as_ca', m: 'desc' })
    expect(decodeBookmark(n, 'sign_as_ca', 'desc')).toEqual({ ok: true, value: { value: 1, id: 'sub-ca' } })
    const other = decodeBookmark(b, 'name', 'desc')
    expect(other.ok ? null : [other.error.code, other.error.field, /sorted differently/.test(other.error.message)]).toEqual(['INVALID_CURSOR', 'next', true])
  })

  it('text that is not a bookmark, or one of the wrong shape, is refused', () => {
    for (const text of ['not base64 json', Buffer.from(JSON.stringify({ v: null, id: 'x', s: 'name', m: 'asc' })).toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      const r = decodeBookmark(text, 'name', 'asc')
      expect(r.ok ? null : [r.error.code, /not one this list returned/.test(r.error.message)]).toEqual(['INVALID_CURSOR', true])
    }
  })
})

// The syntax of entered values on the command line: the CSV reader, dates, hashes, --set.
import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../src/cli/csv'
import { batchInput, parseHash, parseNotAfter, parseSetOption, parseValidityDays } from '../../../src/cli/operator-values'

const limits = { maxRows: 10, maxColumns: 4, maxFieldLength: 20, what: 'The values file v.csv' }

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, skipping blank lines', () => {
    const r = parseCsv('file,CN\r\n"a,1.csr","say ""hi""\nthere"\n\nb.csr,b\n', limits)
    expect(r).toEqual({ ok: true, value: [['file', 'CN'], ['a,1.csr', 'say "hi"\nthere'], ['b.csr', 'b']] })
  })
  it('refuses rows of another width, stray quotes, an unclosed quote, and what is over a limit, with the line', () => {
    const code = (t: string): string => {
      const r = parseCsv(t, limits)
      return r.ok ? 'OK' : `${r.error.code} ${/line \d+/.exec(r.error.message)?.[0] ?? ''}`
    }
    expect(code('a,b\nc\n')).toBe('CSV_ROW_WIDTH line 2')
    expect(code('a,b\nc,d"e\n')).toBe('CSV_BAD_QUOTE line 2')
    expect(code('a,b\n"c"x,d\n')).toBe('CSV_BAD_QUOTE line 2')
    expect(code('a,b\n"c,d\n')).toBe('CSV_UNTERMINATED_QUOTE line 3')
    expect(code(`a\n${'x'.repeat(21)}\n`)).toBe('CSV_FIELD_TOO_LONG line 2')
    expect(code(`a\n"${'x'.repeat(21)}"\n`)).toBe('CSV_FIELD_TOO_LONG line 2')
    expect(code('a,b,c,d,e\n')).toBe('CSV_TOO_MANY_COLUMNS line 1')
    expect(code('a\n'.repeat(12))).toBe('CSV_TOO_MANY_ROWS line 11')
  })
})

describe('entered values as flags', () => {
  it('--not-after: a day means through that day (UTC); impossible dates and no offset are refused', () => {
    expect(parseNotAfter('2027-01-31')).toBe('2027-01-31T23:59:59Z')
    expect(parseNotAfter('2027-01-31T12:00:00+02:00')).toBe('2027-01-31T10:00:00Z')
    expect(() => parseNotAfter('2027-02-30')).toThrow(/not a date/)
    expect(() => parseNotAfter('2027-01-31T12:00:00')).toThrow(/not a date/)
    expect(() => parseNotAfter('31.01.2027')).toThrow(/YYYY-MM-DD/)
  })
  it('--hash takes SHA-256/384/512 in any spelling and nothing else', () => {
    expect(parseHash('sha384')).toBe('SHA-384')
    expect(parseHash('SHA-512')).toBe('SHA-512')
    expect(() => parseHash('SHA-1')).toThrow(/SHA-256, SHA-384, SHA-512/)
  })
  it('--set needs ATTR=VALUE; repeated attributes become several values', () => {
    expect(parseSetOption('CN=a=b')).toEqual({ type: 'CN', value: 'a=b' })
    expect(() => parseSetOption('CN=')).toThrow(/ATTR=VALUE/)
    expect(() => parseSetOption('=x')).toThrow(/ATTR=VALUE/)
    expect(batchInput({ set: [{ type: 'OU', value: 'a' }, { type: 'OU', value: 'b' }, { type: 'CN', value: 'c' }] })).toEqual({ subject: { OU: ['a', 'b'], CN: 'c' } })
    expect(batchInput({})).toBeUndefined()
  })
  it('--validity-days is a whole number of days; with --not-after it is a usage error', () => {
    expect(parseValidityDays('30')).toBe(30)
    expect(() => parseValidityDays('0')).toThrow()
    expect(() => parseValidityDays('1.5')).toThrow()
    expect(() => batchInput({ validityDays: 3, notAfter: '2027-01-01T00:00:00Z' })).toThrow(/not both/)
  })
})

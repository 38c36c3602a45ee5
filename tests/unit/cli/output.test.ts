import { describe, expect, it } from 'vitest'
import { createOutput, errorJson, formatError, formatProgress, formatRecord, formatTable, toJson } from '../../../src/cli/output'

function capture(json: boolean) {
  const out: string[] = []
  const err: string[] = []
  const o = createOutput({ stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), env: {} }, json)
  return { o, out, err }
}

describe('formatError', () => {
  it('is one line: error[CODE]: message', () => {
    expect(formatError({ code: 'AUTHORITY_NOT_FOUND', message: 'No CA named "x"; run `pkidesk ca list`.' })).toBe(
      'error[AUTHORITY_NOT_FOUND]: No CA named "x"; run `pkidesk ca list`.'
    )
  })

  it('folds multi-line messages into one line', () => {
    expect(formatError({ code: 'INTERNAL', message: 'first\n  second\r\nthird' })).toBe('error[INTERNAL]: first second third')
  })

  it('names the field when the message does not, as the CLI option', () => {
    expect(formatError({ code: 'INVALID_ARGUMENT', message: 'Too long.', field: '--subject' })).toBe('error[INVALID_ARGUMENT]: Too long. (--subject)')
    expect(formatError({ code: 'INVALID_ARGUMENT', message: 'Too long.', field: 'subject' })).toBe('error[INVALID_ARGUMENT]: Too long. (--subject)')
    expect(formatError({ code: 'INVALID_ARGUMENT', message: 'The --subject is too long.', field: 'subject' })).toBe('error[INVALID_ARGUMENT]: The --subject is too long.')
    expect(formatError({ code: 'INVALID_ARGUMENT', message: 'Too long.', field: 'validityDays' })).toBe('error[INVALID_ARGUMENT]: Too long. (--validity)')
    expect(formatError({ code: 'INVALID_ARGUMENT', message: 'Bad file.', field: 'csr/a.csr' })).toBe('error[INVALID_ARGUMENT]: Bad file. (csr/a.csr)')
  })

  it('never prints internal request field names that have no CLI option', () => {
    for (const field of ['id', 'data', 'items'])
      expect(formatError({ code: 'INVALID_ARGUMENT', message: 'Something is wrong.', field })).toBe('error[INVALID_ARGUMENT]: Something is wrong.')
  })
})

describe('createOutput', () => {
  it('prints errors on stderr only, in text mode', () => {
    const { o, out, err } = capture(false)
    o.error({ code: 'INTERNAL', message: 'm', field: '--f' })
    expect(out).toEqual([])
    expect(err).toEqual(['error[INTERNAL]: m (--f)\n'])
  })

  it('with --json prints the same error as JSON on stdout as well', () => {
    const { o, out, err } = capture(true)
    o.error({ code: 'INTERNAL', message: 'm', field: '--f' })
    expect(err).toEqual(['error[INTERNAL]: m (--f)\n'])
    expect(JSON.parse(out.join(''))).toEqual({ error: { code: 'INTERNAL', message: 'm', field: '--f' } })
  })

  it('prints results as JSON or text, never both', () => {
    const j = capture(true)
    j.o.result({ a: 1 }, () => 'text')
    expect(JSON.parse(j.out.join(''))).toEqual({ a: 1 })
    const t = capture(false)
    t.o.result({ a: 1 }, () => 'text')
    expect(t.out).toEqual(['text\n'])
  })
})

describe('formatting helpers', () => {
  it('errorJson leaves out absent fields', () => {
    expect(errorJson({ code: 'INTERNAL', message: 'b' })).toEqual({ error: { code: 'INTERNAL', message: 'b' } })
  })

  it('toJson renders bytes as hex and bigints as text', () => {
    expect(JSON.parse(toJson({ b: new Uint8Array([0, 255]), n: 10n }))).toEqual({ b: '00ff', n: '10' })
  })

  it('formatRecord aligns labels and lists', () => {
    expect(formatRecord([['id', 'a'], ['subject', 'CN=x'], ['sans', ['dns:a', 'dns:b']], ['skip', undefined]])).toBe(
      'id:      a\nsubject: CN=x\nsans:    dns:a\n         dns:b'
    )
  })

  it('formatTable aligns columns and says (none) when empty', () => {
    expect(formatTable(['A', 'BB'], [['x', 'y'], ['long', null]])).toBe('A     BB\nx     y\nlong  -')
    expect(formatTable(['A'], [])).toBe('(none)')
  })

  it('progress only for batches', () => {
    expect(formatProgress(1, 1, 'x')).toBeNull()
    expect(formatProgress(2, 5, 'b.csr')).toBe('[2/5] b.csr')
  })
})

// Profile patterns said in words on the Sign screen's fields.
import { describe, expect, it } from 'vitest'
import { patternInWords } from '../../../src/shared/domain/pattern-words'

describe('patternInWords', () => {
  it('says the common shapes in words', () => {
    expect(patternInWords('.*\\.example\\.com')).toBe('ends with ".example.com"')
    expect(patternInWords('web.+')).toBe('starts with "web"')
    expect(patternInWords('[A-Z]{2}')).toBe('2 capital letters')
    expect(patternInWords('[a-z0-9]{3,12}')).toBe('3 to 12 small letters and digits')
    expect(patternInWords('\\d+')).toBe('1 or more digits')
    expect(patternInWords('Ops|Dev|QA')).toBe('one of "Ops", "Dev", "QA"')
    expect(patternInWords('^(?:Ops|Dev)$')).toBe('one of "Ops", "Dev"')
    expect(patternInWords('Example\\, Inc')).toBe('exactly "Example, Inc"')
  })
  it('quotes anything else as it is', () => {
    expect(patternInWords('(a+)+b')).toBe('matches the pattern (a+)+b (the whole value)')
    expect(patternInWords('web\\d+\\.example\\.com')).toBe('matches the pattern web\\d+\\.example\\.com (the whole value)')
  })
})

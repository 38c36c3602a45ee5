// Profile patterns said in words on the Sign screen's fields and in the profile editor: subject
// value patterns, and allowed DNS names held to the policy's own matcher.
import { describe, expect, it } from 'vitest'
import { dnsPatternInWords, dnsPatternsInWords, patternInWords } from '../../../src/shared/domain/pattern-words'
import { dnsMatches } from '../../../src/main/engine/policy/san-match'

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

describe('dnsPatternInWords', () => {
  it('says each kind of allowed DNS name as the policy matches it', () => {
    expect(dnsPatternInWords('example.com')).toBe('exactly example.com')
    expect(dnsPatternInWords('*.example.com')).toBe('one label under example.com (such as www.example.com, not a.b.example.com) or the wildcard *.example.com')
    expect(dnsPatternInWords('.example.com')).toBe('any name under example.com at any depth (such as a.b.example.com), not example.com itself')
    expect(dnsPatternsInWords(undefined)).toBe('Any DNS name is allowed (no list).')
    expect(dnsPatternsInWords(['example.com', '.example.org'])).toBe('Allowed: exactly example.com; any name under example.org at any depth (such as a.b.example.org), not example.org itself.')
  })
  it('the examples in the words are what the matcher allows and refuses', () => {
    expect(dnsMatches('*.example.com', 'www.example.com')).toBe(true)
    expect(dnsMatches('*.example.com', 'a.b.example.com')).toBe(false)
    expect(dnsMatches('*.example.com', '*.example.com')).toBe(true)
    expect(dnsMatches('.example.com', 'a.b.example.com')).toBe(true)
    expect(dnsMatches('.example.com', 'example.com')).toBe(false)
    expect(dnsMatches('example.com', 'www.example.com')).toBe(false)
  })
})

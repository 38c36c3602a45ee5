// Subject patterns run on RE2 (linear time) against length-capped values: the classic
// catastrophic-backtracking pattern answers at once, and a pattern that needs backtracking
// is refused when the profile is saved.
import { describe, expect, it } from 'vitest'
import { performance } from 'node:perf_hooks'
import { checkProfilePatterns, compilePattern, evaluate, MAX_PATTERN_VALUE_LENGTH } from '../../../src/main/engine/policy'
import { operatorInput } from '../../../src/shared/domain/profile'
import { csr, profile } from '../../fixtures/profiles/csr'

const NOW = new Date('2026-03-01T12:00:00Z')

describe('linear-time patterns', () => {
  it('(a+)+b against a 10,000-character value answers in under 100 ms through evaluate', () => {
    const p = profile({ keyUsage: ['digitalSignature'], subjectAttributes: [{ type: 'CN', sources: ['csr'], pattern: '(a+)+b' }] })
    const hostile = csr({ subject: { CN: 'a'.repeat(10_000) } })
    evaluate(p, csr({ subject: { CN: 'warm-up' } }), operatorInput.parse({}), { now: NOW })
    const start = performance.now()
    const r = evaluate(p, hostile, operatorInput.parse({}), { now: NOW })
    expect(performance.now() - start).toBeLessThan(100)
    // Over the cap: refused for its length, never handed to the matcher.
    expect(r.findings.find((f) => f.field === 'subject.CN' && f.code === 'SUBJECT_ATTRIBUTE_TOO_LONG')?.message).toContain(`${MAX_PATTERN_VALUE_LENGTH}`)
    expect(r.findings.map((f) => f.code)).not.toContain('SUBJECT_ATTRIBUTE_PATTERN')
  })

  it('the engine itself is linear: (a+)+b over 10,000 characters, no cap involved, answers quickly', () => {
    const re = compilePattern('(a+)+b')
    if (!re.ok) throw new Error(re.error.message)
    re.value.test('warm')
    const start = performance.now()
    expect(re.value.test('a'.repeat(10_000))).toBe(false)
    // A backtracking engine needs more than 90 s for 32 characters; generous bound for a loaded CI machine.
    expect(performance.now() - start).toBeLessThan(1000)
    expect(re.value.test('aaab')).toBe(true)
  })

  it('matches the whole value, as the profile editor describes', () => {
    const p = profile({ keyUsage: ['digitalSignature'], subjectAttributes: [{ type: 'C', sources: ['csr'], pattern: '[A-Z]{2}' }, { type: 'CN', sources: ['csr'] }] })
    const codes = (c: string) => evaluate(p, csr({ subject: { C: c, CN: 'x.example' } }), operatorInput.parse({}), { now: NOW }).findings.map((f) => f.code)
    expect(codes('DE')).not.toContain('SUBJECT_ATTRIBUTE_PATTERN')
    expect(codes('DEU')).toContain('SUBJECT_ATTRIBUTE_PATTERN')
  })

  it('a pattern that needs backtracking (back-reference, look-around) is refused at save, naming the rule', () => {
    const back = checkProfilePatterns({ subjectAttributes: [{ type: 'CN' }, { type: 'O', pattern: '(ab)\\1' }] })
    expect(back.ok).toBe(false)
    if (!back.ok) {
      expect(back.error.code).toBe('PATTERN_NOT_LINEAR')
      expect(back.error.field).toBe('subjectAttributes.1.pattern')
      expect(back.error.message).toContain('back-references')
    }
    expect(checkProfilePatterns({ subjectAttributes: [{ type: 'CN', pattern: 'web(?=\\d)' }] }).ok).toBe(false)
    expect(checkProfilePatterns({ subjectAttributes: [{ type: 'CN', pattern: '(a+)+b' }, { type: 'C', pattern: '[A-Z]{2}' }] }).ok).toBe(true)
  })
})

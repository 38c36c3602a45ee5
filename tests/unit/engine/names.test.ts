// Distinguished names in the engine (src/main/engine/names.ts): the RFC 5280 bounds every
// subject is checked against, each problem naming its field and rule.
import { describe, expect, it } from 'vitest'
import { checkDistinguishedName } from '../../../src/main/engine/names'

describe('RFC 5280 subject bounds', () => {
  it('names the field and the rule', () => {
    expect(checkDistinguishedName([[{ type: 'C', value: 'Germany' }], [{ type: 'CN', value: 'x' }]]).map((p) => [p.code, p.field])).toEqual([['SUBJECT_COUNTRY_INVALID', 'subject.C']])
    expect(checkDistinguishedName([[{ type: 'C', value: 'Dé' }]]).map((p) => p.code)).toEqual(['SUBJECT_COUNTRY_INVALID'])
    expect(checkDistinguishedName([[{ type: 'CN', value: 'a'.repeat(65) }]]).map((p) => [p.code, p.field])).toEqual([['SUBJECT_ATTRIBUTE_TOO_LONG', 'subject.CN']])
    expect(checkDistinguishedName([[{ type: 'serialNumber', value: 'ü1' }]]).map((p) => p.code)).toEqual(['SUBJECT_ATTRIBUTE_NOT_PRINTABLE'])
    expect(checkDistinguishedName([[{ type: 'C', value: 'DE' }], [{ type: 'CN', value: 'a'.repeat(64) }], [{ type: 'L', value: 'l'.repeat(128) }]])).toEqual([])
  })
})

// The renderer's pure helpers: SAN parsing, subject building, passphrase strength, the CA
// tree order, fingerprints and countdowns.
import { describe, expect, it } from 'vitest'
import { parseSans, subjectFromFields, subjectFieldOfPath } from '../../../src/renderer/src/lib/names'
import { passphraseStrength } from '../../../src/renderer/src/lib/passphrase'
import { colonHex, countdown, keySpecLabel } from '../../../src/renderer/src/lib/format'
import { fieldError, unplacedError } from '../../../src/renderer/src/lib/field-errors'
import { authorityTreeOrder } from '../../../src/renderer/src/lib/authority-tree'

describe('renderer lib', () => {
  it('parses SANs typed one per line or comma-separated, guessing bare names', () => {
    expect(parseSans('www.example.com, ip:10.0.0.5\nops@example.com\n10.1.2.3\n2001:db8::1\nuri:https://x.example/a')).toEqual([
      { type: 'dns', value: 'www.example.com' },
      { type: 'ip', value: '10.0.0.5' },
      { type: 'email', value: 'ops@example.com' },
      { type: 'ip', value: '10.1.2.3' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'uri', value: 'https://x.example/a' }
    ])
    expect(parseSans(' , \n')).toEqual([])
  })

  it('builds the subject most significant first and maps error paths back to the field', () => {
    const dn = subjectFromFields({ CN: ' web ', O: 'Example', C: 'DE', OU: '' })
    expect(dn).toEqual([[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'web' }]])
    expect(subjectFieldOfPath(dn, 'subject.2.0.value')).toBe('CN')
    expect(subjectFieldOfPath(dn, 'subject.0.0.value')).toBe('C')
    expect(subjectFieldOfPath(dn, 'name')).toBeUndefined()
  })

  it('grades passphrases: short ones are too short whatever their characters, repetition adds little', () => {
    expect(passphraseStrength('Aa1!Aa1!').label).toBe('too short')
    expect(passphraseStrength('aaaaaaaaaaaaaaaa').label).toBe('weak')
    expect(passphraseStrength('correct horse battery staple').label).toBe('strong')
    expect(passphraseStrength('x', 1).label).not.toBe('too short')
  })

  it('formats fingerprints, key specs and countdowns', () => {
    expect(colonHex('0a1bff')).toBe('0A:1B:FF')
    expect(keySpecLabel('ec-p384')).toBe('ECDSA P-384')
    expect(keySpecLabel('rsa-3072')).toBe('RSA 3072')
    const now = new Date('2026-01-01T00:00:00Z')
    expect(countdown('2026-01-03T05:00:00Z', now)).toBe('in 2 d 5 h')
    expect(countdown('2026-01-01T00:30:00Z', now)).toBe('in 30 min')
    expect(countdown('2025-12-31T22:00:00Z', now)).toBe('2 h 0 min ago')
  })

  it('places a coded error beside its field (or a sub-field), and only there', () => {
    const e = { code: 'INVALID_REQUEST', message: 'subject.0.0.value: too long', field: 'subject.0.0.value' }
    expect(fieldError(e, 'subject')).toBe(e.message)
    expect(fieldError(e, 'sub')).toBeUndefined()
    expect(unplacedError(e, ['name', 'subject'])).toBeNull()
    expect(unplacedError(e, ['name'])).toBe(e)
    expect(unplacedError({ code: 'X', message: 'm' }, ['name'])).toEqual({ code: 'X', message: 'm' })
  })

  it('orders the CA tree roots first, each followed by its subordinates', () => {
    const ca = (id: string, name: string, parentId: string | null): { id: string; name: string; parentId: string | null } => ({ id, name, parentId })
    const order = authorityTreeOrder([ca('i2', 'B issuing', 'r1'), ca('r2', 'Z root', null), ca('r1', 'A root', null), ca('i1', 'A issuing', 'r1'), ca('x', 'orphan', 'gone')])
    expect(order.map((o) => `${'-'.repeat(o.depth)}${o.item.name}`)).toEqual(['A root', '-A issuing', '-B issuing', 'orphan', 'Z root'])
  })
})

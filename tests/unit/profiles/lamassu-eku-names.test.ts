// Lamassu extended key usage names, a profile whose fixed end has passed refused at
// create/import, calendar years.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromLamassu, importProfileText } from '../../../src/main/engine/profiles'
import { addDuration } from '../../../src/shared/domain/profile'

const FIX = join(__dirname, '../../fixtures/profiles')
const web = (): Record<string, unknown> => JSON.parse(readFileSync(join(FIX, 'lamassu-web-server.json'), 'utf8')) as Record<string, unknown>

describe('Lamassu extended key usage names', () => {
  it('accepts the names Lamassu uses, in any case, as well as OIDs', () => {
    const r = fromLamassu({ ...web(), extended_key_usages: ['ServerAuth', 'ClientAuth', 'CodeSigning', 'EmailProtection', 'TimeStamping', 'OCSPSigning', 'ocsp_signing', '1.3.6.1.4.1.311.10.3.3'] })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.profile.extendedKeyUsages).toEqual([
      '1.3.6.1.5.5.7.3.1',
      '1.3.6.1.5.5.7.3.2',
      '1.3.6.1.5.5.7.3.3',
      '1.3.6.1.5.5.7.3.4',
      '1.3.6.1.5.5.7.3.8',
      '1.3.6.1.5.5.7.3.9',
      '1.3.6.1.4.1.311.10.3.3'
    ])
  })
  it('refuses an unknown name, naming the entry', () => {
    const r = fromLamassu({ ...web(), extended_key_usages: ['ServerAuth', 'WebStuff'] })
    expect(r.ok ? 'OK' : [r.error.code, r.error.field]).toEqual(['INVALID_OBJECT', 'extended_key_usages[1]'])
  })
})

describe('polish: a fixed end date that has passed', () => {
  const NOW = new Date('2026-11-23T12:00:00Z')
  const doc = (time: string) => JSON.stringify({ ...web(), validity: { type: 'Time', time } })
  it('is refused at import/create with INVALID_OBJECT naming validity.time', () => {
    const r = importProfileText(doc('2025-01-01T00:00:00Z'), 'auto', NOW)
    expect(r.ok ? 'OK' : [r.error.code, r.error.field]).toEqual(['INVALID_OBJECT', 'validity.time'])
    expect(r.ok ? '' : r.error.message).toContain('2025-01-01T00:00:00Z')
  })
  it('a future end date imports', () => {
    const r = importProfileText(doc('2031-06-30T00:00:00Z'), 'auto', NOW)
    expect(r.ok && r.value.profile.validity).toEqual({ type: 'Time', time: '2031-06-30T00:00:00Z' })
  })
})

describe('polish: profile years are calendar years', () => {
  it.each([
    ['2026-11-22T10:00:00.000Z', '5y', '2031-11-22T10:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', '1y', '2029-02-28T00:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', '4y', '2032-02-29T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', '90d', '2026-05-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00.000Z', '1y1d12h', '2027-01-02T12:00:00.000Z']
  ])('%s + %s = %s', (start, d, end) => {
    expect(addDuration(new Date(start), d)?.toISOString()).toBe(end)
  })
  it('undefined for text that is not a duration', () => {
    expect(addDuration(new Date(), '5 years')).toBeUndefined()
  })
})

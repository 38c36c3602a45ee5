// The shared profile schema: defaults, field-precise messages the editor shows, and the small
// parsers it relies on (IP, CIDR, durations, attribute names).
import { describe, expect, it } from 'vitest'
import { canonicalAttributeType, cidrContains, durationSeconds, parseCidr, parseIp, profileBody, profileDto, addDuration } from '../../../src/shared/domain/profile'

const issues = (input: unknown) => {
  const r = profileBody.safeParse(input)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('parsers', () => {
  it('IPv4 and IPv6, including compressed and v4-mapped forms', () => {
    expect(parseIp('192.0.2.1')).toEqual(new Uint8Array([192, 0, 2, 1]))
    expect(parseIp('256.0.0.1')).toBeUndefined()
    expect(parseIp('01.2.3.4')).toBeUndefined()
    expect(parseIp('::1')).toEqual(new Uint8Array([...new Array<number>(15).fill(0), 1]))
    expect(parseIp('2001:db8::')?.slice(0, 4)).toEqual(new Uint8Array([0x20, 0x01, 0x0d, 0xb8]))
    expect(parseIp('::ffff:192.0.2.1')?.slice(10)).toEqual(new Uint8Array([0xff, 0xff, 192, 0, 2, 1]))
    expect(parseIp('1:2:3:4:5:6:7:8')?.[15]).toBe(8)
    expect(parseIp('1::2::3')).toBeUndefined()
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined()
    expect(parseIp('example.com')).toBeUndefined()
  })
  it('CIDRs and containment', () => {
    const c = parseCidr('10.0.0.0/8')!
    expect(cidrContains(c, parseIp('10.255.0.1')!)).toBe(true)
    expect(cidrContains(c, parseIp('11.0.0.1')!)).toBe(false)
    expect(cidrContains(c, parseIp('::1')!)).toBe(false)
    expect(cidrContains(parseCidr('192.0.2.128/25')!, parseIp('192.0.2.127')!)).toBe(false)
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseIp('2001:db8:ffff::1')!)).toBe(true)
    expect(parseCidr('192.0.2.1')?.prefix).toBe(32)
    expect(parseCidr('10.0.0.0/33')).toBeUndefined()
    expect(parseCidr('::/129')).toBeUndefined()
  })
  it('durations: y = 365 days, combined units', () => {
    expect(durationSeconds('90d')).toBe(90 * 86400)
    expect(durationSeconds('1y')).toBe(365 * 86400)
    expect(durationSeconds('1Y')).toBe(365 * 86400)
    expect(durationSeconds('2w3d12h30m15s')).toBe(17 * 86400 + 12 * 3600 + 30 * 60 + 15)
    expect(durationSeconds('90')).toBeUndefined()
    expect(durationSeconds('1 year')).toBeUndefined()
  })
  it('attribute types by short name, long name or OID', () => {
    expect(canonicalAttributeType('commonName')).toBe('CN')
    expect(canonicalAttributeType('2.5.4.10')).toBe('O')
    expect(canonicalAttributeType('emailAddress')).toBe('emailAddress')
    expect(canonicalAttributeType('E')).toBe('emailAddress')
    expect(canonicalAttributeType('1.2.3.4')).toBe('1.2.3.4')
  })
})

describe('profileBody', () => {
  it('a name alone is a complete profile with explicit defaults', () => {
    const p = profileBody.parse({ name: '  Spaces trimmed  ' })
    expect(p).toMatchObject({
      name: 'Spaces trimmed',
      validity: { type: 'Duration', duration: '90d' },
      issuerCeiling: 'reject',
      signAsCa: false,
      keyUsage: ['digitalSignature'],
      honorSubject: true,
      crypto: { enabled: true, allowRsa: true, rsaKeySizes: [2048, 3072, 4096], allowEcdsa: true, ecdsaCurves: ['P-256', 'P-384'], allowEd25519: false },
      signature: { hash: 'SHA-256', rsaPss: false },
      san: { fromCsr: true, critical: 'auto', allowWildcards: false }
    })
  })
  it('durations are normalized to lower case', () => {
    expect(profileBody.parse({ name: 'x', validity: { type: 'Duration', duration: '1Y' } }).validity).toEqual({ type: 'Duration', duration: '1y' })
  })
  it('each field error names its path and the fix', () => {
    expect(issues({ name: '' })).toEqual(['name: must not be empty'])
    expect(issues({ name: 'x', validity: { type: 'Time', time: 'tomorrow' } })[0]).toMatch(/^validity\.time: must be an ISO 8601/)
    expect(issues({ name: 'x', extendedKeyUsages: ['serverAuth'] })[0]).toMatch(/^extendedKeyUsages\.0: must be a dotted OID/)
    expect(issues({ name: 'x', san: { dnsPatterns: ['bad pattern'] } })[0]).toMatch(/^san\.dnsPatterns\.0:/)
    expect(issues({ name: 'x', subjectAttributes: [{ type: 'Nickname' }] })[0]).toMatch(/^subjectAttributes\.0\.type: must be a known attribute/)
    expect(issues({ name: 'x', subjectAttributes: [{ type: 'CN', pattern: '([' }] })[0]).toMatch(/^subjectAttributes\.0\.pattern: must be a valid regular expression/)
    expect(issues({ name: 'x', crlDistributionPoints: ['not a url'] })[0]).toMatch(/^crlDistributionPoints\.0:/)
    expect(issues({ name: 'x', crypto: { rsaKeySizes: [512] } })[0]).toMatch(/^crypto\.rsaKeySizes\.0:/)
  })
  it('cross-field rules are reported on the field to fix', () => {
    expect(issues({ name: 'x', pathLength: 0 })).toEqual(['pathLength: may only be set on a CA profile (signAsCa)'])
    expect(issues({ name: 'x', signAsCa: true, keyUsage: ['digitalSignature'] })).toEqual(['keyUsage: must include keyCertSign on a CA profile'])
    expect(issues({ name: 'x', keyUsage: ['keyCertSign'] })).toEqual(['keyUsage: may include keyCertSign only on a CA profile (signAsCa)'])
    expect(issues({ name: 'x', keyUsage: ['encipherOnly'] })).toEqual(['keyUsage: encipherOnly and decipherOnly require keyAgreement'])
    expect(issues({ name: 'x', maxValidityDays: 397, validity: { type: 'Duration', duration: '2y' } })).toEqual(['validity.duration: is 730 days, more than maxValidityDays (397)'])
    expect(issues({ name: 'x', renewal: { windowDays: 90 } })).toEqual(['renewal.windowDays: must be less than the validity (90 days)'])
    expect(issues({ name: 'x', crypto: { allowRsa: false, allowEcdsa: false } })[0]).toMatch(/^crypto: allows no key type/)
    expect(issues({ name: 'x', crypto: { rsaKeySizes: [] } })).toEqual(['crypto.rsaKeySizes: must list at least one size when RSA is allowed'])
    expect(issues({ name: 'x', subjectAttributes: [{ type: 'O', sources: ['fixed'] }] })).toEqual(['subjectAttributes.0.value: must be set: O takes a fixed value'])
    expect(issues({ name: 'x', subjectAttributes: [{ type: 'CN' }, { type: 'commonName' }] })).toEqual(['subjectAttributes.1.type: commonName has more than one rule'])
    expect(issues({ name: 'x', san: { allowedTypes: ['dns'], rules: [{ type: 'email' }] } })).toEqual(['san.rules.0.type: email is not in san.allowedTypes'])
  })
})

describe('profileDto (what crosses IPC)', () => {
  it('drops the verbatim round-trip data and keeps everything else', () => {
    const body = profileBody.parse({
      name: 'x',
      extras: { lamassu: { engine: 'y' } },
      subjectAttributes: [{ type: 'O', sources: ['fixed'], value: 'Acme', foreignSources: [{ source: 'AD_ATTRIBUTE' }] }]
    })
    const dto = profileDto.parse({ ...body, id: 'x', archived: false, source: null, createdAt: 'a', updatedAt: 'b' })
    expect('extras' in dto).toBe(false)
    expect(dto.subjectAttributes[0]).toEqual({ type: 'O', mandatory: false, multiple: false, sources: ['fixed'], value: 'Acme' })
    expect(dto.name).toBe('x')
  })
})

describe('addDuration: profile years are calendar years', () => {
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

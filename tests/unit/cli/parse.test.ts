import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from 'commander'
import {
  addDuration,
  collectKeyValue,
  formatSerial,
  normalizeSerial,
  parseDuration,
  parseIsoDate,
  parseKeySpec,
  parseNonNegativeInt,
  parsePositiveInt,
  parseProtection
} from '../../../src/cli/parse'

describe('normalizeSerial', () => {
  it('accepts serials with or without colons, any case, and prints uppercase hex without separators', () => {
    expect(normalizeSerial('01:a3:ff')).toBe('01A3FF')
    expect(normalizeSerial('01A3FF')).toBe('01A3FF')
    expect(normalizeSerial('01a3ff')).toBe('01A3FF')
    expect(normalizeSerial('0x01A3FF')).toBe('01A3FF')
    expect(normalizeSerial(' 01 a3 ff ')).toBe('01A3FF')
  })

  it('pads single-digit octets between colons (1:a3 is 01A3)', () => {
    expect(normalizeSerial('1:a3:f')).toBe('01A30F')
  })

  it('keeps leading zero octets, which belong to the DER INTEGER', () => {
    expect(normalizeSerial('00:8f:01')).toBe('008F01')
  })

  it('rejects non-hex, empty and oddly separated input as usage errors', () => {
    expect(() => normalizeSerial('01:zz')).toThrow(InvalidArgumentError)
    expect(() => normalizeSerial('')).toThrow(/empty/)
    expect(() => normalizeSerial('012:34')).toThrow(/separators/)
  })

  it('formatSerial strips colons and uppercases', () => {
    expect(formatSerial('0a:bc:de')).toBe('0ABCDE')
  })
})

describe('durations', () => {
  it('parses years, days and hours', () => {
    expect(parseDuration('10y')).toEqual({ amount: 10, unit: 'y', text: '10y' })
    expect(parseDuration('397D')).toEqual({ amount: 397, unit: 'd', text: '397d' })
    expect(parseDuration('12h').unit).toBe('h')
  })

  it('rejects zero, negatives, minutes and bare numbers', () => {
    for (const bad of ['0d', '-1y', '5m', '30', 'ten years', '']) expect(() => parseDuration(bad), bad).toThrow(InvalidArgumentError)
  })

  it('adds calendar years and days in UTC', () => {
    const from = new Date('2024-02-29T00:00:00Z')
    expect(addDuration(from, parseDuration('1y')).toISOString()).toBe('2025-03-01T00:00:00.000Z')
    expect(addDuration(from, parseDuration('30d')).toISOString()).toBe('2024-03-30T00:00:00.000Z')
    expect(addDuration(from, parseDuration('36h')).toISOString()).toBe('2024-03-01T12:00:00.000Z')
  })
})

describe('option values', () => {
  it('key specs are the domain enum, case-insensitive', () => {
    expect(parseKeySpec('EC-P256')).toBe('ec-p256')
    expect(parseKeySpec('ed25519')).toBe('ed25519')
    expect(() => parseKeySpec('rsa-1024')).toThrow(/rsa-2048/)
  })

  it('protections are keychain, passphrase or both', () => {
    expect(parseProtection('passphrase')).toBe('passphrase')
    expect(() => parseProtection('plaintext')).toThrow(/keychain/)
  })

  it('counts are whole numbers', () => {
    expect(parseNonNegativeInt('0')).toBe(0)
    expect(parsePositiveInt('25')).toBe(25)
    expect(() => parsePositiveInt('0')).toThrow(InvalidArgumentError)
    expect(() => parseNonNegativeInt('1.5')).toThrow(InvalidArgumentError)
    expect(() => parseNonNegativeInt('-1')).toThrow(InvalidArgumentError)
  })

  it('ISO dates, date-only or with time', () => {
    expect(parseIsoDate('2026-01-31').toISOString()).toBe('2026-01-31T00:00:00.000Z')
    expect(parseIsoDate('2026-01-31T12:30:00Z').toISOString()).toBe('2026-01-31T12:30:00.000Z')
    expect(() => parseIsoDate('31/01/2026')).toThrow(/ISO 8601/)
    expect(() => parseIsoDate('2026-13-45')).toThrow(InvalidArgumentError)
  })

  it('repeated field=value options accumulate in order', () => {
    const a = collectKeyValue('subject.common_name=dev-1', undefined)
    const b = collectKeyValue('subject.organization_unit=a=b', a)
    expect(b).toEqual([
      { key: 'subject.common_name', value: 'dev-1' },
      { key: 'subject.organization_unit', value: 'a=b' }
    ])
    expect(() => collectKeyValue('novalue', undefined)).toThrow(/field=value/)
  })
})

// The pure parts of the command groups: subject and SAN syntax, how batch files split into
// requests, the export format mapping, validity and hash defaults.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from 'commander'
import { parseDnText, parseSan, collectSan } from '../../../src/cli/names'
import { itemsOfBytes } from '../../../src/cli/commands/issue'
import { exportFormatOf } from '../../../src/cli/commands/cert'
import { defaultHash, validityDays } from '../../../src/cli/commands/ca'
import { parseDuration } from '../../../src/cli/parse'
import { CliError } from '../../../src/cli/context'

describe('parseDnText', () => {
  it('reads RFC 4514 order (most specific first) into the model (most significant first)', () => {
    expect(parseDnText('CN=Example Root,O=Example,C=DE')).toEqual([[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'Example Root' }]])
  })

  it('handles escaped commas, hex escapes, multi-valued RDNs, spaces and OIDs', () => {
    expect(parseDnText('CN=a\\, b + UID=7, O=Ex\\2Cample, 2.5.4.97=VATDE-123')).toEqual([
      [{ type: '2.5.4.97', value: 'VATDE-123' }],
      [{ type: 'O', value: 'Ex,ample' }],
      [
        { type: 'CN', value: 'a, b' },
        { type: 'UID', value: '7' }
      ]
    ])
  })

  it('rejects empty subjects, missing values and bad types', () => {
    expect(() => parseDnText('')).toThrow(InvalidArgumentError)
    expect(() => parseDnText('CN=')).toThrow(/TYPE=value/)
    expect(() => parseDnText('just a name')).toThrow(/TYPE=value/)
    expect(() => parseDnText('C N=x')).toThrow(InvalidArgumentError)
  })
})

describe('parseSan', () => {
  it('reads type:value for every SAN type, case-insensitive type', () => {
    expect(parseSan('dns:a.example')).toEqual({ type: 'dns', value: 'a.example' })
    expect(parseSan('IP:2001:db8::1')).toEqual({ type: 'ip', value: '2001:db8::1' })
    expect(parseSan('uri:https://a.example/x')).toEqual({ type: 'uri', value: 'https://a.example/x' })
    expect(collectSan('email:a@example', [{ type: 'dns', value: 'x' }])).toHaveLength(2)
  })

  it('refuses a bare name or an unknown type', () => {
    expect(() => parseSan('a.example')).toThrow(/TYPE:value/)
    expect(() => parseSan('fax:123')).toThrow(InvalidArgumentError)
  })
})

describe('itemsOfBytes', () => {
  const csr = (n: number): string => `-----BEGIN CERTIFICATE REQUEST-----\nQUJD${n}\n-----END CERTIFICATE REQUEST-----\n`

  it('one PEM request is one item, sent whole', () => {
    expect(itemsOfBytes('a.csr', Buffer.from(`junk\n${csr(1)}`))).toEqual([{ file: 'a.csr', csrPem: `junk\n${csr(1)}` }])
  })

  it('several requests in one file become file#1, file#2', () => {
    const items = itemsOfBytes('b.csr', Buffer.from(csr(1) + csr(2).replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')))
    expect(items.map((i) => i.file)).toEqual(['b.csr#1', 'b.csr#2'])
    expect(items[1]!.csrPem).toContain('BEGIN NEW CERTIFICATE REQUEST')
  })

  it('DER is wrapped as PEM', () => {
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])
    expect(itemsOfBytes('c.der', der)[0]!.csrPem).toBe('-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQA=\n-----END CERTIFICATE REQUEST-----\n')
  })
})

describe('exportFormatOf', () => {
  it('maps --format, --chain and --legacy to the service formats', () => {
    expect(exportFormatOf('pem', false, false)).toBe('pem')
    expect(exportFormatOf('pem', true, false)).toBe('pem-chain')
    expect(exportFormatOf('der', false, false)).toBe('der')
    expect(exportFormatOf('p7b', true, false)).toBe('p7b-der')
    expect(exportFormatOf('pfx', true, false)).toBe('pfx-modern')
    expect(exportFormatOf('pfx', false, true)).toBe('pfx-legacy')
  })

  it('refuses combinations that cannot be honoured, as usage errors', () => {
    for (const [format, chain, legacy] of [
      ['der', true, false],
      ['pem', false, true]
    ] as const) {
      try {
        exportFormatOf(format, chain, legacy)
        expect.unreachable()
      } catch (e) {
        expect(e).toBeInstanceOf(CliError)
        expect((e as CliError).exitCode).toBe(2)
      }
    }
  })
})

describe('CA defaults', () => {
  it('the signature hash follows the key strength', () => {
    expect(defaultHash('ec-p256')).toBe('SHA-256')
    expect(defaultHash('ec-p384')).toBe('SHA-384')
    expect(defaultHash('ec-p521')).toBe('SHA-512')
    expect(defaultHash('rsa-4096')).toBe('SHA-256')
  })

  it('validity in whole calendar days; less than a day is refused', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    expect(validityDays(parseDuration('10y'), now)).toBe(3652)
    expect(validityDays(parseDuration('397d'), now)).toBe(397)
    expect(validityDays(parseDuration('36h'), now)).toBe(2)
    expect(() => validityDays(parseDuration('11h'), now)).toThrow(/shorter than a day/)
  })
})

describe('cert revoke --reason', () => {
  it('offers only reasons a full CRL may carry and the service accepts (certificateHold, released with cert release)', async () => {
    const { REVOCATION_REASONS } = await import('../../../src/cli/commands/cert')
    expect(REVOCATION_REASONS).not.toContain('removeFromCRL')
    expect(REVOCATION_REASONS).toContain('certificateHold')
    expect(REVOCATION_REASONS).toEqual(expect.arrayContaining(['keyCompromise', 'superseded', 'cessationOfOperation', 'cACompromise']))
  })
})

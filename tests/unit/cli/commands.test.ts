// The pure parts of the command groups: subject and SAN syntax, how batch files split into
// requests, the export format mapping, validity and hash defaults.
import { describe, expect, it, afterAll, beforeAll } from 'vitest'
import { InvalidArgumentError } from 'commander'
import { parseDnText, parseSan, collectSan, parseDnOption } from '../../../src/cli/names'
import { itemsOfBytes, readCsrFile } from '../../../src/cli/commands/issue'
import { exportFormatOf } from '../../../src/cli/commands/cert'
import { defaultHash, validityDays } from '../../../src/cli/commands/ca'
import { parseDuration } from '../../../src/cli/parse'
import { CliError } from '../../../src/cli/context'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_CSR_FILE_BYTES, checkOutputDir, checkOutputFile, readInput, writeOutput } from '../../../src/cli/commands/common'
import { csrDefaultFindings, findingLines } from '../../../src/cli/commands/findings'
import { unlockFailure } from '../../../src/cli/resolve'

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

describe("input and output files, csr inspect findings, messages in the operator's terms", () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-files-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function cliError(f: () => unknown): CliError {
    try {
      f()
    } catch (e) {
      if (e instanceof CliError) return e
      throw e
    }
    throw new Error('expected a CliError')
  }

  describe('input files', () => {
    it('a missing, empty or directory CSR file is a usage error naming it (exit 2), with a hint for the empty one', () => {
      const missing = cliError(() => readCsrFile(join(dir, 'nope.csr')))
      expect(missing.exitCode).toBe(2)
      expect(missing.error).toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringContaining('nope.csr does not exist') })
      writeFileSync(join(dir, 'empty.csr'), '')
      const empty = cliError(() => readCsrFile(join(dir, 'empty.csr')))
      expect(empty.exitCode).toBe(2)
      expect(empty.error.code).toBe('FILE_EMPTY')
      expect(empty.error.message).toMatch(/empty\.csr is empty; give a certificate signing request, PEM .* or DER/)
      expect(cliError(() => readCsrFile(dir)).error.message).toMatch(/is a directory/)
    })

    it('an oversized file is refused from its size on disk, with its real size, before reading it', () => {
      const big = join(dir, 'big.csr')
      writeFileSync(big, '')
      truncateSync(big, 1_100_000) // sparse: nothing to read, the size alone decides
      const e = cliError(() => readCsrFile(big))
      expect(e.exitCode).toBe(2)
      expect(e.error.code).toBe('FILE_TOO_LARGE')
      expect(e.error.message).toContain('is 1100000 bytes, over the 1 MiB limit')
      truncateSync(big, MAX_CSR_FILE_BYTES)
      expect(readCsrFile(big).length).toBe(MAX_CSR_FILE_BYTES)
      expect(readInput(big, 'x').length).toBe(MAX_CSR_FILE_BYTES)
    })
  })

  describe('output files', () => {
    it('an existing file is refused without --force and replaced with it', () => {
      const f = join(dir, 'exists.pem')
      writeFileSync(f, 'old')
      const e = cliError(() => checkOutputFile(f))
      expect(e.exitCode).toBe(2)
      expect(e.error).toMatchObject({ code: 'OUTPUT_EXISTS', field: '--out' })
      expect(e.error.message).toContain('pass --force')
      expect(() => checkOutputFile(f, { force: true })).not.toThrow()
      expect(cliError(() => writeOutput(f, 'new')).error.message).toMatch(/already exists; pass --force/)
      expect(readFileSync(f, 'utf8')).toBe('old')
      writeOutput(f, 'new', { force: true })
      expect(readFileSync(f, 'utf8')).toBe('new')
    })

    it('a missing folder is never created; the error names it', () => {
      const f = join(dir, 'no', 'such', 'folder', 'crl.pem')
      const e = cliError(() => checkOutputFile(f, { option: '--out-csr' }))
      expect(e.exitCode).toBe(2)
      expect(e.error.code).toBe('OUTPUT_FOLDER_MISSING')
      expect(e.error.message).toContain(join(dir, 'no', 'such', 'folder'))
      expect(e.error.message).toContain('--out-csr')
      expect(cliError(() => writeOutput(f, 'x')).error.message).toMatch(/does not exist; create it first/)
      expect(existsSync(join(dir, 'no'))).toBe(false)
    })

    it('a directory as the file, or a file as the folder, is named as such', () => {
      expect(cliError(() => checkOutputFile(dir)).error.code).toBe('OUTPUT_IS_DIRECTORY')
      const file = join(dir, 'plain')
      writeFileSync(file, 'x')
      expect(cliError(() => checkOutputFile(join(file, 'x.pem'))).error.message).toContain('is not a directory')
      const asDir = cliError(() => checkOutputDir(file))
      expect(asDir.exitCode).toBe(2)
      expect(asDir.error.message).toBe(`${file} (--out) is not a directory; give the folder to write into.`)
      expect(cliError(() => checkOutputDir(join(dir, 'gone'))).error.message).toMatch(/does not exist; create it first/)
      expect(() => checkOutputDir(dir)).not.toThrow()
    })

    it('secret outputs are written 0600', () => {
      const f = join(dir, 'secret.pfx')
      writeOutput(f, 'k', { secret: true })
      expect(readFileSync(f, 'utf8')).toBe('k')
      expect(statSync(f).mode & 0o777).toBe(0o600)
    })
  })

  describe('csr inspect default-policy findings', () => {
    const key = (family: 'rsa' | 'ec', size: number, curve?: string) => ({ family, size, ...(curve ? { curve } : {}), sha256: 'x' })

    it('flags RSA below 2048 (baseline and default sizes) and a SHA-1 or MD5 proof of possession', () => {
      const rsa1024 = csrDefaultFindings({ publicKey: key('rsa', 1024), signatureAlgorithm: 'sha256WithRSAEncryption' })
      expect(rsa1024.map((f) => f.code)).toEqual(['RSA_KEY_TOO_SMALL', 'RSA_KEY_SIZE_NOT_ALLOWED'])
      const sha1 = csrDefaultFindings({ publicKey: key('rsa', 2048), signatureAlgorithm: 'sha1WithRSAEncryption' })
      expect(sha1).toEqual([expect.objectContaining({ code: 'CSR_WEAK_SIGNATURE_HASH', severity: 'warning' })])
      expect(csrDefaultFindings({ publicKey: key('rsa', 2048), signatureAlgorithm: 'md5WithRSAEncryption' })[0]!.code).toBe('CSR_WEAK_SIGNATURE_HASH')
      expect(csrDefaultFindings({ publicKey: key('ec', 256, 'P-256'), signatureAlgorithm: 'ecdsa-with-SHA256' })).toEqual([])
      expect(csrDefaultFindings({ publicKey: key('ec', 256, 'secp256k1'), signatureAlgorithm: 'ecdsa-with-SHA256' })[0]!.code).toBe('ECDSA_CURVE_UNSUPPORTED')
    })

    it('prints every finding on its own line, never "(and N more)"', () => {
      const lines = findingLines([
        { code: 'A', severity: 'error', message: 'first' },
        { code: 'B', severity: 'warning', message: 'second\nline' },
        { code: 'C', message: 'third' }
      ])
      expect(lines).toEqual(['error[A]: first', 'warning[B]: second line', 'error[C]: third'])
    })
  })

  describe('messages in the operator\'s terms', () => {
    it('a bad --subject is a usage error naming --subject', () => {
      for (const text of ['garbage', 'CN=', '']) {
        const e = cliError(() => parseDnOption(text))
        expect(e.exitCode).toBe(2)
        expect(e.error).toMatchObject({ code: 'SUBJECT_INVALID', field: '--subject' })
        expect(e.error.message).toMatch(/^The subject ".*" \(--subject\) cannot be read\. /)
      }
    })

    it('a wrong passphrase names the CA and where the passphrase came from, not the key id', () => {
      const uuid = '3f2b9c1e-1111-4222-8333-944455556666'
      const wrong = unlockFailure({ code: 'PASSPHRASE_WRONG', message: `the passphrase is wrong for key ${uuid}: check it and try again`, field: 'passphrase' }, 'the CA "Issuing1"', undefined)
      expect(wrong).toEqual({ code: 'PASSPHRASE_WRONG', message: 'The passphrase is wrong for the CA "Issuing1": check PKIDESK_PASSPHRASE.', field: 'PKIDESK_PASSPHRASE' })
      const fromFile = unlockFailure({ code: 'PASSPHRASE_WRONG', message: 'x' }, 'the CA "Root"', '/run/p.txt')
      expect(fromFile.message).toBe('The passphrase is wrong for the CA "Root": check the passphrase in /run/p.txt.')
      const other = unlockFailure({ code: 'KEYCHAIN_ENTRY_MISMATCH', message: `The keychain entry for key ${uuid} does not open it.` }, 'the CA "Root"', undefined)
      expect(other.message).toBe('The keychain entry for the key of the CA "Root" does not open it.')
      // A message that starts with the key keeps its capital once the key is named by its holder.
      const locked = unlockFailure({ code: 'VAULT_LOCKED', message: `Key ${uuid} is locked: unlock it and try again.` }, 'the CA "Root"', undefined)
      expect(locked.message).toBe('The key of the CA "Root" is locked: unlock it and try again.')
    })

  })
})

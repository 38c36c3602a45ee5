// The CLI's pure parts: input files checked from their size on disk, outputs that never
// clobber or create folders, loose secret files, the default-policy findings of `csr inspect`,
// messages in the operator's terms (CA names, CLI options, keychain advice for an existing
// key), and the exact, zero-tolerant serial lookup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CliError, readSecret } from '../../../src/cli/context'
import { MAX_CSR_FILE_BYTES, checkOutputDir, checkOutputFile, readInput, writeOutput } from '../../../src/cli/commands/common'
import { csrDefaultFindings, findingLines } from '../../../src/cli/commands/findings'
import { readCsrFile } from '../../../src/cli/commands/issue'
import { parseDnOption } from '../../../src/cli/names'
import { unlockFailure } from '../../../src/cli/resolve'
import { keychainMessageForExistingKey } from '../../../src/main/vault/keychain'
import { explainKeychainError } from '../../../src/main/vault/napi-keychain'

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

describe('secret files', () => {
  it('warns when a passphrase file is readable by group or others, not when it is 0600', () => {
    const f = join(dir, 'pass.txt')
    writeFileSync(f, 'a passphrase of some length\n')
    chmodSync(f, 0o644)
    const warnings: string[] = []
    expect(readSecret('passphrase', f, {}, (l) => warnings.push(l))).toBe('a passphrase of some length')
    expect(warnings).toEqual([`warning[SECRET_FILE_READABLE]: the CA key passphrase file ${f} is readable by its group and everyone (mode 0644); run chmod 600 ${f}.\n`])
    chmodSync(f, 0o640)
    warnings.length = 0
    readSecret('passphrase', f, {}, (l) => warnings.push(l))
    expect(warnings[0]).toContain('readable by its group (mode 0640)')
    chmodSync(f, 0o600)
    warnings.length = 0
    readSecret('passphrase', f, {}, (l) => warnings.push(l))
    expect(warnings).toEqual([])
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
      expect(e.error.message).toMatch(/^--subject /)
    }
  })

  it('a wrong passphrase names the CA and where the passphrase came from, not the key id', () => {
    const uuid = '3f2b9c1e-1111-4222-8333-944455556666'
    const wrong = unlockFailure({ code: 'PASSPHRASE_WRONG', message: `the passphrase is wrong for key ${uuid}: check it and try again`, field: 'passphrase' }, 'the CA "Issuing1"', undefined)
    expect(wrong).toEqual({ code: 'PASSPHRASE_WRONG', message: 'The passphrase is wrong for the CA "Issuing1": check PKIDESK_PASSPHRASE.', field: 'PKIDESK_PASSPHRASE' })
    const fromFile = unlockFailure({ code: 'PASSPHRASE_WRONG', message: 'x' }, 'the CA "Root"', '/run/p.txt')
    expect(fromFile.message).toBe('The passphrase is wrong for the CA "Root": check the passphrase in /run/p.txt.')
    const other = unlockFailure({ code: 'KEYCHAIN_ENTRY_MISMATCH', message: `the keychain entry for key ${uuid} does not open it` }, 'the CA "Root"', undefined)
    expect(other.message).toBe('the keychain entry for the key of the CA "Root" does not open it')
  })

  it('KEYCHAIN_UNAVAILABLE for an existing key says to start and unlock the keyring, never to choose passphrase protection', () => {
    const causes = [
      new Error('org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'),
      new Error('Platform secure storage failure: prompt dismissed, collection is locked'),
      new Error('Failed to connect to socket /run/user/0/bus: No such file or directory (dbus)')
    ]
    for (const c of causes) {
      const forNew = explainKeychainError(c, 'linux')
      expect(forNew).toMatch(/choose passphrase protection/)
      const forExisting = keychainMessageForExistingKey(forNew)
      expect(forExisting).not.toMatch(/choose passphrase protection/)
      expect(forExisting).toMatch(/start the Secret Service \(gnome-keyring\) and unlock your login keyring, then try again$/)
    }
    expect(keychainMessageForExistingKey('no Secret Service is running: start gnome-keyring or choose passphrase protection')).toBe(
      'no Secret Service is running: this key is kept in the keychain and cannot be opened without it; start the Secret Service (gnome-keyring) and unlock your login keyring, then try again'
    )
  })
})

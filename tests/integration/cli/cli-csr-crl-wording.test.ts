// `csr generate` and `crl generate` read by a new user: the help says the defaults, the
// formats and where each file goes; the new key's passphrase has the name cert export and
// cert renew read it by (--key-passphrase-file / PKIDESK_KEY_PASSPHRASE), is never called "the
// CA key passphrase", and the summary names the CSR's file, format and subject, not a vault id.
import { afterAll, describe, expect, it } from 'vitest'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../../src/cli/program'
import { openssl, tempDir } from '../../unit/engine/helpers'

const tmp = tempDir('pkidesk-cli-wording-')
const f = (name: string): string => join(tmp.dir, name)
afterAll(() => tmp.cleanup())

async function pk(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['--data-dir', join(tmp.dir, 'store'), ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** commander's help with its line wrapping undone (every run of white space one space), so a phrase never breaks across lines. */
async function help(command: string[]): Promise<string> {
  const r = await pk([...command, '--help'])
  return `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ')
}

describe('csr generate and crl generate say what they do', () => {
  it('crl generate --help names the default format, both formats and where the file goes', async () => {
    const h = await help(['crl', 'generate'])
    expect(h).toMatch(/--format <format>\s+der \(binary, what a CRL distribution point serves\) or pem \(Base64 text\); default: the CRL save format in the app's Settings, DER unless changed/)
    expect(h).toMatch(/--out <file>\s+where the CRL is written \(its folder must exist; an existing file only with --force\)/)
    expect(h).toContain('7 days unless changed')
    expect(h).toMatch(/--ca <caId>\s+the CA that signs it: its id or name/)
  })

  it('csr generate --help names the key passphrase as cert export and cert renew do, and says where each file goes', async () => {
    const h = await help(['csr', 'generate'])
    const renew = await help(['cert', 'renew'])
    const exportHelp = await help(['cert', 'export'])
    for (const other of [renew, exportHelp]) expect(other).toContain('--key-passphrase-file <file>')
    expect(h).toMatch(/--key-passphrase-file <file>\s+file holding the passphrase of the new key, 12\+ characters, for --protection passphrase or both \(else \$PKIDESK_KEY_PASSPHRASE/)
    // The old name still works but is not offered.
    expect(h).not.toMatch(/--passphrase-file <file>/)
    expect(h).toMatch(/--out-csr <file>\s+where the CSR is written, as PEM/)
    expect(h).toMatch(/--out-key <file>\s+also write the private key to this file: encrypted PKCS#8 PEM .*mode 0600 \(without it the key stays in the vault only\)/)
    expect(h).toMatch(/--protection <how>\s+how the vault keeps the key: keychain \(the OS keychain, the default\), passphrase, or both/)
    expect(h).toContain('SHA-384 for ec-p384')
    expect(h).not.toMatch(/CA key passphrase/)
  })

  it('csr generate reads --key-passphrase-file, says what it wrote without a vault id, and never calls the key a CA key', async () => {
    writeFileSync(f('key-pass.txt'), 'a new key passphrase 42')
    chmodSync(f('key-pass.txt'), 0o644)
    const r = await pk(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=words.example,O=Example', '--san', 'dns:words.example', '--out-csr', f('words.csr'), '--protection', 'passphrase', '--key-passphrase-file', f('key-pass.txt')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`Wrote the CSR for "CN=words.example, O=Example" to ${f('words.csr')} (PEM); the vault keeps the ECDSA P-256 key (passphrase) for the certificate issued from it.`)
    expect(r.stdout).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)
    expect(r.stdout).toMatch(/^key:\s+EC P-256$/m)
    // The loose file mode is flagged under the key's own name.
    expect(r.stderr).toBe(`warning[SECRET_FILE_READABLE]: the passphrase of the certificate's own key file ${f('key-pass.txt')} is readable by its group and everyone (mode 0644); run chmod 600 ${f('key-pass.txt')}.\n`)
    const verified = openssl(['req', '-in', f('words.csr'), '-noout', '-verify', '-subject'])
    expect(verified.out).toMatch(/verify OK/i)
    expect(verified.out).toMatch(/subject=.*CN\s?=\s?words\.example/)
    expect(readFileSync(f('words.csr'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/)
  })

  it('a missing or short key passphrase is asked for by the key passphrase names', async () => {
    const base = ['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=none.example', '--protection', 'both']
    const missing = await pk([...base, '--out-csr', f('none.csr')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe("error[PASSPHRASE_REQUIRED]: A new key protected by keychain + passphrase needs the passphrase of the certificate's own key; set PKIDESK_KEY_PASSPHRASE or pass --key-passphrase-file FILE.\n")
    const short = await pk([...base, '--out-csr', f('short.csr')], { PKIDESK_KEY_PASSPHRASE: 'short' })
    expect(short.code).toBe(2)
    expect(short.stderr).toMatch(/^error\[PASSPHRASE_TOO_SHORT\]: The new key's passphrase has 5 characters; use at least 12 \(PKIDESK_KEY_PASSPHRASE or --key-passphrase-file\)\./)
    const both = await pk([...base, '--out-csr', f('both.csr'), '--key-passphrase-file', f('key-pass.txt'), '--passphrase-file', f('key-pass.txt')])
    expect(both.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]/)
  })

  it('the old names still work: --passphrase-file, and PKIDESK_PASSPHRASE with a warning naming the new one', async () => {
    chmodSync(f('key-pass.txt'), 0o600)
    const oldFlag = await pk(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=old-flag.example', '--out-csr', f('old-flag.csr'), '--protection', 'passphrase', '--passphrase-file', f('key-pass.txt')])
    expect(oldFlag.code, oldFlag.stderr).toBe(0)
    expect(oldFlag.stderr).toBe('')
    const oldEnv = await pk(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=old-env.example', '--out-csr', f('old-env.csr'), '--protection', 'passphrase'], { PKIDESK_PASSPHRASE: 'a new key passphrase 42' })
    expect(oldEnv.code, oldEnv.stderr).toBe(0)
    expect(oldEnv.stderr).toMatch(/^warning\[PASSPHRASE_ENV_RENAMED\]: csr generate reads the new key's passphrase from PKIDESK_KEY_PASSPHRASE/)
  })
})

// pkidesk cert renew: a certificate whose key the vault holds is renewed with its profile
// (OpenSSL verifies the new one and finds the same key); the CA and the key passphrases come
// from their own variables or files; a certificate whose key is elsewhere, a missing key
// passphrase and unconfirmed warnings are refused with a code, a message and exit 1 or 2.
// pkidesk cert export --format pfx takes that key's passphrase from the same variable and flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { runCli } from '../../../src/cli/program'

const CA_PASS = 'correct horse battery staple'
const KEY_PASS = 'a different key passphrase'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)

async function pk(args: readonly string[], env: Record<string, string> = { PKIDESK_PASSPHRASE: CA_PASS }): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['--data-dir', dataDir, ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
async function pkJson<T>(args: readonly string[], env?: Record<string, string>): Promise<T> {
  const r = await pk(['--json', ...args], env)
  if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return JSON.parse(r.stdout) as T
}
const pemOf = async (serial: string): Promise<string> => (await pkJson<{ view: { pem: string } }>(['cert', 'show', serial])).view.pem

let caPem: string
let heldSerial: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-renew-'))
  dataDir = f('store')
  await pkJson(['ca', 'create', '--name', 'Renew Root', '--subject', 'CN=Renew Root,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
  caPem = (await pkJson<{ certificatePem: string }>(['ca', 'show', 'Renew Root'])).certificatePem
  writeFileSync(f('ca.pem'), caPem)
  // A key generated in the vault under its own passphrase, and a certificate for it.
  writeFileSync(f('key-pass.txt'), KEY_PASS, { mode: 0o600 })
  await pkJson(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=held.example,O=PKI Desk Tests', '--san', 'dns:held.example', '--out-csr', f('held.csr'), '--protection', 'passphrase', '--key-passphrase-file', f('key-pass.txt')])
  const issued = await pkJson<{ serial?: string }[]>(['issue', '--ca', 'Renew Root', '--profile', 'tls-server', f('held.csr')])
  heldSerial = issued[0]!.serial!
}, 60_000)
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk cert renew', { timeout: 60_000 }, () => {
  it('without the key passphrase: a usage error naming PKIDESK_KEY_PASSPHRASE, nothing issued', async () => {
    const before = (await pkJson<unknown[]>(['cert', 'list'])).length
    const r = await pk(['cert', 'renew', heldSerial])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error\[PASSPHRASE_REQUIRED\]: Renewing .* needs the passphrase of the certificate's own key; set PKIDESK_KEY_PASSPHRASE or pass --key-passphrase-file FILE/)
    const wrong = await pk(['cert', 'renew', heldSerial], { PKIDESK_PASSPHRASE: CA_PASS, PKIDESK_KEY_PASSPHRASE: 'not the key passphrase' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^error\[PASSPHRASE_WRONG\]: The passphrase is wrong for the key of certificate /)
    expect((await pkJson<unknown[]>(['cert', 'list'])).length).toBe(before)
  })

  it('renews with the same profile: same key and names, a new serial, verified by OpenSSL', async () => {
    const r = await pkJson<{ serial: string; renewedFromSerial: string; profileId: string }>(['cert', 'renew', heldSerial, '--key-passphrase-file', f('key-pass.txt')])
    expect(r.renewedFromSerial).toBe(heldSerial)
    expect(r.profileId).toBe('tls-server')
    expect(r.serial).not.toBe(heldSerial)
    const oldX = new X509Certificate(await pemOf(heldSerial))
    const newPem = await pemOf(r.serial)
    const x = new X509Certificate(newPem)
    writeFileSync(f('renewed.pem'), newPem)
    expect(execFileSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', f('ca.pem'), f('renewed.pem')], { encoding: 'utf8' })).toContain(': OK')
    expect(x.publicKey.export({ type: 'spki', format: 'pem' })).toBe(oldX.publicKey.export({ type: 'spki', format: 'pem' }))
    expect(x.subject).toBe(oldX.subject)
    expect(x.subjectAltName).toBe('DNS:held.example')
    // Text output names both serials.
    const text = await pk(['cert', 'renew', heldSerial], { PKIDESK_PASSPHRASE: CA_PASS, PKIDESK_KEY_PASSPHRASE: KEY_PASS })
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`^Renewed ${heldSerial} as [0-9A-F]{32} \\(CN=held\\.example`))
  })

  it('a certificate whose key is elsewhere: exit 1 with RENEW_NEEDS_CSR naming the profile, no passphrase asked', async () => {
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('other.key'), '-subj', '/CN=other.example', '-addext', 'subjectAltName=DNS:other.example', '-out', f('other.csr')], { stdio: 'ignore' })
    const issued = await pkJson<{ serial?: string }[]>(['issue', '--ca', 'Renew Root', '--profile', 'tls-server', f('other.csr')])
    const r = await pk(['cert', 'renew', issued[0]!.serial!], {})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[RENEW_NEEDS_CSR\]: PKI Desk does not hold the private key of certificate [0-9A-F]{32}.*"TLS server \(90 days\)"/)
    expect(readFileSync(f('other.key'), 'utf8')).toContain('PRIVATE KEY')
  })
})

describe('pkidesk cert export --format pfx of a key with its own passphrase', { timeout: 60_000 }, () => {
  const EXPORT_PASS = 'pfx export passphrase 42'
  const exp = (extra: readonly string[], env: Record<string, string>) => pk(['cert', 'export', heldSerial, '--format', 'pfx', '--force', ...extra], { PKIDESK_EXPORT_PASSPHRASE: EXPORT_PASS, ...env })

  it('asks for the key passphrase by the names cert renew uses, never for "the CA key passphrase"', async () => {
    const none = await exp(['--out', f('none.pfx')], { PKIDESK_PASSPHRASE: CA_PASS })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^error\[PASSPHRASE_REQUIRED\]: Putting the private key into the PFX needs the passphrase of the certificate's own key; set PKIDESK_KEY_PASSPHRASE or pass --key-passphrase-file FILE/)
    expect(none.stderr).not.toMatch(/CA key passphrase/)
    const wrong = await exp(['--out', f('wrong.pfx')], { PKIDESK_KEY_PASSPHRASE: 'not the key passphrase' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^error\[PASSPHRASE_WRONG\]: The passphrase is wrong for the key of certificate [0-9A-F]{32}: check PKIDESK_KEY_PASSPHRASE\./)
  })

  it.each([
    ['--key-passphrase-file', (out: string) => exp(['--out', out, '--key-passphrase-file', f('key-pass.txt')], {})],
    ['PKIDESK_KEY_PASSPHRASE', (out: string) => exp(['--out', out], { PKIDESK_KEY_PASSPHRASE: KEY_PASS })]
  ])('with %s: the PFX holds the certificate’s key (OpenSSL reads it)', async (_how, run) => {
    const out = f(`held-${_how.replace(/\W/g, '')}.pfx`)
    const r = await run(out)
    expect(r.code, r.stderr).toBe(0)
    const keyPem = execFileSync('openssl', ['pkcs12', '-in', out, '-nocerts', '-nodes', '-passin', `pass:${EXPORT_PASS}`], { encoding: 'utf8' })
    const certPem = await pemOf(heldSerial)
    const spki = (pem: string) => execFileSync('openssl', ['pkey', '-pubout'], { input: pem, encoding: 'utf8' })
    expect(spki(keyPem)).toBe(new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'pem' }))
  })
})

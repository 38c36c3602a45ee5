// `pkidesk ca create --permit/--exclude` end to end through the CLI program (in process, one
// store): the constraints OpenSSL reads in the CA certificate, refusals of malformed entries
// with their code and field, and `pkidesk issue` under the constrained CA: a name inside is
// issued and verifies with OpenSSL, a name outside is refused with the CA named.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/program'

const env = { PKIDESK_PASSPHRASE: 'correct horse battery staple' }
let work: string
const f = (name: string): string => join(work, name)

async function pk(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['--data-dir', f('store'), ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
const openssl = (args: readonly string[]): string => {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string }
    return `${x.stdout ?? ''}${x.stderr ?? ''}`
  }
}
function csr(name: string, subj: string): string {
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-subj', subj, '-out', f(`${name}.csr`)])
  return f(`${name}.csr`)
}
const create = (name: string, ...more: string[]) => pk(['ca', 'create', '--name', name, '--subject', `CN=${name},O=Example,C=DE`, '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase', ...more])

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-nc-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('pkidesk ca create --permit/--exclude', { timeout: 60_000 }, () => {
  it('writes every form, repeatable, into a critical nameConstraints that OpenSSL reads', async () => {
    const r = await create(
      'NC Root',
      ...['--permit', 'dns:example.com', '--permit', 'ip:10.0.0.0/8', '--permit', 'ip:2001:db8::/32', '--permit', 'email:example.com', '--permit', 'uri:.example.com', '--permit', 'dirname:O=Example,C=DE'],
      ...['--exclude', 'dns:bad.example.com', '--exclude', 'email:.mail.example.com']
    )
    expect(r.code, r.stderr).toBe(0)
    const show = await pk(['--json', 'ca', 'show', 'NC Root'])
    writeFileSync(f('root.pem'), (JSON.parse(show.stdout) as { certificatePem: string }).certificatePem)
    const text = openssl(['x509', '-in', f('root.pem'), '-noout', '-ext', 'nameConstraints'])
    expect(text).toContain('X509v3 Name Constraints: critical')
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Permitted: DNS:example.com IP:10.0.0.0/255.0.0.0 IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:0:0:0:0:0:0 email:example.com URI:.example.com DirName:C = DE, O = Example Excluded: DNS:bad.example.com email:.mail.example.com'
    )
  })

  it('a CA without --permit or --exclude has no nameConstraints', async () => {
    expect((await create('Open Root')).code).toBe(0)
    const show = JSON.parse((await pk(['--json', 'ca', 'show', 'Open Root'])).stdout) as { certificatePem: string }
    writeFileSync(f('open.pem'), show.certificatePem)
    expect(openssl(['x509', '-in', f('open.pem'), '-noout', '-text'])).not.toContain('Name Constraints')
  })

  it('refuses a malformed entry with its code and field before any key is made, and an unknown form as a usage error', async () => {
    const before = (await pk(['--json', 'ca', 'list'])).stdout
    const bad = await create('Bad', '--permit', 'dns:example.com', '--exclude', 'ip:10.0.0.1')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^error\[NAME_CONSTRAINT_INVALID\]: The excluded IP constraint "10\.0\.0\.1" has no prefix length; write a range as 10\.0\.0\.0\/8/)
    const json = await pk(['--json', 'ca', 'create', '--name', 'Bad', '--subject', 'CN=Bad', '--key', 'ec-p256', '--validity', '1y', '--protection', 'passphrase', '--permit', 'uri:https://example.com/'])
    expect(json.code).toBe(1)
    expect((JSON.parse(json.stdout) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'NAME_CONSTRAINT_INVALID', field: 'nameConstraints.permitted[0]' })
    const form = await create('Bad', '--permit', 'host:example.com')
    expect(form.code).toBe(2)
    expect(form.stderr).toMatch(/"host:example\.com" is not TYPE:value; use dns:example\.com, ip:10\.0\.0\.0\/8, email:example\.com, uri:example\.com or dirname:/)
    expect((await pk(['--json', 'ca', 'list'])).stdout).toBe(before)
  })

  it('pkidesk issue under the constrained CA: inside is issued and verifies, outside is refused naming the CA', async () => {
    mkdirSync(f('issued'))
    const good = await pk(['issue', '--ca', 'NC Root', '--profile', 'tls-server', '--out', f('issued'), csr('good', '/C=DE/O=Example/CN=www.example.com')])
    expect(good.code, good.stderr).toBe(0)
    const [file] = readdirSync(f('issued'))
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), join(f('issued'), file!)])).toMatch(/: OK\s*$/)
    for (const [subj, code] of [
      ['/C=DE/O=Example/CN=www.evil.org', 'NAME_NOT_PERMITTED'],
      ['/C=DE/O=Example/CN=bad.example.com', 'NAME_EXCLUDED'],
      ['/C=DE/O=Elsewhere/CN=www.example.com', 'NAME_NOT_PERMITTED']
    ] as const) {
      const request = csr(`bad${subj.length}`, subj)
      const r = await pk(['issue', '--ca', 'NC Root', '--profile', 'tls-server', request])
      expect(r.code, subj).toBe(1)
      expect(r.stderr, subj).toMatch(code === 'NAME_EXCLUDED' ? /which "NC Root" excludes/ : /is outside the names "NC Root" permits/)
      const json = await pk(['--json', 'issue', '--ca', 'NC Root', '--profile', 'tls-server', request])
      const [item] = JSON.parse(json.stdout) as { ok: boolean; error?: { details?: { findings: { code: string }[] } } }[]
      expect(item?.error?.details?.findings.map((x) => x.code), subj).toContain(code)
    }
    expect(readdirSync(f('issued'))).toHaveLength(1)
    expect(readFileSync(join(f('issued'), file!), 'utf8')).toContain('BEGIN CERTIFICATE')
  })
})

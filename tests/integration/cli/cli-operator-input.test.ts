// `pkidesk issue` with entered values, through the built CLI: the DigiCert TLM seed's example
// profile (CN and a mandatory e-mail SAN entered at enrollment), imported as written with
// `profile create`, issues with --set/--san and per-request --values; certificates checked by
// OpenSSL and node:crypto.
import { X509Certificate } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, openssl, runCli, type BuiltCli, type RunResult } from './built-cli'

const PASSPHRASE = 'operator input passphrase 1'
const SEED = resolve(__dirname, '../../fixtures/profiles/tlm-profile-list.json')

let cli: BuiltCli
let work: string
const f = (name: string): string => join(work, name)
const pk = (args: readonly string[]): Promise<RunResult> => runCli(cli, ['--data-dir', f('store'), ...args], { PKIDESK_PASSPHRASE: PASSPHRASE })
// The same two CSRs are signed again with other values: --reissue confirms each re-submission.
const issue = (args: readonly string[]): Promise<RunResult> => pk(['--json', 'issue', '--ca', 'Root', '--profile', 'Profile name', '--reissue', ...args])

interface Issued {
  file: string
  ok: boolean
  serial?: string
  certificate?: string
  error?: { code: string; message: string; field?: string }
}

/** The seed tutorial's request (Step 2) without its CN, which this profile takes from the operator. */
function seedCsr(name: string): string {
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f(`${name}.key`)], { stdio: 'ignore' })
  execFileSync('openssl', ['req', '-new', '-key', f(`${name}.key`), '-subj', '/DC=example/C=US/ST=Utah/L=Lehi/O=DigiCert Inc/postalCode=84043', '-out', f(`${name}.csr`)], { stdio: 'ignore' })
  return f(`${name}.csr`)
}

function cert(r: RunResult, index = 0): X509Certificate {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`)
  const item = (JSON.parse(r.stdout) as Issued[])[index]!
  return new X509Certificate(item.certificate!)
}

beforeAll(async () => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-input-'))
  const ca = await pk(['ca', 'create', '--name', 'Root', '--subject', 'CN=Input Root,C=US', '--key', 'rsa-2048', '--validity', '5y', '--protection', 'passphrase'])
  if (ca.code !== 0) throw new Error(ca.stderr)
  const created = await pk(['profile', 'create', SEED])
  if (created.code !== 0) throw new Error(created.stderr)
  expect(created.stdout).toContain('digicert-tlm')
  seedCsr('a')
  seedCsr('b')
}, 180_000)

afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk issue with entered values (TLM seed profile)', { timeout: 120_000 }, () => {
  it('issues with --set CN and --san email; OpenSSL reads both', async () => {
    const r = await issue(['--set', 'CN=host1.example.com', '--san', 'email:seat@example.com', '--validity-days', '90', '--hash', 'sha384', f('a.csr')])
    const c = cert(r)
    expect(c.subject).toContain('CN=host1.example.com')
    expect(c.subjectAltName).toBe('email:seat@example.com')
    writeFileSync(f('a.pem'), c.toString())
    const text = (await openssl(['x509', '-in', f('a.pem'), '-noout', '-text'])).stdout
    expect(text).toMatch(/Subject: .*street = 20 Cooper Square.*CN = host1\.example\.com/)
    expect(text).toContain('email:seat@example.com')
    expect(text).toContain('sha384WithRSAEncryption')
    expect(Math.round((new Date(c.validTo).getTime() - new Date(c.validFrom).getTime()) / 86_400_000)).toBe(90)
  })

  it('refuses without them (exit 1), naming both fields', async () => {
    const r = await issue([f('a.csr')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('refused with 2 findings')
    expect(r.stderr).toContain('error[SUBJECT_ATTRIBUTE_MISSING]: Subject rule: CN is mandatory and comes from the operator at issuance, but none was given; enter CN at issuance.')
    expect(r.stderr).toContain('error[SAN_MANDATORY_MISSING]: SAN rule: at least one email name is mandatory')
  })

  it('--set for a field the profile does not let the operator set exits 1 naming it', async () => {
    const r = await issue(['--set', 'CN=host1.example.com', '--set', 'O=Other Org', '--san', 'email:seat@example.com', f('a.csr')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('a value was entered for O, but this profile does not let the operator set O')
    const items = JSON.parse(r.stdout) as { error: { details: { findings: { code: string; field: string }[] } } }[]
    expect(items[0]!.error.details.findings).toEqual([expect.objectContaining({ code: 'SUBJECT_INPUT_NOT_ALLOWED', field: 'subject.O' })])
  })

  it('--values (JSON) gives each request its own CN; the flags stay the batch default', async () => {
    writeFileSync(f('values.json'), JSON.stringify({ 'a.csr': { CN: 'a.example.com' }, [f('b.csr')]: { CN: 'b.example.com', san: ['email:b@example.com'] } }))
    const r = await issue(['--san', 'email:batch@example.com', '--values', f('values.json'), f('a.csr'), f('b.csr')])
    expect(cert(r, 0).subject).toContain('CN=a.example.com')
    expect(cert(r, 0).subjectAltName).toBe('email:batch@example.com')
    expect(cert(r, 1).subject).toContain('CN=b.example.com')
    expect(cert(r, 1).subjectAltName).toBe('email:b@example.com')
  })

  it('--values (CSV) keyed by file name, with a quoted field', async () => {
    writeFileSync(f('values.csv'), 'file,CN,san,validity-days\r\na.csr,"csv-a.example.com",email:a@example.com,30\r\nb.csr,csv-b.example.com,email:b@example.com,\r\n')
    const r = await issue(['--values', f('values.csv'), f('a.csr'), f('b.csr')])
    const a = cert(r, 0)
    expect(a.subject).toContain('CN=csv-a.example.com')
    expect(Math.round((new Date(a.validTo).getTime() - new Date(a.validFrom).getTime()) / 86_400_000)).toBe(30)
    expect(cert(r, 1).subject).toContain('CN=csv-b.example.com')
  })

  it('a --values key that matches no CSR, a bad --san or both validity flags are usage errors (exit 2), nothing issued', async () => {
    const count = async (): Promise<number> => (JSON.parse((await pk(['--json', 'cert', 'list'])).stdout) as unknown[]).length
    const before = await count()
    writeFileSync(f('stray.json'), JSON.stringify({ 'c.csr': { CN: 'c.example.com' } }))
    const stray = await issue(['--set', 'CN=x.example.com', '--values', f('stray.json'), f('a.csr')])
    expect(stray.code).toBe(2)
    expect(stray.stderr).toMatch(/^error\[VALUES_INVALID\]: .*"c\.csr": matches none of the CSR files/)
    const san = await issue(['--san', 'mail:x@example.com', f('a.csr')])
    expect(san.code).toBe(2)
    expect(san.stderr).toContain('--san')
    const both = await issue(['--validity-days', '10', '--not-after', '2027-01-31', f('a.csr')])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('CONFLICTING_OPTIONS')
    writeFileSync(f('proto.json'), '{"a.csr": {"__proto__": {"CN": "x"}}}')
    const polluted = await issue(['--values', f('proto.json'), f('a.csr')])
    expect(polluted.code).toBe(2)
    expect(polluted.stderr).toContain('JSON_FORBIDDEN_KEY')
    expect(await count()).toBe(before)
  })

  it('every flag is in issue --help', async () => {
    const help = await pk(['issue', '--help'])
    for (const flag of ['--set <attr=value>', '--san <type:value>', '--validity-days <n>', '--not-after <date>', '--hash <hash>', '--values <file>']) expect(help.stdout).toContain(flag)
  })
})

describe('describe before refusing (built CLI)', { timeout: 60_000 }, () => {
  const DSA = resolve(__dirname, '../../fixtures/engine/bad-dsa.pem')
  it('csr inspect of a DSA request exits 0 and says DSA and why it cannot be signed', async () => {
    const r = await pk(['csr', 'inspect', DSA])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/key:\s+DSA 2048 bits/)
    expect(r.stdout).toMatch(/signature valid:\s+yes/)
    expect(r.stdout).toMatch(/can be signed:\s+no: DSA keys are not supported.*\(KEY_UNSUPPORTED\)/)
    const json = await pk(['--json', 'csr', 'inspect', DSA])
    expect(JSON.parse(json.stdout)).toMatchObject([{ ok: false, error: { code: 'KEY_UNSUPPORTED' }, described: { subjectText: 'CN=dsa', key: 'DSA 2048 bits' } }])
  })
  it('issuing it is refused with the coded reason (exit 1)', async () => {
    const r = await pk(['issue', '--ca', 'Root', '--profile', 'Profile name', DSA])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('KEY_UNSUPPORTED')
  })
})

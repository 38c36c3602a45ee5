// pkidesk cert revoke over many certificates, by a file of serials and by a filter on one CA:
// the dry run lists and counts and changes nothing, the real run needs --yes, a selection that
// matches nothing (or names unknown serials) is an error, every revoked certificate has its
// own audit entry and lands on the next CRL (read by OpenSSL). cert export --serials-file
// writes one file per certificate plus a bundle, read by OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../../src/cli/program'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { openssl } from '../../unit/engine/helpers'

const CA_PASS = 'correct horse battery staple'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)

async function pk(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(['--data-dir', dataDir, ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: { PKIDESK_PASSPHRASE: CA_PASS } })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
async function pkJson<T>(args: readonly string[]): Promise<T> {
  const r = await pk(['--json', ...args])
  if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return JSON.parse(r.stdout) as T
}

interface Listed {
  serial: string
  status: string
  subjectText: string
}
const revokedSerials = async (): Promise<string[]> => (await pkJson<Listed[]>(['cert', 'list', '--status', 'revoked'])).map((c) => c.serial).sort()
const auditRevocations = async (): Promise<{ subject: string; details: { serial: string; reason: string; bulk?: string } }[]> => {
  const file = f(`audit-${Date.now()}-${Math.random()}.jsonl`)
  await pkJson(['audit', 'export', '--out', file])
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; subject: string; details: string })
    .filter((e) => e.action === 'certificate.revoke')
    .map((e) => ({ subject: e.subject, details: JSON.parse(e.details) as { serial: string; reason: string; bulk?: string } }))
}

let serialsA: string[] = []
let serialsB: string[] = []

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-bulk-revoke-'))
  dataDir = f('store')
  await pkJson(['ca', 'create', '--name', 'Fleet CA', '--subject', 'CN=Fleet CA,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
  const key = createKeyObjectSigner('d', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const files: string[] = []
  for (const [group, n] of [['lamp', 12], ['door', 8]] as const)
    for (let i = 0; i < n; i++) {
      const cn = `${group}-${i}.devices.example`
      const csr = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, key)
      if (!csr.ok) throw new Error(csr.error.message)
      files.push(f(`${cn}.csr`))
      writeFileSync(files.at(-1)!, toPem('CERTIFICATE REQUEST', csr.value))
    }
  const issued = await pkJson<{ serial: string; file: string }[]>(['issue', '--ca', 'Fleet CA', '--profile', 'tls-server', ...files])
  serialsA = issued.filter((r) => r.file.includes('lamp-')).map((r) => r.serial)
  serialsB = issued.filter((r) => r.file.includes('door-')).map((r) => r.serial)
  expect(serialsA).toHaveLength(12)
  expect(serialsB).toHaveLength(8)
}, 120_000)
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk cert revoke, many at once', { timeout: 60_000 }, () => {
  it('by --serials-file: dry run lists and counts, --yes is required, then one audit entry per certificate', async () => {
    const chosen = serialsA.slice(0, 5)
    // Colons, lowercase, a comment and a blank line are all fine.
    const withColons = chosen[0]!.toLowerCase().match(/../g)!.join(':')
    writeFileSync(f('five.txt'), `# compromised lamps\n${withColons}\n\n${chosen.slice(1).join('\n')}\n`)
    const dry = await pkJson<{ dryRun: boolean; matched: number; revoked: number; items: { serial: string }[] }>(['cert', 'revoke', '--serials-file', f('five.txt'), '--reason', 'keyCompromise', '--dry-run'])
    expect(dry).toMatchObject({ dryRun: true, matched: 5, revoked: 0 })
    expect(dry.items.map((c) => c.serial).sort()).toEqual([...chosen].sort())
    const text = await pk(['cert', 'revoke', '--serials-file', f('five.txt'), '--reason', 'keyCompromise', '--dry-run'])
    expect(text.stdout).toContain('5 certificates would be revoked (keyCompromise)')
    for (const s of chosen) expect(text.stdout).toContain(s)
    expect(await revokedSerials()).toEqual([])

    const unconfirmed = await pk(['cert', 'revoke', '--serials-file', f('five.txt'), '--reason', 'keyCompromise'])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toMatch(/^error\[CONFIRMATION_REQUIRED\]: Revoking many certificates needs --yes/)
    expect(await revokedSerials()).toEqual([])

    const real = await pkJson<{ revoked: number; operationId: string }>(['cert', 'revoke', '--serials-file', f('five.txt'), '--reason', 'keyCompromise', '--yes'])
    expect(real.revoked).toBe(5)
    expect(await revokedSerials()).toEqual([...chosen].sort())
    const entries = (await auditRevocations()).filter((e) => e.details.bulk === real.operationId)
    expect(entries.map((e) => e.details.serial.toUpperCase()).sort()).toEqual([...chosen].sort())
    expect(entries.every((e) => e.details.reason === 'keyCompromise')).toBe(true)
    expect((await pkJson<{ intact: boolean }>(['audit', 'verify'])).intact).toBe(true)

    // Again: all five are already revoked, so there is nothing to revoke.
    const again = await pk(['cert', 'revoke', '--serials-file', f('five.txt'), '--reason', 'keyCompromise', '--yes'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error\[NOTHING_TO_REVOKE\]/)
  })

  it('a serial that is not here is listed by the dry run and refuses the real run, revoking nothing', async () => {
    writeFileSync(f('unknown.txt'), `${serialsA[6]}\nDEADBEEF01\n`)
    const dry = await pkJson<{ matched: number; skipped: { serial: string; why: string }[] }>(['cert', 'revoke', '--serials-file', f('unknown.txt'), '--reason', 'superseded', '--dry-run'])
    expect(dry.matched).toBe(1)
    expect(dry.skipped).toEqual([{ serial: 'DEADBEEF01', id: null, why: 'not-found' }])
    const real = await pk(['cert', 'revoke', '--serials-file', f('unknown.txt'), '--reason', 'superseded', '--yes'])
    expect(real.code).toBe(1)
    expect(real.stderr).toMatch(/^error\[SERIALS_NOT_FOUND\]: 1 of the serials are not certificates here \(first: DEADBEEF01\)/)
    expect(await revokedSerials()).not.toContain(serialsA[6])
  })

  it('by filter on one CA: --subject-match and --issued-after select the doors only; a filter matching nothing is an error', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString()
    const args = ['cert', 'revoke', '--ca', 'Fleet CA', '--profile', 'tls-server', '--issued-after', since, '--subject-match', 'DOOR-', '--reason', 'cessationOfOperation']
    const dry = await pkJson<{ matched: number; items: { serial: string }[] }>([...args, '--dry-run'])
    expect(dry.matched).toBe(8)
    expect(dry.items.map((c) => c.serial).sort()).toEqual([...serialsB].sort())
    const real = await pkJson<{ revoked: number; operationId: string }>([...args, '--yes'])
    expect(real.revoked).toBe(8)
    const revoked = await revokedSerials()
    for (const s of serialsB) expect(revoked).toContain(s)
    expect((await auditRevocations()).filter((e) => e.details.bulk === real.operationId)).toHaveLength(8)

    const none = await pk(['cert', 'revoke', '--ca', 'Fleet CA', '--subject-match', 'no-such-device', '--reason', 'superseded', '--dry-run'])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^error\[NOTHING_SELECTED\]: The selection matches no certificate/)
    const future = await pk(['cert', 'revoke', '--ca', 'Fleet CA', '--issued-before', '2000-01-01', '--reason', 'superseded', '--yes'])
    expect(future.code).toBe(1)
    expect(future.stderr).toMatch(/^error\[NOTHING_SELECTED\]/)
    const noCa = await pk(['cert', 'revoke', '--subject-match', 'door', '--reason', 'superseded', '--dry-run'])
    expect(noCa.code).toBe(2)
    expect(noCa.stderr).toMatch(/^error\[MISSING_INPUT\]/)
  })

  it('the next CRL lists every revoked certificate (OpenSSL reads it)', async () => {
    await pkJson(['crl', 'generate', '--ca', 'Fleet CA', '--out', f('fleet.crl')])
    const text = openssl(['crl', '-in', f('fleet.crl'), '-noout', '-text']).out
    const listed = [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!)
    expect(listed.sort()).toEqual(await revokedSerials())
    expect(listed).toHaveLength(13)
  })
})

describe('pkidesk cert export --serials-file', { timeout: 60_000 }, () => {
  it.each(['pem', 'der', 'p7b'] as const)('%s: one file per certificate, named by serial, plus a bundle OpenSSL reads', async (format) => {
    const out = f(`export-${format}`)
    mkdirSync(out)
    writeFileSync(f('export.txt'), serialsA.join('\n'))
    const r = await pkJson<{ certificates: number; files: string[] }>(['cert', 'export', '--serials-file', f('export.txt'), '--format', format, '--out', out])
    expect(r.certificates).toBe(12)
    const names = readdirSync(out).sort()
    const ext = format === 'pem' ? 'pem' : format === 'der' ? 'cer' : 'p7b'
    const bundle = format === 'pem' ? 'bundle.pem' : 'bundle.p7b'
    expect(names).toEqual([...serialsA.map((s) => `${s}.${ext}`), bundle].sort())
    for (const s of serialsA) {
      const file = join(out, `${s}.${ext}`)
      const serial = format === 'p7b' ? openssl(['pkcs7', '-inform', 'DER', '-in', file, '-print_certs', '-noout']).out : openssl(['x509', '-in', file, '-inform', format === 'der' ? 'DER' : 'PEM', '-noout', '-serial']).out
      if (format === 'p7b') expect(serial).toContain('subject=CN')
      else expect(serial.trim()).toBe(`serial=${s}`)
    }
    const all = format === 'pem' ? openssl(['crl2pkcs7', '-nocrl', '-certfile', join(out, bundle)]).out : openssl(['pkcs7', '-inform', 'DER', '-in', join(out, bundle), '-print_certs', '-noout']).out
    if (format === 'pem') expect(all).toContain('BEGIN PKCS7')
    else expect(all.match(/subject=/g)).toHaveLength(12)
    // Never overwrites without --force.
    const again = await pk(['cert', 'export', '--serials-file', f('export.txt'), '--format', format, '--out', out])
    expect(again.code).toBe(2)
  })
})

// pkidesk backup and ca custodians through the built CLI (passphrase-protected keys: no
// keychain needed). A 2-of-3 custodian root issues with two custodian files and not with one;
// the store is backed up split 2-of-3, verified, restored into a new data dir with two
// shares, and the restored intermediate issues a certificate OpenSSL verifies against the
// original chain. Refusals exit 1 with their codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCli, openssl, runCli, type BuiltCli, type RunResult } from './built-cli'

const PASS = 'correct horse battery staple'
const NEW_PASS = 'the new machine passphrase'
let cli: BuiltCli
let work: string
const f = (n: string): string => join(work, n)
const env = { PKIDESK_PASSPHRASE: PASS, PKIDESK_BACKUP_PASSPHRASE: 'backup passphrase for the safe' }

async function pk(dataDir: string, args: readonly string[], e: Record<string, string> = env): Promise<RunResult> {
  return runCli(cli, ['--data-dir', dataDir, ...args], e)
}
async function ok<T>(dataDir: string, args: readonly string[], e: Record<string, string> = env): Promise<T> {
  const r = await pk(dataDir, ['--json', ...args], e)
  if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return JSON.parse(r.stdout) as T
}
function secret(name: string, value: string): string {
  writeFileSync(f(name), value, { mode: 0o600 })
  return f(name)
}
function csr(cn: string): string {
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${cn}.key`), '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-out', f(`${cn}.csr`)], { stdio: 'ignore' })
  return f(`${cn}.csr`)
}

beforeAll(() => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-backup-'))
  for (const d of ['out-a', 'out-b', 'shares']) mkdirSync(f(d))
}, 180_000)
afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk ca custodians and backup (built CLI)', { timeout: 240_000 }, () => {
  const a = () => f('store-a')
  const b = () => f('store-b')

  it('splits a root between three custodians; two issue, one does not', async () => {
    await ok(a(), ['ca', 'create', '--name', 'Root', '--subject', 'CN=Custodian Root,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '10y', '--protection', 'passphrase', '--path-length', '1'])
    await ok(a(), ['ca', 'create', '--name', 'Issuing', '--subject', 'CN=Custodian Issuing,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--parent', 'Root', '--protection', 'passphrase', '--path-length', '0'])
    const set = await ok<{ threshold: number; names: string[] }>(a(), ['ca', 'custodians', '--ca', 'Root', '--threshold', '2', '--custodian', `Alice=${secret('alice', 'alice long passphrase')}`, '--custodian', `Bob=${secret('bob', 'bob long passphrase!')}`, '--custodian', `Carol=${secret('carol', 'carol long passphrase')}`])
    expect(set).toMatchObject({ threshold: 2, names: ['Alice', 'Bob', 'Carol'] })
    const shown = await ok<{ custodians: { threshold: number; names: string[] } }>(a(), ['ca', 'custodians', '--ca', 'Root'])
    expect(shown.custodians).toEqual({ threshold: 2, names: ['Alice', 'Bob', 'Carol'] })

    const one = await pk(a(), ['crl', 'generate', '--ca', 'Root', '--out', f('out-a/one.crl'), '--custodian-passphrase-file', f('alice')])
    expect(one.code).toBe(1)
    expect(one.stderr).toContain('error[CUSTODIANS_TOO_FEW]')
    const none = await pk(a(), ['crl', 'generate', '--ca', 'Root', '--out', f('out-a/none.crl')])
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('error[CUSTODIANS_REQUIRED]')])

    await ok(a(), ['crl', 'generate', '--ca', 'Root', '--out', f('out-a/root.crl'), '--custodian-passphrase-file', f('carol'), '--custodian-passphrase-file', f('bob')])
    // Both sittings are in the trail with the custodians' names.
    await ok(a(), ['audit', 'export', '--out', f('audit.jsonl')])
    const entries = readFileSync(f('audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; details: string })
    expect(entries.filter((e) => e.action === 'vault.unlock-failed').map((e) => JSON.parse(e.details))).toEqual([expect.objectContaining({ code: 'CUSTODIANS_TOO_FEW', custodians: ['Alice'] })])
    expect(entries.filter((e) => e.action === 'vault.unlock').map((e) => JSON.parse(e.details))).toContainEqual({ custodians: ['Bob', 'Carol'] })
  })

  it('backs up split 2-of-3 with named custodians, and verify checks structure without secrets', async () => {
    await ok(a(), ['issue', '--ca', 'Issuing', '--profile', 'tls-server', '--out', f('out-a'), csr('www.before.example')])
    const made = await ok<{ backupId: string; shareFiles: string[]; counts: { certificates: number } }>(a(), [
      'backup', 'create', '--out', f('a.pkibackup'), '--shares', '3', '--threshold', '2', '--share-dir', f('shares'),
      '--custodian', 'Dana', '--custodian', `Eve=${secret('eve', 'eve long passphrase!')}`, '--custodian', 'Frank',
      '--custodian-passphrase-file', f('alice'), '--custodian-passphrase-file', f('bob')
    ])
    expect(made.shareFiles).toHaveLength(3)
    expect(readdirSync(f('shares')).sort()).toEqual(['a.share-1-of-3-Dana.txt', 'a.share-2-of-3-Eve.txt', 'a.share-3-of-3-Frank.txt'])
    const plain = await pk(a(), ['backup', 'verify', f('a.pkibackup')])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain('structure and checksum verified')
    const full = await ok<{ opened: boolean }>(a(), ['backup', 'verify', f('a.pkibackup'), '--share', f('shares/a.share-2-of-3-Eve.txt'), '--share', f('shares/a.share-3-of-3-Frank.txt'), '--share-passphrase-file', f('eve')])
    expect(full.opened).toBe(true)
    const status = await ok<{ due: boolean }>(a(), ['backup', 'status'])
    expect(status.due).toBe(false)
  })

  it('refuses one share, and a restore into a store that holds data, with their codes', async () => {
    const one = await pk(b(), ['backup', 'restore', f('a.pkibackup'), '--protection', 'passphrase', '--share', f('shares/a.share-1-of-3-Dana.txt')], { PKIDESK_PASSPHRASE: NEW_PASS })
    expect([one.code, one.stderr]).toEqual([1, expect.stringContaining('error[BACKUP_SHARES_TOO_FEW]')])
    const full = await pk(a(), ['backup', 'restore', f('a.pkibackup'), '--protection', 'passphrase', '--share', f('shares/a.share-1-of-3-Dana.txt'), '--share', f('shares/a.share-3-of-3-Frank.txt')], { PKIDESK_PASSPHRASE: NEW_PASS })
    expect([full.code, full.stderr]).toEqual([1, expect.stringContaining('error[BACKUP_TARGET_NOT_EMPTY]')])
  })

  it('restores into a new data dir with two shares; the restored intermediate issues a certificate OpenSSL verifies against the original chain', async () => {
    const restored = await ok<{ restoredKeys: number; custodianKeys: string[]; counts: { certificates: number } }>(
      b(),
      ['backup', 'restore', f('a.pkibackup'), '--protection', 'passphrase', '--share', f('shares/a.share-1-of-3-Dana.txt'), '--share', f('shares/a.share-3-of-3-Frank.txt')],
      { PKIDESK_PASSPHRASE: NEW_PASS }
    )
    expect(restored).toMatchObject({ restoredKeys: 2, custodianKeys: ['Root'] })
    const listA = await ok<{ serial: string }[]>(a(), ['cert', 'list'])
    const listB = await ok<{ serial: string }[]>(b(), ['cert', 'list'], { PKIDESK_PASSPHRASE: NEW_PASS })
    expect(listB.map((c) => c.serial).sort()).toEqual(listA.map((c) => c.serial).sort())
    await ok(b(), ['audit', 'verify'])
    await ok(b(), ['issue', '--ca', 'Issuing', '--profile', 'tls-server', '--out', f('out-b'), csr('www.after.example')], { PKIDESK_PASSPHRASE: NEW_PASS })
    // The chain as the ORIGINAL store exports it (leaf, issuing, root).
    await ok(a(), ['cert', 'export', listA[0]!.serial, '--format', 'pem', '--chain', '--out', f('chain-a.pem')])
    const issued = readdirSync(f('out-b'))
    expect(issued).toHaveLength(1)
    const v = await openssl(['verify', '-CAfile', f('chain-a.pem'), join(f('out-b'), issued[0]!)])
    expect(v.stdout).toContain(': OK')
  })
})

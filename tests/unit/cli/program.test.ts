// The program's contract without a store: usage errors exit 2 with one line naming the
// option, --help works on every command, passphrases cannot be given as flags.
import { afterAll, describe, expect, it, beforeAll } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { buildProgram, commanderCode, commanderMessage, progressSink, runCli, wantsJson } from '../../../src/cli/program'
import { readSecret, requireSecret, CliError } from '../../../src/cli/context'

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), env })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

function allCommands(cmd: Command, path: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const here = [...path, c.name()]
    return c.name() === 'help' ? [] : [here, ...allCommands(c, here)]
  })
}

describe('pkidesk program', () => {
  it('maps commander codes to UPPER_SNAKE and strips its prefix', () => {
    expect(commanderCode('commander.unknownOption')).toBe('UNKNOWN_OPTION')
    expect(commanderCode('commander.missingMandatoryOptionValue')).toBe('MISSING_MANDATORY_OPTION_VALUE')
    expect(commanderCode('commander.help')).toBe('USAGE')
    expect(commanderMessage("error: unknown option '--x'")).toBe("unknown option '--x'")
  })

  it('detects --json before a -- separator only', () => {
    expect(wantsJson(['ca', 'list', '--json'])).toBe(true)
    expect(wantsJson(['csr', 'inspect', '--', '--json'])).toBe(false)
  })

  it('--help exits 0 on every command and prints usage on stdout', async () => {
    const program = buildProgram({ stdout: () => undefined, stderr: () => undefined, env: {} }, { exitCode: 0 })
    const commands = allCommands(program)
    expect(commands.map((c) => c.join(' '))).toEqual(
      expect.arrayContaining(['ca create', 'ca import', 'ca list', 'ca show', 'profile create', 'profile list', 'profile get', 'profile update', 'profile delete', 'profile export', 'profile pull', 'profile push', 'csr inspect', 'csr generate', 'issue', 'cert list', 'cert show', 'cert export', 'cert revoke', 'crl generate', 'audit verify', 'audit export', 'connector add', 'connector list', 'connector test', 'sync run', 'sync status', 'remote request', 'remote assign-auth-cert', 'remote generate'])
    )
    for (const c of commands) {
      const r = await cli([...c, '--help'])
      expect(r.code, c.join(' ')).toBe(0)
      expect(r.stdout, c.join(' ')).toMatch(new RegExp(`^Usage: pkidesk ${c.join(' ')}`))
    }
  })

  it('unknown options are usage errors (exit 2), one line naming the option', async () => {
    const r = await cli(['ca', 'list', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe("error[UNKNOWN_OPTION]: unknown option '--bogus'\n")
    expect(r.stdout).toBe('')
  })

  it('there is no passphrase flag: --passphrase is refused as unknown', async () => {
    const r = await cli(['crl', 'generate', '--ca', 'x', '--out', 'f', '--passphrase', 'secret'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error\[UNKNOWN_OPTION\]: unknown option '--passphrase'/)
    expect(r.stderr).not.toContain('secret')
  })

  it('invalid option values exit 2 and name the option; with --json the error is JSON on stdout', async () => {
    const r = await cli(['--json', 'ca', 'create', '--name', 'r', '--subject', 'CN=r', '--key', 'rsa-1024', '--validity', '1y'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: option '--key <spec>' argument 'rsa-1024' is invalid\./)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    const j = JSON.parse(r.stdout) as { error: { code: string; message: string } }
    expect(j.error.code).toBe('INVALID_ARGUMENT')
    expect(j.error.message).toContain('--key')
  })

  it('missing required options and arguments exit 2', async () => {
    expect((await cli(['cert', 'export', 'AB', '--out', 'x'])).code).toBe(2)
    expect((await cli(['csr', 'inspect'])).code).toBe(2)
    expect((await cli(['issue', '--ca', 'a', '--profile', 'b'])).code).toBe(2)
    const r = await cli(['cert', 'revoke', 'AB:CD', '--reason', 'sleepy'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--reason/)
  })

  it('a missing subcommand or unknown command exits 2', async () => {
    expect((await cli([])).code).toBe(2)
    expect((await cli(['ca'])).code).toBe(2)
    const r = await cli(['certs'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error\[UNKNOWN_COMMAND\]/m)
  })
})

describe('secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-secret-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('come from the file when given, dropping one trailing newline', () => {
    const f = join(dir, 'p')
    writeFileSync(f, 'correct horse \n')
    expect(readSecret('passphrase', f, { PKIDESK_PASSPHRASE: 'from-env' })).toBe('correct horse ')
  })

  it('else from the environment', () => {
    expect(readSecret('passphrase', undefined, { PKIDESK_PASSPHRASE: 'from-env' })).toBe('from-env')
    expect(readSecret('export-passphrase', undefined, { PKIDESK_EXPORT_PASSPHRASE: 'x' })).toBe('x')
    expect(readSecret('passphrase', undefined, {})).toBeUndefined()
  })

  it('an unreadable or empty file is a usage error naming the file', () => {
    const missing = join(dir, 'missing')
    expect(() => readSecret('passphrase', missing, {})).toThrow(missing)
    const empty = join(dir, 'empty')
    writeFileSync(empty, '\n')
    try {
      readSecret('export-passphrase', empty, {})
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(CliError)
      expect((e as CliError).exitCode).toBe(2)
      expect((e as CliError).error.code).toBe('FILE_EMPTY')
    }
  })

  it('requireSecret says which variable or flag to use', () => {
    expect(() => requireSecret('passphrase', undefined, {}, 'Signing')).toThrow(/PKIDESK_PASSPHRASE.*--passphrase-file/)
  })
})

describe('progressSink', () => {
  it('prints batch progress at most once per interval, always the final line, never single items', () => {
    const lines: string[] = []
    let now = 0
    const sink = progressSink({ stderr: (s) => void lines.push(s) }, () => now, 1000)
    const p = (done: number, total: number, finished = false) => sink('progress', { operationId: 'o', done, total, label: 'Issuing', finished })
    p(0, 10)
    now = 10
    p(3, 10)
    now = 1500
    p(6, 10)
    now = 1600
    p(10, 10, true)
    sink('changed', { domain: 'certificates' })
    p(1, 1, true)
    expect(lines).toEqual(['[0/10] Issuing\n', '[6/10] Issuing\n', '[10/10] Issuing\n'])
  })
})

describe('secret files', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-files-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('warns when a passphrase file is readable by group or others, not when it is 0600', () => {
    const f = join(dir, 'pass.txt')
    writeFileSync(f, 'a passphrase of some length\n')
    chmodSync(f, 0o644)
    const warnings: string[] = []
    expect(readSecret('passphrase', f, {}, (l) => warnings.push(l))).toBe('a passphrase of some length')
    expect(warnings).toEqual([`warning[SECRET_FILE_READABLE]: the CA key passphrase file ${f} is readable by its group and everyone (mode 0644); run chmod 600 ${f}.\n`])
    chmodSync(f, 0o640)
    warnings.length = 0
    readSecret('passphrase', f, {}, (l) => warnings.push(l))
    expect(warnings[0]).toContain('readable by its group (mode 0640)')
    chmodSync(f, 0o600)
    warnings.length = 0
    readSecret('passphrase', f, {}, (l) => warnings.push(l))
    expect(warnings).toEqual([])
  })
})

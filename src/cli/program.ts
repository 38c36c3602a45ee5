// The pkidesk program: global options, the command groups, and the one place where errors
// become output and exit codes. Commands are registered from src/cli/commands/<group>.ts.
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { AppFailure, isErrorCode, type ErrorCode } from '../shared/errors'
import { resolveDataDir } from '../main/config/data-dir'
import { createServices, type Services } from '../main/services'
import type { EventSink } from '../shared/ipc/events'
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo, type ExitCode } from './context'
import { createOutput, formatProgress, type Output } from './output'
import { registerAuthorityCommands } from './commands/ca'
import { registerCaRenewCommand } from './commands/ca-renew'
import { registerProfileCommands } from './commands/profile'
import { registerCsrCommands } from './commands/csr'
import { registerIssueCommand } from './commands/issue'
import { registerRunsCommand } from './commands/runs'
import { registerCertificateCommands } from './commands/cert'
import { registerCrlCommands } from './commands/crl'
import { registerAuditCommands } from './commands/audit'
import { registerConnectorCommands } from './commands/connector'
import { registerSyncCommands } from './commands/sync'
import { registerRemoteCommands } from './commands/remote'
import { registerBackupCommands } from './commands/backup'
import { registerCustodianCommands } from './commands/custodians'
import { registerPkcs11Commands } from './commands/pkcs11'

export const CLI_VERSION = '0.1.0'

/** What a command handler receives: context, output, its own options and positional arguments. */
export interface Call<O> {
  readonly ctx: CliContext
  readonly out: Output
  readonly opts: O
  readonly args: readonly unknown[]
}

export type Handler<O> = (call: Call<O>) => Promise<ExitCode | void> | ExitCode | void

/** Turns a handler into a commander action; every command goes through it. */
export type Runner = <O>(handler: Handler<O>) => (...actionArgs: unknown[]) => Promise<void>

/** `commander.unknownOption` → `UNKNOWN_OPTION`; a commander code without a catalogued name is `USAGE`. */
export function commanderCode(code: string): ErrorCode {
  const name = code.replace(/^commander\./, '')
  if (name === 'conflictingOption') return 'CONFLICTING_OPTIONS'
  const upper = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
  return isErrorCode(upper) ? upper : 'USAGE'
}

/** Commander's messages start with `error: `; ours carry the code in front instead. */
export function commanderMessage(message: string): string {
  const m = message.replace(/^error:\s*/i, '').trim()
  return m === '(outputHelp)' ? 'A command is missing; see the help above.' : m
}

/** Whether --json was on the command line, for errors raised before options are parsed. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}

interface RunState {
  exitCode: ExitCode
  services?: Services
}

/** Progress of batches on stderr: at most one line a second, and always the last one. */
export function progressSink(io: Pick<CliIo, 'stderr'>, clock: () => number = Date.now, everyMs = 1000): EventSink {
  let last = Number.NEGATIVE_INFINITY
  return (name, payload) => {
    if (name !== 'progress') return
    const p = payload as { done: number; total: number; label: string; finished: boolean }
    const t = clock()
    if (!p.finished && t - last < everyMs) return
    last = t
    const line = formatProgress(p.done, p.total, p.label)
    if (line !== null) io.stderr(`${line}\n`)
  }
}

export function buildProgram(io: CliIo, state: RunState): Command {
  const program = new Command()
  program
    .name('pkidesk')
    .description('PKI Desk: an offline certificate authority, scriptable. Passphrases come only from the environment or files, never from flags.')
    .version(CLI_VERSION, '-V, --version')
    .option('--data-dir <dir>', 'the store to use (default: $PKIDESK_DATA_DIR, else the app\'s data directory)')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // Printed by runCli as `error[CODE]: …` once the exit code is known.
      outputError: () => undefined
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nEnvironment:\n  PKIDESK_DATA_DIR           store directory (overridden by --data-dir)\n  PKIDESK_PASSPHRASE         CA key passphrase (or --passphrase-file FILE)\n  PKIDESK_EXPORT_PASSPHRASE  PFX export passphrase (or --export-passphrase-file FILE)\n  PKIDESK_BACKUP_PASSPHRASE  backup passphrase (or --backup-passphrase-file FILE)\n  PKIDESK_PKCS11_PIN         user PIN of a token holding a CA key (or --pin-file FILE)\n\nExit codes: 0 success, 1 operation failed, 2 usage error.'
    )

  const run: Runner = (handler) => async (...actionArgs) => {
    const command = actionArgs[actionArgs.length - 1] as Command
    const globals = command.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
    const out = createOutput(io, globals.json === true)
    const dataDir = resolveDataDir(globals.dataDir, io.env)
    const ctx: CliContext = {
      io,
      options: { dataDir, json: globals.json === true },
      services() {
        if (!state.services) {
          try {
            state.services = createServices({ dataDir, emit: progressSink(io), version: CLI_VERSION })
          } catch (e) {
            throw new CliError({
              code: 'DATA_DIR_UNAVAILABLE',
              message: `Cannot open the store in ${dataDir} (${(e as Error).message}); check --data-dir or PKIDESK_DATA_DIR.`,
              field: '--data-dir'
            })
          }
        }
        return state.services
      }
    }
    try {
      const code = await handler({ ctx, out, opts: command.opts() as never, args: command.processedArgs })
      state.exitCode = code ?? EXIT_OK
    } catch (e) {
      if (e instanceof CliError) {
        out.error(e.error)
        state.exitCode = e.exitCode
      } else if (e instanceof InvalidArgumentError) {
        // A value parsed inside a handler (not by an option's own parser): still the operator's to fix.
        out.error({ code: 'INVALID_ARGUMENT', message: e.message })
        state.exitCode = EXIT_USAGE
      } else if (e instanceof AppFailure) {
        out.error(e.error)
        state.exitCode = EXIT_FAILED
      } else {
        const err = e as Error
        out.error({ code: 'INTERNAL', message: `Unexpected failure: ${err.message ?? String(e)}` })
        if (io.env.PKIDESK_DEBUG) io.stderr(`${err.stack ?? ''}\n`)
        state.exitCode = EXIT_FAILED
      }
    }
  }

  registerAuthorityCommands(program, run)
  registerProfileCommands(program, run)
  registerCsrCommands(program, run)
  registerIssueCommand(program, run)
  registerRunsCommand(program, run)
  registerCertificateCommands(program, run)
  registerCrlCommands(program, run)
  registerAuditCommands(program, run)
  registerConnectorCommands(program, run)
  registerSyncCommands(program, run)
  registerRemoteCommands(program, run)
  registerBackupCommands(program, run)
  registerCustodianCommands(program, run)
  registerPkcs11Commands(program, run)
  registerCaRenewCommand(program, run)
  return program
}

/** Parses `argv` (without node and script), runs the command, returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const state: RunState = { exitCode: EXIT_OK }
  const program = buildProgram(io, state)
  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e
    if (e.exitCode === 0) return EXIT_OK // --help, --version
    const out = createOutput(io, wantsJson(argv))
    out.error({ code: commanderCode(e.code), message: commanderMessage(e.message) })
    return EXIT_USAGE
  } finally {
    state.services?.close()
  }
  return state.exitCode
}

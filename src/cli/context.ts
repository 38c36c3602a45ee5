// What every command runs with: where output goes, the global options, the services
// (opened on first use, so `--help` never touches the store) and the secrets the operator
// gave through the environment or a file. Never through a flag: argv is visible to every
// process on the machine and lands in shell history.
import { readFileSync, statSync } from 'node:fs'
import type { AppError, ErrorCode, Result } from '../shared/errors'
import type { Services } from '../main/services'
import { LIMITS } from '../shared/limits'

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: NodeJS.ProcessEnv
}

/** Exit codes of the contract. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE

/** An error that ends the command: printed as `error[CODE]: message` and turned into the exit code. */
export class CliError extends Error {
  constructor(
    readonly error: AppError,
    readonly exitCode: ExitCode = EXIT_FAILED
  ) {
    super(`${error.code}: ${error.message}`)
    this.name = 'CliError'
  }
}

/** The operator asked for something the command cannot do as asked: exit 2. */
export function usageError(code: ErrorCode, message: string, field?: string): CliError {
  return new CliError({ code, message, ...(field ? { field } : {}) }, EXIT_USAGE)
}

/** The operation itself failed: exit 1. */
export function operationError(code: ErrorCode, message: string, field?: string): CliError {
  return new CliError({ code, message, ...(field ? { field } : {}) }, EXIT_FAILED)
}

/** The value of a service Result, or the CliError that reports its failure. */
export function expectOk<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new CliError(result.error, EXIT_FAILED)
}

export interface GlobalOptions {
  readonly dataDir: string
  readonly json: boolean
}

export interface CliContext {
  readonly io: CliIo
  readonly options: GlobalOptions
  services(): Services
}

export type SecretKind = 'passphrase' | 'export-passphrase' | 'key-passphrase' | 'backup-passphrase' | 'custodian-passphrase' | 'pin'

/** Where each secret comes from: one table for the options, the environment and the messages. */
export const SECRET_SOURCES: Record<SecretKind, { env: string; flag: string; what: string }> = {
  passphrase: { env: 'PKIDESK_PASSPHRASE', flag: '--passphrase-file', what: 'CA key passphrase' },
  'export-passphrase': { env: 'PKIDESK_EXPORT_PASSPHRASE', flag: '--export-passphrase-file', what: 'export (PFX) passphrase' },
  'key-passphrase': { env: 'PKIDESK_KEY_PASSPHRASE', flag: '--key-passphrase-file', what: "passphrase of the certificate's own key" },
  'backup-passphrase': { env: 'PKIDESK_BACKUP_PASSPHRASE', flag: '--backup-passphrase-file', what: 'backup passphrase' },
  // A custodian's passphrase is theirs alone: a file each, never one shared environment variable.
  'custodian-passphrase': { env: '', flag: '--custodian-passphrase-file', what: 'custodian passphrase' },
  // The user PIN of a PKCS#11 token that holds a CA key.
  pin: { env: 'PKIDESK_PKCS11_PIN', flag: '--pin-file', what: 'token user PIN' }
}

/**
 * Whether a secret file can be read by its group or by everyone (POSIX modes only; Windows
 * has no such bits). Null when only the owner can read it, or when it cannot be stat'ed (the
 * read that follows reports that).
 */
export function secretFileLooseMode(file: string): { mode: string; who: string } | null {
  if (process.platform === 'win32') return null
  let mode: number
  try {
    mode = statSync(file).mode & 0o777
  } catch {
    return null
  }
  const group = (mode & 0o040) !== 0
  const other = (mode & 0o004) !== 0
  if (!group && !other) return null
  return { mode: `0${mode.toString(8).padStart(3, '0')}`, who: group && other ? 'its group and everyone' : group ? 'its group' : 'everyone' }
}

/**
 * The secret from `file` (the command's --…-file option) or else from the environment;
 * undefined when neither was given. One trailing newline of the file is dropped, so
 * `echo secret > f` works; anything else is part of the passphrase.
 */
export function readSecret(kind: SecretKind, file: string | undefined, env: NodeJS.ProcessEnv, warn?: (line: string) => void): string | undefined {
  const source = SECRET_SOURCES[kind]
  const tooLong = (where: string): Error =>
    usageError('PASSPHRASE_TOO_LONG', `The ${source.what} from ${where} is longer than ${LIMITS.passphraseChars} characters, the limit: check that the right text was given.`, file !== undefined ? source.flag : source.env)
  const bounded = (value: string, where: string): string => {
    if (value.length > LIMITS.passphraseChars) throw tooLong(where)
    return value
  }
  if (file !== undefined) {
    if (warn) {
      const loose = secretFileLooseMode(file)
      if (loose !== null) warn(`warning[SECRET_FILE_READABLE]: the ${source.what} file ${file} is readable by ${loose.who} (mode ${loose.mode}); run chmod 600 ${file}.\n`)
    }
    // A passphrase file far past the limit (4 bytes a character at most) is not read at all.
    let size: number
    try {
      size = statSync(file).size
    } catch {
      size = 0 // the read below reports the file
    }
    if (size > LIMITS.passphraseChars * 4 + 2) throw tooLong(file)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw usageError('FILE_UNREADABLE', `Cannot read the ${source.what} file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path given to ${source.flag}.`, source.flag)
    }
    const value = text.replace(/\r?\n$/, '')
    if (value.length === 0) throw usageError('FILE_EMPTY', `The ${source.what} file ${file} is empty; write the passphrase into it.`, source.flag)
    return bounded(value, file)
  }
  if (source.env === '') return undefined
  const fromEnv = env[source.env]
  return fromEnv === undefined || fromEnv === '' ? undefined : bounded(fromEnv, source.env)
}

/** Like readSecret, but the command cannot go on without it. */
export function requireSecret(kind: SecretKind, file: string | undefined, env: NodeJS.ProcessEnv, why: string, warn?: (line: string) => void): string {
  const value = readSecret(kind, file, env, warn)
  if (value !== undefined) return value
  const source = SECRET_SOURCES[kind]
  throw usageError('PASSPHRASE_REQUIRED', `${why} needs the ${source.what}; set ${source.env} or pass ${source.flag} FILE.`, source.flag)
}

// Pieces shared by the command groups: the secret-file options, reading input files with
// errors that name the file, and writing outputs without clobbering by surprise: an existing
// file is replaced only with --force, and a missing folder is never created behind the
// operator's back (a typo in a path must not scatter keys into a new directory).
import { accessSync, chmodSync, closeSync, constants, fstatSync, openSync, readSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { CliError, EXIT_FAILED, usageError } from '../context'

export function addPassphraseFileOption(cmd: Command): Command {
  return cmd
    .option('--passphrase-file <file>', 'file holding the CA key passphrase (else $PKIDESK_PASSPHRASE)')
    .option('--custodian-passphrase-file <file>', 'for a CA held by custodians: one custodian\'s passphrase (repeat once per custodian present)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--pin-file <file>', 'for a CA whose key is on a PKCS#11 token: file holding the token user PIN (else $PKIDESK_PKCS11_PIN)')
}

/** An end-entity key's own passphrase (`cert renew`, `cert export --format pfx`), never the CA's. */
export function addKeyPassphraseFileOption(cmd: Command): Command {
  return cmd.option('--key-passphrase-file <file>', "file holding the passphrase of the certificate's own key, when it has one (else $PKIDESK_KEY_PASSPHRASE)")
}

export function addExportPassphraseFileOption(cmd: Command): Command {
  return cmd.option('--export-passphrase-file <file>', 'file holding the PFX passphrase (else $PKIDESK_EXPORT_PASSPHRASE)')
}

export function addForceOption(cmd: Command): Command {
  return cmd.option('--force', 'replace an output file that already exists')
}

/** The largest CSR file PKI Desk reads (the engine's limit for one request file). */
export const MAX_CSR_FILE_BYTES = 1024 * 1024

function unreadableWhy(code: string | undefined): string {
  return code === 'ENOENT'
    ? 'does not exist'
    : code === 'EACCES' || code === 'EPERM'
      ? 'is not readable'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'ENOTDIR'
          ? 'has a path through something that is not a directory'
          : `cannot be read (${code ?? 'error'})`
}

export interface ReadInputOptions {
  /** Refuse larger files from their size on disk, before reading a byte. */
  readonly maxBytes?: number
  /** Refuse an empty file with this hint. */
  readonly emptyHint?: string
}

/**
 * The bytes of an input file; a missing, unreadable, empty (when emptyHint is given) or
 * oversized file is a usage error naming it. The size is checked on the open file before
 * anything is read, so a 300 MB file given by mistake costs nothing.
 */
export function readInput(file: string, what: string, options: ReadInputOptions = {}): Buffer {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (e) {
    throw usageError('FILE_UNREADABLE', `The ${what} file ${file} ${unreadableWhy((e as NodeJS.ErrnoException).code)}.`, file)
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw usageError('FILE_UNREADABLE', `The ${what} file ${file} is a directory.`, file)
    if (options.maxBytes !== undefined && st.size > options.maxBytes)
      throw usageError('FILE_TOO_LARGE', `The ${what} file ${file} is ${st.size} bytes, over the ${options.maxBytes === MAX_CSR_FILE_BYTES ? '1 MiB' : `${options.maxBytes}-byte`} limit; check that it is the right file.`, file)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024)
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      total += n
      // A file that grows (or a device that never ends) is cut off at the limit, not read whole.
      if (options.maxBytes !== undefined && total > options.maxBytes)
        throw usageError('FILE_TOO_LARGE', `The ${what} file ${file} is over the ${options.maxBytes === MAX_CSR_FILE_BYTES ? '1 MiB' : `${options.maxBytes}-byte`} limit; check that it is the right file.`, file)
      chunks.push(buf.subarray(0, n))
    }
    const bytes = Buffer.concat(chunks, total)
    if (bytes.length === 0 && options.emptyHint !== undefined) throw usageError('FILE_EMPTY', `The ${what} file ${file} is empty; ${options.emptyHint}.`, file)
    return bytes
  } catch (e) {
    if (e instanceof CliError) throw e
    throw usageError('FILE_UNREADABLE', `The ${what} file ${file} ${unreadableWhy((e as NodeJS.ErrnoException).code)}.`, file)
  } finally {
    closeSync(fd)
  }
}

export function readInputText(file: string, what: string): string {
  return readInput(file, what).toString('utf8')
}

/** The words for a failed write: the path at fault and what to do about it. */
function writeFailure(file: string, option: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code
  const folder = dirname(resolve(file))
  const why =
    code === 'EEXIST'
      ? 'it already exists; pass --force to replace it'
      : code === 'ENOENT'
        ? `its folder ${folder} does not exist; create it first`
        : code === 'ENOTDIR'
          ? `a part of ${folder} is not a directory`
          : code === 'EISDIR'
            ? 'it is a directory; give a file name'
            : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
              ? 'permission denied; check the permissions of the file and its folder'
              : `${code ?? (e as Error).message}`
  return new CliError({ code: 'OUTPUT_UNWRITABLE', message: `Cannot write ${file} (${option}): ${why}.`, field: option }, EXIT_FAILED)
}

export interface OutputCheck {
  readonly force?: boolean
  /** The option that named the file, for the message (default --out). */
  readonly option?: string
}

/**
 * Makes sure `file` can be written before any work is done (no CRL number burned, no
 * certificate issued, no key generated for an output that cannot be written): its folder
 * exists, is a directory and is writable; the file does not exist unless `force`.
 */
export function checkOutputFile(file: string, options: OutputCheck = {}): void {
  const option = options.option ?? '--out'
  const folder = dirname(resolve(file))
  let folderStat
  try {
    folderStat = statSync(folder)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw usageError('OUTPUT_FOLDER_MISSING', `Cannot write ${file} (${option}): its folder ${folder} does not exist; create it first.`, option)
    throw writeFailure(file, option, e)
  }
  if (!folderStat.isDirectory()) throw usageError('OUTPUT_UNWRITABLE', `Cannot write ${file} (${option}): ${folder} is not a directory.`, option)
  let existing
  try {
    existing = statSync(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeFailure(file, option, e)
  }
  if (existing?.isDirectory()) throw usageError('OUTPUT_IS_DIRECTORY', `Cannot write ${file} (${option}): it is a directory; give a file name.`, option)
  if (existing && !options.force) throw usageError('OUTPUT_EXISTS', `${file} already exists (${option}); pass --force to replace it, or choose another name.`, option)
  try {
    accessSync(existing ? file : folder, constants.W_OK)
  } catch (e) {
    throw writeFailure(file, option, e)
  }
}

/** Like checkOutputFile for an output folder (`issue --out DIR`): it must exist and be writable. */
export function checkOutputDir(dir: string, option = '--out'): void {
  let st
  try {
    st = statSync(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw usageError('OUTPUT_FOLDER_MISSING', `The folder ${dir} (${option}) does not exist; create it first.`, option)
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw usageError('OUTPUT_UNWRITABLE', `${dir} (${option}) is not a directory: a part of its path is a file.`, option)
    throw writeFailure(dir, option, e)
  }
  if (!st.isDirectory()) throw usageError('OUTPUT_UNWRITABLE', `${dir} (${option}) is not a directory; give the folder to write into.`, option)
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw usageError('OUTPUT_UNWRITABLE', `The folder ${dir} (${option}) is not writable; check its permissions.`, option)
  }
}

export interface WriteOptions {
  /** Private material: written 0600. */
  readonly secret?: boolean
  readonly force?: boolean
  readonly option?: string
}

/** Writes an output file; never creates folders; replaces an existing file only with force. */
export function writeOutput(file: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  try {
    writeFileSync(file, data, { mode: options.secret ? 0o600 : 0o644, flag: options.force ? 'w' : 'wx' })
    // The mode above applies only to a new file: an existing one keeps its own, so tighten it.
    if (options.secret) chmodSync(file, 0o600)
  } catch (e) {
    throw writeFailure(file, options.option ?? '--out', e)
  }
}

/** PEM armour for DER bytes, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

// Pieces shared by the command groups: the secret-file options, reading input files with
// errors that name the file, and writing outputs without clobbering by surprise.
import { chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Command } from 'commander'
import { operationError, usageError } from '../context'

export function addPassphraseFileOption(cmd: Command): Command {
  return cmd.option('--passphrase-file <file>', 'file holding the CA key passphrase (else $PKIDESK_PASSPHRASE)')
}

export function addExportPassphraseFileOption(cmd: Command): Command {
  return cmd.option('--export-passphrase-file <file>', 'file holding the PFX passphrase (else $PKIDESK_EXPORT_PASSPHRASE)')
}

/** The bytes of an input file; a missing or unreadable file is a usage error naming it. */
export function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`
    throw usageError('FILE_UNREADABLE', `The ${what} file ${file} ${why}.`, file)
  }
}

export function readInputText(file: string, what: string): string {
  return readInput(file, what).toString('utf8')
}

/** Writes an output file (creating its folder); private material is written 0600. */
export function writeOutput(file: string, data: Uint8Array | string, options: { readonly secret?: boolean } = {}): void {
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, data, { mode: options.secret ? 0o600 : 0o644 })
    // The mode above applies only to a new file: an existing one keeps its own, so tighten it.
    if (options.secret) chmodSync(file, 0o600)
  } catch (e) {
    throw operationError('FILE_UNWRITABLE', `Cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path and permissions.`, file)
  }
}

/** PEM armour for DER bytes, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

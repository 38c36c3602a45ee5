// The error catalog: every code a Result, an AppFailure or the CLI may carry, one table per
// domain, each code with a one-line meaning (docs/cli.md lists them, `npm run docs:codes`).
// A code that is not here is a type error, so a typo cannot reach the operator.
import { auditErrors } from './audit'
import { authorityErrors } from './authority'
import { backupErrors } from './backup'
import { certificateErrors } from './certificate'
import { cliErrors } from './cli'
import { commonErrors } from './common'
import { csrErrors } from './csr'
import { fileErrors } from './files'
import { ipcErrors } from './ipc'
import { limitErrors } from './limits'
import { keyErrors } from './key'
import { pkcs11Errors } from './pkcs11'
import { profileErrors } from './profile'
import { policyFindings } from './policy'
import { remoteErrors } from './remote'
import { syncErrors } from './sync'

/** Domain → its table, in the order docs/cli.md lists them. */
export const errorCatalog = {
  common: commonErrors,
  authority: authorityErrors,
  certificate: certificateErrors,
  csr: csrErrors,
  key: keyErrors,
  pkcs11: pkcs11Errors,
  profile: profileErrors,
  policy: policyFindings,
  files: fileErrors,
  limits: limitErrors,
  backup: backupErrors,
  audit: auditErrors,
  sync: syncErrors,
  remote: remoteErrors,
  cli: cliErrors,
  ipc: ipcErrors
} as const

type Tables = typeof errorCatalog
export type ErrorDomain = keyof Tables
export type ErrorCode = { [D in ErrorDomain]: keyof Tables[D] }[ErrorDomain] & string

const known = new Set<string>(Object.values(errorCatalog).flatMap((t) => Object.keys(t)))

/** For codes that arrive as text (commander, a stored outbox error): is it one of ours? */
export function isErrorCode(code: string): code is ErrorCode {
  return known.has(code)
}

export type { AuditErrorCode } from './audit'
export type { AuthorityErrorCode } from './authority'
export type { BackupErrorCode } from './backup'
export type { CertificateErrorCode } from './certificate'
export type { CliErrorCode } from './cli'
export type { CommonErrorCode } from './common'
export type { CsrErrorCode } from './csr'
export type { FileErrorCode } from './files'
export type { IpcErrorCode } from './ipc'
export type { KeyErrorCode } from './key'
export type { LimitErrorCode } from './limits'
export type { Pkcs11ErrorCode } from './pkcs11'
export type { ProfileErrorCode } from './profile'
export type { PolicyFindingCode } from './policy'
export type { RemoteErrorCode } from './remote'
export type { SyncErrorCode } from './sync'
export * from './result'

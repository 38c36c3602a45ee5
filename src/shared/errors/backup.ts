// Codes about encrypted backups, their Shamir shares, restores, and custodian (M-of-N) keys.
import type { Catalog } from './catalog'

export const backupErrors = {
  BACKUP_FORMAT_UNSUPPORTED: 'The backup is in a format this version does not read; restore it with a newer PKI Desk.',
  BACKUP_DAMAGED: 'The backup file is damaged or altered (it does not decrypt or its parts disagree).',
  BACKUP_KEY_WRONG: 'The backup does not open with this key: wrong passphrase, too few shares, or an altered file.',
  BACKUP_KEY_INVALID: 'A key in the backup does not open or does not match its public key.',
  BACKUP_KEYS_LOCKED: 'Some keys could not be opened to re-seal under the backup key; unlock them first.',
  BACKUP_SCHEMA_NEWER: 'The backup holds a store newer than this PKI Desk knows.',
  BACKUP_AUDIT_BROKEN: "The backup's audit trail does not verify, so it is not restored.",
  BACKUP_STORE_CHANGED: 'The store changed while the backup was taken; run the backup again.',
  BACKUP_TARGET_NOT_EMPTY: 'A restore goes only into a new, empty data directory.',
  BACKUP_FILE_NOT_CHOSEN: "A file was not chosen in this window's file dialog; choose it again.",
  BACKUP_NOT_SPLIT: 'The backup is protected by a passphrase, not by shares.',
  BACKUP_SHARES_INVALID: 'The share split asked for is not one PKI Desk makes (threshold, count or custodians).',
  BACKUP_SHARES_TOO_FEW: 'Fewer shares were given than the backup needs.',
  BACKUP_SHARE_INVALID: 'A file is not a PKI Desk backup share, or it is damaged.',
  BACKUP_SHARE_FOREIGN: 'A share belongs to another backup.',
  BACKUP_SHARE_MISMATCH: "A share does not match the backup's record of it (changed or mistyped).",
  BACKUP_SHARE_PASSPHRASE_WRONG: "None of the passphrases given opens a custodian's share.",
  CUSTODIANS_REQUIRED: 'A custodian-protected key needs its custodians to enter their passphrases.',
  CUSTODIANS_TOO_FEW: 'Fewer custodians were present than the key needs.',
  CUSTODIANS_INVALID: 'The custodian split is not valid (threshold, count or names).',
  CUSTODIAN_PASSPHRASE_WRONG: "A passphrase given opened no custodian's share of the key."
} as const satisfies Catalog

export type BackupErrorCode = keyof typeof backupErrors

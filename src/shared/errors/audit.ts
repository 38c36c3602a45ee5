// Codes of the audit checkpoints (the anchor outside the database, docs/audit.md).
import type { Catalog } from './catalog'

export const auditErrors = {
  AUDIT_CHECKPOINT_INVALID: 'The file is not a PKI Desk audit checkpoint (or is over 64 KiB).',
  AUDIT_CHECKPOINT_FORGED: 'The checkpoint MAC does not match: the file was edited or written with another audit key.',
  AUDIT_TAIL_CUT: 'Entries the checkpoint vouches for are gone from the end of the trail.',
  AUDIT_REWRITTEN: 'The checkpointed entry is there with another hash: the trail was rebuilt.',
  AUDIT_KEY_UNAVAILABLE: 'The OS keychain that holds the audit key cannot be reached; start it or pass --key-file.',
  AUDIT_KEY_MISSING: 'No audit key exists where it was looked for (keychain entry or key file).',
  AUDIT_KEY_UNREADABLE: 'The audit key file cannot be read or created, or is not an audit key.'
} as const satisfies Catalog

export type AuditErrorCode = keyof typeof auditErrors

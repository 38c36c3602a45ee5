// An audit entry in words for an auditor: what happened, to which certificate (by CN and
// serial), with which CA and profile, why, and whether it succeeded; from the entry's own
// recorded details (the hashed text is shown beside it, unchanged).
import type { AuditEntryDto } from '../../../shared/ipc/audit'
import type { AuthoritySummary } from '../../../shared/domain/authority'
import { colonHex } from './format'

export interface AuditWords {
  readonly what: string
  /** Certificate (CN · serial), CA, profile, reason: each only when recorded. */
  readonly facts: readonly string[]
  readonly outcome: 'done' | 'failed' | 'undone'
}

const VERBS: Readonly<Record<string, string>> = {
  'certificate.issue': 'Issued a certificate',
  'certificate.revoke': 'Revoked a certificate',
  'certificate.release': 'Released a certificate from hold',
  'certificate.export': 'Exported a certificate',
  'certificate.import': 'Imported a certificate',
  'authority.create': 'Created a CA',
  'authority.create.undone': 'Creating a CA was undone',
  'authority.import': 'Imported a CA',
  'authority.csr': 'Made a CSR for an intermediate CA',
  'authority.certificate.import': "Imported a CA's certificate",
  'authority.crl-settings': "Changed a CA's CRL settings",
  'authority.urls': "Changed the URLs a CA puts in what it issues",
  'crl.generate': 'Published a CRL',
  'csr.generate': 'Generated a key and CSR',
  'csr.generate.undone': 'Generating a CSR was undone',
  'vault.unlock': 'Unlocked a key',
  'vault.unlock-failed': 'Failed to unlock a key',
  'vault.lock': 'Locked a key',
  'vault.export': 'Exported a private key',
  'vault.delete': 'Deleted a key',
  'vault.custodians': "Changed a key's custodians",
  'vault.pin-remember': "Remembered a token's PIN in the OS keychain",
  'vault.pin-forget': "Forgot a token's PIN remembered in the OS keychain",
  'pkcs11.module-add': 'Added a PKCS#11 module',
  'pkcs11.module-remove': 'Removed a PKCS#11 module',
  'profile.create': 'Created a profile',
  'profile.update': 'Changed a profile',
  'profile.delete': 'Deleted a profile',
  'backup.create': 'Made a backup',
  'backup.restore': 'Restored a backup'
}

function parse(details: string): Record<string, unknown> {
  try {
    const v = JSON.parse(details) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null)

/** The CN of an RFC 4514 subject text, else the text. */
function cnOf(subject: string): string {
  return /(?:^|, )CN=((?:\\.|[^,])+)/.exec(subject)?.[1] ?? subject
}

export function auditWords(e: AuditEntryDto, authorities: readonly AuthoritySummary[]): AuditWords {
  const d = parse(e.details)
  const [kind, id] = e.subject.split(':', 2) as [string, string | undefined]
  const caById = (x: string | null): string | null => (x ? (authorities.find((a) => a.id === x)?.name ?? null) : null)
  const facts: string[] = []
  const subject = str(d.subject)
  const serial = str(d.serial)
  if (subject || serial) facts.push(`certificate ${[subject ? cnOf(subject) : null, serial ? `serial ${colonHex(serial)}` : null].filter(Boolean).join(' · ')}`)
  const ca = caById(str(d.authorityId)) ?? (kind === 'authority' ? (caById(id ?? null) ?? str(d.name)) : null) ?? (kind === 'key' ? (authorities.find((a) => a.keyId === id)?.name ?? null) : null)
  if (ca) facts.push(`CA ${ca}`)
  if ('profileId' in d) facts.push(`profile ${str(d.profileId) ?? 'built-in minimal TLS server'}`)
  const reason = str(d.reason) ?? (e.action === 'vault.unlock-failed' ? (d.code === 'PASSPHRASE_WRONG' ? 'wrong passphrase' : str(d.code)) : null)
  if (reason) facts.push(`reason ${reason}`)
  if (str(d.crlNumber)) facts.push(`CRL number ${str(d.crlNumber)}`)
  const outcome = e.action.endsWith('-failed') || e.action.endsWith('.failed') ? 'failed' : e.action.endsWith('.undone') ? 'undone' : 'done'
  return { what: VERBS[e.action] ?? e.action, facts, outcome }
}

/** The actions the action filter offers, each with its words. */
export const AUDIT_ACTIONS: readonly { value: string; label: string }[] = Object.entries(VERBS).map(([value, label]) => ({ value, label: `${label} (${value})` }))

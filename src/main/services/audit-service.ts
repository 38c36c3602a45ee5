// Reading the audit trail: verify the chain (and its anchored head), page through it for the
// UI, export it as JSON Lines that can be verified again outside the app.
import { ok, type Result } from '../../shared/errors'
import type { AuditEntryDto, AuditVerdictDto } from '../../shared/ipc/audit'
import type { Store } from '../store/database'
import { auditHeadIntact, iterateAudit, listAudit, verifyAudit, type AuditEntry, type AuditHeadCheck, type AuditPageQuery } from '../store/audit-log'
import { listAuthorities } from '../store/authorities-repo'
import { checkpointText, makeCheckpoint, parseCheckpoint, verifyCheckpoint, type AuditCheckpoint, type CheckpointVerdict } from '../store/audit-checkpoint'
import type { KeychainBackend } from '../vault'
import { auditKey } from './audit-key'

export interface AuditExport {
  readonly fileName: string
  readonly entries: number
  readonly headHash: string
  readonly jsonl: string
}

export interface AuditService {
  verify(): AuditVerdictDto
  list(query: Readonly<AuditPageQuery>): Result<{ total: number; entries: AuditEntryDto[] }>
  /** Every entry, oldest first, one JSON object per line, exactly the fields that are hashed. */
  exportJsonl(): AuditExport
  /**
   * A cheap look at the newest entry against the anchored head (a few indexed reads, no walk
   * of the chain): the CLI's mutating commands ask before they extend the trail.
   */
  headIntact(): AuditHeadCheck
  /** A checkpoint of the trail, HMACed under the audit key (keychain, or `keyFile`): the text to write to removable media. */
  checkpoint(options?: { readonly keyFile?: string }): Promise<Result<{ checkpoint: AuditCheckpoint; text: string; fileName: string; keySource: string; keyCreated: boolean }>>
  /** The trail against a checkpoint's text: a cut or rewritten tail fails with its own code. */
  verifyCheckpoint(text: string, options?: { readonly keyFile?: string }): Promise<Result<CheckpointVerdict & { keySource: string }>>
}

const toDto = (e: AuditEntry): AuditEntryDto => ({ ...e })

export function createAuditService(store: Store, keychain: KeychainBackend, now: () => Date = () => new Date()): AuditService {
  return {
    verify() {
      const v = store.read(verifyAudit)
      if (v.intact)
        return { intact: true, entries: v.entries, headHash: v.headHash, message: `Audit trail intact: ${v.entries} ${v.entries === 1 ? 'entry' : 'entries'}.` }
      return { intact: false, entries: v.entries, brokenAt: v.brokenAt, reason: v.reason, message: `Audit trail broken at entry ${v.brokenAt}: ${v.reason}.` }
    },
    list(query) {
      return ok(
        store.read((tx) => {
          if (!query.search?.trim()) return listAudit(tx, query)
          const text = query.search.trim()
          // A serial typed with colons (as the certificate view shows it) is stored without.
          const search = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(text) ? text.replace(/:/g, '') : text
          // A CA by name: its own entries, and the certificate entries that record its id.
          const cas = listAuthorities(tx).filter((a) => a.name.toLowerCase().includes(search.toLowerCase()))
          return listAudit(tx, { ...query, search, alsoSubjects: cas.map((a) => `authority:${a.id}`), alsoDetails: cas.map((a) => a.id) })
        })
      )
    },
    exportJsonl() {
      const lines: string[] = []
      let headHash = ''
      store.read((tx) => {
        for (const e of iterateAudit(tx)) {
          lines.push(JSON.stringify(toDto(e)))
          headHash = e.hash
        }
      })
      const stamp = now().toISOString().replace(/[:.]/g, '-')
      return { fileName: `pkidesk-audit-${stamp}.jsonl`, entries: lines.length, headHash, jsonl: lines.length ? `${lines.join('\n')}\n` : '' }
    },
    headIntact: () => store.read(auditHeadIntact),
    async checkpoint(options = {}) {
      const key = await auditKey(keychain, { ...options, create: true })
      if (!key.ok) return key
      const made = store.read((tx) => makeCheckpoint(tx, key.value.key, now()))
      if (!made.ok) return made
      const stamp = made.value.at.replace(/[:.]/g, '-')
      return ok({ checkpoint: made.value, text: checkpointText(made.value), fileName: `pkidesk-audit-checkpoint-${stamp}.json`, keySource: key.value.source, keyCreated: key.value.created })
    },
    async verifyCheckpoint(text, options = {}) {
      const cp = parseCheckpoint(text)
      if (!cp.ok) return cp
      const key = await auditKey(keychain, { ...options, create: false })
      if (!key.ok) return key
      const v = store.read((tx) => verifyCheckpoint(tx, cp.value, key.value.key))
      return v.ok ? ok({ ...v.value, keySource: key.value.source }) : v
    }
  }
}

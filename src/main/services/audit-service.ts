// Reading the audit trail: verify the chain (and its anchored head), page through it for the
// UI, export it as JSON Lines that can be verified again outside the app.
import { ok, type Result } from '../../shared/errors'
import type { AuditEntryDto, AuditVerdictDto } from '../../shared/ipc/audit'
import type { Db } from '../store/database'
import { iterateAudit, listAudit, verifyAudit, type AuditEntry, type AuditPageQuery } from '../store/audit-log'

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
}

const toDto = (e: AuditEntry): AuditEntryDto => ({ ...e })

export function createAuditService(db: Db, now: () => Date = () => new Date()): AuditService {
  return {
    verify() {
      const v = verifyAudit(db)
      if (v.intact)
        return { intact: true, entries: v.entries, headHash: v.headHash, message: `Audit trail intact: ${v.entries} ${v.entries === 1 ? 'entry' : 'entries'}.` }
      return { intact: false, entries: v.entries, brokenAt: v.brokenAt, reason: v.reason, message: `Audit trail broken at entry ${v.brokenAt}: ${v.reason}.` }
    },
    list(query) {
      return ok(listAudit(db, query))
    },
    exportJsonl() {
      const lines: string[] = []
      let headHash = ''
      for (const e of iterateAudit(db)) {
        lines.push(JSON.stringify(toDto(e)))
        headHash = e.hash
      }
      const stamp = now().toISOString().replace(/[:.]/g, '-')
      return { fileName: `pkidesk-audit-${stamp}.jsonl`, entries: lines.length, headHash, jsonl: lines.length ? `${lines.join('\n')}\n` : '' }
    }
  }
}

// audit:* — reading, verifying and exporting the hash-chained audit trail. Nothing here
// writes: entries are appended by the services, in the transaction of what they record.
import { z } from 'zod'
import { channel } from './define'

export const auditEntryDto = z.object({
  seq: z.number().int().positive(),
  /** ISO 8601, UTC. */
  at: z.string(),
  /** The OS user that ran the operation. */
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  /** Canonical JSON of the entry's details, exactly as hashed. */
  details: z.string(),
  prevHash: z.string(),
  hash: z.string()
})
export type AuditEntryDto = z.infer<typeof auditEntryDto>

export const auditVerdictDto = z.discriminatedUnion('intact', [
  z.object({
    intact: z.literal(true),
    entries: z.number().int().nonnegative(),
    headHash: z.string(),
    /** One sentence for the UI: "Audit trail intact: 42 entries." */
    message: z.string()
  }),
  z.object({
    intact: z.literal(false),
    entries: z.number().int().nonnegative(),
    /** The seq of the first entry that was altered, removed or reordered (or where the tail was cut). */
    brokenAt: z.number().int(),
    reason: z.string(),
    message: z.string()
  })
])
export type AuditVerdictDto = z.infer<typeof auditVerdictDto>

export const auditChannels = {
  'audit:verify': channel(z.object({}).strict(), auditVerdictDto),
  /**
   * Newest first. `action`/`subject` filter by exact action and by subject substring;
   * `search` finds a CN, a serial (with or without colons), a CA by name or an action in the
   * entry; `from`/`to` bound its time.
   */
  'audit:list': channel(
    z
      .object({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(500).default(100),
        action: z.string().max(100).optional(),
        subject: z.string().max(500).optional(),
        search: z.string().max(500).optional(),
        from: z.string().datetime().optional(),
        to: z.string().datetime().optional()
      })
      .strict(),
    z.object({ total: z.number().int().nonnegative(), entries: z.array(auditEntryDto) })
  ),
  /** The whole trail as JSON Lines (one entry per line, oldest first), for the renderer to save. */
  'audit:export': channel(
    z.object({}).strict(),
    z.object({ fileName: z.string(), entries: z.number().int().nonnegative(), headHash: z.string(), jsonl: z.string() })
  )
} as const

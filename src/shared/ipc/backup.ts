// backup:* — encrypted backups of the whole store (Settings → Backup), restore into an empty
// store (first start), and the dashboard's reminder. Paths come from main's dialogs; the
// renderer never names a file, and no response carries key material or a share.
import { z } from 'zod'
import { keyProtection } from '../domain/keys'
import { channel } from './define'

export const backupStatusDto = z.object({
  last: z.object({ at: z.string(), backupId: z.string(), protection: z.enum(['passphrase', 'shares']) }).nullable(),
  daysSince: z.number().int().nullable(),
  issuancesSince: z.number().int(),
  due: z.boolean(),
  /** Why the reminder is due, in one sentence; null when it is not. */
  reason: z.string().nullable(),
  reminderDays: z.number().int(),
  reminderIssuances: z.number().int()
})
export type BackupStatusDto = z.infer<typeof backupStatusDto>

const custodianShare = z.object({ name: z.string().trim().min(1).max(200), passphrase: z.string().min(1).max(1024).optional() })

export const backupSummaryDto = z.object({
  file: z.string(),
  backupId: z.string(),
  createdAt: z.string(),
  appVersion: z.string(),
  schemaVersion: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  protection: z.union([
    z.object({ kind: z.literal('passphrase') }),
    z.object({ kind: z.literal('shares'), threshold: z.number().int(), total: z.number().int(), custodians: z.array(z.string().nullable()) })
  ]),
  keys: z.array(z.object({ keyId: z.string(), purpose: z.string(), spec: z.string(), protection: z.string(), authorities: z.array(z.string()) })),
  notIncluded: z.array(z.object({ authority: z.string(), reason: z.string() })),
  connectors: z.array(z.object({ name: z.string(), type: z.string(), credential: z.string() }))
})
export type BackupSummaryDto = z.infer<typeof backupSummaryDto>

export const backupChannels = {
  'backup:status': channel(z.object({}).strict(), backupStatusDto),
  /** Asks where to save (and, for shares, which folder), then writes the backup. `saved: false` when cancelled. */
  'backup:create': channel(
    z
      .object({
        protection: z.enum(['passphrase', 'shares']),
        passphrase: z.string().max(1024).optional(),
        shares: z.number().int().min(2).max(16).optional(),
        threshold: z.number().int().min(2).max(16).optional(),
        custodians: z.array(custodianShare.nullable()).max(16).optional(),
        keyPassphrase: z.string().max(1024).optional()
      })
      .strict(),
    z.object({ saved: z.boolean(), backup: backupSummaryDto.extend({ bytes: z.number().int(), shareFiles: z.array(z.string()) }).nullable() })
  ),
  /** Asks for the backup file, then for its share files when it is split. */
  'backup:choose': channel(
    z.object({ what: z.enum(['backup', 'shares']) }).strict(),
    z.object({ files: z.array(z.object({ path: z.string(), name: z.string() })), summary: backupSummaryDto.nullable() })
  ),
  /** Opens a chosen backup with its secret and checks everything (keys, audit chain); nothing is restored. */
  'backup:verify': channel(
    z
      .object({
        file: z.string().min(1).max(4096),
        passphrase: z.string().max(1024).optional(),
        shareFiles: z.array(z.string().min(1).max(4096)).max(255).optional(),
        sharePassphrases: z.array(z.string().max(1024)).max(255).optional()
      })
      .strict(),
    backupSummaryDto.extend({ opened: z.boolean(), checks: z.array(z.string()) })
  ),
  'backup:restore': channel(
    z
      .object({
        file: z.string().min(1).max(4096),
        passphrase: z.string().max(1024).optional(),
        shareFiles: z.array(z.string().min(1).max(4096)).max(255).optional(),
        sharePassphrases: z.array(z.string().max(1024)).max(255).optional(),
        protection: keyProtection,
        keyPassphrase: z.string().max(1024).optional()
      })
      .strict(),
    backupSummaryDto.extend({ restoredKeys: z.number().int(), credentialsToReenter: z.array(z.string()), custodianKeys: z.array(z.string()), migrated: z.boolean(), fromSchema: z.number().int() })
  )
} as const

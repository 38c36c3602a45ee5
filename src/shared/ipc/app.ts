// app:* and settings:* — what the shell needs before any domain screen.
import { z } from 'zod'
import { channel } from './define'
import { exportFormat } from '../domain/certificate'

export const theme = z.enum(['system', 'light', 'dark'])
export const crlFormat = z.enum(['der', 'pem'])
export type CrlFormat = z.infer<typeof crlFormat>

export const settingsDto = z.object({
  theme,
  autoLockMinutes: z.number().int().min(1).max(24 * 60),
  /** The dashboard reminds the operator to back up after this many days without a backup… */
  backupReminderDays: z.number().int().min(1).max(365),
  /** …or after this many certificates issued since the last one. */
  backupReminderIssuances: z.number().int().min(1).max(1_000_000),
  /** The format the export dialog starts with. */
  certificateExportFormat: exportFormat,
  /** How the app saves a CRL and what `pkidesk crl generate` writes without --format (DER: what a CDP serves, RFC 5280 §4.2.1.13). */
  crlFormat
})
export type SettingsDto = z.infer<typeof settingsDto>

export const appChannels = {
  'app:info': channel(
    z.object({}).strict(),
    z.object({
      name: z.string(),
      version: z.string(),
      dataDir: z.string(),
      platform: z.string(),
      schemaVersion: z.number().int()
    })
  ),
  'settings:get': channel(z.object({}).strict(), settingsDto),
  'settings:update': channel(settingsDto.partial().strict(), settingsDto)
} as const

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

const count = z.number().int().nonnegative()

/** Where the store lives, how big it is on disk and what it holds (the Settings screen's "Data" card). */
export const storeInfoDto = z.object({
  /** The data directory (Electron's userData in the app). */
  dataDir: z.string(),
  /** The SQLite database inside it. */
  databaseFile: z.string(),
  /** Bytes of the database file and of its write-ahead log (0 when there is none). */
  databaseBytes: count,
  walBytes: count,
  counts: z.object({
    authorities: count,
    /** valid + expired + revoked = total; expired: issued and past notAfter now. */
    certificates: z.object({ total: count, valid: count, expired: count, revoked: count }),
    profiles: count,
    crls: count,
    auditEntries: count
  })
})
export type StoreInfoDto = z.infer<typeof storeInfoDto>

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
  'settings:update': channel(settingsDto.partial().strict(), settingsDto),
  'settings:storeInfo': channel(z.object({}).strict(), storeInfoDto),
  /**
   * Shows the database file in the OS file manager (Electron's shell.showItemInFolder). No path
   * comes from the renderer: main reveals its own data directory only.
   */
  'settings:revealDataDir': channel(z.object({}).strict(), z.object({ revealed: z.string() })),
  /** Puts the data directory's path on the clipboard (Electron's clipboard, in main). */
  'settings:copyDataDir': channel(z.object({}).strict(), z.object({ copied: z.string() }))
} as const

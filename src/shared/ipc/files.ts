// files:* — saving what the renderer holds (exports, issued certificates, CRLs, the audit
// trail) to a place the operator picks. The renderer cannot write files: main asks the
// operator (a save dialog in the app; a configured folder in the test harness) and writes.
import { z } from 'zod'
import { channel } from './define'

/** A bare file name: no directories, no traversal, nothing a file system would refuse. */
export const safeFileName = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !/[/\\\0:*?"<>|]/.test(n) && n !== '.' && n !== '..' && !n.startsWith('.'), {
    message: 'must be a plain file name without folders or the characters / \\ : * ? " < > |'
  })

export const fileToSave = z.object({
  name: safeFileName,
  /** The file's bytes, base64. */
  base64: z.string().max(64 * 1024 * 1024)
})
export type FileToSave = z.infer<typeof fileToSave>

export const saveOutcome = z.object({
  /** false when the operator closed the dialog without choosing. */
  saved: z.boolean(),
  /** Where the files went (absolute paths), empty when not saved. */
  paths: z.array(z.string())
})
export type SaveOutcome = z.infer<typeof saveOutcome>

export const filesChannels = {
  /** One file: the operator picks its name and place. */
  'files:save': channel(z.object({ title: z.string().min(1).max(200), file: fileToSave }).strict(), saveOutcome),
  /** Several files into one folder the operator picks; existing files are never overwritten. */
  'files:saveAll': channel(
    z.object({ title: z.string().min(1).max(200), files: z.array(fileToSave).min(1).max(100_000) }).strict(),
    saveOutcome
  )
} as const

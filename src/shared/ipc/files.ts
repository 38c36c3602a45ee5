// files:* — saving what the renderer holds (exports, issued certificates, CRLs, the audit
// trail) to a place the operator picks. The renderer cannot write files: main asks the
// operator (a save dialog in the app; a configured folder in the test harness) and writes.
import { z } from 'zod'
import { channel } from './define'
import { passphraseText } from '../domain/keys'
import { exportFormat, exportedFile } from '../domain/certificate'
import { certificateSelection } from './certificates'

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

/** The options of certificates:export, for a file main writes itself (nothing comes back but where it went). */
export const exportCertificateRequest = z
  .object({
    id: z.number().int(),
    format: exportFormat,
    /** PFX only: the file's password (at least 12 characters when a key is included). */
    password: passphraseText.optional(),
    /** PFX only: include the private key when the app holds it (default true). */
    includeKey: z.boolean().default(true),
    /**
     * PFX only: the opt-in to include a CA's private key (refused with CA_KEY_EXPORT_NOT_CONFIRMED
     * otherwise). It only starts the export: main then asks, in a dialog of its own, for the CA
     * key's passphrase (or a keychain-only CA's confirmation) before the key leaves the vault.
     */
    includeCaKey: z.boolean().default(false),
    /** Unlocks a locked key protected by a passphrase for this export only; keychain-protected keys unlock without it. */
    keyPassphrase: passphraseText.optional()
  })
  .strict()
export type ExportCertificateRequest = z.infer<typeof exportCertificateRequest>

/** Encrypted PKCS#8 (PEM, PBES2 with AES-256) alone, or a PFX with the certificate and its chain. */
export const keyExportFormat = z.enum(['pkcs8-pem', 'pfx-modern', 'pfx-legacy'])
export type KeyExportFormat = z.infer<typeof keyExportFormat>

export const exportKeyRequest = z
  .object({
    /** The key of a certificate the app holds the key of, or a vault key by id (e.g. right after CSR generation; PKCS#8 only). */
    key: z.union([z.object({ certificateId: z.number().int() }).strict(), z.object({ keyId: z.string().min(1).max(200) }).strict()]),
    format: keyExportFormat,
    /** The file's password: at least 12 characters. */
    password: passphraseText,
    /** As in files:exportCertificate. */
    keyPassphrase: passphraseText.optional()
  })
  .strict()
export type ExportKeyRequest = z.infer<typeof exportKeyRequest>

export const filesChannels = {
  /** One file: the operator picks its name and place. */
  'files:save': channel(z.object({ title: z.string().min(1).max(200), file: fileToSave }).strict(), saveOutcome),
  /** Several files into one folder the operator picks; existing files are never overwritten. */
  'files:saveAll': channel(
    z.object({ title: z.string().min(1).max(200), files: z.array(fileToSave).min(1).max(100_000) }).strict(),
    saveOutcome
  ),
  /**
   * certificates:export, but main writes the file where the operator chooses and returns only
   * where it went: the way to export anything that can carry a private key (PFX), which
   * certificates:export refuses (EXPORT_KEY_OVER_IPC). Audited as the export service does.
   */
  'files:exportCertificate': channel(exportCertificateRequest, saveOutcome),
  /** An end-entity key held by the vault, encrypted, written by main; audited as vault.export. CA keys are refused here. */
  'files:exportKey': channel(exportKeyRequest, saveOutcome),
  /**
   * One PKCS#7 (certificates only, no key) with every given certificate and, by default, each
   * one's chain up to the root, without duplicates: issued certificates first, in order.
   */
  'files:bundleCertificates': channel(
    z
      .object({
        ids: z.array(z.number().int()).min(1).max(100_000),
        includeChain: z.boolean().default(true),
        encoding: z.enum(['der', 'pem']).default('der')
      })
      .strict(),
    exportedFile
  ),
  /**
   * Every certificate of a selection (picked rows or all matching the inventory filter), one
   * file each named by serial plus a bundle (bundle.pem, or bundle.p7b for DER and PKCS#7),
   * written by main into a folder the operator picks.
   */
  'files:exportSelection': channel(
    z.object({ selection: certificateSelection, format: z.enum(['pem', 'der', 'p7b']), operationId: z.string().min(1).max(100).optional() }).strict(),
    saveOutcome.extend({ certificates: z.number().int(), cancelled: z.boolean() })
  ),
  /**
   * Asks the operator for a folder that a signing run writes its certificates into as they
   * are signed (certificates:issue's outputFolderId). Main keeps the folder and hands out an
   * id for it: the window never names a path to write to.
   */
  'files:chooseOutputFolder': channel(
    z.object({ title: z.string().min(1).max(200) }).strict(),
    z.object({ chosen: z.boolean(), folderId: z.string().nullable(), path: z.string().nullable() })
  )
} as const

// certificates:* and crl:* — the certificate inventory, issuance, export, revocation, CRLs.
import { z } from 'zod'
import { errorCodeSchema } from '../errors/schema'
import { channel } from './define'
import { passphraseText } from '../domain/keys'
import { finding, operatorInputPatch } from '../domain/profile'
import {
  certificateDetail,
  certificateStatus,
  certificateSummary,
  crlSummary,
  exportFormat,
  exportedFile,
  revocationReason
} from '../domain/certificate'

/** Every inventory column sorts: status as expired, valid, revoked; keyHeld without a key first; renewal links by the linked certificate's id. */
export const certificateSortField = z.enum(['notAfter', 'notBefore', 'subject', 'createdAt', 'serial', 'issuer', 'sans', 'status', 'profile', 'keyHeld', 'renewalOf', 'renewedBy'])

/** What the inventory screen filters by. */
export const inventoryFilter = z.object({
  /** Matches a substring of the subject or SANs, or a prefix of the serial or SHA-256 (hex, colons ignored); case-insensitive. */
  search: z.string().max(500).optional(),
  status: certificateStatus.optional(),
  authorityId: z.string().optional(),
  profileId: z.string().optional(),
  /** Unrevoked certificates whose notAfter is between now and now + this many days. */
  expiringWithinDays: z.number().int().min(0).max(36500).optional()
})

export const listCertificatesRequest = inventoryFilter.extend({
  sort: z.object({ field: certificateSortField, direction: z.enum(['asc', 'desc']) }).default({ field: 'createdAt', direction: 'desc' }),
  /** Opaque, from the previous page's nextCursor. */
  cursor: z.string().max(1000).optional(),
  limit: z.number().int().min(1).max(1000).default(100)
})
export type ListCertificatesRequest = z.infer<typeof listCertificatesRequest>

/** The dashboard's counts: all, revoked, expiring within 30 days, and the unrevoked expiring in each of the next `weeks` weeks. */
export const expiryStatsRequest = z.object({ weeks: z.number().int().min(1).max(104).default(26) })
export const expiryStatsResponse = z.object({
  total: z.number().int(),
  revoked: z.number().int(),
  within30: z.number().int(),
  /** Week k: notAfter after now + 7k days (at now for k = 0), up to now + 7(k+1) days. */
  weeks: z.array(z.object({ start: z.string().datetime(), count: z.number().int() }))
})
export type ExpiryStatsDto = z.infer<typeof expiryStatsResponse>

/** The inventory's filter plus the fields bulk revocation selects by. */
export const certificateFilter = inventoryFilter.extend({
  /** notBefore at or after this instant. */
  issuedAfter: z.string().datetime({ offset: true }).optional(),
  /** notBefore before this instant. */
  issuedBefore: z.string().datetime({ offset: true }).optional(),
  /** A case-insensitive substring of the subject (not the SANs). */
  subjectMatch: z.string().min(1).max(500).optional()
})
export type CertificateFilter = z.infer<typeof certificateFilter>

/** Which certificates a bulk action applies to: picked rows, serials (a file of them), or everything a filter matches. */
export const certificateSelection = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(1_000_000) }),
  z.object({ serials: z.array(z.string().min(1).max(200)).min(1).max(1_000_000), authorityId: z.string().min(1).optional() }),
  z.object({ filter: certificateFilter })
])
export type CertificateSelection = z.infer<typeof certificateSelection>

export const selectedCertificate = z.object({ id: z.number().int(), serial: z.string(), subjectText: z.string(), authorityId: z.string().nullable(), status: z.enum(['issued', 'revoked']) })
export type SelectedCertificateDto = z.infer<typeof selectedCertificate>

/** Certificates of a selection left out of a bulk action, and why ('on-hold': revoked with certificateHold; released or revoked alone for a final reason). */
export const skippedCertificate = z.object({ serial: z.string(), id: z.number().int().nullable(), why: z.enum(['not-found', 'already-revoked', 'on-hold', 'not-issued-here']) })
export type SkippedCertificate = z.infer<typeof skippedCertificate>

export const revokeManyRequest = z.object({
  operationId: z.string().min(1).max(100).optional(),
  selection: certificateSelection,
  reason: revocationReason,
  invalidityDate: z.string().datetime().optional(),
  /** Lists what would be revoked and how many; changes nothing. */
  dryRun: z.boolean(),
  /** At most this many of the matched certificates are listed in `items` (all are counted). */
  listLimit: z.number().int().min(0).max(1_000_000).default(1000)
})
export type RevokeManyRequest = z.input<typeof revokeManyRequest>

export const revokeManyResponse = z.object({
  operationId: z.string(),
  dryRun: z.boolean(),
  /** Certificates that are (or, in a dry run, would be) revoked. */
  matched: z.number().int(),
  revoked: z.number().int(),
  /** Stopped by certificates:cancelBulk between two slices: `revoked` of `matched` were revoked, the rest were not. */
  cancelled: z.boolean(),
  items: z.array(selectedCertificate),
  skipped: z.array(skippedCertificate)
})
export type RevokeManyResponse = z.infer<typeof revokeManyResponse>

/** Why one request was not signed; a profile's refusal lists every finding, not just the first. */
export const issueItemError = z.object({
  code: errorCodeSchema,
  message: z.string(),
  field: z.string().optional(),
  details: z.object({ findings: z.array(finding) }).optional()
})
export type IssueItemError = z.infer<typeof issueItemError>

export const issueItemResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    index: z.number().int(),
    certificateId: z.number().int(),
    serial: z.string(),
    subjectText: z.string(),
    /** The PEM file written for it (runs with an output folder: the CLI's --out). */
    file: z.string().optional(),
    /** Why that file could not be written (the certificate is stored all the same). */
    fileError: z.string().optional()
  }),
  z.object({ ok: z.literal(false), index: z.number().int(), error: issueItemError })
])
export type IssueItemResult = z.infer<typeof issueItemResult>

export const issueRequest = z.object({
  /** Chosen by the caller to match `progress` events to this batch; generated when omitted. */
  operationId: z.string().min(1).max(100).optional(),
  authorityId: z.string().min(1),
  /** The issuance profile; null uses the built-in minimal TLS-server profile. */
  profileId: z.string().nullable(),
  /** The operator read the profile's warnings and issues anyway (errors always block). */
  confirmWarnings: z.boolean().default(false),
  /**
   * false: a request this CA and profile already certified (a certificate for it still
   * valid) is refused with CSR_ALREADY_CERTIFIED naming that serial; true: the operator was
   * told and issues another. The Sign screen and `pkidesk issue` always send it; omitted (the
   * services' own callers: renewal, tests) nothing is checked.
   */
  confirmResubmission: z.boolean().optional(),
  /**
   * The recorded run this call belongs to (migration 008). Omitted: the call is a run of its
   * own. A caller that sends one batch in chunks names the run and its total with the first
   * chunk and the same id with the next ones; `first` is the chunk's first index in the run.
   */
  run: z
    .object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), total: z.number().int().min(1).max(1_000_000), first: z.number().int().min(0) })
    .strict()
    .optional(),
  /**
   * Values the operator entered for the whole batch: subject attributes for rules with source
   * `entered`, SANs, validity (days or an end date) and hash. A request's own `input`
   * overrides them field by field (mergeOperatorInput).
   */
  input: operatorInputPatch.optional(),
  items: z
    .array(
      z.object({
        csrPem: z.string().min(1).max(1024 * 1024),
        input: operatorInputPatch.optional(),
        /** Where the request came from (a file name), kept in the run's record. */
        label: z.string().max(1000).optional()
      })
    )
    .min(1)
    .max(100_000)
})
export type IssueRequest = z.infer<typeof issueRequest>

export const issueResponse = z.object({
  operationId: z.string(),
  /** The recorded run (pkidesk runs, runs:list). */
  runId: z.string(),
  issued: z.number().int(),
  /** Refused or failed requests (each result says why). */
  failed: z.number().int(),
  /** Requests not attempted because the run was cancelled (their results have code CANCELLED). */
  cancelled: z.number().int(),
  results: z.array(issueItemResult)
})
export type IssueResponse = z.infer<typeof issueResponse>

export const renewRequest = z.object({
  /** The certificate to renew: its key (held by the vault), subject and names, with its profile as it is now. */
  id: z.number().int(),
  /** The CA that signs the renewal; the one that signed the certificate when omitted. */
  authorityId: z.string().min(1).optional(),
  /** The operator read the profile's warnings and renews anyway (errors always block). */
  confirmWarnings: z.boolean().default(false),
  /** For a locked key protected by a passphrase: unlocked for this renewal only, then locked again. */
  keyPassphrase: passphraseText.optional()
})
export type RenewRequest = z.infer<typeof renewRequest>

export const certificatesChannels = {
  'certificates:list': channel(
    listCertificatesRequest,
    z.object({ items: z.array(certificateSummary), nextCursor: z.string().nullable(), total: z.number().int() })
  ),
  'certificates:get': channel(z.object({ id: z.number().int() }), certificateDetail),
  /** Counted from the certificate tallies (migration 014): one answer instead of a count per week. */
  'certificates:expiryStats': channel(expiryStatsRequest, expiryStatsResponse),
  /**
   * `outputFolderId` (from files:chooseOutputFolder): each certificate's PEM is written into
   * that folder as its slice commits (temp file + rename), as `pkidesk issue --out` does.
   */
  'certificates:issue': channel(issueRequest.extend({ outputFolderId: z.string().min(1).max(100).optional() }), issueResponse),
  /**
   * Stops a running certificates:issue: requests not yet signed are not attempted, what was
   * signed is recorded. `cancelled` is false when no run with this id is in progress.
   */
  'certificates:cancelIssue': channel(z.object({ operationId: z.string().min(1).max(100) }), z.object({ cancelled: z.boolean() })),
  /** A new certificate for the same key, subject and names, with the same profile (as it is now). */
  'certificates:renew': channel(
    renewRequest,
    z.object({ certificateId: z.number().int(), serial: z.string(), subjectText: z.string(), renewedFrom: z.number().int(), authorityId: z.string(), profileId: z.string().nullable() })
  ),
  'certificates:export': channel(
    z.object({
      id: z.number().int(),
      format: exportFormat,
      /** PFX only: the file's password (at least 12 characters when a key is included). */
      password: passphraseText.optional(),
      /** PFX only: include the private key when the app holds it (default true). */
      includeKey: z.boolean().default(true)
    }),
    exportedFile
  ),
  'certificates:revoke': channel(
    z.object({ id: z.number().int(), reason: revocationReason, invalidityDate: z.string().datetime().optional() }),
    certificateSummary
  ),
  /** Lifts a hold (a certificate revoked with certificateHold); anything else is CERTIFICATE_NOT_ON_HOLD. */
  'certificates:release': channel(z.object({ id: z.number().int() }), certificateSummary),
  /**
   * Revokes every certificate of a selection, one transaction per slice of 1,000 with one
   * audit entry per certificate; `dryRun` lists and counts only. A selection matching
   * nothing is an error (NOTHING_SELECTED); `progress` events carry operationId.
   */
  'certificates:revokeMany': channel(revokeManyRequest, revokeManyResponse),
  /** Stops a running certificates:revokeMany or files:exportSelection before its next slice; false when none with this id runs. */
  'certificates:cancelBulk': channel(z.object({ operationId: z.string().min(1).max(100) }), z.object({ cancelled: z.boolean() }))
} as const

export const crlChannels = {
  'crl:generate': channel(z.object({ authorityId: z.string().min(1) }), crlSummary),
  'crl:list': channel(z.object({ authorityId: z.string().min(1) }), z.object({ items: z.array(crlSummary) })),
  'crl:export': channel(z.object({ id: z.number().int(), format: z.enum(['pem', 'der']) }), exportedFile)
} as const

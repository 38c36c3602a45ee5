// Remote CA platforms PKI Desk can sync with, and the outbox that holds every remote action
// until an explicit sync run executes it. These DTOs cross IPC: they never carry a
// credential (only whether one is stored) nor any private key material.
import { z } from 'zod'
import { storedErrorCodeSchema } from '../errors/schema'

export const connectorType = z.enum(['lamassu', 'digicert-tlm', 'digicert-certcentral', 'digicert-iot', 'paloalto'])
export type ConnectorType = z.infer<typeof connectorType>

export const CONNECTOR_TYPE_LABELS: Readonly<Record<ConnectorType, string>> = {
  lamassu: 'Lamassu IoT CA',
  'digicert-tlm': 'DigiCert Trust Lifecycle Manager',
  'digicert-certcentral': 'DigiCert CertCentral automation',
  'digicert-iot': 'DigiCert IoT Device Manager',
  paloalto: 'Palo Alto Networks configuration API'
}

/** Connector names are used on the command line (`--connector N`) and in certificates' `source`. */
export const connectorName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, dash or underscore, starting with a letter or digit')

export const connectorSettingsDto = z.object({
  /** Per-request timeout; a request that takes longer is abandoned and retried later. */
  timeoutMs: z.number().int().min(100).max(300_000),
  /** Palo Alto only: the path the generate call sits under (e.g. `/config/identity/v1`), for a URL without a path. */
  basePath: z.string().max(200).optional(),
  /** Palo Alto only: the firewall certificate (`signed_by`) that signs generated certificates when the profile names none. */
  signedBy: z.string().min(1).max(64).optional(),
  /** Extra trust anchors (PEM) added to the system roots for this connector; TLS checks stay on. */
  caBundlePem: z.string().max(1_000_000).optional(),
  /**
   * Where the credential comes from: the OS keychain (default) or an environment variable read
   * at run time. PKIDESK_* names are PKI Desk's own (PKIDESK_PASSPHRASE is a CA passphrase) and
   * are refused, so such a value is never sent to a platform.
   */
  credentialEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and underscores')
    .refine((v) => !/^PKIDESK_/i.test(v), 'PKIDESK_* variables are PKI Desk\'s own (a passphrase, the data directory); name another variable')
    .optional(),
  /**
   * CertCentral only: the account fields createProfile requires, for profiles that do not hold
   * them (the profile's own values win), and the remote CA certificate (caCertId) to sign with.
   */
  certCentral: z
    .object({
      accountId: z.string().min(1).optional(),
      divisionId: z.number().int().optional(),
      organizationName: z.string().min(1).optional(),
      organizationId: z.number().int().optional(),
      productType: z.string().min(1).optional(),
      caCertId: z.string().optional(),
      caCertName: z.string().optional()
    })
    .optional()
})
export type ConnectorSettingsDto = z.infer<typeof connectorSettingsDto>

/**
 * A change to a connector's settings (connectors:update): a value replaces the stored one,
 * `null` removes an optional one (the Connections screen's emptied field), absent keeps it.
 * `certCentral` is replaced as a whole.
 */
export const connectorSettingsPatch = z.object({
  timeoutMs: connectorSettingsDto.shape.timeoutMs.optional(),
  basePath: connectorSettingsDto.shape.basePath.unwrap().nullable().optional(),
  signedBy: connectorSettingsDto.shape.signedBy.unwrap().nullable().optional(),
  caBundlePem: connectorSettingsDto.shape.caBundlePem.unwrap().nullable().optional(),
  credentialEnv: connectorSettingsDto.shape.credentialEnv.unwrap().nullable().optional(),
  certCentral: connectorSettingsDto.shape.certCentral.unwrap().nullable().optional()
})
export type ConnectorSettingsPatch = z.infer<typeof connectorSettingsPatch>

export const connectorDto = z.object({
  id: z.string(),
  name: z.string(),
  type: connectorType,
  baseUrl: z.string(),
  enabled: z.boolean(),
  settings: connectorSettingsDto,
  /** True when a credential is in the keychain or the configured environment variable is set. */
  hasCredential: z.boolean(),
  createdAt: z.string(),
  /** Counts of this connector's outbox items by state. */
  queued: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative()
})
export type ConnectorDto = z.infer<typeof connectorDto>

export const outboxState = z.enum(['queued', 'running', 'done', 'failed'])
export type OutboxState = z.infer<typeof outboxState>

/** What an outbox item does; each belongs to one connector type. */
export const outboxAction = z.enum([
  'lamassu.profile.pull',
  'lamassu.profile.push',
  'lamassu.profile.delete',
  'tlm.profile.pull',
  'tlm.certificate.request',
  'certcentral.profile.create',
  'iot.auth-cert.assign',
  'iot.auth-cert.refresh',
  'paloalto.certificate.generate'
])
export type OutboxAction = z.infer<typeof outboxAction>

export const ACTION_CONNECTOR: Readonly<Record<OutboxAction, ConnectorType>> = {
  'lamassu.profile.pull': 'lamassu',
  'lamassu.profile.push': 'lamassu',
  'lamassu.profile.delete': 'lamassu',
  'tlm.profile.pull': 'digicert-tlm',
  'tlm.certificate.request': 'digicert-tlm',
  'certcentral.profile.create': 'digicert-certcentral',
  'iot.auth-cert.assign': 'digicert-iot',
  'iot.auth-cert.refresh': 'digicert-iot',
  'paloalto.certificate.generate': 'paloalto'
}

export const syncErrorDto = z.object({
  code: storedErrorCodeSchema,
  message: z.string(),
  /** HTTP status of the remote answer, absent for timeouts and network errors. */
  httpStatus: z.number().int().optional(),
  /** The platform's own error code (Palo Alto `E006`, TLM `errors[].code`…). */
  remoteCode: z.string().optional(),
  /** Palo Alto `_request_id`, to quote to the vendor. */
  requestId: z.string().optional(),
  /** A 429/503 answer's Retry-After, in seconds: the next attempt waits at least this long. */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  retryable: z.boolean()
})
export type SyncErrorDto = z.infer<typeof syncErrorDto>

export const outboxItemDto = z.object({
  id: z.number().int(),
  connectorId: z.string(),
  connectorName: z.string(),
  action: outboxAction,
  /** One line for the operator: what this item does. */
  summary: z.string(),
  idempotencyKey: z.string(),
  state: outboxState,
  /** Attempts since the item was queued (or retried); transient failures never end an item. */
  attempts: z.number().int().nonnegative(),
  /** Set while the item backs off after a transient failure: it is not sent before then. */
  nextAttemptAt: z.string().nullable(),
  lastError: syncErrorDto.nullable(),
  /** One line on what the remote answered (e.g. "created profile id 1234"). */
  resultSummary: z.string().nullable(),
  /** Conflict notes and warnings, e.g. "remote profile web-server changed since the last pull". */
  notes: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type OutboxItemDto = z.infer<typeof outboxItemDto>

/**
 * done; pending (the platform is still working on it); requeued (a transient failure: queued
 * with a backoff); failed (a permanent refusal); skipped (not tried: its connector is
 * disabled, unreachable or without a credential); waiting (backing off, not due yet).
 */
export const runItemOutcome = z.enum(['done', 'pending', 'requeued', 'failed', 'skipped', 'waiting'])
export type RunItemOutcome = z.infer<typeof runItemOutcome>

export const syncRunReportDto = z.object({
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  connector: z.string().nullable(),
  /** `running` items left by an interrupted run (its process died) that this run resumed. */
  reclaimed: z.number().int().nonnegative(),
  items: z.array(
    z.object({
      id: z.number().int(),
      action: outboxAction,
      connectorName: z.string(),
      outcome: runItemOutcome,
      attempts: z.number().int().nonnegative(),
      message: z.string(),
      /** What the conversion or the platform's answer could not carry, skipped pulled profiles, status changes. */
      notes: z.array(z.string())
    })
  ),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Items still queued after the run (not reached, backed off, waiting for remote approval). */
  remaining: z.number().int().nonnegative()
})
export type SyncRunReportDto = z.infer<typeof syncRunReportDto>

export const syncStatusDto = z.object({
  /** Networking happens only during a run; false otherwise. */
  running: z.boolean(),
  counts: z.object({
    queued: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative()
  }),
  lastRun: syncRunReportDto.omit({ items: true }).nullable(),
  /** The earliest next attempt of an item backing off, or null. */
  nextAttemptAt: z.string().nullable()
})
export type SyncStatusDto = z.infer<typeof syncStatusDto>

export const connectorTestDto = z.object({
  ok: z.boolean(),
  message: z.string(),
  error: syncErrorDto.nullable()
})
export type ConnectorTestDto = z.infer<typeof connectorTestDto>

// ---- Enqueue requests (what the operator asks for; validated again by the service) ----

/** IoT Device Manager: certificate fields that take registered values, and which are arrays. */
export const iotCertificateField = z.enum([
  'subject.common_name',
  'subject.organization_name',
  'subject.organization_unit',
  'subject.country',
  'subject.state',
  'subject.locality',
  'subject.street_address',
  'subject.postal_code',
  'subject.email',
  'challenge_password'
])
export type IotCertificateField = z.infer<typeof iotCertificateField>
export const IOT_ARRAY_FIELDS: readonly IotCertificateField[] = ['subject.organization_unit', 'subject.street_address']

export const registeredValueDto = z.object({
  certificate_field: iotCertificateField,
  matcher: z.literal('equals').optional(),
  value: z.union([z.string(), z.array(z.string())])
})
export type RegisteredValueDto = z.infer<typeof registeredValueDto>

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')

export const paloAltoScopeDto = z.union([
  z.object({ folder: z.string() }).strict(),
  z.object({ snippet: z.string() }).strict(),
  z.object({ device: z.string() }).strict()
])
export type PaloAltoScopeDto = z.infer<typeof paloAltoScopeDto>

export const enqueueRequestDto = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('profile-pull'), connector: z.string(), filters: z.array(z.string()).max(20).optional() }).strict(),
  z.object({ kind: z.literal('profile-push'), connector: z.string(), profileId: z.string() }).strict(),
  z.object({ kind: z.literal('profile-delete'), connector: z.string(), remoteId: z.string(), confirm: z.string() }).strict(),
  z
    .object({
      kind: z.literal('certificate-request'),
      connector: z.string(),
      remoteProfileId: z.string(),
      seatId: z.string(),
      csrPem: z.string().max(200_000),
      validityDays: z.number().int().positive().optional()
    })
    .strict(),
  z
    .object({
      kind: z.literal('assign-auth-cert'),
      connector: z.string(),
      serial: z.string(),
      enrollmentProfileId: z.string(),
      startDate: isoDate.optional(),
      endDate: isoDate.optional(),
      usageLimit: z.number().int().positive().optional(),
      registeredValues: z.array(registeredValueDto).max(50).optional()
    })
    .strict(),
  z
    .object({
      kind: z.literal('generate'),
      connector: z.string(),
      profileId: z.string(),
      scope: paloAltoScopeDto,
      certificateName: z.string().optional(),
      commonName: z.string().optional()
    })
    .strict()
])
export type EnqueueRequestDto = z.infer<typeof enqueueRequestDto>

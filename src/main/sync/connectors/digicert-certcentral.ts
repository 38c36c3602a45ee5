// DigiCert CertCentral automation (seed 000), header `X-DC-DEVKEY`.
// Push: POST {API base}/profile/createProfile; the answer is `{"error": …, "data": {"message",
// "id"}}`. The returned id is kept (remembered for the local profile), so pushing the same
// profile again updates that remote profile: PUT {API base}/profile/{id} with the same body
// (seed 000 documents only the create; the update follows the API's REST form).
// Account fields (accountId, divisionId, organizationName, organizationId, productType) and
// the remote CA (caCertId, caCertName) come from the profile first (a profile pulled or
// imported from CertCentral holds them) and from the connector's settings for whatever the
// profile lacks: the profile wins, the connector fills in.
// The body is checked against the seed's limits before it is queued: validity `<n>D` or
// `<n>Y` (1Y = 365 days) of at most 397 days, key size and algorithm from the seed's list,
// auto-renew days at least 1 and below the validity.
import { z } from 'zod'
import { assertNever, fail, ok, type Result } from '../../../shared/errors'
import { readRemoteError, unexpectedBody } from '../errors'
import { call, isRecord, notTaken, reachability, type ConnectorContext, type ConnectorDriver, type ExecOutcome } from '../connector'

export type CertCentralAction = 'certcentral.profile.create'
export const CERTCENTRAL_PROFILE_KIND = 'certcentral.profile'
const ACCOUNT_FIELDS = ['accountId', 'divisionId', 'organizationName', 'productType'] as const

/** Relative to the API base (default /automationws/v1, see ../urls.ts). */
export const CERTCENTRAL_CREATE_PATH = '/profile/createProfile'
export const CERTCENTRAL_MAX_VALIDITY_DAYS = 397

export const certCentralKeyAlgorithms = ['RSA 2048', 'RSA 4096', 'RSA 8192', 'ECC P256', 'ECC P384'] as const

/** Days of a `1D`/`1Y` validity (1Y = 365 days, as the vendor counts), or null when malformed. */
export function validityDays(v: string): number | null {
  const m = /^([1-9]\d{0,3})([DY])$/.exec(v)
  if (!m) return null
  const n = Number(m[1])
  return m[2] === 'D' ? n : n * 365
}

export const certCentralProfileBody = z
  .object({
    name: z.string().min(1),
    productType: z.string().min(1),
    validityPeriod: z.string(),
    signatureHash: z.string().optional(),
    ctLogOption: z.boolean().optional(),
    organizationId: z.number().int().optional(),
    organizationName: z.string().min(1),
    keySizeAndAlgorithm: z.enum(certCentralKeyAlgorithms).optional(),
    emailAddresses: z.string().optional(),
    divisionId: z.number().int(),
    isDefault: z.boolean().optional(),
    profileType: z.enum(['ACME', 'SENSOR']).optional(),
    accountId: z.string().min(1),
    productName: z.string().optional(),
    contacts: z
      .array(
        z
          .object({
            contactId: z.number().int().optional(),
            contactType: z.enum(['org_contact', 'technical_contact', 'ev_approver']).optional(),
            contactName: z.string().optional()
          })
          .strict()
      )
      .optional(),
    autoRenewSettings: z.object({ daysBeforeExpiry: z.number().int().optional(), isAutoReplace: z.boolean().optional() }).strict().optional(),
    canSignHttpExchangesExtension: z.boolean().optional(),
    customFields: z.array(z.object({ id: z.number().int().optional(), value: z.unknown().optional() }).strict()).optional(),
    caCertId: z.string().optional(),
    caCertName: z.string().optional()
  })
  .strict()
export type CertCentralProfileBody = z.infer<typeof certCentralProfileBody>

export const certCentralCreatePayload = z.object({ localProfileId: z.string().optional(), body: certCentralProfileBody }).strict()
const profilePath = (id: string) => `/profile/${encodeURIComponent(id)}`

/** The seed's limits, each failure naming its field. */
export function checkCertCentralBody(raw: unknown): Result<CertCentralProfileBody> {
  const parsed = certCentralProfileBody.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.map(String).join('.') ?? ''
    return fail('CERTCENTRAL_INVALID_PROFILE', `The CertCentral automation profile is invalid at ${field || 'its root'}: ${issue?.message ?? 'invalid'}.`, field || undefined)
  }
  const body = parsed.data
  const days = validityDays(body.validityPeriod)
  if (days === null)
    return fail('CERTCENTRAL_INVALID_VALIDITY', `The validity period "${body.validityPeriod}" is not a number followed by D (days) or Y (years): give one such as 1Y.`, 'validityPeriod')
  if (days > CERTCENTRAL_MAX_VALIDITY_DAYS)
    return fail('CERTCENTRAL_VALIDITY_TOO_LONG', `The validity period "${body.validityPeriod}" is ${days} days, longer than the ${CERTCENTRAL_MAX_VALIDITY_DAYS} days CertCentral allows: shorten it.`, 'validityPeriod')
  const before = body.autoRenewSettings?.daysBeforeExpiry
  if (before !== undefined && (before < 1 || before >= days))
    return fail('CERTCENTRAL_INVALID_AUTO_RENEW', `The auto-renew lead time is ${before} days: give at least 1 and less than the validity (${days} days).`, 'autoRenewSettings.daysBeforeExpiry')
  return ok(body)
}

async function create(ctx: ConnectorContext, payload: z.infer<typeof certCentralCreatePayload>): Promise<ExecOutcome> {
  // Read at run time: an earlier item of the same profile may have created it since this one was queued.
  const existing = payload.localProfileId ? ctx.rememberedRemoteId(CERTCENTRAL_PROFILE_KIND, payload.localProfileId) : null
  const what = existing ? `update automation profile ${existing} ("${payload.body.name}")` : `create automation profile "${payload.body.name}"`
  const r = existing
    ? await call(ctx, what, { method: 'PUT', path: profilePath(existing), body: payload.body })
    : await call(ctx, what, { method: 'POST', path: CERTCENTRAL_CREATE_PATH, body: payload.body })
  if (!r.ok) return { kind: 'error', error: r.error }
  const json = isRecord(r.json) ? r.json : {}
  if (json.error !== undefined && json.error !== null && !(isRecord(json.error) && Object.keys(json.error).length === 0)) {
    const d = readRemoteError('digicert-certcentral', json)
    return {
      kind: 'error',
      error: {
        code: 'CERTCENTRAL_REJECTED',
        message: `DigiCert CertCentral automation (connector ${ctx.name}) refused to ${what}: "${d.remoteMessage ?? 'no message'}"${d.remoteCode ? ` (${d.remoteCode})` : ''}; fix the profile and push it again.`,
        httpStatus: r.status,
        ...(d.remoteCode ? { remoteCode: d.remoteCode } : {}),
        retryable: false
      }
    }
  }
  const data = isRecord(json.data) ? json.data : null
  const id = data && (typeof data.id === 'number' || typeof data.id === 'string') ? String(data.id) : existing
  if (!id) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, what, 'no data.id') }
  return {
    kind: 'done',
    summary: existing ? `updated automation profile ${id} ("${payload.body.name}")` : `created automation profile "${payload.body.name}" with id ${id}`,
    result: { id, created: !existing, message: data && typeof data.message === 'string' ? data.message : '' },
    effects: [{ kind: 'remote-object-pushed', objectKind: CERTCENTRAL_PROFILE_KIND, remoteId: id, ...(payload.localProfileId ? { localId: payload.localProfileId } : {}), body: payload.body }]
  }
}

export const digicertCertCentralDriver: ConnectorDriver<CertCentralAction> = {
  type: 'digicert-certcentral',
  actions: ['certcentral.profile.create'],
  requests: ['profile-push'],
  authHeaders: (credential) => ({ 'x-dc-devkey': credential }),
  test: (ctx) => reachability(ctx, ''),
  plan(request, ports) {
    if (request.kind !== 'profile-push') return notTaken('digicert-certcentral', request.kind)
    const converted = ports.profiles.toCertCentral(request.profileId)
    if (!converted.ok) return converted
    const account = ports.connector.settings.certCentral ?? {}
    // The profile wins; the connector fills in what the profile lacks.
    const body: Record<string, unknown> = { ...account, ...converted.value.body }
    const missing = ACCOUNT_FIELDS.filter((k) => body[k] === undefined)
    if (missing.length)
      return fail(
        'CERTCENTRAL_ACCOUNT_MISSING',
        `CertCentral needs ${missing.join(', ')}; neither the profile nor connector ${ports.connector.name} has ${missing.length === 1 ? 'it' : 'them'}: set ${missing.length === 1 ? 'it' : 'them'} on the connector (settings.certCentral) or in the profile.`,
        `settings.certCentral.${missing[0]}`
      )
    const checked = checkCertCentralBody(body)
    if (!checked.ok) return checked
    // Conversion notes on the account fields the connector has now supplied are no longer true.
    const notes = converted.value.notes.filter((n) => !ACCOUNT_FIELDS.some((k) => n.startsWith(`${k}: `)))
    for (const k of [...ACCOUNT_FIELDS, 'organizationId', 'caCertId', 'caCertName'] as const)
      if (converted.value.body[k] === undefined && (account as Record<string, unknown>)[k] !== undefined) notes.push(`${k}: taken from connector ${ports.connector.name}`)
    const earlier = ports.rememberedByLocal(CERTCENTRAL_PROFILE_KIND, request.profileId)
    if (earlier) notes.push(`updates automation profile ${earlier.remoteId}, created by an earlier push of this profile`)
    return ok({ action: 'certcentral.profile.create', payload: { localProfileId: request.profileId, body: checked.value }, notes })
  },
  async execute(ctx, action, payload) {
    switch (action) {
      case 'certcentral.profile.create':
        return create(ctx, certCentralCreatePayload.parse(payload))
      default:
        return assertNever(action, 'CertCentral action')
    }
  },
  describe(_action, payload) {
    const p = isRecord(payload) && isRecord(payload.body) ? payload.body : {}
    return `push automation profile "${String(p.name)}" (${String(p.validityPeriod)}${p.keySizeAndAlgorithm ? `, ${String(p.keySizeAndAlgorithm)}` : ''})`
  }
}

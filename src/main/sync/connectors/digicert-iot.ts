// DigiCert IoT Device Manager (seed 001), header `x-api-key`.
// Assign: POST {API base}/enrollment-profile/{id}/authentication-certificate with the PEM,
// an optional date window (YYYY-MM-DD), usage limit and registered values (`equals`
// matchers on the seed's certificate fields; organization_unit and street_address take
// arrays). Before an assignment is queued the local certificate is checked against its own
// registered values, field by field (a certificate the platform would refuse at every
// enrollment is refused here). Only EST, SCEP and CMPv2 enrollment profiles accept
// authentication certificates; the platform says so with a 4xx that is shown as is.
// The enrollment mapping (window, usage limit and count, registered values, status,
// thumbprint) is remembered per assignment; every sync run refreshes it with
// GET …/authentication-certificate/{assignment id} (the seed documents the create only; the
// read follows its REST form) and compares the platform's thumbprint with the local
// certificate's SHA-256. A DISABLED or DELETED assignment is reported; a DELETED one is no
// longer refreshed.
import { z } from 'zod'
import { IOT_ARRAY_FIELDS, iotCertificateField, registeredValueDto, type IotCertificateField, type RegisteredValueDto } from '../../../shared/domain/sync'
import { assertNever, fail, ok, type Result } from '../../../shared/errors'
import type { DistinguishedName } from '../../../shared/domain/names'
import { unexpectedBody } from '../errors'
import { call, isRecord, notTaken, reachability, type ConnectorContext, type ConnectorDriver, type ExecOutcome, type IotAssignmentState } from '../connector'
import { normSerial } from './digicert-tlm'

export type IotAction = 'iot.auth-cert.assign' | 'iot.auth-cert.refresh'
export const IOT_ASSIGNMENT_KIND = 'iot.auth-cert'

/** The certificate attribute (short name, as the DN reader gives it) behind each registered-value field; null: not in a certificate. */
const FIELD_ATTRIBUTE: Readonly<Record<IotCertificateField, string | null>> = {
  'subject.common_name': 'CN',
  'subject.organization_name': 'O',
  'subject.organization_unit': 'OU',
  'subject.country': 'C',
  'subject.state': 'ST',
  'subject.locality': 'L',
  'subject.street_address': 'street',
  'subject.postal_code': 'postalCode',
  'subject.email': 'emailAddress',
  challenge_password: null
}

/**
 * Checks a certificate's subject against registered values (`equals`): a string field must
 * equal the one value the subject holds, an array field must hold exactly the listed values
 * (any order). Refuses by field; `notes` says what cannot be checked from a certificate.
 */
export function checkRegisteredValues(subject: DistinguishedName, values: readonly RegisteredValueDto[]): Result<{ notes: string[] }> {
  const notes: string[] = []
  for (const rv of values) {
    const attr = FIELD_ATTRIBUTE[rv.certificate_field]
    if (attr === null) {
      notes.push(`${rv.certificate_field} is not part of a certificate; it is checked by the platform at enrollment only`)
      continue
    }
    const have = subject.flat().filter((a) => a.type === attr || (attr === 'emailAddress' && a.type === 'E')).map((a) => a.value)
    const want = typeof rv.value === 'string' ? [rv.value] : [...rv.value]
    const equal = IOT_ARRAY_FIELDS.includes(rv.certificate_field)
      ? have.length === want.length && [...have].sort().join('\u0000') === [...want].sort().join('\u0000')
      : have.length === 1 && have[0] === want[0] && want.length === 1
    if (!equal)
      return fail(
        'IOT_REGISTERED_VALUE_MISMATCH',
        `The certificate's ${rv.certificate_field} is ${have.length ? have.map((v) => JSON.stringify(v)).join(', ') : 'absent'}, not the registered ${want.map((v) => JSON.stringify(v)).join(', ')}: the platform would refuse every enrollment with it. Register the certificate's own value or assign another certificate.`,
        `registeredValues.${rv.certificate_field}`
      )
  }
  return ok({ notes })
}

/** `--registered-value field=value` strings → registered values (repeats of an array field gather). */
export function parseRegisteredValuePairs(pairs: readonly string[]): Result<RegisteredValueDto[]> {
  const byField = new Map<string, string[]>()
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) return fail('IOT_INVALID_REGISTERED_VALUE', `"${pair}" must be field=value, e.g. subject.common_name=device-1.`, 'registeredValues')
    const field = pair.slice(0, eq).trim()
    const list = byField.get(field) ?? []
    list.push(pair.slice(eq + 1))
    byField.set(field, list)
  }
  const out: RegisteredValueDto[] = []
  for (const [field, values] of byField) {
    const parsedField = iotCertificateField.options.find((f) => f === field)
    if (!parsedField)
      return fail('IOT_UNKNOWN_CERTIFICATE_FIELD', `"${field}" is not a certificate field that takes registered values (e.g. subject.common_name, subject.organization_unit).`, 'registeredValues')
    out.push({ certificate_field: parsedField, matcher: 'equals', value: values.length === 1 ? (values[0] as string) : values })
  }
  return ok(out)
}

export const iotAssignPath = (enrollmentProfileId: string) => `/enrollment-profile/${encodeURIComponent(enrollmentProfileId)}/authentication-certificate`

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
export const iotAssignBody = z
  .object({
    pem: z.string().min(1),
    start_date: isoDate.optional(),
    end_date: isoDate.optional(),
    usage_limit: z.number().int().positive().optional(),
    registered_values: z.array(registeredValueDto.extend({ matcher: z.literal('equals') })).optional()
  })
  .strict()
export const iotAssignPayload = z.object({ enrollmentProfileId: z.string().min(1), serial: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), body: iotAssignBody }).strict()
export const iotRefreshPayload = z.object({ enrollmentProfileId: z.string().min(1), assignmentId: z.string().min(1), serial: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()
const assignmentPath = (enrollmentProfileId: string, id: string) => `${iotAssignPath(enrollmentProfileId)}/${encodeURIComponent(id)}`

function realDate(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`)
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d
}

/** Builds the request body, checking dates and that array fields get arrays and string fields strings. */
export function buildIotAssignBody(input: {
  pem: string
  startDate?: string
  endDate?: string
  usageLimit?: number
  registeredValues?: readonly RegisteredValueDto[]
}): Result<z.infer<typeof iotAssignBody>> {
  for (const [field, d] of [
    ['startDate', input.startDate],
    ['endDate', input.endDate]
  ] as const)
    if (d !== undefined && !realDate(d)) return fail('IOT_INVALID_DATE', `${field} "${d}" is not a real date in YYYY-MM-DD form.`, field)
  if (input.startDate && input.endDate && input.endDate < input.startDate)
    return fail('IOT_INVALID_DATE', `The end date ${input.endDate} is before the start date ${input.startDate}: give a window that ends after it starts.`, 'endDate')
  const seen = new Set<string>()
  const values: z.infer<typeof iotAssignBody>['registered_values'] = []
  for (const rv of input.registeredValues ?? []) {
    if (seen.has(rv.certificate_field))
      return fail('IOT_DUPLICATE_REGISTERED_VALUE', `${rv.certificate_field} is registered twice; give it once (array fields take several values).`, 'registeredValues')
    seen.add(rv.certificate_field)
    const isArray = IOT_ARRAY_FIELDS.includes(rv.certificate_field)
    const value = isArray ? (Array.isArray(rv.value) ? rv.value : [rv.value]) : rv.value
    if (!isArray && Array.isArray(value)) {
      if (value.length !== 1) return fail('IOT_INVALID_REGISTERED_VALUE', `${rv.certificate_field} takes one value, not ${value.length}.`, 'registeredValues')
      values.push({ certificate_field: rv.certificate_field, matcher: 'equals', value: value[0] as string })
      continue
    }
    if ((Array.isArray(value) && value.some((v) => v.length === 0)) || value.length === 0)
      return fail('IOT_INVALID_REGISTERED_VALUE', `${rv.certificate_field} needs a non-empty value.`, 'registeredValues')
    values.push({ certificate_field: rv.certificate_field, matcher: 'equals', value })
  }
  return ok({
    pem: input.pem,
    ...(input.startDate ? { start_date: input.startDate } : {}),
    ...(input.endDate ? { end_date: input.endDate } : {}),
    ...(input.usageLimit !== undefined ? { usage_limit: input.usageLimit } : {}),
    ...(values.length ? { registered_values: values } : {})
  })
}

/** The platform's answer about one assignment, as the remembered enrollment mapping. */
function stateOf(j: Record<string, unknown>, base: { enrollmentProfileId: string; serial: string; sha256: string }, now: string): IotAssignmentState {
  const rvs = Array.isArray(j.registered_values) ? j.registered_values.filter(isRecord) : []
  return {
    id: String(j.id),
    enrollmentProfileId: isRecord(j.enrollment_profile) && typeof j.enrollment_profile.id === 'string' ? j.enrollment_profile.id : base.enrollmentProfileId,
    serial: base.serial,
    startDate: typeof j.start_date === 'string' ? j.start_date : null,
    endDate: typeof j.end_date === 'string' ? j.end_date : null,
    usageLimit: typeof j.usage_limit === 'number' ? j.usage_limit : null,
    numberOfUsage: typeof j.number_of_usage === 'number' ? j.number_of_usage : 0,
    registeredValues: rvs.map((r) => ({ certificate_field: String(r.certificate_field), value: Array.isArray(r.value) ? r.value.map(String) : String(r.value) })),
    status: typeof j.status === 'string' ? j.status : 'unknown',
    thumbprint: typeof j.certificate_thumbprint === 'string' ? j.certificate_thumbprint.toLowerCase() : null,
    localSha256: base.sha256,
    refreshedAt: now
  }
}

/** What the operator must hear about an assignment's state. */
function stateNotes(st: IotAssignmentState, reportedSerial: unknown): string[] {
  const notes: string[] = []
  if (typeof reportedSerial === 'string' && normSerial(reportedSerial) !== normSerial(st.serial)) notes.push(`the platform reports serial ${reportedSerial}, not ${st.serial}`)
  if (st.thumbprint !== null && st.thumbprint !== st.localSha256)
    notes.push(`the platform's thumbprint ${st.thumbprint} is not the local certificate's SHA-256 ${st.localSha256}: it holds another certificate under assignment ${st.id}`)
  if (st.status !== 'ACTIVE') notes.push(`assignment ${st.id} is ${st.status} on the platform${st.status === 'DELETED' ? '; it is no longer refreshed' : ', not ACTIVE: enrollments with it are refused'}`)
  if (st.usageLimit !== null && st.numberOfUsage >= st.usageLimit) notes.push(`assignment ${st.id} has used all ${st.usageLimit} enrollments`)
  return notes
}

const usage = (st: IotAssignmentState) => `used ${st.numberOfUsage}${st.usageLimit === null ? ' (no usage limit)' : ` of ${st.usageLimit}`}`

async function refresh(ctx: ConnectorContext, payload: z.infer<typeof iotRefreshPayload>): Promise<ExecOutcome> {
  const what = `read authentication certificate ${payload.assignmentId} of enrollment profile ${payload.enrollmentProfileId}`
  const r = await call(ctx, what, { method: 'GET', path: assignmentPath(payload.enrollmentProfileId, payload.assignmentId) }, [404])
  if (!r.ok) return { kind: 'error', error: r.error }
  const j = r.status === 404 ? { id: payload.assignmentId, status: 'DELETED' } : isRecord(r.json) ? r.json : null
  if (!j || j.id === undefined) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, what, 'no authentication certificate id') }
  const st = stateOf(j, payload, new Date().toISOString())
  return {
    kind: 'done',
    summary: `authentication certificate ${st.id} (certificate ${payload.serial}): status ${st.status}, ${usage(st)}`,
    result: { ...st },
    notes: stateNotes(st, j.certificate_serial_number),
    effects: [{ kind: 'iot-assignment', assignment: st }]
  }
}

async function assign(ctx: ConnectorContext, payload: z.infer<typeof iotAssignPayload>): Promise<ExecOutcome> {
  const what = `assign certificate ${payload.serial} to enrollment profile ${payload.enrollmentProfileId}`
  const r = await call(ctx, what, { method: 'POST', path: iotAssignPath(payload.enrollmentProfileId), body: payload.body })
  if (!r.ok) return { kind: 'error', error: r.error }
  const j = isRecord(r.json) ? r.json : null
  if (!j || typeof j.id !== 'string') return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, what, 'no authentication certificate id') }
  const st = stateOf(j, payload, new Date().toISOString())
  const profileName = isRecord(j.enrollment_profile) && typeof j.enrollment_profile.name === 'string' ? j.enrollment_profile.name : payload.enrollmentProfileId
  return {
    kind: 'done',
    summary: `assigned as authentication certificate ${st.id} to enrollment profile ${profileName}: status ${st.status}, ${usage(st)}`,
    result: { ...st },
    notes: stateNotes(st, j.certificate_serial_number),
    effects: [{ kind: 'iot-assignment', assignment: st }]
  }
}

export const digicertIotDriver: ConnectorDriver<IotAction> = {
  type: 'digicert-iot',
  actions: ['iot.auth-cert.assign', 'iot.auth-cert.refresh'],
  requests: ['assign-auth-cert'],
  authHeaders: (credential) => ({ 'x-api-key': credential }),
  test: (ctx) => reachability(ctx, ''),
  plan(request, ports) {
    if (request.kind !== 'assign-auth-cert') return notTaken('digicert-iot', request.kind)
    const cert = ports.certificates.findBySerial(request.serial)
    if (!cert.ok) return cert
    const body = buildIotAssignBody({
      pem: cert.value.pem,
      ...(request.startDate ? { startDate: request.startDate } : {}),
      ...(request.endDate ? { endDate: request.endDate } : {}),
      ...(request.usageLimit !== undefined ? { usageLimit: request.usageLimit } : {}),
      ...(request.registeredValues ? { registeredValues: request.registeredValues } : {})
    })
    if (!body.ok) return body
    const checked = checkRegisteredValues(cert.value.subject, body.value.registered_values ?? [])
    if (!checked.ok) return checked
    return ok({
      action: 'iot.auth-cert.assign',
      payload: { enrollmentProfileId: request.enrollmentProfileId, serial: cert.value.serial, sha256: cert.value.sha256, body: body.value },
      notes: checked.value.notes
    })
  },
  refresh(remembered) {
    return remembered(IOT_ASSIGNMENT_KIND)
      .map((r) => r.body as IotAssignmentState)
      .filter((st) => st && typeof st.id === 'string' && st.status !== 'DELETED')
      .map((st) => ({
        action: 'iot.auth-cert.refresh' as const,
        payload: { enrollmentProfileId: st.enrollmentProfileId, assignmentId: st.id, serial: st.serial, sha256: st.localSha256 },
        notes: []
      }))
  },
  async execute(ctx, action, payload) {
    switch (action) {
      case 'iot.auth-cert.assign':
        return assign(ctx, iotAssignPayload.parse(payload))
      case 'iot.auth-cert.refresh':
        return refresh(ctx, iotRefreshPayload.parse(payload))
      default:
        return assertNever(action, 'IoT action')
    }
  },
  describe(action, payload) {
    const p = isRecord(payload) ? payload : {}
    switch (action) {
      case 'iot.auth-cert.assign':
        return `assign certificate ${String(p.serial)} as authentication certificate to enrollment profile ${String(p.enrollmentProfileId)}`
      case 'iot.auth-cert.refresh':
        return `refresh authentication certificate ${String(p.assignmentId)} (certificate ${String(p.serial)}) of enrollment profile ${String(p.enrollmentProfileId)}`
      default:
        return assertNever(action, 'IoT action')
    }
  }
}

// DigiCert IoT Device Manager (seed 001), header `x-api-key`.
// Assign: POST /iot/api/v1/enrollment-profile/{id}/authentication-certificate with the PEM,
// an optional date window (YYYY-MM-DD), usage limit and registered values (`equals`
// matchers on the seed's certificate fields; organization_unit and street_address take
// arrays). Only EST, SCEP and CMPv2 enrollment profiles accept authentication
// certificates; the platform says so with a 4xx that is shown as is. The answer's status
// and usage are kept on the outbox item.
import { z } from 'zod'
import { IOT_ARRAY_FIELDS, registeredValueDto, type OutboxAction, type RegisteredValueDto } from '../../../shared/domain/sync'
import { fail, ok, type Result } from '../../../shared/errors'
import { localError, unexpectedBody } from '../errors'
import { call, isRecord, reachability, type ConnectorContext, type ConnectorDriver, type ExecOutcome } from '../connector'
import { normSerial } from './digicert-tlm'

/** Relative to the API base (default /iot/api/v1, see ../urls.ts). */
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
export const iotAssignPayload = z.object({ enrollmentProfileId: z.string().min(1), serial: z.string(), body: iotAssignBody }).strict()

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
    return fail('IOT_INVALID_DATE', `endDate ${input.endDate} is before startDate ${input.startDate}; give a window that ends after it starts.`, 'endDate')
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

async function assign(ctx: ConnectorContext, payload: z.infer<typeof iotAssignPayload>): Promise<ExecOutcome> {
  const what = `assign certificate ${payload.serial} to enrollment profile ${payload.enrollmentProfileId}`
  const r = await call(ctx, what, { method: 'POST', path: iotAssignPath(payload.enrollmentProfileId), body: payload.body })
  if (!r.ok) return { kind: 'error', error: r.error }
  const j = isRecord(r.json) ? r.json : null
  if (!j || typeof j.id !== 'string') return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, what, 'no authentication certificate id') }
  const notes: string[] = []
  if (typeof j.certificate_serial_number === 'string' && normSerial(j.certificate_serial_number) !== normSerial(payload.serial))
    notes.push(`the platform reports serial ${j.certificate_serial_number}, not ${payload.serial}`)
  const status = typeof j.status === 'string' ? j.status : 'unknown'
  if (status !== 'ACTIVE') notes.push(`the platform reports status ${status}, not ACTIVE`)
  const used = typeof j.number_of_usage === 'number' ? j.number_of_usage : 0
  const limit = typeof j.usage_limit === 'number' ? j.usage_limit : null
  const profileName = isRecord(j.enrollment_profile) && typeof j.enrollment_profile.name === 'string' ? j.enrollment_profile.name : payload.enrollmentProfileId
  return {
    kind: 'done',
    summary: `assigned as authentication certificate ${j.id} to enrollment profile ${profileName}: status ${status}, used ${used}${limit === null ? ' (no usage limit)' : ` of ${limit}`}`,
    result: {
      id: j.id,
      status,
      numberOfUsage: used,
      usageLimit: limit,
      startDate: typeof j.start_date === 'string' ? j.start_date : null,
      endDate: typeof j.end_date === 'string' ? j.end_date : null,
      thumbprint: typeof j.certificate_thumbprint === 'string' ? j.certificate_thumbprint : null
    },
    notes
  }
}

export const digicertIotDriver: ConnectorDriver = {
  type: 'digicert-iot',
  actions: ['iot.auth-cert.assign'],
  authHeaders: (credential) => ({ 'x-api-key': credential }),
  test: (ctx) => reachability(ctx, ''),
  async execute(ctx, action, payload) {
    if (action !== 'iot.auth-cert.assign') return { kind: 'error', error: localError('SYNC_ACTION_UNSUPPORTED', `IoT Device Manager connectors cannot run ${action}.`) }
    return assign(ctx, iotAssignPayload.parse(payload))
  },
  describe(_action: OutboxAction, payload: unknown) {
    const p = isRecord(payload) ? payload : {}
    return `assign certificate ${String(p.serial)} as authentication certificate to enrollment profile ${String(p.enrollmentProfileId)}`
  }
}

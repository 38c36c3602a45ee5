// Palo Alto Networks configuration API (seed 003), `Authorization: Bearer`.
// Generate: POST {API base}/certificates, the API base being the pasted URL's path, else the
// connector's basePath setting, else /config/identity/v1 (../urls.ts) scoped to exactly one of folder, snippet or device, whose name
// matches ^[a-zA-Z\d-_\. ]+$ and is at most 64 characters. The seed's ECDSA size "245" is
// 256: accepted on input, 256 is sent. Every `_errors` code is mapped in ../errors.ts.
import { z } from 'zod'
import type { PaloAltoScopeDto } from '../../../shared/domain/sync'
import { assertNever, fail, ok, type Result } from '../../../shared/errors'
import type { PaloAltoFields } from '../../engine/profiles/paloalto'
import { call, isRecord, notTaken, reachability, type ConnectorContext, type ConnectorDriver, type ExecOutcome } from '../connector'

export type PaloAltoAction = 'paloalto.certificate.generate'

export const PALOALTO_DEFAULT_BASE_PATH = '/config/identity/v1'
export const PALOALTO_SCOPE_PATTERN = /^[a-zA-Z\d\-_. ]+$/
/** The seed also lists 512 and 1024; RSA below 2048 bits is never sent. */
export const PALOALTO_RSA_BITS = [2048, 3072, 4096] as const
export const PALOALTO_ECDSA_BITS = [256, 384] as const
export const PALOALTO_DIGESTS = ['sha1', 'sha256', 'sha384', 'sha512', 'md5'] as const

const scopeName = z.string().min(1).max(64).regex(PALOALTO_SCOPE_PATTERN, 'use letters, digits, space, dash, underscore or dot')
const optText = (max: number) => z.string().min(1).max(max).optional()

export const paloAltoGenerateBody = z
  .object({
    certificate_name: z.string().min(1),
    common_name: z.string().min(1),
    algorithm: z.union([
      z.object({ rsa_number_of_bits: z.literal(PALOALTO_RSA_BITS) }).strict(),
      z.object({ ecdsa_number_of_bits: z.literal(PALOALTO_ECDSA_BITS) }).strict()
    ]),
    digest: z.enum(PALOALTO_DIGESTS),
    day_till_expiration: z.number().int().positive().optional(),
    alternate_email: z.array(z.string().min(1)).optional(),
    hostname: z.array(z.string().min(1).max(64)).optional(),
    ip: z.array(z.string().min(1).max(64)).optional(),
    department: z.array(z.string().min(1)).optional(),
    locality: optText(64),
    state: optText(32),
    country_code: z.string().length(2).optional(),
    ocsp_responder_url: optText(64),
    signed_by: optText(64),
    is_certificate_authority: z.boolean().optional(),
    is_block_private_key: z.boolean().optional(),
    folder: scopeName.optional(),
    snippet: scopeName.optional(),
    device: scopeName.optional()
  })
  .strict()
  .refine((b) => [b.folder, b.snippet, b.device].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of folder, snippet or device',
    path: ['folder']
  })
export type PaloAltoGenerateBody = z.infer<typeof paloAltoGenerateBody>

export const paloAltoGeneratePayload = z.object({ localProfileId: z.string().optional(), body: paloAltoGenerateBody }).strict()

// What a local profile gives the firewall: filled by the profiles engine (engine/profiles/paloalto.ts).
export type { PaloAltoFields } from '../../engine/profiles/paloalto'

/** Builds and checks the generate body; every refusal names its field. */
export function buildPaloAltoBody(fields: PaloAltoFields, scope: PaloAltoScopeDto): Result<PaloAltoGenerateBody> {
  const [scopeKey, scopeValue] = Object.entries(scope)[0] as ['folder' | 'snippet' | 'device', string]
  if (!scopeValue || scopeValue.length > 64 || !PALOALTO_SCOPE_PATTERN.test(scopeValue))
    return fail('PALOALTO_INVALID_SCOPE', `The ${scopeKey} name "${scopeValue}" must be 1 to 64 letters, digits, spaces, dashes, underscores or dots.`, scopeKey)
  let bits = fields.key.bits
  if (fields.key.family === 'ecdsa' && bits === 245) bits = 256
  if (fields.key.family === 'rsa' && !(PALOALTO_RSA_BITS as readonly number[]).includes(bits))
    return fail(
      'PALOALTO_UNSUPPORTED_KEY',
      bits < 2048
        ? `RSA ${bits} is below the 2048-bit baseline and is never sent to the firewall; allow RSA 2048, 3072 or 4096 in the profile.`
        : `The firewall generates RSA keys of ${PALOALTO_RSA_BITS.join(', ')} bits, not ${bits}; change the profile's key size.`,
      'algorithm'
    )
  if (fields.key.family === 'ecdsa' && !(PALOALTO_ECDSA_BITS as readonly number[]).includes(bits))
    return fail('PALOALTO_UNSUPPORTED_KEY', `The firewall generates ECDSA keys of 256 or 384 bits, not ${bits}; change the profile's curve.`, 'algorithm')
  const digest = fields.digest.toLowerCase().replace('-', '')
  const body = {
    certificate_name: fields.certificateName,
    common_name: fields.commonName,
    algorithm: fields.key.family === 'rsa' ? { rsa_number_of_bits: bits } : { ecdsa_number_of_bits: bits },
    digest,
    ...(fields.days !== undefined ? { day_till_expiration: fields.days } : {}),
    ...(fields.alternateEmail?.length ? { alternate_email: [...fields.alternateEmail] } : {}),
    ...(fields.hostname?.length ? { hostname: [...fields.hostname] } : {}),
    ...(fields.ip?.length ? { ip: [...fields.ip] } : {}),
    ...(fields.department?.length ? { department: [...fields.department] } : {}),
    ...(fields.locality ? { locality: fields.locality } : {}),
    ...(fields.state ? { state: fields.state } : {}),
    ...(fields.countryCode ? { country_code: fields.countryCode } : {}),
    ...(fields.ocspResponderUrl ? { ocsp_responder_url: fields.ocspResponderUrl } : {}),
    ...(fields.signedBy ? { signed_by: fields.signedBy } : {}),
    ...(fields.isCertificateAuthority !== undefined ? { is_certificate_authority: fields.isCertificateAuthority } : {}),
    ...(fields.isBlockPrivateKey !== undefined ? { is_block_private_key: fields.isBlockPrivateKey } : {}),
    [scopeKey]: scopeValue
  }
  const parsed = paloAltoGenerateBody.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.map(String).join('.') || 'body'
    return fail('PALOALTO_INVALID_FIELDS', `The firewall certificate field ${field} is invalid: ${issue?.message ?? 'invalid'}.`, field)
  }
  return ok(parsed.data)
}


async function generate(ctx: ConnectorContext, payload: z.infer<typeof paloAltoGeneratePayload>): Promise<ExecOutcome> {
  const b = payload.body
  const scope = scopeText(b)
  const what = `generate certificate "${b.certificate_name}" in ${scope}`
  const r = await call(ctx, what, { method: 'POST', path: '/certificates', body: b })
  if (!r.ok) return { kind: 'error', error: r.error }
  const j = isRecord(r.json) ? r.json : {}
  const id = typeof j.id === 'string' ? j.id : null
  return { kind: 'done', summary: `generated certificate "${b.certificate_name}" in ${scope}${id ? ` (id ${id})` : ''}`, result: { id, name: b.certificate_name, scope } }
}

const scopeText = (b: Record<string, unknown>) =>
  b.folder !== undefined ? `folder ${String(b.folder)}` : b.snippet !== undefined ? `snippet ${String(b.snippet)}` : `device ${String(b.device)}`

export const paloAltoDriver: ConnectorDriver<PaloAltoAction> = {
  type: 'paloalto',
  actions: ['paloalto.certificate.generate'],
  requests: ['generate'],
  authHeaders: (credential) => ({ authorization: `Bearer ${credential}` }),
  test: (ctx) => reachability(ctx, ''),
  plan(request, ports) {
    if (request.kind !== 'generate') return notTaken('paloalto', request.kind)
    const converted = ports.profiles.toPaloAlto(request.profileId)
    if (!converted.ok) return converted
    const notes = [...converted.value.notes]
    // signed_by is a certificate on the firewall: the profile's remote value, else the connector's.
    const signedBy = converted.value.body.signedBy ?? ports.connector.settings.signedBy
    if (!converted.value.body.signedBy && signedBy) notes.push(`signed_by: ${signedBy}, taken from connector ${ports.connector.name}`)
    const body = buildPaloAltoBody(
      {
        ...converted.value.body,
        ...(signedBy ? { signedBy } : {}),
        ...(request.certificateName ? { certificateName: request.certificateName } : {}),
        ...(request.commonName ? { commonName: request.commonName } : {})
      },
      request.scope
    )
    if (!body.ok) return body
    return ok({ action: 'paloalto.certificate.generate', payload: { localProfileId: request.profileId, body: body.value }, notes })
  },
  async execute(ctx, action, payload) {
    switch (action) {
      case 'paloalto.certificate.generate':
        return generate(ctx, paloAltoGeneratePayload.parse(payload))
      default:
        return assertNever(action, 'Palo Alto action')
    }
  },
  describe(_action, payload) {
    const b = isRecord(payload) && isRecord(payload.body) ? payload.body : {}
    return `generate certificate "${String(b.certificate_name)}" (CN ${String(b.common_name)}) in ${scopeText(b)}`
  }
}

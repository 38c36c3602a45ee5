// DigiCert Trust Lifecycle Manager (seed 002), header `x-api-key`.
// Pull: GET /mpki/api/v2/profile?limit=&offset= until a short page.
// Request: POST /mpki/api/v1/certificate with {profile:{id}, seat:{seat_id}, csr, validity?}
// (the seed's `profile.seat.id`/`profile.csr` is accepted on input, the vendor's form is
// sent). The answer is the certificate, or a `request_id` to pick up with
// POST /mpki/api/v1/certificate-pickup/{request_id} until issued. Then status
// GET /mpki/api/v1/certificate/{serial} and formats GET …/{serial}/additional-formats
// (PKCS#7 and the chain, end-entity first). Each step's progress is kept in the outbox
// item, so a resumed item never submits the CSR twice once a request id or serial is known.
// The issued certificate is checked before it lands: it parses (PEM, base64 DER or, for
// `delivery_format: pkcs7`, PKCS#7), its serial is the one the platform named, and its public
// key is the CSR's. The chain from `additional-formats` (x509_cert_chain, else the pkcs7) is
// checked link by link (../delivery.ts) and stored with the certificate, so exports carry it.
import { X509Certificate } from 'node:crypto'
import { readCsrInput, toPem as derToPem } from '../../engine'
import { z } from 'zod'
import { assertNever, fail, ok } from '../../../shared/errors'
import { localError, unexpectedBody } from '../errors'
import { certificatesIn, checkChain } from '../delivery'
import { call, isRecord, notTaken, type ConnectorContext, type ConnectorDriver, type ExecOutcome, type PulledProfile } from '../connector'

export type TlmAction = 'tlm.profile.pull' | 'tlm.certificate.request'

/** Relative to the API base (default /mpki/api, see ../urls.ts). */
export const TLM_PROFILES_PATH = '/v2/profile'
export const TLM_CERTIFICATE_PATH = '/v1/certificate'
export const TLM_PICKUP_PATH = '/v1/certificate-pickup'
const PAGE = 50
const MAX_PAGES = 1000

export const tlmPullPayload = z.object({ pageSize: z.number().int().min(1).max(1000).optional() }).strict()
export const tlmRequestPayload = z
  .object({
    profileId: z.string().min(1),
    seatId: z.string().min(1),
    csrPem: z.string().min(1),
    validityDays: z.number().int().positive().optional()
  })
  .strict()
type RequestPayload = z.infer<typeof tlmRequestPayload>

function pageOf(json: unknown): Record<string, unknown>[] | null {
  const arr = Array.isArray(json) ? json : isRecord(json) ? (json.items ?? json.profiles ?? json.data) : null
  return Array.isArray(arr) && arr.every(isRecord) ? (arr as Record<string, unknown>[]) : null
}

async function pull(ctx: ConnectorContext, payload: z.infer<typeof tlmPullPayload>): Promise<ExecOutcome> {
  const limit = payload.pageSize ?? PAGE
  const profiles: PulledProfile[] = []
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await call(ctx, 'list certificate profiles', {
      method: 'GET',
      path: TLM_PROFILES_PATH,
      query: [
        ['limit', String(limit)],
        ['offset', String(page * limit)]
      ]
    })
    if (!r.ok) return { kind: 'error', error: r.error }
    const list = pageOf(r.json)
    if (!list) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'not an array of profiles') }
    for (const p of list) {
      if (typeof p.id !== 'string') return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'a profile without an id') }
      profiles.push({ remoteId: p.id, name: typeof p.name === 'string' ? p.name : p.id, body: p })
    }
    if (list.length < limit)
      return {
        kind: 'done',
        summary: `pulled ${profiles.length} certificate profile${profiles.length === 1 ? '' : 's'}`,
        result: { count: profiles.length, remoteIds: profiles.map((p) => p.remoteId) },
        effects: [{ kind: 'profiles-pulled', platform: 'digicert-tlm', profiles }]
      }
  }
  return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', `more than ${MAX_PAGES} pages`) }
}

/** Normalises a serial for comparison: uppercase hex without leading zeros or separators. */
export function normSerial(s: string): string {
  return s.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+(?=.)/, '')
}

/** PEM from a PEM string or bare base64 DER (the status call returns base64). */
export function toPem(text: string): string {
  const t = text.trim()
  if (t.includes('-----BEGIN CERTIFICATE-----')) return `${t}\n`
  const b64 = t.replace(/\s+/g, '')
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`
}

/** The delivered certificate among `ders` whose serial is the one named and whose key is the CSR's. */
function pickIssued(ders: readonly Uint8Array[], serial: string, csrPem: string): { ok: true; der: Uint8Array } | { ok: false; message: string } {
  const items = readCsrInput(new TextEncoder().encode(csrPem))
  const first = items.ok ? items.value[0] : undefined
  if (!first || !first.ok) return { ok: false, message: 'the CSR of this request no longer parses' }
  const spki = Buffer.from(first.csr.spki)
  for (const der of ders) {
    const cert = new X509Certificate(der)
    if (normSerial(cert.serialNumber) !== normSerial(serial)) continue
    if (!spki.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) return { ok: false, message: "the returned certificate's public key is not the CSR's" }
    return { ok: true, der }
  }
  const serials = ders.map((d) => new X509Certificate(d).serialNumber)
  return { ok: false, message: `no returned certificate has serial ${serial} (got ${serials.join(', ') || 'none'})` }
}

interface Issued {
  serial: string
  /** The certificate as delivered (PEM, base64 DER or PKCS#7). */
  certificate?: string
}

async function finishIssued(ctx: ConnectorContext, payload: RequestPayload, issued: Issued): Promise<ExecOutcome> {
  const progress = { serial: issued.serial }
  const status = await call(ctx, `read certificate ${issued.serial}`, { method: 'GET', path: `${TLM_CERTIFICATE_PATH}/${encodeURIComponent(issued.serial)}` })
  if (!status.ok) return { kind: 'error', error: status.error, progress }
  const s = isRecord(status.json) ? status.json : {}
  const state = typeof s.status === 'string' ? s.status.toLowerCase() : ''
  if (state === 'pending') return { kind: 'pending', progress, summary: `certificate ${issued.serial} is pending on the platform` }
  if (state === 'revoked')
    return { kind: 'error', error: localError('REMOTE_CERTIFICATE_REVOKED', `DigiCert TLM (connector ${ctx.name}) reports certificate ${issued.serial} as revoked; it was not added to the inventory.`) }
  if (state !== 'issued') return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, `the status of ${issued.serial}`, `status "${state || 'missing'}"`), progress }
  const formats = await call(ctx, `read the formats of certificate ${issued.serial}`, {
    method: 'GET',
    path: `${TLM_CERTIFICATE_PATH}/${encodeURIComponent(issued.serial)}/additional-formats`
  })
  if (!formats.ok) return { kind: 'error', error: formats.error, progress }
  const f = isRecord(formats.json) ? formats.json : {}
  const chainX509 = Array.isArray(f.x509_cert_chain)
    ? f.x509_cert_chain.filter(isRecord).flatMap((c) => (typeof c.cert_blob === 'string' ? (certificatesIn(c.cert_blob) ?? []) : []))
    : []
  const chainP7 = typeof f.pkcs7 === 'string' ? (certificatesIn(f.pkcs7) ?? []) : []
  const chain = chainX509.length ? chainX509 : chainP7
  const delivered = [
    ...(issued.certificate ? (certificatesIn(issued.certificate) ?? []) : []),
    ...(typeof s.certificate === 'string' && s.certificate ? (certificatesIn(s.certificate) ?? []) : []),
    ...chain
  ]
  if (!delivered.length) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, `certificate ${issued.serial}`, 'no certificate in any answer'), progress }
  const picked = pickIssued(delivered, issued.serial, payload.csrPem)
  if (!picked.ok)
    return { kind: 'error', error: localError('REMOTE_CERTIFICATE_MISMATCH', `DigiCert TLM (connector ${ctx.name}): ${picked.message}; it was not added to the inventory.`) }
  const checked = checkChain(picked.der, chain, `certificate ${issued.serial}`)
  if (!checked.ok) return { kind: 'error', error: localError(checked.error.code, `DigiCert TLM (connector ${ctx.name}): ${checked.error.message}`) }
  const notes = [...checked.value.notes]
  if (chainX509.length && chainP7.length) {
    const a = new Set(chainX509.map((d) => Buffer.from(d).toString('hex')))
    if (chainP7.some((d) => !a.has(Buffer.from(d).toString('hex')))) notes.push(`the PKCS#7 of certificate ${issued.serial} holds certificates its x509_cert_chain does not; the checked x509_cert_chain was kept`)
  }
  return {
    kind: 'done',
    summary: `issued certificate ${issued.serial} (profile ${payload.profileId}, seat ${payload.seatId}) with a chain of ${checked.value.issuers.length} issuer${checked.value.issuers.length === 1 ? '' : 's'}`,
    result: { serial: issued.serial, status: state, chainLength: checked.value.issuers.length },
    notes,
    effects: [{ kind: 'certificate-issued', der: picked.der, issuers: checked.value.issuers, remoteSerial: issued.serial }]
  }
}

function issuedFrom(json: unknown): Issued | null {
  if (!isRecord(json)) return null
  if (typeof json.serial_number !== 'string' || !json.serial_number) return null
  return { serial: json.serial_number, ...(typeof json.certificate === 'string' && json.certificate ? { certificate: json.certificate } : {}) }
}

async function pickup(ctx: ConnectorContext, payload: RequestPayload, requestId: string): Promise<ExecOutcome> {
  const progress = { requestId }
  for (let i = 0; i < ctx.pickup.attempts; i++) {
    if (i > 0) await ctx.sleep(ctx.pickup.intervalMs)
    const r = await call(ctx, `pick up request ${requestId}`, { method: 'POST', path: `${TLM_PICKUP_PATH}/${encodeURIComponent(requestId)}` })
    if (!r.ok) return { kind: 'error', error: r.error, progress }
    const issued = issuedFrom(r.json)
    if (issued) return finishIssued(ctx, payload, issued)
  }
  return { kind: 'pending', progress, summary: `request ${requestId} is awaiting approval on the platform; the next sync picks it up` }
}

async function request(ctx: ConnectorContext, payload: RequestPayload, progress: Readonly<Record<string, unknown>> | null): Promise<ExecOutcome> {
  if (progress && typeof progress.serial === 'string') return finishIssued(ctx, payload, { serial: progress.serial })
  if (progress && typeof progress.requestId === 'string') return pickup(ctx, payload, progress.requestId)
  const body = {
    profile: { id: payload.profileId },
    seat: { seat_id: payload.seatId },
    csr: payload.csrPem,
    ...(payload.validityDays ? { validity: { unit: 'days', duration: payload.validityDays } } : {})
  }
  const r = await call(ctx, `request a certificate from profile ${payload.profileId}`, { method: 'POST', path: TLM_CERTIFICATE_PATH, body })
  if (!r.ok) return { kind: 'error', error: r.error }
  const issued = issuedFrom(r.json)
  if (issued) return finishIssued(ctx, payload, issued)
  if (isRecord(r.json) && typeof r.json.request_id === 'string' && r.json.request_id) return pickup(ctx, payload, r.json.request_id)
  return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the certificate request', 'neither a serial_number nor a request_id') }
}

type TlmItem =
  | { readonly action: 'tlm.profile.pull'; readonly payload: z.infer<typeof tlmPullPayload> }
  | { readonly action: 'tlm.certificate.request'; readonly payload: RequestPayload }

function parseItem(action: TlmAction, payload: unknown): TlmItem {
  switch (action) {
    case 'tlm.profile.pull':
      return { action, payload: tlmPullPayload.parse(payload) }
    case 'tlm.certificate.request':
      return { action, payload: tlmRequestPayload.parse(payload) }
    default:
      return assertNever(action, 'TLM action')
  }
}

export const digicertTlmDriver: ConnectorDriver<TlmAction> = {
  type: 'digicert-tlm',
  actions: ['tlm.profile.pull', 'tlm.certificate.request'],
  requests: ['profile-pull', 'certificate-request'],
  authHeaders: (credential) => ({ 'x-api-key': credential }),
  async test(ctx) {
    const r = await call(ctx, 'list certificate profiles', { method: 'GET', path: TLM_PROFILES_PATH, query: [['limit', '1'], ['offset', '0']] })
    if (!r.ok) return { ok: false, error: r.error }
    if (!pageOf(r.json)) return { ok: false, error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'not an array of profiles') }
    return { ok: true, message: `Connected to DigiCert Trust Lifecycle Manager at ${ctx.http.origin}; the API key may list certificate profiles.` }
  },
  plan(request, ports) {
    switch (request.kind) {
      case 'profile-pull':
        if (request.filters?.length) return fail('SYNC_FILTERS_UNSUPPORTED', 'DigiCert TLM profile lists take no filters; pull without them.', 'filters')
        return ok({ action: 'tlm.profile.pull', payload: {}, notes: [] })
      case 'certificate-request': {
        const items = readCsrInput(ports.csrBytes ?? new TextEncoder().encode(request.csrPem))
        if (!items.ok) return fail(items.error.code, items.error.message, 'csrPem')
        if (items.value.length !== 1) return fail('CSR_NOT_SINGLE', `The CSR file holds ${items.value.length} requests; give exactly one.`, 'csrPem')
        const first = items.value[0] as (typeof items.value)[number]
        if (!first.ok) return fail(first.error.code, first.error.message, 'csrPem')
        return ok({
          action: 'tlm.certificate.request',
          payload: {
            profileId: request.remoteProfileId,
            seatId: request.seatId,
            csrPem: derToPem('CERTIFICATE REQUEST', first.csr.der),
            ...(request.validityDays ? { validityDays: request.validityDays } : {})
          },
          notes: []
        })
      }
      default:
        return notTaken('digicert-tlm', request.kind)
    }
  },
  async execute(ctx, action, payload, progress) {
    const item = parseItem(action, payload)
    switch (item.action) {
      case 'tlm.profile.pull':
        return pull(ctx, item.payload)
      case 'tlm.certificate.request':
        return request(ctx, item.payload, progress)
      default:
        return assertNever(item, 'TLM item')
    }
  },
  describe(action, payload) {
    const p = isRecord(payload) ? payload : {}
    switch (action) {
      case 'tlm.profile.pull':
        return 'pull certificate profiles'
      case 'tlm.certificate.request':
        return `request a certificate from profile ${String(p.profileId)} for seat ${String(p.seatId)}`
      default:
        return assertNever(action, 'TLM action')
    }
  }
}

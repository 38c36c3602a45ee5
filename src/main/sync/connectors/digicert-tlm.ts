// DigiCert Trust Lifecycle Manager (seed 002), header `x-api-key`.
// Pull: GET /mpki/api/v2/profile?limit=&offset= until a short page.
// Request: POST /mpki/api/v1/certificate with {profile:{id}, seat:{seat_id}, csr, validity?}
// (the seed's `profile.seat.id`/`profile.csr` is accepted on input, the vendor's form is
// sent). The answer is the certificate, or a `request_id` to pick up with
// POST /mpki/api/v1/certificate-pickup/{request_id} until issued. Then status
// GET /mpki/api/v1/certificate/{serial} and formats GET …/{serial}/additional-formats
// (PKCS#7 and the chain, end-entity first). Each step's progress is kept in the outbox
// item, so a resumed item never submits the CSR twice once a request id or serial is known.
// The issued certificate is checked before it lands: it parses, its serial is the one the
// platform named, and its public key is the CSR's.
import { X509Certificate } from 'node:crypto'
import { readCsrInput } from '../../engine'
import { z } from 'zod'
import type { OutboxAction } from '../../../shared/domain/sync'
import { localError, unexpectedBody } from '../errors'
import { call, isRecord, type ConnectorContext, type ConnectorDriver, type ExecOutcome, type PulledProfile } from '../connector'

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

function checkIssued(ctx: ConnectorContext, pem: string, serial: string, csrPem: string): { ok: true } | { ok: false; message: string } {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(pem)
  } catch {
    return { ok: false, message: 'the returned certificate does not parse as X.509' }
  }
  if (normSerial(cert.serialNumber) !== normSerial(serial)) return { ok: false, message: `the returned certificate has serial ${cert.serialNumber}, not ${serial}` }
  const items = readCsrInput(new TextEncoder().encode(csrPem))
  const first = items.ok ? items.value[0] : undefined
  if (!first || !first.ok) return { ok: false, message: 'the CSR of this request no longer parses' }
  const certSpki = cert.publicKey.export({ type: 'spki', format: 'der' })
  if (!Buffer.from(first.csr.spki).equals(certSpki)) return { ok: false, message: "the returned certificate's public key is not the CSR's" }
  void ctx
  return { ok: true }
}

interface Issued {
  serial: string
  pem?: string
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
  const chain = Array.isArray(f.x509_cert_chain) ? f.x509_cert_chain.filter(isRecord).map((c) => (typeof c.cert_blob === 'string' ? toPem(c.cert_blob) : '')).filter(Boolean) : []
  const pem = issued.pem ?? (typeof s.certificate === 'string' && s.certificate ? toPem(s.certificate) : chain[0])
  if (!pem) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, `certificate ${issued.serial}`, 'no certificate in any answer'), progress }
  const check = checkIssued(ctx, pem, issued.serial, payload.csrPem)
  if (!check.ok)
    return { kind: 'error', error: localError('REMOTE_CERTIFICATE_MISMATCH', `DigiCert TLM (connector ${ctx.name}): ${check.message}; it was not added to the inventory.`) }
  return {
    kind: 'done',
    summary: `issued certificate ${issued.serial} (profile ${payload.profileId}, seat ${payload.seatId})`,
    result: { serial: issued.serial, status: state, chainLength: chain.length },
    effects: [{ kind: 'certificate-issued', pem, chainPems: chain.slice(1), remoteSerial: issued.serial, ...(typeof f.pkcs7 === 'string' ? { pkcs7: f.pkcs7 } : {}) }]
  }
}

function issuedFrom(json: unknown): Issued | null {
  if (!isRecord(json)) return null
  if (typeof json.serial_number !== 'string' || !json.serial_number) return null
  return { serial: json.serial_number, ...(typeof json.certificate === 'string' && json.certificate ? { pem: toPem(json.certificate) } : {}) }
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

export const digicertTlmDriver: ConnectorDriver = {
  type: 'digicert-tlm',
  actions: ['tlm.profile.pull', 'tlm.certificate.request'],
  authHeaders: (credential) => ({ 'x-api-key': credential }),
  async test(ctx) {
    const r = await call(ctx, 'list certificate profiles', { method: 'GET', path: TLM_PROFILES_PATH, query: [['limit', '1'], ['offset', '0']] })
    if (!r.ok) return { ok: false, error: r.error }
    if (!pageOf(r.json)) return { ok: false, error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'not an array of profiles') }
    return { ok: true, message: `Connected to DigiCert Trust Lifecycle Manager at ${ctx.http.origin}; the API key may list certificate profiles.` }
  },
  async execute(ctx, action, payload, progress) {
    switch (action) {
      case 'tlm.profile.pull':
        return pull(ctx, tlmPullPayload.parse(payload))
      case 'tlm.certificate.request':
        return request(ctx, tlmRequestPayload.parse(payload), progress)
      default:
        return { kind: 'error', error: localError('SYNC_ACTION_UNSUPPORTED', `DigiCert TLM connectors cannot run ${action}.`) }
    }
  },
  describe(action: OutboxAction, payload: unknown) {
    const p = isRecord(payload) ? payload : {}
    if (action === 'tlm.profile.pull') return 'pull certificate profiles'
    if (action === 'tlm.certificate.request') return `request a certificate from profile ${String(p.profileId)} for seat ${String(p.seatId)}`
    return action
  }
}

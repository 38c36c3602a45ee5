// Lamassu IoT CA (seed 004): issuance profiles under /api/ca/v1/profiles, bearer token.
// Pull: GET with `page_size`, the opaque `bookmark` cursor (the response's `next`, empty
// when done) and repeatable `filter=<field>[<op>]<value>`. Push: create-or-update — GET by
// id, then PUT when it exists, POST when it does not — so replaying a push after a crash is
// harmless. Delete: only with the id typed again as confirmation; an absent profile is done.
// A push refuses to overwrite a remote profile that changed since the last pull. A local
// profile pulled from (or pushed to) this connector before is pushed under that remote id;
// a new one under its local id, which Lamassu takes as the new profile's id.
import { z } from 'zod'
import { assertNever, fail, ok } from '../../../shared/errors'
import { localError, unexpectedBody } from '../errors'
import { call, contentHash, isRecord, notTaken, type ConnectorContext, type ConnectorDriver, type ExecOutcome, type PulledProfile } from '../connector'

export type LamassuAction = 'lamassu.profile.pull' | 'lamassu.profile.push' | 'lamassu.profile.delete'

/** Relative to the API base (default /api/ca/v1, see ../urls.ts). */
export const LAMASSU_PROFILES_PATH = '/profiles'
const MAX_PAGES = 1000

const FILTER_OPS = ['eq', 'ne', 'ct', 'nc', 'lt', 'le', 'gt', 'ge', 'eq_ic', 'ne_ic', 'ct_ic', 'nc_ic']
/** `field[op]value`, field possibly dotted (`validity.duration`). */
export const lamassuFilter = z
  .string()
  .regex(new RegExp(`^[A-Za-z_][A-Za-z0-9_.]*\\[(${FILTER_OPS.join('|')})\\].*$`), 'use field[op]value with op one of eq ne ct nc lt le gt ge (or *_ic)')

export const lamassuPullPayload = z.object({ filters: z.array(lamassuFilter).max(20).optional(), pageSize: z.number().int().min(1).max(1000).optional() }).strict()
export const lamassuPushPayload = z
  .object({
    localProfileId: z.string(),
    /** The Lamassu profile body (converted from the local profile when enqueued). */
    profile: z.record(z.string(), z.unknown()).refine((p) => typeof p.id === 'string' && p.id.length > 0, 'the Lamassu profile needs an id')
  })
  .strict()
export const lamassuDeletePayload = z.object({ remoteId: z.string().min(1) }).strict()

const listResponse = z.object({ list: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable().optional() })

const profilePath = (id: string) => `${LAMASSU_PROFILES_PATH}/${encodeURIComponent(id)}`

async function pull(ctx: ConnectorContext, payload: z.infer<typeof lamassuPullPayload>): Promise<ExecOutcome> {
  const profiles: PulledProfile[] = []
  let bookmark = ''
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: [string, string][] = [['page_size', String(payload.pageSize ?? 100)]]
    if (bookmark) query.push(['bookmark', bookmark])
    for (const f of payload.filters ?? []) query.push(['filter', f])
    const r = await call(ctx, 'list issuance profiles', { method: 'GET', path: LAMASSU_PROFILES_PATH, query })
    if (!r.ok) return { kind: 'error', error: r.error }
    const parsed = listResponse.safeParse(r.json)
    if (!parsed.success) return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'no "list" array') }
    for (const p of parsed.data.list) {
      if (typeof p.id !== 'string') return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'a profile without an id') }
      profiles.push({ remoteId: p.id, name: typeof p.name === 'string' ? p.name : p.id, body: p })
    }
    bookmark = parsed.data.next ?? ''
    if (!bookmark) {
      return {
        kind: 'done',
        summary: `pulled ${profiles.length} issuance profile${profiles.length === 1 ? '' : 's'} in ${page + 1} page${page === 0 ? '' : 's'}`,
        result: { count: profiles.length, remoteIds: profiles.map((p) => p.remoteId) },
        effects: [{ kind: 'profiles-pulled', platform: 'lamassu', profiles }]
      }
    }
  }
  return { kind: 'error', error: unexpectedBody(ctx.type, ctx.name, 'the profile list', `more than ${MAX_PAGES} pages`) }
}

async function push(ctx: ConnectorContext, payload: z.infer<typeof lamassuPushPayload>): Promise<ExecOutcome> {
  const id = payload.profile.id as string
  const existing = await call(ctx, `read issuance profile ${id}`, { method: 'GET', path: profilePath(id) }, [404])
  if (!existing.ok) return { kind: 'error', error: existing.error }
  const exists = existing.status !== 404
  if (exists) {
    const remembered = ctx.rememberedHash('lamassu.profile', id)
    const current = isRecord(existing.json) ? contentHash(existing.json) : null
    if (current && current === contentHash(payload.profile))
      return { kind: 'done', summary: `issuance profile ${id} already matches; nothing sent`, result: { id, unchanged: true } }
    if (remembered === null || (current !== null && current !== remembered)) {
      return {
        kind: 'error',
        error: localError(
          'REMOTE_CHANGED_SINCE_PULL',
          remembered === null
            ? `Lamassu (connector ${ctx.name}) already has an issuance profile "${id}" that was never pulled here; pull profiles first, compare, then push again.`
            : `Lamassu (connector ${ctx.name}): issuance profile "${id}" changed on the platform since the last pull; pull profiles first to see the change, then push again.`
        )
      }
    }
  }
  const r = exists
    ? await call(ctx, `update issuance profile ${id}`, { method: 'PUT', path: profilePath(id), body: payload.profile })
    : await call(ctx, `create issuance profile ${id}`, { method: 'POST', path: LAMASSU_PROFILES_PATH, body: payload.profile })
  if (!r.ok) return { kind: 'error', error: r.error }
  const stored = isRecord(r.json) ? r.json : payload.profile
  return {
    kind: 'done',
    summary: `${exists ? 'updated' : 'created'} issuance profile ${id}`,
    result: { id, created: !exists },
    effects: [{ kind: 'remote-object-pushed', objectKind: 'lamassu.profile', remoteId: id, localId: payload.localProfileId, body: stored }]
  }
}

async function remove(ctx: ConnectorContext, payload: z.infer<typeof lamassuDeletePayload>): Promise<ExecOutcome> {
  const r = await call(ctx, `delete issuance profile ${payload.remoteId}`, { method: 'DELETE', path: profilePath(payload.remoteId) }, [404])
  if (!r.ok) return { kind: 'error', error: r.error }
  return r.status === 404
    ? { kind: 'done', summary: `issuance profile ${payload.remoteId} was already absent`, result: { id: payload.remoteId, absent: true } }
    : { kind: 'done', summary: `deleted issuance profile ${payload.remoteId}`, result: { id: payload.remoteId } }
}

type LamassuItem =
  | { readonly action: 'lamassu.profile.pull'; readonly payload: z.infer<typeof lamassuPullPayload> }
  | { readonly action: 'lamassu.profile.push'; readonly payload: z.infer<typeof lamassuPushPayload> }
  | { readonly action: 'lamassu.profile.delete'; readonly payload: z.infer<typeof lamassuDeletePayload> }

function parseItem(action: LamassuAction, payload: unknown): LamassuItem {
  switch (action) {
    case 'lamassu.profile.pull':
      return { action, payload: lamassuPullPayload.parse(payload) }
    case 'lamassu.profile.push':
      return { action, payload: lamassuPushPayload.parse(payload) }
    case 'lamassu.profile.delete':
      return { action, payload: lamassuDeletePayload.parse(payload) }
    default:
      return assertNever(action, 'Lamassu action')
  }
}

export const lamassuDriver: ConnectorDriver<LamassuAction> = {
  type: 'lamassu',
  actions: ['lamassu.profile.pull', 'lamassu.profile.push', 'lamassu.profile.delete'],
  requests: ['profile-pull', 'profile-push', 'profile-delete'],
  authHeaders: (credential) => ({ authorization: `Bearer ${credential}` }),
  async test(ctx) {
    const r = await call(ctx, 'list issuance profiles', { method: 'GET', path: LAMASSU_PROFILES_PATH, query: [['page_size', '1']] })
    if (!r.ok) return { ok: false, error: r.error }
    if (!listResponse.safeParse(r.json).success) return { ok: false, error: unexpectedBody(ctx.type, ctx.name, 'the profile list', 'no "list" array') }
    return { ok: true, message: `Connected to Lamassu at ${ctx.http.origin}; the token may list issuance profiles.` }
  },
  plan(request, ports) {
    switch (request.kind) {
      case 'profile-pull': {
        for (const f of request.filters ?? [])
          if (!lamassuFilter.safeParse(f).success)
            return fail('INVALID_FILTER', `The filter "${f}" must look like field[op]value, e.g. sign_as_ca[eq]=true (ops eq ne ct nc lt le gt ge, or *_ic).`, 'filters')
        return ok({ action: 'lamassu.profile.pull', payload: request.filters?.length ? { filters: [...request.filters] } : {}, notes: [] })
      }
      case 'profile-push': {
        const converted = ports.profiles.toLamassu(request.profileId)
        if (!converted.ok) return converted
        const earlier = ports.rememberedByLocal('lamassu.profile', request.profileId)
        const id = earlier?.remoteId ?? converted.value.body.id
        if (typeof id !== 'string' || !id) return fail('SYNC_INVALID_PROFILE', 'The converted Lamassu profile has no id.', 'profileId')
        const notes = [...converted.value.notes]
        if (earlier && earlier.remoteId !== request.profileId) notes.push(`pushed as remote profile ${earlier.remoteId}, the one this local profile came from`)
        return ok({ action: 'lamassu.profile.push', payload: { localProfileId: request.profileId, profile: { ...converted.value.body, id } }, notes })
      }
      case 'profile-delete':
        if (request.confirm !== request.remoteId)
          return fail('SYNC_CONFIRMATION_MISMATCH', `To delete remote profile "${request.remoteId}" type its id exactly as confirmation; got "${request.confirm}".`, 'confirm')
        return ok({ action: 'lamassu.profile.delete', payload: { remoteId: request.remoteId }, notes: [] })
      default:
        return notTaken('lamassu', request.kind)
    }
  },
  async execute(ctx, action, payload) {
    const item = parseItem(action, payload)
    switch (item.action) {
      case 'lamassu.profile.pull':
        return pull(ctx, item.payload)
      case 'lamassu.profile.push':
        return push(ctx, item.payload)
      case 'lamassu.profile.delete':
        return remove(ctx, item.payload)
      default:
        return assertNever(item, 'Lamassu item')
    }
  },
  describe(action, payload) {
    const p = isRecord(payload) ? payload : {}
    switch (action) {
      case 'lamassu.profile.pull':
        return `pull issuance profiles${Array.isArray(p.filters) && p.filters.length ? ` where ${p.filters.join(' and ')}` : ''}`
      case 'lamassu.profile.push':
        return `push profile ${isRecord(p.profile) ? String(p.profile.id) : '?'}`
      case 'lamassu.profile.delete':
        return `delete remote profile ${String(p.remoteId)}`
      default:
        return assertNever(action, 'Lamassu action')
    }
  }
}

// Lamassu contract (seed 004 + WIRE-NOTES): bearer auth, cursor pagination with
// page_size/bookmark, repeatable filter, create-or-update by id with PUT, delete with
// confirmation, `{"err"}` errors, and nothing sent before `sync run`.
import { afterEach, describe, expect, it } from 'vitest'
import { header } from '../../fixtures/sync/fake-server'
import { startLamassu, type LamassuFake } from '../../fixtures/sync/platforms'
import { auditActions, createHarness, outboxRows, unwrapOk } from './helpers'

const TOKEN = 'lamassu-token-123'
const profile = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Profile ${id}`,
  validity: { type: 'Duration', duration: '90d' },
  sign_as_ca: false,
  honor_subject: true,
  ...extra
})

let fake: LamassuFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function setup(initial = [profile('a'), profile('b', { sign_as_ca: true }), profile('c'), profile('d', { sign_as_ca: true }), profile('e')]) {
  fake = await startLamassu(TOKEN, initial)
  const h = createHarness()
  unwrapOk(await h.connectors.addConnector({ name: 'lamassu-lab', type: 'lamassu', baseUrl: fake.url, credential: TOKEN }))
  return { h, fake }
}

describe('Lamassu connector', () => {
  it('pulls every page through the bookmark cursor with the bearer token and filters', async () => {
    const { h, fake } = await setup()
    const report = unwrapOk(await h.sync.pullProfiles('lamassu-lab'))
    expect(report.items).toHaveLength(1)
    expect(report.items[0]).toMatchObject({ outcome: 'done' })
    expect([...h.pulled.keys()].sort()).toEqual(['local-a', 'local-b', 'local-c', 'local-d', 'local-e'])
    // page_size 100 → one page; check headers and path.
    expect(fake.requests.every((r) => r.method === 'GET' && r.path === '/api/ca/v1/profiles')).toBe(true)
    expect(fake.requests.every((r) => header(r, 'authorization') === `Bearer ${TOKEN}`)).toBe(true)

    fake.requests.length = 0
    h.pulled.clear()
    unwrapOk(await h.sync.enqueue({ kind: 'profile-pull', connector: 'lamassu-lab', filters: ['sign_as_ca[eq]true'] }))
    // A small page size forces the cursor: enqueue straight through the repo-level payload.
    h.db.prepare("UPDATE outbox SET payload = json_set(payload, '$.pageSize', 1) WHERE state = 'queued'").run()
    const r2 = unwrapOk(await h.sync.run({ connector: 'lamassu-lab' }))
    expect(r2.done).toBe(1)
    // Unchanged profiles already pulled are not rewritten locally; the item says what came back.
    expect(h.pulled.size).toBe(0)
    expect(r2.items[0]?.message).toBe('pulled 2 issuance profiles in 2 pages')
    expect(fake.requests.map((r) => r.query.filter(([k]) => k === 'bookmark').length)).toEqual([0, 1])
    expect(fake.requests.every((r) => r.query.some(([k, v]) => k === 'filter' && v === 'sign_as_ca[eq]true'))).toBe(true)
    expect(fake.requests.every((r) => r.query.some(([k, v]) => k === 'page_size' && v === '1'))).toBe(true)
  })

  it('notes a remote profile that changed since the last pull', async () => {
    const { h, fake } = await setup([profile('a')])
    unwrapOk(await h.sync.pullProfiles('lamassu-lab'))
    fake.profiles.set('a', profile('a', { validity: { type: 'Duration', duration: '30d' } }))
    const report = unwrapOk(await h.sync.pullProfiles('lamassu-lab'))
    const item = unwrapOk(h.sync.outbox({ connector: 'lamassu-lab' })).find((i) => i.id === report.items[0]?.id)
    expect(item?.notes.join(' ')).toMatch(/remote profile a changed since the last pull/)
    expect(h.pulled.get('local-a')?.updates).toBe(1)
  })

  it('creates with POST, then updates with PUT by id; nothing leaves before sync run', async () => {
    const { h, fake } = await setup([])
    h.localProfiles.set('p1', { lamassu: profile('web-server') })
    const item = unwrapOk(await h.sync.pushProfile('p1', 'lamassu-lab'))
    expect(item).toMatchObject({ state: 'queued', action: 'lamassu.profile.push', attempts: 0 })
    expect(fake.requests).toHaveLength(0)
    // Enqueueing the same push twice is one item.
    expect(unwrapOk(await h.sync.pushProfile('p1', 'lamassu-lab')).id).toBe(item.id)

    const r1 = unwrapOk(await h.sync.run())
    expect(r1.items[0]).toMatchObject({ outcome: 'done', message: 'created issuance profile web-server' })
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/ca/v1/profiles/web-server', 'POST /api/ca/v1/profiles'])
    expect(fake.requests[1]?.body).toEqual(profile('web-server'))
    expect(fake.requests[1]?.contentType).toBe('application/json')

    fake.requests.length = 0
    h.localProfiles.set('p1', { lamassu: profile('web-server', { validity: { type: 'Duration', duration: '180d' } }) })
    unwrapOk(await h.sync.pushProfile('p1', 'lamassu-lab'))
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items[0]).toMatchObject({ outcome: 'done', message: 'updated issuance profile web-server' })
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/ca/v1/profiles/web-server', 'PUT /api/ca/v1/profiles/web-server'])
    expect(fake.profiles.get('web-server')?.validity).toEqual({ type: 'Duration', duration: '180d' })
    expect(auditActions(h.db)).toEqual(expect.arrayContaining(['connector.add', 'sync.enqueue', 'sync.run.start', 'sync.item.done', 'sync.run.finish']))
  })

  it('refuses to overwrite a remote profile changed since the last pull, until pulled again', async () => {
    const { h, fake } = await setup([profile('web')])
    unwrapOk(await h.sync.pullProfiles('lamassu-lab'))
    fake.profiles.set('web', profile('web', { description: 'edited on the platform' }))
    h.localProfiles.set('p', { lamassu: profile('web', { sign_as_ca: true }) })
    unwrapOk(await h.sync.pushProfile('p', 'lamassu-lab'))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed' })
    expect(r.items[0]?.message).toMatch(/changed on the platform since the last pull; pull profiles first/)
    expect(fake.requests.some((q) => q.method === 'PUT')).toBe(false)
    expect(fake.profiles.get('web')?.description).toBe('edited on the platform')
    // Pull, retry: now it goes through.
    unwrapOk(await h.sync.pullProfiles('lamassu-lab'))
    unwrapOk(h.sync.retry(r.items[0]?.id as number))
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items[0]).toMatchObject({ outcome: 'done' })
    expect(fake.profiles.get('web')?.sign_as_ca).toBe(true)
  })

  it('deletes only with the id typed as confirmation; an absent profile is done', async () => {
    const { h, fake } = await setup([profile('old')])
    const refused = await h.sync.deleteRemoteProfile('lamassu-lab', 'old', 'olde')
    expect(refused).toMatchObject({ ok: false, error: { code: 'SYNC_CONFIRMATION_MISMATCH', field: 'confirm' } })
    unwrapOk(await h.sync.deleteRemoteProfile('lamassu-lab', 'old', 'old'))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done', message: 'deleted issuance profile old' })
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/ca/v1/profiles/old' })
    expect(fake.profiles.has('old')).toBe(false)
    unwrapOk(await h.sync.deleteRemoteProfile('lamassu-lab', 'old', 'old'))
    expect(unwrapOk(await h.sync.run()).items[0]?.message).toMatch(/already absent/)
  })

  it('maps 401, 409 and 400 {"err"} answers to coded, non-retried failures with an intact outbox', async () => {
    const { h, fake } = await setup([])
    h.localProfiles.set('p', { lamassu: profile('x') })
    unwrapOk(await h.sync.pushProfile('p', 'lamassu-lab'))
    fake.inject({ status: 401, body: { err: 'token expired' } })
    let r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed', attempts: 1 })
    let item = unwrapOk(h.sync.outbox())[0]
    expect(item?.lastError).toMatchObject({ code: 'REMOTE_AUTH_FAILED', httpStatus: 401, retryable: false })
    expect(item?.lastError?.message).toMatch(/"token expired".*store a valid one/)

    unwrapOk(h.sync.retry(item?.id as number))
    fake.inject({ status: 404, body: { err: 'not found' } }, { status: 409, body: { err: 'profile x already exists' } })
    r = unwrapOk(await h.sync.run())
    expect(r.items[0]?.message).toMatch(/"profile x already exists"/)
    item = unwrapOk(h.sync.outbox())[0]
    expect(item).toMatchObject({ state: 'failed', attempts: 1, lastError: { code: 'REMOTE_CONFLICT', httpStatus: 409 } })

    unwrapOk(h.sync.retry(item?.id as number))
    fake.inject({ status: 404, body: { err: 'not found' } }, { status: 400, body: { err: 'invalid validity duration' } })
    r = unwrapOk(await h.sync.run())
    expect(r.items[0]?.message).toMatch(/"invalid validity duration"/)
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ state: 'failed', attempts: 1 })])
    expect(JSON.parse(outboxRows(h.db)[0]?.last_error ?? '{}')).toMatchObject({ code: 'REMOTE_INVALID_REQUEST', httpStatus: 400 })
  })

  it('tests the connection with one authenticated read, and says when the token is refused', async () => {
    const { h } = await setup()
    expect(unwrapOk(await h.connectors.testConnector('lamassu-lab'))).toMatchObject({ ok: true })
    unwrapOk(await h.connectors.updateConnector({ name: 'lamassu-lab', credential: 'wrong' }))
    const t = unwrapOk(await h.connectors.testConnector('lamassu-lab'))
    expect(t).toMatchObject({ ok: false, error: { code: 'REMOTE_AUTH_FAILED' } })
    expect(auditActions(h.db).filter((a) => a === 'connector.test')).toHaveLength(2)
  })
})

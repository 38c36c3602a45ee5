// The connectors:* and sync:* channels answer through the dispatcher with responses that
// match the contract (the dispatcher rejects any that do not), and enqueueing over IPC
// never touches the network.
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import type { Services } from '../../../src/main/services'
import { startLamassu, type LamassuFake } from '../../fixtures/sync/platforms'
import { createHarness } from '../../integration/sync/helpers'

let fake: LamassuFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

describe('sync IPC channels', () => {
  it('add, enqueue, outbox, run, status, retry and discard round-trip through the contract', async () => {
    fake = await startLamassu('tok')
    const h = createHarness()
    h.localProfiles.set('p', { lamassu: { id: 'p', name: 'P', validity: { type: 'Duration', duration: '1y' } } })
    const handlers = createHandlers({ sync: h.sync, connectors: h.connectors } as unknown as Services)
    const call = (name: string, req: unknown) => dispatch(handlers, name, req)

    expect(await call('connectors:add', { name: 'lab', type: 'lamassu', baseUrl: fake.url, credential: 'tok' })).toMatchObject({ ok: true, value: { name: 'lab', hasCredential: true } })
    const enq = await call('sync:enqueue', { kind: 'profile-push', connector: 'lab', profileId: 'p' })
    expect(enq).toMatchObject({ ok: true, value: { state: 'queued', summary: 'push profile p', action: 'lamassu.profile.push' } })
    expect(fake.requests).toHaveLength(0)
    expect(await call('sync:outbox', { states: ['queued'] })).toMatchObject({ ok: true, value: { items: [{ connectorName: 'lab' }] } })
    expect(await call('connectors:remove', { name: 'lab' })).toMatchObject({ ok: false, error: { code: 'IN_USE' } })

    fake.inject({ status: 400, body: { err: 'bad' } })
    const run = await call('sync:run', {})
    expect(run).toMatchObject({ ok: true, value: { failed: 1, items: [{ outcome: 'failed' }] } })
    const id = (enq.ok ? (enq.value as { id: number }).id : 0)
    expect(await call('sync:status', {})).toMatchObject({ ok: true, value: { running: false, counts: { failed: 1 }, lastRun: { failed: 1 } } })
    expect(await call('sync:retry', { id })).toMatchObject({ ok: true, value: { state: 'queued', attempts: 0 } })
    expect(await call('sync:run', { connector: 'lab' })).toMatchObject({ ok: true, value: { done: 1 } })
    expect(await call('sync:discard', { id })).toMatchObject({ ok: false, error: { code: 'OUTBOX_ITEM_NOT_DISCARDABLE' } })
    expect(await call('connectors:test', { name: 'lab' })).toMatchObject({ ok: true, value: { ok: true } })
    expect(await call('connectors:update', { name: 'lab', enabled: false })).toMatchObject({ ok: true, value: { enabled: false } })
    expect(await call('connectors:remove', { name: 'lab' })).toMatchObject({ ok: true, value: { removed: 'lab' } })
    expect(await call('sync:enqueue', { kind: 'profile-pull', connector: 'nope' })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_NOT_FOUND', field: 'connector' } })
  })
})

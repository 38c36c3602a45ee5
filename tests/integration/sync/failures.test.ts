// Failure injection: 500 (retried with backoff, then given up), a hang past the timeout,
// a refused connection, a missing credential, a partial run. Each ends with a clear
// outcome, an intact outbox (nothing lost, nothing duplicated) and an audit trail.
import { afterEach, describe, expect, it } from 'vitest'
import { verifyAudit } from '../../../src/main/store'
import { closedPort, type FakeServer } from '../../fixtures/sync/fake-server'
import { startLamassu } from '../../fixtures/sync/platforms'
import { auditActions, createHarness, outboxRows, unwrapOk } from './helpers'

const TOKEN = 't0k'
const servers: FakeServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
const profile = (id: string) => ({ id, name: id, validity: { type: 'Duration', duration: '1y' } })

async function lamassuHarness(timeoutMs = 5000) {
  const fake = await startLamassu(TOKEN)
  servers.push(fake)
  const h = createHarness()
  unwrapOk(await h.sync.addConnector({ name: 'lam', type: 'lamassu', baseUrl: fake.url, credential: TOKEN, settings: { timeoutMs } }))
  for (const id of ['p1', 'p2']) h.localProfiles.set(id, { lamassu: profile(id) })
  return { h, fake }
}

describe('sync failure injection', () => {
  it('retries a 500 with growing backoff, gives up after maxAttempts, and leaves the rest of the connector queued', async () => {
    const { h, fake } = await lamassuHarness()
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.pushProfile('p2', 'lam'))
    const boom = { status: 500, body: { err: 'database unavailable' } }
    fake.inject(boom, boom, boom)
    const r = unwrapOk(await h.sync.run())
    expect(r.items.map((i) => [i.outcome, i.attempts])).toEqual([
      ['failed', 3],
      ['skipped', 0]
    ])
    expect(r.items[0]?.message).toMatch(/^gave up after 3 attempts: .*"database unavailable".*retried with backoff/)
    expect(r.items[1]?.message).toMatch(/left in the queue/)
    expect(h.slept).toEqual([5, 10])
    expect(r).toMatchObject({ done: 0, failed: 1, remaining: 1 })
    expect(outboxRows(h.db).map((o) => [o.state, o.attempts])).toEqual([
      ['failed', 3],
      ['queued', 0]
    ])
    expect(auditActions(h.db).filter((a) => a === 'sync.item.retry')).toHaveLength(2)
    // The next run sends the rest; a manual retry of the failed one succeeds.
    unwrapOk(h.sync.retry(r.items[0]?.id as number))
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items.map((i) => i.outcome)).toEqual(['done', 'done'])
    expect([...fake.profiles.keys()].sort()).toEqual(['p1', 'p2'])
    expect(verifyAudit(h.db).intact).toBe(true)
  })

  it('succeeds on a later attempt after 429 and 503', async () => {
    const { h, fake } = await lamassuHarness()
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ status: 429, body: { err: 'slow down' }, headers: { 'retry-after': '1' } }, { status: 503, body: { err: 'maintenance' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done', attempts: 3 })
    expect(fake.profiles.has('p1')).toBe(true)
    // Retry-After (1 s) is a floor under the 5 ms backoff; the 503 gets the plain backoff.
    expect(h.slept).toEqual([1000, 10])
  })

  it('leaves an item for a later run when the platform asks to wait longer than a run waits', async () => {
    const { h, fake } = await lamassuHarness()
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ status: 429, body: { err: 'slow down' }, headers: { 'retry-after': '3600' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'requeued', attempts: 1 })
    const item = unwrapOk(h.sync.outbox())[0]
    expect(item).toMatchObject({ state: 'queued', lastError: { code: 'REMOTE_RATE_LIMITED', retryAfterSeconds: 3600 } })
    expect(Date.parse(item?.nextAttemptAt ?? '') - Date.now()).toBeGreaterThan(3500_000)
    // A run now does not send it: it is not due yet.
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items).toEqual([])
    expect(fake.requests).toHaveLength(1)
  })

  it('abandons a request that hangs past the timeout, retries it, and records REMOTE_TIMEOUT', async () => {
    const { h, fake } = await lamassuHarness(300)
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ hang: true }, { hang: true }, { hang: true })
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed', attempts: 3 })
    const item = unwrapOk(h.sync.outbox())[0]
    expect(item?.lastError).toMatchObject({ code: 'REMOTE_TIMEOUT', retryable: true })
    expect(item?.lastError?.message).toMatch(/did not answer within 300 ms/)
    expect(fake.requests).toHaveLength(3)
    expect(fake.profiles.size).toBe(0)
  })

  it('reports a refused connection clearly and keeps the item', async () => {
    const port = await closedPort()
    const h = createHarness()
    unwrapOk(await h.sync.addConnector({ name: 'gone', type: 'lamassu', baseUrl: `http://127.0.0.1:${port}`, credential: 'x' }))
    h.localProfiles.set('p1', { lamassu: profile('p1') })
    unwrapOk(await h.sync.pushProfile('p1', 'gone'))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'failed', attempts: 3 })
    const item = unwrapOk(h.sync.outbox())[0]
    expect(item?.lastError).toMatchObject({ code: 'REMOTE_CONNECTION_REFUSED', retryable: true })
    expect(item?.lastError?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`))
    expect(unwrapOk(await h.sync.testConnector('gone'))).toMatchObject({ ok: false, error: { code: 'REMOTE_CONNECTION_REFUSED' } })
  })

  it('leaves items queued, untouched, when the credential is missing, and says why', async () => {
    const { h, fake } = await lamassuHarness()
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.updateConnector({ name: 'lam', credential: null }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'skipped', attempts: 0 })
    expect(r.items[0]?.message).toMatch(/has no credential; store one/)
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ state: 'queued', attempts: 0 })])
    expect(fake.requests).toHaveLength(0)
  })

  it('runs one connector only when asked; the others stay queued', async () => {
    const { h, fake } = await lamassuHarness()
    const other = await startLamassu('other')
    servers.push(other)
    unwrapOk(await h.sync.addConnector({ name: 'lam2', type: 'lamassu', baseUrl: other.url, credential: 'other' }))
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.pushProfile('p1', 'lam2'))
    const r = unwrapOk(await h.sync.run({ connector: 'lam2' }))
    expect(r.items.map((i) => i.connectorName)).toEqual(['lam2'])
    expect(other.profiles.has('p1')).toBe(true)
    expect(fake.requests).toHaveLength(0)
    expect(h.sync.status()).toMatchObject({ running: false, counts: { queued: 1, done: 1 }, lastRun: { connector: 'lam2', done: 1 } })
  })

  it('sends nothing while a connector is disabled', async () => {
    const { h, fake } = await lamassuHarness()
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.updateConnector({ name: 'lam', enabled: false }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'skipped' })
    expect(r.items[0]?.message).toMatch(/disabled/)
    expect(fake.requests).toHaveLength(0)
  })
})

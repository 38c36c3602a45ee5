// Failure injection against a fake Lamassu built from seed 004: a hang past the timeout, a
// refused connection, 500 then success, 429/503, a 400. Transient faults never end an item:
// it stays queued with a backoff that carries across runs (capped), and completes — created
// exactly once — on a later run after the fault is lifted. Only a permanent refusal fails it.
// Each runs over plain http and over HTTPS with a throwaway CA in the connector's CA bundle.
import { afterEach, describe, expect, it } from 'vitest'
import { storeOf, verifyAudit } from '../../../src/main/store'
import { closedPort, type FakeServer } from '../../fixtures/sync/fake-server'
import { startLamassu } from '../../fixtures/sync/platforms'
import { createTlsServerCert } from '../../fixtures/sync/pki'
import { auditActions, createHarness, outboxRows, unwrapOk } from './helpers'

const TOKEN = 't0k'
const servers: FakeServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
const profile = (id: string) => ({ id, name: id, validity: { type: 'Duration', duration: '1y' } })

/** A clock the test moves: backoffs are judged against it, not against the wall. */
function testClock() {
  let t = Date.parse('2026-03-01T10:00:00.000Z')
  return { now: () => new Date(t), advance: (ms: number) => (t += ms), at: () => t }
}

type Transport = 'http' | 'https'
let tlsCert: Promise<{ caPem: string; certPem: string; keyPem: string }> | undefined

/** A fake Lamassu and a connector to it; over HTTPS the server's certificate comes from a throwaway CA in the connector's CA bundle. */
async function lamassuHarness(transport: Transport, timeoutMs = 5000, clock = testClock()) {
  const tls = transport === 'https' ? await (tlsCert ??= createTlsServerCert()) : undefined
  const fake = await startLamassu(TOKEN, [], tls && { key: tls.keyPem, cert: tls.certPem })
  servers.push(fake)
  const h = createHarness({ now: clock.now })
  unwrapOk(
    await h.connectors.addConnector({ name: 'lam', type: 'lamassu', baseUrl: fake.url, credential: TOKEN, settings: { timeoutMs, ...(tls ? { caBundlePem: tls.caPem } : {}) } })
  )
  for (const id of ['p1', 'p2']) h.localProfiles.set(id, { lamassu: profile(id) })
  return { h, fake, clock }
}

const posts = (fake: FakeServer) => fake.requests.filter((r) => r.method === 'POST').length

for (const transport of ['http', 'https'] as const) {
describe(`transient failures keep the item queued (${transport})`, () => {
  it('an item survives a hang and a refused connection and is created exactly once when the platform is back', async () => {
    const { h, fake, clock } = await lamassuHarness(transport, 300)
    const item = unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    // The GET answers (404: absent); the platform creates the profile on the POST but its answer never arrives.
    fake.inject({ pass: true }, { swallow: true })
    const r1 = unwrapOk(await h.sync.run())
    expect(r1.items).toEqual([expect.objectContaining({ id: item.id, outcome: 'requeued', attempts: 1 })])
    expect(r1.items[0]?.message).toMatch(/did not answer within 300 ms.*stays queued.*next attempt from 2026-03-01T10:00:00\.005Z/)
    expect(fake.profiles.has('p1')).toBe(true)
    const queued = unwrapOk(h.sync.outbox())[0]
    expect(queued).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: '2026-03-01T10:00:00.005Z', lastError: { code: 'REMOTE_TIMEOUT', retryable: true } })
    expect(h.sync.status()).toMatchObject({ counts: { queued: 1, failed: 0 }, nextAttemptAt: '2026-03-01T10:00:00.005Z' })

    // Before the backoff has passed, a run leaves it alone and says when it is due.
    const early = unwrapOk(await h.sync.run())
    expect(early.items).toEqual([expect.objectContaining({ id: item.id, outcome: 'waiting' })])
    expect(early.items[0]?.message).toMatch(/backing off after REMOTE_TIMEOUT; next attempt from 2026-03-01T10:00:00\.005Z/)
    expect(fake.requests).toHaveLength(2)

    // The platform goes away: refused, still queued, the backoff doubles.
    await fake.stop()
    clock.advance(5)
    const r2 = unwrapOk(await h.sync.run())
    expect(r2.items).toEqual([expect.objectContaining({ outcome: 'requeued', attempts: 2 })])
    expect(unwrapOk(h.sync.outbox())[0]).toMatchObject({ state: 'queued', lastError: { code: 'REMOTE_CONNECTION_REFUSED' }, nextAttemptAt: '2026-03-01T10:00:00.015Z' })

    // Back up: the next due run finishes it; the profile the lost answer created is recognised, not created twice.
    await fake.restart()
    clock.advance(10)
    const r3 = unwrapOk(await h.sync.run())
    expect(r3.items).toEqual([expect.objectContaining({ id: item.id, outcome: 'done', attempts: 3 })])
    expect(r3.items[0]?.message).toMatch(/already matches; nothing sent/)
    expect(posts(fake)).toBe(1)
    expect([...fake.profiles.keys()]).toEqual(['p1'])
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ state: 'done', attempts: 3 })])
    expect(auditActions(h.db).filter((a) => a === 'sync.item.retry')).toHaveLength(2)
    expect(auditActions(h.db)).not.toContain('sync.item.failed')
    expect(storeOf(h.db).read(verifyAudit).intact).toBe(true)
  })

  it('never fails an item for transient faults, however many runs, and caps the backoff at its ceiling', async () => {
    const port = await closedPort()
    const clock = testClock()
    const h = createHarness({ now: clock.now })
    unwrapOk(await h.connectors.addConnector({ name: 'gone', type: 'lamassu', baseUrl: `http://127.0.0.1:${port}`, credential: 'x' }))
    h.localProfiles.set('p1', { lamassu: profile('p1') })
    unwrapOk(await h.sync.pushProfile('p1', 'gone'))
    const waits: number[] = []
    for (let run = 0; run < 7; run++) {
      const r = unwrapOk(await h.sync.run())
      expect(r.items).toEqual([expect.objectContaining({ outcome: 'requeued', attempts: run + 1 })])
      const next = Date.parse(unwrapOk(h.sync.outbox())[0]?.nextAttemptAt ?? '')
      waits.push(next - clock.at())
      clock.advance(next - clock.at())
    }
    // base 5 ms doubling, ceiling 40 ms (the harness's options).
    expect(waits).toEqual([5, 10, 20, 40, 40, 40, 40])
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ state: 'queued', attempts: 7 })])
    expect(unwrapOk(h.sync.outbox())[0]?.lastError).toMatchObject({ code: 'REMOTE_CONNECTION_REFUSED', retryable: true })
    expect(unwrapOk(h.sync.outbox())[0]?.lastError?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} refused the connection.*stays queued`))
    expect(unwrapOk(await h.connectors.testConnector('gone'))).toMatchObject({ ok: false, error: { code: 'REMOTE_CONNECTION_REFUSED' } })
  })

  it('finishes within the run after a 500 then success', async () => {
    const { h, fake } = await lamassuHarness(transport)
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ status: 500, body: { err: 'database unavailable' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items).toEqual([expect.objectContaining({ outcome: 'done', attempts: 2 })])
    expect(h.slept).toEqual([5])
    expect(posts(fake)).toBe(1)
    expect(fake.profiles.has('p1')).toBe(true)
  })

  it('waits out a 429 Retry-After and a 503 within the run, then leaves a persistent 5xx for a later run', async () => {
    const { h, fake, clock } = await lamassuHarness(transport)
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ status: 429, body: { err: 'slow down' }, headers: { 'retry-after': '1' } }, { status: 503, body: { err: 'maintenance' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'done', attempts: 3 })
    // Retry-After (1 s) is a floor under the 5 ms backoff; the 503 gets the plain backoff.
    expect(h.slept).toEqual([1000, 10])

    unwrapOk(await h.sync.pushProfile('p2', 'lam'))
    const boom = { status: 500, body: { err: 'database unavailable' } }
    fake.inject(boom, boom, boom)
    const r2 = unwrapOk(await h.sync.run())
    // Two in-run retries, then the item waits for a later run — still queued, not failed.
    expect(r2.items).toEqual([expect.objectContaining({ outcome: 'requeued', attempts: 3 })])
    expect(r2.items[0]?.message).toMatch(/"database unavailable".*stays queued and is tried again after a backoff.*Still queued; next attempt from/)
    clock.advance(40)
    const r3 = unwrapOk(await h.sync.run())
    expect(r3.items).toEqual([expect.objectContaining({ outcome: 'done', attempts: 4 })])
    expect([...fake.profiles.keys()].sort()).toEqual(['p1', 'p2'])
  })

  it('leaves an item for a later run when the platform asks to wait longer than a run waits; retry makes it due now', async () => {
    const { h, fake } = await lamassuHarness(transport)
    const item = unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    fake.inject({ status: 429, body: { err: 'slow down' }, headers: { 'retry-after': '3600' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'requeued', attempts: 1 })
    expect(unwrapOk(h.sync.outbox())[0]).toMatchObject({ state: 'queued', nextAttemptAt: '2026-03-01T11:00:00.000Z', lastError: { code: 'REMOTE_RATE_LIMITED', retryAfterSeconds: 3600 } })
    expect(unwrapOk(await h.sync.run()).items).toEqual([expect.objectContaining({ outcome: 'waiting' })])
    expect(fake.requests).toHaveLength(1)
    unwrapOk(h.sync.retry(item.id))
    expect(unwrapOk(await h.sync.run()).items).toEqual([expect.objectContaining({ outcome: 'done' })])
  })
})

describe(`permanent refusals fail the item (${transport})`, () => {
  it('fails a 400 at once, says how to retry, and a retry after the fix completes it', async () => {
    const { h, fake } = await lamassuHarness(transport)
    const item = unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.pushProfile('p2', 'lam'))
    fake.inject({ pass: true }, { status: 400, body: { err: 'invalid profile: validity.duration' } })
    const r = unwrapOk(await h.sync.run())
    expect(r.items.map((i) => [i.id, i.outcome, i.attempts])).toEqual([
      [item.id, 'failed', 1],
      [item.id + 1, 'done', 1]
    ])
    expect(r.items[0]?.message).toMatch(/"invalid profile: validity\.duration".*The item failed; fix the cause, then `pkidesk sync retry 1`/)
    expect(unwrapOk(h.sync.outbox({ states: ['failed'] }))[0]).toMatchObject({ nextAttemptAt: null, lastError: { code: 'REMOTE_INVALID_REQUEST', httpStatus: 400, retryable: false } })
    expect(h.sync.retry(item.id + 1)).toMatchObject({ ok: false, error: { code: 'OUTBOX_ITEM_NOT_RETRYABLE' } })
    unwrapOk(h.sync.retry(item.id))
    expect(unwrapOk(await h.sync.run()).items).toEqual([expect.objectContaining({ id: item.id, outcome: 'done', attempts: 1 })])
    expect(posts(fake)).toBe(3)
  })

  it('leaves items queued, untouched, when the credential is missing, and says why', async () => {
    const { h, fake } = await lamassuHarness(transport)
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.connectors.updateConnector({ name: 'lam', credential: null }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'skipped', attempts: 0 })
    expect(r.items[0]?.message).toMatch(/has no credential; store one/)
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ state: 'queued', attempts: 0 })])
    expect(fake.requests).toHaveLength(0)
  })

  it('runs one connector only when asked; the others stay queued', async () => {
    const { h, fake } = await lamassuHarness(transport)
    const other = await startLamassu('other')
    servers.push(other)
    unwrapOk(await h.connectors.addConnector({ name: 'lam2', type: 'lamassu', baseUrl: other.url, credential: 'other' }))
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.sync.pushProfile('p1', 'lam2'))
    const r = unwrapOk(await h.sync.run({ connector: 'lam2' }))
    expect(r.items.map((i) => i.connectorName)).toEqual(['lam2'])
    expect(other.profiles.has('p1')).toBe(true)
    expect(fake.requests).toHaveLength(0)
    expect(h.sync.status()).toMatchObject({ running: false, counts: { queued: 1, done: 1 }, lastRun: { connector: 'lam2', done: 1 } })
  })

  it('sends nothing while a connector is disabled', async () => {
    const { h, fake } = await lamassuHarness(transport)
    unwrapOk(await h.sync.pushProfile('p1', 'lam'))
    unwrapOk(await h.connectors.updateConnector({ name: 'lam', enabled: false }))
    const r = unwrapOk(await h.sync.run())
    expect(r.items[0]).toMatchObject({ outcome: 'skipped' })
    expect(r.items[0]?.message).toMatch(/disabled/)
    expect(fake.requests).toHaveLength(0)
  })
})
}

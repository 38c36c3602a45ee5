// Remote JSON is read like a profile file: a body with a key that reaches a prototype is
// refused as a whole, in one coded sync error (the size limit: tests/integration/sync/response-limit.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHttpClient, MAX_RESPONSE_BYTES } from '../../../src/main/sync/http'
import { transportError } from '../../../src/main/sync/errors'
import { LIMITS } from '../../../src/shared/limits'

let server: Server
let base = ''
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    if (req.url === '/proto') res.end('{"list":[{"id":"a","__proto__":{"confirmWarnings":true}}]}')
    else if (req.url === '/deep') res.end('['.repeat(1000) + ']'.repeat(1000))
    else res.end('{"list":[{"id":"a"}]}')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

describe('remote JSON', () => {
  it('refuses a body with a __proto__ key, or nested past the limit, instead of handing it to a connector', async () => {
    const c = createHttpClient({ baseUrl: base, timeoutMs: 5000 })
    if (!c.ok) throw new Error(c.error.message)
    expect(await c.value.request({ method: 'GET', path: 'proto' })).toMatchObject({ kind: 'network', code: 'RESPONSE_REFUSED', detail: expect.stringContaining('"__proto__" key') })
    expect(await c.value.request({ method: 'GET', path: 'deep' })).toMatchObject({ kind: 'network', code: 'RESPONSE_REFUSED', detail: expect.stringContaining('levels deep') })
    const fine = await c.value.request({ method: 'GET', path: 'ok' })
    expect(fine).toMatchObject({ kind: 'response', json: { list: [{ id: 'a' }] } })
    // what connectors get has no prototype to read defaults from
    expect(fine.kind === 'response' && Object.getPrototypeOf(fine.json)).toBe(null)
    await c.value.close()
  })

  it('says what happened in one coded line', () => {
    const e = transportError('lamassu', 'lab', 'pull issuance profiles', { kind: 'network', code: 'RESPONSE_REFUSED', detail: 'The response has a "__proto__" key' }, base)
    expect(e).toMatchObject({ code: 'REMOTE_RESPONSE_REFUSED', retryable: false })
    expect(e.message).toContain('"__proto__" key')
  })

  it('reads at most LIMITS.remoteResponseBytes', () => {
    expect(MAX_RESPONSE_BYTES).toBe(LIMITS.remoteResponseBytes)
  })
})

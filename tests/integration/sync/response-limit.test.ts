// Remote answers are read up to a size limit (MAX_RESPONSE_BYTES, 8 MiB): a larger body —
// declared by Content-Length or streamed without one — is cut off and refused with one coded
// error; the item fails instead of PKI Desk buffering without bound.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpClient, MAX_RESPONSE_BYTES } from '../../../src/main/sync/http'
import { createHarness, unwrapOk } from './helpers'

let server: Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = null
})

/** Answers every request with `bytes` bytes of a JSON string, with or without Content-Length. */
async function bigAnswer(bytes: number, declareLength: boolean): Promise<string> {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    const body = `"${'x'.repeat(bytes - 2)}"`
    if (declareLength) {
      res.setHeader('content-length', String(body.length))
      res.end(body)
      return
    }
    // Chunked: no length announced, the client must count.
    for (let i = 0; i < body.length; i += 65536) res.write(body.slice(i, i + 65536))
    res.end()
  })
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('remote response size limit', () => {
  it.each([true, false])('refuses a body over the limit (Content-Length declared: %s) and reads one under it', async (declared) => {
    const url = await bigAnswer(4096, declared)
    const small = unwrapOk(createHttpClient({ baseUrl: url, timeoutMs: 5000, maxResponseBytes: 1024 }))
    expect(await small.request({ method: 'GET', path: '/' })).toEqual({ kind: 'too-large', limitBytes: 1024 })
    await small.close()
    const roomy = unwrapOk(createHttpClient({ baseUrl: url, timeoutMs: 5000, maxResponseBytes: 8192 }))
    const r = await roomy.request({ method: 'GET', path: '/' })
    expect(r).toMatchObject({ kind: 'response', status: 200 })
    await roomy.close()
  })

  it('fails a pull whose answer is larger than 8 MiB with REMOTE_RESPONSE_TOO_LARGE', async () => {
    const url = await bigAnswer(MAX_RESPONSE_BYTES + 1024, false)
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'lam', type: 'lamassu', baseUrl: url, credential: 't' }))
    const r = unwrapOk(await h.sync.pullProfiles('lam'))
    expect(r.items).toEqual([expect.objectContaining({ outcome: 'failed' })])
    const item = unwrapOk(h.sync.outbox())[0]
    expect(item?.lastError).toMatchObject({ code: 'REMOTE_RESPONSE_TOO_LARGE', retryable: false })
    expect(item?.lastError?.message).toMatch(/larger than 8 MiB/)
  })
})

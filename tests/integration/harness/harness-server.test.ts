// The test harness (never packaged) survives a malformed percent-encoding, and only it widens
// the page's connect-src, to its own WebSocket. Needs the built renderer (npm test builds first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../harness/server'

let harness: Harness
beforeAll(async () => {
  harness = await startHarness()
})
afterAll(() => harness.close())

describe('harness server', () => {
  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    const bad = await fetch(`${harness.origin}/%E0%A4%A`)
    expect(bad.status).toBe(400)
    expect((await fetch(harness.url)).status).toBe(200)
  })

  it('adds its own WebSocket to the page CSP, and nothing else', async () => {
    const html = await (await fetch(harness.url)).text()
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain(`connect-src 'self' ws://${new URL(harness.origin).host};`)
    expect(csp).not.toContain('ws://127.0.0.1:*')
  })
})

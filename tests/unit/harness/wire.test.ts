// The harness socket carries byte arrays like Electron's structured clone does.
import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame } from '../../harness/wire'

describe('harness wire format', () => {
  it('round-trips byte arrays inside any JSON value, and leaves look-alike objects alone', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256)
    const frame = encodeFrame({ id: 1, request: { der: bytes, list: [new Uint8Array([1, 2])], text: 'x' } })
    const back = decodeFrame(frame) as { request: { der: Uint8Array; list: Uint8Array[]; text: string } }
    expect(back.request.der).toBeInstanceOf(Uint8Array)
    expect([...back.request.der]).toEqual([...bytes])
    expect([...back.request.list[0]!]).toEqual([1, 2])
    expect(back.request.text).toBe('x')
    expect(decodeFrame('{"__harnessBytes":"AQ==","other":1}')).toEqual({ __harnessBytes: 'AQ==', other: 1 })
  })
})

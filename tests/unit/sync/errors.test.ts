// Every documented error shape becomes a coded SyncError with an operator sentence and a
// retry verdict: all Palo Alto `_errors` examples of seed 003, and the Lamassu, TLM/IoT and
// CertCentral shapes of WIRE-NOTES.
import { describe, expect, it } from 'vitest'
import paloAltoExamples from '../../fixtures/sync/paloalto-errors.json'
import { httpError, isRetryableStatus, readRemoteError, transportError } from '../../../src/main/sync/errors'

const requestId = '123e4567-e89b-12d3-a456-426655440000'

describe('Palo Alto _errors mapping', () => {
  it.each(paloAltoExamples)('$code "$message" ($status) → $expect', ({ status, code, message, expect: expected }) => {
    const e = httpError('paloalto', 'fw', 'generate certificate "x" in folder A', status, { _errors: [{ code, message, details: {} }], _request_id: requestId })
    expect(e.code).toBe(expected)
    expect(e).toMatchObject({ remoteCode: code, requestId, httpStatus: status, retryable: false })
    expect(e.message).toContain(`"${message}" (${code})`)
    expect(e.message).toContain(`Request id ${requestId}.`)
    expect(e.message).toMatch(/^Palo Alto Networks configuration API \(connector fw\) refused to generate certificate "x" in folder A: /)
  })

  it('covers every example of the seed exactly once', () => {
    expect(new Set(paloAltoExamples.map((e) => e.expect)).size).toBe(paloAltoExamples.length)
  })

  it('falls back to the HTTP status for an unknown code and retries a 5xx', () => {
    expect(httpError('paloalto', 'fw', 'x', 502, { _errors: [{ code: 'E999', message: 'Upstream' }] })).toMatchObject({ code: 'REMOTE_SERVER_ERROR', retryable: true })
    expect(httpError('paloalto', 'fw', 'x', 500, 'not json')).toMatchObject({ code: 'REMOTE_SERVER_ERROR', retryable: true })
  })
})

describe('other platforms', () => {
  it('reads Lamassu {"err"}', () => {
    const e = httpError('lamassu', 'lab', 'create issuance profile x', 409, { err: 'profile x already exists' })
    expect(e).toMatchObject({ code: 'REMOTE_CONFLICT', httpStatus: 409, retryable: false })
    expect(e.message).toContain('"profile x already exists"')
  })

  it('reads TLM and IoT {"errors":[{code,message}]}, joining several', () => {
    expect(readRemoteError('digicert-tlm', { errors: [{ code: 'a', message: 'one' }, { code: 'b', message: 'two' }] })).toEqual({ remoteCode: 'a, b', remoteMessage: 'one; two' })
    expect(httpError('digicert-iot', 'iot', 'x', 401, { errors: [{ code: 'unauthorized', message: 'Invalid API key' }] })).toMatchObject({
      code: 'REMOTE_AUTH_FAILED',
      remoteCode: 'unauthorized'
    })
  })

  it('reads CertCentral {"error": …} as an object, a list or a string', () => {
    expect(readRemoteError('digicert-certcentral', { error: { code: 'x', message: 'bad' }, data: null })).toEqual({ remoteCode: 'x', remoteMessage: 'bad' })
    expect(readRemoteError('digicert-certcentral', { errors: [{ code: 'y', message: 'worse' }] })).toEqual({ remoteCode: 'y', remoteMessage: 'worse' })
    expect(readRemoteError('digicert-certcentral', { error: 'plain' })).toEqual({ remoteMessage: 'plain' })
  })

  it('retries 408, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 503].map(isRetryableStatus)).toEqual([false, false, false, false, true, false, false, true, true, true])
  })

  it('turns timeouts, refusals and TLS failures into coded errors', () => {
    expect(transportError('lamassu', 'l', 'x', { kind: 'timeout', timeoutMs: 10 }, 'https://h')).toMatchObject({ code: 'REMOTE_TIMEOUT', retryable: true })
    expect(transportError('lamassu', 'l', 'x', { kind: 'network', code: 'ECONNREFUSED', detail: '' }, 'https://h')).toMatchObject({ code: 'REMOTE_CONNECTION_REFUSED', retryable: true })
    expect(transportError('lamassu', 'l', 'x', { kind: 'network', code: 'ENOTFOUND', detail: '' }, 'https://h')).toMatchObject({ code: 'REMOTE_HOST_NOT_FOUND' })
    expect(transportError('lamassu', 'l', 'x', { kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', detail: '' }, 'https://h')).toMatchObject({ code: 'REMOTE_TLS_FAILED', retryable: false })
  })
})

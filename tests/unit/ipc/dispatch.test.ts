// The dispatcher validates requests and responses against the contract and turns failures
// into coded errors; the preload and the harness build the same api shape from the contract.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createServices } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { channelNames, eventNames } from '../../../src/shared/ipc/contract'
import { buildApi } from '../../../src/shared/ipc/define'
import { ok } from '../../../src/shared/errors'

const services = createServices({ dataDir: mkdtempSync(join(tmpdir(), 'pkidesk-ipc-')) })
const handlers = createHandlers(services)
afterAll(() => services.close())

describe('dispatch', () => {
  it('answers a valid request with the response DTO', async () => {
    const result = await dispatch(handlers, 'app:info', {})
    expect(result).toMatchObject({ ok: true, value: { name: 'PKI Desk', schemaVersion: expect.any(Number) } })
  })

  it('refuses an unknown channel', async () => {
    expect(await dispatch(handlers, 'vault:dumpKeys', {})).toMatchObject({ ok: false, error: { code: 'IPC_UNKNOWN_CHANNEL' } })
  })

  it('names the field of an invalid request', async () => {
    const result = await dispatch(handlers, 'settings:update', { autoLockMinutes: 0 })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'autoLockMinutes' } })
  })

  it('says what the schema wants in words, with its limit', async () => {
    const big = await dispatch(handlers, 'settings:update', { autoLockMinutes: 5000 })
    expect(big).toMatchObject({ ok: false, error: { field: 'autoLockMinutes', message: 'The request was refused: the value is too big: at most 1440 is allowed; correct the value and send it again.' } })
    const small = await dispatch(handlers, 'settings:update', { autoLockMinutes: 0 })
    expect(small).toMatchObject({ ok: false, error: { message: expect.stringContaining('the value is too small: at least 1 is needed') } })
    const kind = await dispatch(handlers, 'settings:update', { autoLockMinutes: 'ten' })
    expect(kind).toMatchObject({ ok: false, error: { message: expect.stringContaining('a number is expected here') } })
    const theme = await dispatch(handlers, 'settings:update', { theme: 'pink' })
    expect(theme).toMatchObject({ ok: false, error: { field: 'theme', message: expect.stringContaining('the value must be one of') } })
  })

  it('rejects unknown request fields (strict schemas)', async () => {
    const result = await dispatch(handlers, 'settings:update', { theme: 'dark', evil: true })
    expect(result.ok).toBe(false)
  })

  it('strips fields a handler adds beyond the response schema', async () => {
    const leaky: Handlers = { ...handlers, 'settings:get': () => ok({ ...services.settings.get(), privateKey: 'secret' }) }
    const result = await dispatch(leaky, 'settings:get', {})
    expect(result.ok && JSON.stringify(result.value)).not.toContain('secret')
  })

  it('turns a thrown error into INTERNAL without crashing', async () => {
    const broken: Handlers = { ...handlers, 'app:info': () => { throw new Error('boom') } }
    expect(await dispatch(broken, 'app:info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })

  it('persists settings through the handler', async () => {
    await dispatch(handlers, 'settings:update', { theme: 'dark' })
    expect(await dispatch(handlers, 'settings:get', {})).toMatchObject({ ok: true, value: { theme: 'dark' } })
  })
})

describe('contract', () => {
  it('names every channel domain:verb and has a handler for each', () => {
    for (const name of channelNames) {
      expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/)
      expect(typeof (handlers as Record<string, unknown>)[name]).toBe('function')
    }
  })

  it('buildApi gives one function per channel and one subscribe per event, nothing else', () => {
    const calls: string[] = []
    const api = buildApi(channelNames, eventNames, async (name) => { calls.push(name); return ok(null) }, () => () => undefined)
    const flat = Object.entries(api).flatMap(([domain, fns]) => Object.keys(fns).map((verb) => `${domain}:${verb}`))
    expect(flat.sort()).toEqual([...channelNames, ...eventNames.map((e) => `on:${e}`)].sort())
    void (api.app?.info as (r: unknown) => unknown)({})
    expect(calls).toEqual(['app:info'])
  })
})

// The app is killed (SIGKILL) while a sync request hangs: the outbox keeps the item as
// `running` with its attempt counted. While the process lives its run lock keeps every other
// run off the outbox; once it is dead the very next run resumes the item at once and sends it.
// Nothing is lost or duplicated, and the audit chain stays intact.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, storeOf, verifyAudit } from '../../../src/main/store'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createSyncService } from '../../../src/main/services/sync-service'
import { startLamassu, type LamassuFake } from '../../fixtures/sync/platforms'
import { auditActions, createHarness, outboxRows, unwrapOk } from './helpers'

let fake: LamassuFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

describe('a sync killed mid-run', () => {
  it('keeps other runs off while it lives; the very next run after the kill resumes its item and sends it once', async () => {
    fake = await startLamassu('kill-token')
    const h = createHarness()
    unwrapOk(
      await h.connectors.addConnector({ name: 'lam', type: 'lamassu', baseUrl: fake.url, settings: { timeoutMs: 20_000, credentialEnv: 'SYNC_KILL_TOKEN' } })
    )
    h.localProfiles.set('p', { lamassu: { id: 'edge', name: 'Edge', validity: { type: 'Duration', duration: '30d' } } })
    const item = unwrapOk(await h.sync.pushProfile('p', 'lam'))
    fake.inject({ hang: true })

    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../fixtures/sync/kill-child.ts'), h.dbFile], {
      env: { ...process.env, SYNC_KILL_TOKEN: 'kill-token' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await Promise.race([fake.waitForRequests(1), exited.then(() => Promise.reject(new Error(`child exited early: ${stderr}`)))])
    // The request is hanging: the item is committed as running with its attempt counted.
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ id: item.id, state: 'running', attempts: 1 })])
    // While the child lives, its lock keeps every other run off the outbox.
    const busy = await h.sync.run()
    expect(busy).toMatchObject({ ok: false, error: { code: 'SYNC_ALREADY_RUNNING' } })
    expect(busy.ok ? '' : busy.error.message).toContain(`process ${child.pid}`)
    expect(outboxRows(h.db)).toEqual([expect.objectContaining({ id: item.id, state: 'running', attempts: 1 })])

    const dbAfter = openDatabase(h.dbFile)
    const env = { SYNC_KILL_TOKEN: 'kill-token' }
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(fake.profiles.size).toBe(0)

    // The very next run sees the holder is dead, resumes its item at once and sends it.
    const next = createSyncService({ store: storeOf(dbAfter), keychain: createMemoryKeychain(), env })
    const r1 = unwrapOk(await next.run())
    expect(r1.reclaimed).toBe(1)
    expect(r1.items).toEqual([expect.objectContaining({ id: item.id, outcome: 'done', attempts: 2 })])
    expect(fake.profiles.get('edge')).toMatchObject({ name: 'Edge' })
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(outboxRows(dbAfter)).toEqual([expect.objectContaining({ state: 'done', attempts: 2 })])
    expect(auditActions(dbAfter).filter((a) => a === 'sync.run.start')).toHaveLength(2)
    expect(storeOf(dbAfter).read(verifyAudit).intact).toBe(true)
    dbAfter.close()
  })
})

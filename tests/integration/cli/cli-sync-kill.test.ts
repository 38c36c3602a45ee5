// kill -9 of the built CLI in the middle of a sync request: while it lives, its run lock keeps
// a second `sync run` off the outbox; once it is dead, the very next `sync run` says it
// resumed the interrupted item, sends it, and the profile exists remotely exactly once.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLamassu, type LamassuFake } from '../../fixtures/sync/platforms'
import { buildCli, runCli, type BuiltCli } from './built-cli'

const TOKEN = 'kill-cli-token'
let cli: BuiltCli
let work: string
let fake: LamassuFake

beforeAll(async () => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-kill-'))
  fake = await startLamassu(TOKEN)
}, 200_000)

afterAll(async () => {
  cli?.dispose()
  await fake?.close()
  if (work) rmSync(work, { recursive: true, force: true })
})

const env = { LAM_TOKEN: TOKEN }
const pk = (args: readonly string[]) => runCli(cli, ['--data-dir', join(work, 'store'), ...args], env)

describe('pkidesk sync run killed with SIGKILL mid-request', { timeout: 120_000 }, () => {
  it('keeps a second run off while alive; the next run resumes the item at once', async () => {
    expect((await pk(['connector', 'add', '--type', 'lamassu', '--name', 'lam', '--url', fake.url, '--credential-env', 'LAM_TOKEN'])).code).toBe(0)
    const push = await pk(['profile', 'push', 'tls-server', '--connector', 'lam'])
    expect(push.code, push.stderr).toBe(0)
    fake.inject({ hang: true })

    const child = spawn(process.execPath, [cli.bin, '--data-dir', join(work, 'store'), 'sync', 'run'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)))
    await Promise.race([fake.waitForRequests(1), exited.then(() => Promise.reject(new Error(`sync run exited early: ${stderr}`)))])

    const second = await pk(['sync', 'run'])
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(new RegExp(`^error\\[SYNC_ALREADY_RUNNING\\]: A sync run of process ${child.pid} `))
    const status = JSON.parse((await pk(['--json', 'sync', 'status'])).stdout) as { counts: { running: number } }
    expect(status.counts.running).toBe(1)

    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    const next = await pk(['sync', 'run'])
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toMatch(/^1 item of an interrupted run resumed\.$/m)
    expect(next.stdout).toMatch(/lamassu\.profile\.push\s+done\s+2\s/)
    expect(next.stdout).toMatch(/1 done, 0 failed, 0 still queued/)
    expect([...fake.profiles.keys()]).toEqual(['tls-server'])
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })
})

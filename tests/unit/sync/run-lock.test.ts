// The sync run lock: a live holder keeps others out; a dead one (its pid gone, or its pid
// reused by another process with another start time) is recognised at once and taken over.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireRunLock, processStartTime } from '../../../src/main/sync/run-lock'

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'pkidesk-lock-')), 'db.sync-lock')
const holder = (pid: number, startTime: string | null) => JSON.stringify({ pid, startTime, host: hostname(), token: 'old', since: '2026-01-01T00:00:00Z' })

describe('sync run lock', () => {
  it('is exclusive while held and gone after release', () => {
    const path = lockPath()
    const a = acquireRunLock(path)
    expect(a).toMatchObject({ ok: true, tookOverFrom: null })
    const held = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; startTime: string | null }
    expect(held.pid).toBe(process.pid)
    expect(held.startTime).toBe(processStartTime(process.pid))
    expect(acquireRunLock(path)).toMatchObject({ ok: false, holder: { pid: process.pid } })
    if (a.ok) a.release()
    expect(existsSync(path)).toBe(false)
    expect(acquireRunLock(path).ok).toBe(true)
  })

  it('takes over the lock of a process that no longer exists', async () => {
    const path = lockPath()
    const child = spawn(process.execPath, ['-e', ''])
    const pid = child.pid as number
    await new Promise((r) => child.on('exit', r))
    writeFileSync(path, holder(pid, '12345'))
    const r = acquireRunLock(path)
    expect(r).toMatchObject({ ok: true, tookOverFrom: { pid, token: 'old' } })
  })

  it('treats a live pid with another start time as a reused pid: the holder is dead', () => {
    const path = lockPath()
    writeFileSync(path, holder(process.pid, 'not-my-start-time'))
    expect(acquireRunLock(path)).toMatchObject({ ok: true, tookOverFrom: { pid: process.pid, token: 'old' } })
  })

  it('leaves a live process with its own start time alone', async () => {
    const path = lockPath()
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'])
    try {
      const pid = child.pid as number
      writeFileSync(path, holder(pid, processStartTime(pid)))
      expect(acquireRunLock(path)).toMatchObject({ ok: false, holder: { pid } })
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('leaves a lock written on another host alone (that process cannot be seen from here)', () => {
    const path = lockPath()
    writeFileSync(path, JSON.stringify({ pid: 1, startTime: '1', host: `${hostname()}-elsewhere`, token: 'x', since: '' }))
    expect(acquireRunLock(path)).toMatchObject({ ok: false, holder: { host: `${hostname()}-elsewhere` } })
  })
})

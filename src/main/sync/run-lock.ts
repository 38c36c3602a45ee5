// The sync run lock: at most one live run per data directory, and a run that died (the app
// was killed, the machine lost power) leaves a lock that the next run recognises as dead at
// once, by the holder's pid AND its process start time (a reused pid is not the holder).
//
// The lock is a file beside the database, created with O_EXCL, holding
//   { pid, startTime, host, token, since }
// `startTime` is the kernel's start time of the process (Linux /proc/<pid>/stat field 22);
// where /proc does not exist only the pid is checked. A lock written on another host (a data
// directory on a network share) is treated as live: this host cannot see that process.
//
// Taking over a dead holder's lock is atomic: the stale file is renamed away (only one taker
// wins the rename), its token is checked to be the one judged dead, and only then is a new
// lock created with O_EXCL. A live lock that a racing taker moved by mistake is linked back.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'

export interface LockHolder {
  readonly pid: number
  /** Process start time as the kernel reports it, or null where it cannot be read. */
  readonly startTime: string | null
  readonly host: string
  readonly token: string
  readonly since: string
}

export type LockOutcome =
  | { readonly ok: true; readonly release: () => void; /** The lock a dead run left behind, when one was taken over. */ readonly tookOverFrom: LockHolder | null }
  | { readonly ok: false; readonly holder: LockHolder }

/** The kernel's start time of a process (clock ticks since boot), or null when unknown. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 2 (comm) may hold spaces and parentheses; the fields after its last ')' start at field 3.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return rest[19] ?? null
  } catch {
    return null
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when the holder may still be running (another host's holder always counts as live). */
export function holderAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true
  if (!pidAlive(h.pid)) return false
  if (h.startTime === null) return true
  const now = processStartTime(h.pid)
  return now === null || now === h.startTime
}

function readHolder(path: string): LockHolder | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>
    if (typeof v.pid !== 'number' || typeof v.token !== 'string' || typeof v.host !== 'string') return null
    return { pid: v.pid, startTime: typeof v.startTime === 'string' ? v.startTime : null, host: v.host, token: v.token, since: typeof v.since === 'string' ? v.since : '' }
  } catch {
    return null
  }
}

function fileAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs
  } catch {
    return Infinity
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  }
  try {
    writeSync(fd, JSON.stringify(holder))
  } finally {
    closeSync(fd)
  }
  return true
}

export function acquireRunLock(path: string, now: () => Date = () => new Date()): LockOutcome {
  const me: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid), host: hostname(), token: randomUUID(), since: now().toISOString() }
  let tookOverFrom: LockHolder | null = null
  for (let i = 0; i < 5; i++) {
    if (tryCreate(path, me)) {
      return {
        ok: true,
        tookOverFrom,
        release: () => {
          if (readHolder(path)?.token === me.token) unlinkSync(path)
        }
      }
    }
    const holder = readHolder(path)
    if (holder && holderAlive(holder)) return { ok: false, holder }
    // An unreadable lock is one being written right now, or a torn write by a dead process:
    // a young one is left to its writer.
    if (!holder && fileAgeMs(path) < 2000) return { ok: false, holder: { pid: 0, startTime: null, host: hostname(), token: '', since: '' } }
    const moved = `${path}.stale-${me.token}`
    try {
      renameSync(path, moved)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw e
    }
    const movedHolder = readHolder(moved)
    if (holder && movedHolder && movedHolder.token !== holder.token && holderAlive(movedHolder)) {
      // A racing run had already replaced the stale lock with its live one: put it back.
      try {
        linkSync(moved, path)
      } catch {
        /* a third run holds it now; ours is still refused below */
      }
      unlinkSync(moved)
      return { ok: false, holder: movedHolder }
    }
    unlinkSync(moved)
    tookOverFrom = movedHolder ?? holder
  }
  const holder = readHolder(path)
  return { ok: false, holder: holder ?? { pid: 0, startTime: null, host: '?', token: '', since: '' } }
}

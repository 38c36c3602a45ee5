// CPU time for the benches' per-certificate columns (what the machine's load cannot inflate much).
import { readFileSync } from 'node:fs'

/** CPU time of the main thread alone (Linux: /proc/self/task/<pid>/stat utime+stime), NaN elsewhere. */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100 // clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN
  }
}

/** CPU time of every thread of this process (main, issuance workers, the checkpoint thread), ms. */
export function processCpuMs(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

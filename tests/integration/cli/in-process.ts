// pkidesk run in this process (runCli over captured stdout/stderr) against one data dir, for
// the CLI integration tests: `pk` returns the exit code and output, `pkJson` the --json value.
import { runCli } from '../../../src/cli/program'

export interface InProcessCli {
  pk(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>
  pkJson<T>(args: readonly string[]): Promise<T>
}

export function inProcessCli(dataDir: () => string, env: Readonly<Record<string, string>> = {}): InProcessCli {
  async function pk(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(['--data-dir', dataDir(), ...args], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: { ...env } })
    return { code, stdout: out.join(''), stderr: err.join('') }
  }
  return {
    pk,
    async pkJson<T>(args: readonly string[]): Promise<T> {
      const r = await pk(['--json', ...args])
      if (r.code !== 0) throw new Error(`pkidesk ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
      return JSON.parse(r.stdout) as T
    }
  }
}

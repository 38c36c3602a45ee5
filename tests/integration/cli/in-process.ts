// pkidesk run in this process (runCli over captured stdout/stderr) against one data dir, for
// the CLI integration tests: `pk` returns the exit code and output, `pkJson` the --json value;
// `writeCsr` makes a request file to issue.
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../../src/cli/program'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'

/** A CSR for CN=cn with that DNS SAN (a fresh P-256 key) written to dir/cn.csr; returns its path. */
export async function writeCsr(dir: string, cn: string): Promise<string> {
  const key = createKeyObjectSigner(cn, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csr = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, key)
  if (!csr.ok) throw new Error(csr.error.message)
  const file = join(dir, `${cn}.csr`)
  writeFileSync(file, toPem('CERTIFICATE REQUEST', csr.value))
  return file
}

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

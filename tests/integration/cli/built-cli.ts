// Builds the CLI once per test file exactly as the package ships it (electron-vite, the
// `cli` entry beside the main process) into a temporary folder, with bin/pkidesk.js beside
// it, and runs it as a subprocess. A private out dir keeps parallel runs from clobbering
// the working tree's `out/`.
import { execFile, execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../../..')

export interface BuiltCli {
  readonly dir: string
  readonly bin: string
  dispose(): void
}

export function buildCli(): BuiltCli {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-build-'))
  // The bundle keeps its dependencies external: let them resolve from the repo.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  const outDir = join(dir, 'out')
  const electronVite = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  let log: string
  try {
    log = execFileSync(process.execPath, [electronVite, 'build', '--outDir', outDir, '--logLevel', 'error'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
    })
  } catch (e) {
    // The renderer is built after main; the CLI only needs main. Report only if main failed.
    log = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`
  }
  if (!existsSync(join(outDir, 'main', 'cli.js'))) throw new Error(`electron-vite build did not produce main/cli.js:\n${log}`)
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(ROOT, 'bin', 'pkidesk.js'), join(dir, 'bin', 'pkidesk.js'))
  return { dir, bin: join(dir, 'bin', 'pkidesk.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `pkidesk args…` with a clean environment plus `env`; never throws on a non-zero exit. */
export function runCli(cli: BuiltCli, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' }
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [cli.bin, ...args], { env: { ...base, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolvePromise({ code, stdout, stderr })
    })
  })
}

/** Runs openssl; returns its exit code and output without throwing. */
export function openssl(args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile('openssl', [...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolvePromise({ code, stdout, stderr })
    })
    if (input !== undefined) child.stdin?.end(input)
    else child.stdin?.end()
  })
}

// Builds the CLI exactly as the package ships it (electron-vite, the `cli` entry beside the
// main process) into a temporary folder, with bin/pkidesk.js beside it, once per test run,
// and runs it as a subprocess. A private out dir keeps parallel runs from clobbering the
// working tree's `out/`.
import { execFile, execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../../..')

export interface BuiltCli {
  readonly dir: string
  readonly bin: string
  dispose(): void
}

function buildInto(dir: string): void {
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
}

const SHARED_PREFIX = 'pkidesk-cli-build-run-'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes builds left by test runs that have ended. */
function removeStaleBuilds(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(SHARED_PREFIX)) continue
    const pid = Number(name.slice(SHARED_PREFIX.length))
    if (Number.isInteger(pid) && pid !== process.ppid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

/**
 * Builds the CLI once per test run (the test files of one vitest run share its parent
 * process): the first file builds, the others wait for it. The build is removed by the
 * first file of a later run, once the run that made it has ended. (In watch mode the
 * parent lives on: the build is reused until vitest restarts.)
 */
export function buildCli(): BuiltCli {
  const dir = join(tmpdir(), `${SHARED_PREFIX}${process.ppid}`)
  const ready = join(dir, 'READY')
  const failed = join(dir, 'FAILED')
  const shared: BuiltCli = { dir, bin: join(dir, 'bin', 'pkidesk.js'), dispose: () => undefined }
  let mine = false
  try {
    mkdirSync(dir)
    mine = true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  if (mine) {
    removeStaleBuilds()
    try {
      buildInto(dir)
      writeFileSync(ready, '')
    } catch (e) {
      writeFileSync(failed, (e as Error).message)
      throw e
    }
    return shared
  }
  const deadline = Date.now() + 180_000
  const pause = new Int32Array(new SharedArrayBuffer(4))
  while (Date.now() < deadline) {
    if (existsSync(ready)) return shared
    if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'))
    Atomics.wait(pause, 0, 0, 200)
  }
  throw new Error(`the shared CLI build in ${dir} did not finish within 3 minutes`)
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

// Shared by the engine tests: fixtures, OpenSSL through child_process, temp dirs.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const FIXTURES = join(__dirname, '../../fixtures/engine')

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)))
}

export function tempDir(prefix = 'pkidesk-engine-'): { dir: string; path(name: string): string; write(name: string, data: Uint8Array | string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, data) => {
      const p = join(dir, name)
      writeFileSync(p, data)
      return p
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs openssl; returns status and combined output (never throws). */
export function openssl(args: string[], input?: Uint8Array | string): { status: number; out: string } {
  const r = spawnSync('openssl', args, { input, encoding: 'latin1' })
  return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

export function keytool(args: string[]): { status: number; out: string } {
  const r = spawnSync('keytool', args, { encoding: 'utf8' })
  return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

export function opensslBytes(args: string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, input ? { input } : {})
}

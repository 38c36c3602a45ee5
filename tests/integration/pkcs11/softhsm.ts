// A throwaway SoftHSM2 for the PKCS#11 tests: a token directory and SOFTHSM2_CONF of its own
// under a temporary folder, tokens initialised with softhsm2-util (the Debian softhsm2
// package, which .ci/run installs). Set up before the module is first loaded in the test
// process: SoftHSM reads its configuration at C_Initialize.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CreateAuthorityInput } from '../../../src/shared/domain/authority'
import { rootCaInput } from '../issuance/root-ca'

export const SO_PIN = '87654321'
export const USER_PIN = '246810'

const CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so']

export interface SoftHsm {
  readonly dir: string
  readonly module: string
  readonly conf: string
  /** softhsm2-util or pkcs11-tool with this SoftHSM's configuration. */
  run(tool: 'softhsm2-util' | 'pkcs11-tool', args: readonly string[]): string
  deleteToken(label: string): void
}

/** A fresh SoftHSM with one initialised token per label (user PIN USER_PIN). */
export function softHsm(labels: readonly string[]): SoftHsm {
  const module = CANDIDATES.find((p) => existsSync(p))
  if (!module) throw new Error(`SoftHSM2 is not installed (none of ${CANDIDATES.join(', ')}): apt-get install softhsm2 opensc (bash .ci/run does)`)
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-softhsm-'))
  mkdirSync(join(dir, 'tokens'))
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`)
  process.env.SOFTHSM2_CONF = conf
  const env = { ...process.env, SOFTHSM2_CONF: conf }
  const run = (tool: 'softhsm2-util' | 'pkcs11-tool', args: readonly string[]): string =>
    execFileSync(tool, tool === 'pkcs11-tool' ? ['--module', module, ...args] : [...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  for (const label of labels) run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', USER_PIN])
  return { dir, module, conf, run, deleteToken: (label) => void run('softhsm2-util', ['--delete-token', '--token', label]) }
}

/** A self-signed root for the token tests (its key on the token when `token` is added to it). */
export function caInput(name: string, keySpec: CreateAuthorityInput['keySpec'] = 'ec-p256'): CreateAuthorityInput {
  return rootCaInput(name, { keySpec, pathLength: null })
}

// Token sessions and PINs: unlock is a C_Login with the user PIN, lock (explicit, idle, the
// OS locking) is a C_Logout, checked on the token's own session state; a token that counts
// wrong PINs (SoftHSM2 does not, so a small PKCS#11 module in front of it does, as a smart
// card would: tests/fixtures/pkcs11/pin-counter.c) reports the tries left, then locks, and
// the CLI says so with PKCS11_PIN_INCORRECT and PKCS11_PIN_LOCKED while the CA's
// certificates stay as they were.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/program'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { loadModule } from '../../../src/main/vault/pkcs11/module'
import { softHsm, USER_PIN, type SoftHsm } from './softhsm'

let hsm: SoftHsm
let counted: string
let clock = new Date('2026-12-03T12:00:00Z')
let services: Services

const caInput = (name: string) => ({
  name,
  parentId: null,
  subject: [[{ type: 'CN', value: name }]],
  keySpec: 'ec-p256' as const,
  protection: 'keychain' as const,
  validityDays: 3650,
  pathLength: null,
  nameConstraints: null,
  signature: { hash: 'SHA-256' as const, rsaPss: false },
  crlDistributionPoints: [],
  ocspUrls: [],
  caIssuersUrls: []
})

/** Whether the process is logged in to the token, read from a fresh session's state. */
async function loggedIn(label: string): Promise<boolean> {
  const m = await loadModule(hsm.module)
  if (!m.ok) throw new Error(m.error.message)
  const { lib, ck } = m.value
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === label)!
  const session = lib.C_OpenSession(slot, ck.CKF_SERIAL_SESSION)
  try {
    // PKCS#11 2.40 §5.7.1: CKS_RO_PUBLIC_SESSION 0, CKS_RO_USER_FUNCTIONS 1 (pkcs11js exports no CKS_ names).
    const state = lib.C_GetSessionInfo(session).state
    expect([0, 1]).toContain(state)
    return state === 1
  } finally {
    lib.C_CloseSession(session)
  }
}

beforeAll(() => {
  hsm = softHsm(['Sessions', 'Counted'])
  counted = join(hsm.dir, 'pin-counter.so')
  execFileSync('cc', ['-shared', '-fPIC', '-I', join(__dirname, '../../../node_modules/pkcs11js/includes/pkcs11'), '-o', counted, join(__dirname, '../../fixtures/pkcs11/pin-counter.c'), '-ldl'])
  process.env.PIN_COUNTER_REAL_MODULE = hsm.module
  services = createServices({ dataDir: join(hsm.dir, 'store'), keychain: createMemoryKeychain(), now: () => clock })
})
afterAll(() => services.close())

describe('token sessions', () => {
  it('logs the token in at unlock and out at lock, at auto-lock after idle minutes and when the OS locks', async () => {
    const created = await services.authorities.create({ ...caInput('Session CA'), token: { module: hsm.module, token: 'Sessions', pin: USER_PIN } })
    if (!created.ok) throw new Error(created.error.message)
    const id = created.value.id
    expect(await loggedIn('Sessions')).toBe(true)
    services.authorities.lock(id)
    expect(await loggedIn('Sessions')).toBe(false)

    expect((await services.authorities.unlock(id, USER_PIN)).ok).toBe(true)
    expect(await loggedIn('Sessions')).toBe(true)
    clock = new Date(clock.getTime() + 16 * 60_000)
    expect(services.authorities.list().find((a) => a.id === id)!.unlocked).toBe(false)
    expect(await loggedIn('Sessions')).toBe(false)

    expect((await services.authorities.unlock(id, USER_PIN)).ok).toBe(true)
    services.vault.lockAll('system')
    expect(await loggedIn('Sessions')).toBe(false)
    const locks = services.audit.list({ offset: 0, limit: 100 })
    if (!locks.ok) throw new Error(locks.error.message)
    const reasons = locks.value.entries.filter((e) => e.action === 'vault.lock').map((e) => (JSON.parse(e.details) as { reason: string }).reason)
    expect(reasons.sort()).toEqual(['explicit', 'idle', 'system'])
  })

  it('reports the tries the token has left, then its locked PIN, and loses nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'pkidesk-pin-lock-'))
    const dataDir = join(work, 'store')
    const pk = async (args: readonly string[], pin: string) => {
      const err: string[] = []
      const code = await runCli(['--data-dir', dataDir, ...args], { stdout: () => undefined, stderr: (t) => void err.push(t), env: { PKIDESK_PKCS11_PIN: pin } })
      return { code, stderr: err.join('') }
    }
    const made = await pk(['ca', 'create', '--name', 'Counted CA', '--subject', 'CN=Counted CA', '--key', 'ec-p256', '--validity', '1y', '--key-store', 'pkcs11', '--pkcs11-module', counted, '--token', 'Counted'], USER_PIN)
    expect(made).toEqual({ code: 0, stderr: '' })
    expect((await pk(['crl', 'generate', '--ca', 'Counted CA', '--out', join(work, 'first.crl')], USER_PIN)).code).toBe(0)

    const first = await pk(['crl', 'generate', '--ca', 'Counted CA', '--out', join(work, 'a.crl')], '000000')
    expect([first.code, first.stderr]).toEqual([1, expect.stringMatching(/error\[PKCS11_PIN_INCORRECT\].*few tries left/)])
    const second = await pk(['crl', 'generate', '--ca', 'Counted CA', '--out', join(work, 'b.crl')], '000000')
    expect(second.stderr).toMatch(/error\[PKCS11_PIN_INCORRECT\].*one try is left/)
    const third = await pk(['crl', 'generate', '--ca', 'Counted CA', '--out', join(work, 'c.crl')], '000000')
    expect(third.stderr).toMatch(/error\[PKCS11_PIN_LOCKED\].*security officer/)
    // Locked: the right PIN does not open it either, and the listing says so.
    const right = await pk(['crl', 'generate', '--ca', 'Counted CA', '--out', join(work, 'd.crl')], USER_PIN)
    expect([right.code, right.stderr]).toEqual([1, expect.stringContaining('error[PKCS11_PIN_LOCKED]')])
    for (const f of ['a.crl', 'b.crl', 'c.crl', 'd.crl']) expect(existsSync(join(work, f))).toBe(false)
    const out: string[] = []
    await runCli(['--json', 'pkcs11', 'tokens', '--pkcs11-module', counted], { stdout: (t) => void out.push(t), stderr: () => undefined, env: {} })
    expect((JSON.parse(out.join('')) as { label: string; pinLocked: boolean }[]).find((t) => t.label === 'Counted')!.pinLocked).toBe(true)
    // Nothing lost: the CA and its first CRL are still there.
    const list: string[] = []
    await runCli(['--data-dir', dataDir, '--json', 'ca', 'list'], { stdout: (t) => void list.push(t), stderr: () => undefined, env: {} })
    expect((JSON.parse(list.join('')) as { name: string; nextCrlNumber: number }[]).map((c) => [c.name, c.nextCrlNumber])).toEqual([['Counted CA', 2]])
  })
})

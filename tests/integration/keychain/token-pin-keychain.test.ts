// A token CA's user PIN remembered in a real Secret Service (gnome-keyring in a private D-Bus
// session: `npm run test:keychain`) when the operator chooses it, and only then: the entry is
// read back with @napi-rs/keyring directly; later unlocks (the app's and the CLI's, without
// PKIDESK_PKCS11_PIN or --pin-file) use it; a remembered PIN the token refuses (the entry
// holds a PIN the token no longer takes, as after a PIN change elsewhere) is removed from the keychain and the PIN is asked again, with what
// the token says of the tries left; forgetting removes it. SoftHSM2 in a throwaway directory.
import { AsyncEntry } from '@napi-rs/keyring'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { TOKEN_PIN_SERVICE } from '../../../src/main/services/vault-service'
import { runCli } from '../../../src/cli/program'
import type { AuthoritySummary } from '../../../src/shared/domain/authority'
import { caInput, softHsm, USER_PIN, type SoftHsm } from '../pkcs11/softhsm'

let hsm: SoftHsm
let services: Services
let ca: AuthoritySummary
const STALE_PIN = '13579135'


/** The keychain entry of the token's PIN, reached without PKI Desk. */
const entry = (): AsyncEntry => new AsyncEntry(TOKEN_PIN_SERVICE, `${ca.token!.tokenSerial} ${ca.token!.module}`, { linux: { store: 'secret-service' } })
async function rememberedPin(): Promise<string | null> {
  const secret = await entry().getSecret()
  return secret ? Buffer.from(secret).toString('utf8') : null
}

async function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = []
  // No PKIDESK_PKCS11_PIN, no --pin-file: only what the keychain remembers.
  const code = await runCli(['--data-dir', join(hsm.dir, 'store'), ...args], { stdout: () => undefined, stderr: (t) => void err.push(t), env: {} })
  return { code, stderr: err.join('') }
}

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS || !process.env.PKIDESK_TEST_HOME)
    throw new Error('these tests need a private Secret Service: run them with `npm run test:keychain`')
  hsm = softHsm(['PIN Token'])
  // The OS keychain (the default), as in the app.
  services = createServices({ dataDir: join(hsm.dir, 'store') })
  const made = await services.authorities.create({ ...caInput('Keychain PIN Root'), token: { module: hsm.module, token: 'PIN Token', pin: USER_PIN } })
  if (!made.ok) throw new Error(made.error.message)
  ca = made.value
  services.authorities.lock(ca.id)
})
afterAll(() => services?.close())

describe('a token PIN in the OS keychain', () => {
  it('is not kept unless the operator chooses it', async () => {
    expect((await services.authorities.unlock(ca.id, USER_PIN)).ok).toBe(true)
    services.authorities.lock(ca.id)
    expect(await rememberedPin()).toBeNull()
    expect(await services.vault.pinRemembered(ca.keyId!)).toBe(false)
    const none = await services.authorities.unlock(ca.id)
    expect(none.ok ? null : none.error.code).toBe('PKCS11_PIN_REQUIRED')
  })

  it('is kept when chosen, and later unlocks (the app and the CLI) use it', async () => {
    const r = await services.authorities.unlock(ca.id, USER_PIN, undefined, { rememberPin: true })
    expect(r.ok && r.value.unlocked).toBe(true)
    expect(await rememberedPin()).toBe(USER_PIN)
    services.authorities.lock(ca.id)
    const again = await services.authorities.unlock(ca.id)
    expect(again.ok && again.value.unlocked).toBe(true)
    services.authorities.lock(ca.id)
    expect(JSON.stringify(services.audit.list({ offset: 0, limit: 50 }))).toContain('vault.pin-remember')
    // The CLI, given no PIN, unlocks with the remembered one and signs a CRL that OpenSSL verifies with the CA certificate.
    const crl = join(hsm.dir, 'pin.crl')
    const cert = join(hsm.dir, 'pin-ca.pem')
    const detail = services.authorities.get(ca.id)
    if (!detail.ok) throw new Error(detail.error.message)
    execFileSync('sh', ['-c', `cat > ${cert}`], { input: detail.value.certificatePem! })
    const made = await cli(['crl', 'generate', '--ca', ca.name, '--out', crl])
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    const verified = execFileSync('openssl', ['crl', '-in', crl, '-inform', 'DER', '-CAfile', cert, '-noout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    expect(verified).toBe('')
  })

  it('is removed from the keychain when the token refuses it, and the PIN is asked again with the tries left', async () => {
    // The PIN changed since it was remembered (on another workstation): the entry holds one the token refuses.
    await entry().setSecret(new TextEncoder().encode(STALE_PIN))
    const r = await services.authorities.unlock(ca.id)
    expect(r.ok ? null : [r.error.code, r.error.field]).toEqual(['PKCS11_PIN_FORGOTTEN', 'pin'])
    expect(r.ok ? '' : r.error.message).toMatch(/refused the PIN remembered in the OS keychain \((?:one try is left|the token reports few tries|the token does not say how many tries)[^)]*\), so it was removed from the keychain: enter the token's user PIN\./)
    expect(await rememberedPin()).toBeNull()
    expect(services.authorities.list().find((a) => a.id === ca.id)!.unlocked).toBe(false)
    const trail = JSON.stringify(services.audit.list({ offset: 0, limit: 50 }))
    expect(trail).toContain('vault.pin-forget')
    expect(trail).toContain('vault.unlock-failed')
    // Asked again: nothing remembered now.
    const next = await services.authorities.unlock(ca.id)
    expect(next.ok ? null : next.error.code).toBe('PKCS11_PIN_REQUIRED')
    const fromCli = await cli(['crl', 'generate', '--ca', ca.name, '--out', join(hsm.dir, 'none.crl')])
    expect(fromCli.code).toBe(2)
    expect(fromCli.stderr).toMatch(/PKCS11_PIN_REQUIRED.*set PKIDESK_PKCS11_PIN or pass --pin-file FILE \(no PIN is remembered for it in the OS keychain\)/)
  })

  it('is forgotten on request', async () => {
    expect((await services.authorities.unlock(ca.id, USER_PIN, undefined, { rememberPin: true })).ok).toBe(true)
    services.authorities.lock(ca.id)
    expect(await rememberedPin()).toBe(USER_PIN)
    expect(await services.vault.forgetPin(ca.keyId!)).toEqual({ ok: true, value: true })
    expect(await rememberedPin()).toBeNull()
    expect(await services.vault.pinRemembered(ca.keyId!)).toBe(false)
    expect(await services.vault.forgetPin(ca.keyId!)).toEqual({ ok: true, value: false })
  })
})

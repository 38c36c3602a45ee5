// The CLI as it ships (electron-vite's bundle, run by bin/pkidesk.js in a subprocess) with a
// CA on a SoftHSM2 token: the binding loads from the bundle (a CommonJS addon imported from
// ESM, whose constants live on its default export), tokens are listed, a CA is created on
// the token and signs a CRL that OpenSSL verifies.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, openssl, runCli, type BuiltCli } from '../cli/built-cli'
import { softHsm, USER_PIN, type SoftHsm } from './softhsm'

let cli: BuiltCli
let hsm: SoftHsm

beforeAll(() => {
  cli = buildCli()
  hsm = softHsm(['Shipped'])
}, 240_000)
afterAll(() => cli.dispose())

describe('the built CLI with a CA on a token', () => {
  it('lists the token, creates a CA on it and signs a CRL there', async () => {
    const env = { SOFTHSM2_CONF: hsm.conf, PKIDESK_PKCS11_PIN: USER_PIN }
    const dataDir = join(hsm.dir, 'store')
    const tokens = await runCli(cli, ['--json', 'pkcs11', 'tokens', '--pkcs11-module', hsm.module], env)
    expect(tokens.code).toBe(0)
    expect((JSON.parse(tokens.stdout) as { label: string; manufacturer: string }[]).map((t) => [t.label, t.manufacturer])).toEqual([['Shipped', 'SoftHSM project']])
    const made = await runCli(cli, ['--data-dir', dataDir, 'ca', 'create', '--name', 'Shipped CA', '--subject', 'CN=Shipped CA', '--key', 'ec-p256', '--validity', '1y', '--key-store', 'pkcs11', '--pkcs11-module', hsm.module, '--token', 'Shipped'], env)
    expect([made.code, made.stderr]).toEqual([0, ''])
    const shown = await runCli(cli, ['--data-dir', dataDir, 'ca', 'show', 'Shipped CA'], env)
    writeFileSync(join(hsm.dir, 'ca.pem'), shown.stdout.slice(shown.stdout.indexOf('-----BEGIN')))
    expect((await runCli(cli, ['--data-dir', dataDir, 'crl', 'generate', '--ca', 'Shipped CA', '--out', join(hsm.dir, 'ca.crl')], env)).code).toBe(0)
    const verified = await openssl(['crl', '-in', join(hsm.dir, 'ca.crl'), '-inform', 'DER', '-CAfile', join(hsm.dir, 'ca.pem'), '-noout'])
    expect(verified.stdout + verified.stderr).toMatch(/verify OK/)
  })
})

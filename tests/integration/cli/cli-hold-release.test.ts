// pkidesk cert revoke --reason certificateHold and pkidesk cert release: the hold's CRL makes
// `openssl verify -crl_check` fail, the CRL after the release lets it pass; a release of a
// certificate not on hold is refused with CERTIFICATE_NOT_ON_HOLD (exit 1); both audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inProcessCli, writeCsr } from './in-process'
import { openssl } from '../../unit/engine/helpers'

const CA_PASS = 'correct horse battery staple'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)

const { pk, pkJson } = inProcessCli(() => dataDir, { PKIDESK_PASSPHRASE: CA_PASS })
const csrFile = (cn: string): Promise<string> => writeCsr(work, cn)
const auditActions = async (): Promise<{ action: string; details: Record<string, unknown> }[]> => {
  const file = f(`audit-${Date.now()}-${Math.random()}.jsonl`)
  await pkJson(['audit', 'export', '--out', file])
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; details: string })
    .map((e) => ({ action: e.action, details: JSON.parse(e.details) as Record<string, unknown> }))
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-hold-'))
  dataDir = f('store')
  await pkJson(['ca', 'create', '--name', 'Hold CA', '--subject', 'CN=Hold CA,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--protection', 'passphrase'])
  writeFileSync(f('ca.pem'), (await pkJson<{ certificatePem: string }>(['ca', 'show', 'Hold CA'])).certificatePem)
}, 60_000)
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk cert revoke --reason certificateHold, then cert release', { timeout: 60_000 }, () => {
  it('the hold CRL fails openssl verify -crl_check, the CRL after the release passes; both audited', async () => {
    const [issued] = await pkJson<{ serial: string; certificate: string }[]>(['issue', '--ca', 'Hold CA', '--profile', 'tls-server', await csrFile('hold.example.com')])
    const serial = issued!.serial
    const certFile = f('hold.pem')
    writeFileSync(certFile, issued!.certificate)

    const held = await pk(['cert', 'revoke', serial, '--reason', 'certificateHold'])
    expect(held.code).toBe(0)
    expect(held.stdout).toContain(`Put ${serial} on hold`)
    expect((await pk(['cert', 'list'])).stdout).toMatch(new RegExp(`${serial}\\s+on hold`))
    await pkJson(['crl', 'generate', '--ca', 'Hold CA', '--out', f('hold.crl'), '--format', 'pem'])
    const refused = openssl(['verify', '-crl_check', '-CAfile', f('ca.pem'), '-CRLfile', f('hold.crl'), certFile])
    expect(refused.status).not.toBe(0)
    expect(refused.out).toContain('certificate revoked')
    expect(openssl(['crl', '-in', f('hold.crl'), '-noout', '-text']).out).toContain('Certificate Hold')

    const released = await pk(['cert', 'release', serial])
    expect(released.code).toBe(0)
    expect(released.stdout).toContain(`Released ${serial} from hold`)
    expect((await pkJson<{ status: string }>(['cert', 'show', serial])).status).toBe('issued')
    await pkJson(['crl', 'generate', '--ca', 'Hold CA', '--out', f('after.crl'), '--format', 'pem'])
    const accepted = openssl(['verify', '-crl_check', '-CAfile', f('ca.pem'), '-CRLfile', f('after.crl'), certFile])
    expect(accepted.out).toContain(': OK')
    expect(accepted.status).toBe(0)

    const audit = await auditActions()
    const mine = audit.filter((e) => typeof e.details.serial === 'string' && (e.details.serial as string).toUpperCase() === serial)
    expect(mine.map((e) => e.action)).toEqual(['certificate.issue', 'certificate.revoke', 'certificate.release'])
    expect(mine[1]!.details.reason).toBe('certificateHold')
    expect((await pkJson<{ intact: boolean }>(['audit', 'verify'])).intact).toBe(true)
  })

  it('refuses to release a certificate that is not revoked, or revoked for a final reason (exit 1, CERTIFICATE_NOT_ON_HOLD)', async () => {
    const [issued] = await pkJson<{ serial: string }[]>(['issue', '--ca', 'Hold CA', '--profile', 'tls-server', await csrFile('valid.example.com')])
    const notHeld = await pk(['cert', 'release', issued!.serial])
    expect(notHeld.code).toBe(1)
    expect(notHeld.stderr).toMatch(/^error\[CERTIFICATE_NOT_ON_HOLD\]: Certificate [0-9A-F]+ is not on hold \(it is not revoked\)/)
    await pkJson(['cert', 'revoke', issued!.serial, '--reason', 'keyCompromise'])
    const final = await pk(['cert', 'release', issued!.serial])
    expect(final.code).toBe(1)
    expect(final.stderr).toContain('revoked for keyCompromise, which is final')
    expect((await pkJson<{ status: string; revocationReason: string }>(['cert', 'show', issued!.serial])).revocationReason).toBe('keyCompromise')
  })

  it('a hold is made final with cert revoke and another reason', async () => {
    const [issued] = await pkJson<{ serial: string }[]>(['issue', '--ca', 'Hold CA', '--profile', 'tls-server', await csrFile('final.example.com')])
    const held = await pkJson<{ revokedAt: string }>(['cert', 'revoke', issued!.serial, '--reason', 'certificateHold'])
    const again = await pk(['cert', 'revoke', issued!.serial, '--reason', 'certificateHold'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error\[ALREADY_REVOKED\].*release it with pkidesk cert release/)
    const final = await pkJson<{ revokedAt: string; revocationReason: string }>(['cert', 'revoke', issued!.serial, '--reason', 'cessationOfOperation'])
    expect(final).toMatchObject({ revokedAt: held.revokedAt, revocationReason: 'cessationOfOperation' })
  })
})

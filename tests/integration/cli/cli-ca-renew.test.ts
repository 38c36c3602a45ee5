// pkidesk ca renew: renewal (same key, new validity) and --rekey (new key under the same name),
// checked by OpenSSL. Leaves issued before and after each step verify against the right chain;
// after a re-key the retired CA ("NAME (key 1)") still signs CRLs for what it issued, and OpenSSL
// accepts those CRLs with the old certificate; the retired CA issues nothing more; a root
// re-key leaves its intermediate under the old root until the intermediate is renewed, which
// moves it under the new root. Refusals leave the store as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inProcessCli } from './in-process'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { openssl } from '../../unit/engine/helpers'
import type { AuthorityDetail, AuthoritySummary } from '../../../src/shared/domain/authority'

const CA_PASS = 'correct horse battery staple'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)
const { pk, pkJson } = inProcessCli(() => dataDir, { PKIDESK_PASSPHRASE: CA_PASS })

async function csrFile(cn: string): Promise<string> {
  const key = createKeyObjectSigner(cn, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const csr = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, key)
  if (!csr.ok) throw new Error(csr.error.message)
  writeFileSync(f(`${cn}.csr`), toPem('CERTIFICATE REQUEST', csr.value))
  return f(`${cn}.csr`)
}
/** Issues a leaf under `ca` and writes it to NAME.pem. */
async function leaf(ca: string, cn: string): Promise<{ serial: string; file: string }> {
  const [issued] = await pkJson<{ serial: string; certificate: string }[]>(['issue', '--ca', ca, '--profile', 'tls-server', await csrFile(cn)])
  writeFileSync(f(`${cn}.pem`), issued!.certificate)
  return { serial: issued!.serial, file: f(`${cn}.pem`) }
}
/** The CA's current certificate, written to FILE. */
async function caCert(ca: string, file: string): Promise<AuthorityDetail> {
  const d = await pkJson<AuthorityDetail>(['ca', 'show', ca])
  writeFileSync(f(file), d.certificatePem!)
  return d
}
const verify = (root: string, intermediate: string | null, cert: string, extra: string[] = []): { status: number; out: string } =>
  openssl(['verify', '-x509_strict', '-CAfile', f(root), ...(intermediate ? ['-untrusted', f(intermediate)] : []), ...extra, cert])
const auditActions = async (): Promise<string[]> => {
  const file = f(`audit-${Date.now()}-${Math.random()}.jsonl`)
  await pkJson(['audit', 'export', '--out', file])
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action)
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-ca-renew-'))
  dataDir = f('store')
  await pkJson(['ca', 'create', '--name', 'Root', '--subject', 'CN=Renew Root,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '10y', '--protection', 'passphrase'])
  await pkJson(['ca', 'create', '--name', 'Issuing', '--subject', 'CN=Renew Issuing,O=PKI Desk Tests', '--key', 'ec-p256', '--validity', '5y', '--parent', 'Root', '--path-length', '0', '--protection', 'passphrase'])
}, 60_000)
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk ca renew (same key)', { timeout: 60_000 }, () => {
  it('renews an intermediate and a root: leaves from before and after verify against the old and the new certificates', async () => {
    await caCert('Root', 'root-1.pem')
    const before = await caCert('Issuing', 'issuing-1.pem')
    const early = await leaf('Issuing', 'early.example.com')

    const renewed = await pk(['ca', 'renew', 'Issuing', '--validity', '3y'])
    expect(renewed.code).toBe(0)
    expect(renewed.stdout).toContain('Renewed CA "Issuing" (same key)')
    const after = await caCert('Issuing', 'issuing-2.pem')
    expect(after.id).toBe(before.id)
    expect(after.keyId).toBe(before.keyId)
    expect(after.serial).not.toBe(before.serial)
    expect(after.sha256).not.toBe(before.sha256)
    const oldX = new X509Certificate(readFileSync(f('issuing-1.pem')))
    const newX = new X509Certificate(readFileSync(f('issuing-2.pem')))
    expect(newX.subject).toBe(oldX.subject)
    expect(newX.publicKey.export({ format: 'der', type: 'spki' }).equals(oldX.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true)
    expect(newX.serialNumber).toBe(after.serial)
    expect(Math.round((Date.parse(newX.validTo) - Date.parse(newX.validFrom)) / 86_400_000)).toBeGreaterThanOrEqual(365 * 3)
    // The extensions are those of the certificate it follows (path length 0, CA, keyCertSign/cRLSign).
    const text = openssl(['x509', '-in', f('issuing-2.pem'), '-noout', '-text']).out
    expect(text).toMatch(/CA:TRUE, pathlen:0/)
    expect(text).toMatch(/Certificate Sign, CRL Sign/)

    const late = await leaf('Issuing', 'late.example.com')
    for (const cert of [early.file, late.file])
      for (const intermediate of ['issuing-1.pem', 'issuing-2.pem']) expect(verify('root-1.pem', intermediate, cert).out).toContain(': OK')

    // The root renews itself: its intermediates and leaves verify under the new root too.
    expect((await pk(['ca', 'renew', 'Root', '--validity', '12y'])).code).toBe(0)
    const root2 = await caCert('Root', 'root-2.pem')
    expect(new X509Certificate(readFileSync(f('root-2.pem'))).verify(new X509Certificate(readFileSync(f('root-2.pem'))).publicKey)).toBe(true)
    expect(root2.selfSigned).toBe(true)
    for (const cert of [early.file, late.file]) expect(verify('root-2.pem', 'issuing-2.pem', cert).out).toContain(': OK')
    expect(verify('root-2.pem', null, f('issuing-1.pem')).out).toContain(': OK')

    const actions = await auditActions()
    expect(actions.filter((a) => a === 'authority.renew')).toHaveLength(2)
    expect((await pkJson<{ intact: boolean }>(['audit', 'verify'])).intact).toBe(true)
  })

  it('refuses a validity beyond the parent (NOT_AFTER_BEYOND_ISSUER) and a new key type without --rekey; nothing changes', async () => {
    const before = await pkJson<AuthorityDetail>(['ca', 'show', 'Issuing'])
    // The CLI unlocks the parent for each attempt (vault.unlock/lock entries); nothing else is recorded.
    const recorded = async (): Promise<string[]> => (await auditActions()).filter((a) => !a.startsWith('vault.'))
    const actions = (await recorded()).length
    const beyond = await pk(['ca', 'renew', 'Issuing', '--validity', '30y'])
    expect(beyond.code).toBe(1)
    expect(beyond.stderr).toContain('NOT_AFTER_BEYOND_ISSUER')
    const conflicting = await pk(['ca', 'renew', 'Issuing', '--key', 'ec-p384'])
    expect(conflicting.code).toBe(2)
    expect(conflicting.stderr).toContain('CONFLICTING_OPTIONS')
    const after = await pkJson<AuthorityDetail>(['ca', 'show', 'Issuing'])
    expect(after.sha256).toBe(before.sha256)
    expect((await recorded()).length).toBe(actions)
  })
})

describe('pkidesk ca renew --rekey', { timeout: 60_000 }, () => {
  it('re-keys an intermediate: new leaves chain to the new key, the retired CA signs CRLs OpenSSL accepts for what it issued', async () => {
    await caCert('Root', 'root-r.pem')
    const old = await caCert('Issuing', 'issuing-old.pem')
    const oldLeaf = await leaf('Issuing', 'old-key.example.com')

    const r = await pkJson<{ authority: AuthoritySummary; retired: AuthoritySummary }>(['ca', 'renew', 'Issuing', '--rekey', '--key', 'ec-p384'])
    expect(r.authority.name).toBe('Issuing')
    expect(r.authority.keySpec).toBe('ec-p384')
    expect(r.authority.keyId).not.toBe(old.keyId)
    expect(r.retired.id).toBe(old.id)
    expect(r.retired.name).toBe('Issuing (key 1)')
    expect(r.retired.state).toBe('retired')
    expect(r.retired.successorId).toBe(r.authority.id)
    expect(r.retired.crlsNeededUntil).toBeTruthy()
    const fresh = await caCert('Issuing', 'issuing-new.pem')
    expect(fresh.id).toBe(r.authority.id)
    const oldX = new X509Certificate(readFileSync(f('issuing-old.pem')))
    const newX = new X509Certificate(readFileSync(f('issuing-new.pem')))
    expect(newX.subject).toBe(oldX.subject)
    expect(newX.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1')
    expect(verify('root-r.pem', null, f('issuing-new.pem')).out).toContain(': OK')

    // After: the name issues with the new key; leaves chain to the new certificate only.
    const newLeaf = await leaf('Issuing', 'new-key.example.com')
    expect(verify('root-r.pem', 'issuing-new.pem', newLeaf.file).out).toContain(': OK')
    expect(verify('root-r.pem', 'issuing-old.pem', newLeaf.file).status).not.toBe(0)
    expect(verify('root-r.pem', 'issuing-old.pem', oldLeaf.file).out).toContain(': OK')

    // The retired CA issues nothing more.
    const refused = await pk(['issue', '--ca', 'Issuing (key 1)', '--profile', 'tls-server', await csrFile('refused.example.com')])
    expect(refused.code).toBe(1)
    expect(`${refused.stdout}${refused.stderr}`).toContain('AUTHORITY_RETIRED')

    // It signs CRLs for what it issued, with the old key: OpenSSL verifies them with the old certificate.
    expect((await pk(['cert', 'revoke', oldLeaf.serial, '--reason', 'keyCompromise'])).code).toBe(0)
    const oldCrl = await pkJson<{ crlNumber: number }>(['crl', 'generate', '--ca', 'Issuing (key 1)', '--out', f('old.crl'), '--format', 'pem'])
    expect(openssl(['crl', '-in', f('old.crl'), '-noout', '-CAfile', f('issuing-old.pem')]).out).toMatch(/verify OK/i)
    expect(openssl(['crl', '-in', f('old.crl'), '-noout', '-CAfile', f('issuing-new.pem')]).out).not.toMatch(/verify OK/i)
    const revoked = verify('root-r.pem', 'issuing-old.pem', oldLeaf.file, ['-crl_check', '-CRLfile', f('old.crl')])
    expect(revoked.status).not.toBe(0)
    expect(revoked.out).toContain('certificate revoked')
    // The new key's CRL covers its own certificates: the new leaf passes -crl_check with it.
    const newCrl = await pkJson<{ crlNumber: number }>(['crl', 'generate', '--ca', 'Issuing', '--out', f('new.crl'), '--format', 'pem'])
    expect(verify('root-r.pem', 'issuing-new.pem', newLeaf.file, ['-crl_check', '-CRLfile', f('new.crl')]).out).toContain(': OK')
    // One CRL number sequence for the name across both keys.
    expect(newCrl.crlNumber).toBeGreaterThan(oldCrl.crlNumber)

    const actions = await auditActions()
    expect(actions).toContain('authority.rekey')
    expect(actions).toContain('authority.retire')
    expect((await pkJson<{ intact: boolean }>(['audit', 'verify'])).intact).toBe(true)
  })

  it('re-keys a root: the intermediate stays under the old root until renewed, then chains to the new root', async () => {
    const oldRoot = await caCert('Root', 'root-old.pem')
    const r = await pkJson<{ authority: AuthoritySummary; retired: AuthoritySummary }>(['ca', 'renew', 'Root', '--rekey', '--key', 'ec-p384', '--validity', '15y'])
    expect(r.retired.name).toBe('Root (key 1)')
    expect(r.authority.selfSigned).toBe(true)
    expect(r.authority.keyId).not.toBe(oldRoot.keyId)
    await caCert('Root', 'root-new.pem')
    const rootX = new X509Certificate(readFileSync(f('root-new.pem')))
    expect(rootX.verify(rootX.publicKey)).toBe(true)
    expect(rootX.subject).toBe(new X509Certificate(readFileSync(f('root-old.pem'))).subject)
    expect((await pkJson<AuthorityDetail>(['ca', 'show', 'Issuing'])).parentId).toBe(oldRoot.id)

    // Renewing the intermediate: the new root signs it (the old one is retired), and it moves under it.
    expect((await pk(['ca', 'renew', 'Issuing', '--validity', '2y'])).code).toBe(0)
    const moved = await caCert('Issuing', 'issuing-moved.pem')
    expect(moved.parentId).toBe(r.authority.id)
    expect(verify('root-new.pem', null, f('issuing-moved.pem')).out).toContain(': OK')
    expect(verify('root-old.pem', null, f('issuing-moved.pem')).status).not.toBe(0)
    const after = await leaf('Issuing', 'after-root-rekey.example.com')
    expect(verify('root-new.pem', 'issuing-moved.pem', after.file).out).toContain(': OK')

    const list = await pkJson<AuthoritySummary[]>(['ca', 'list'])
    expect(list.filter((a) => a.state === 'retired').map((a) => a.name).sort()).toEqual(['Issuing (key 1)', 'Root (key 1)'])
    const retiredRenew = await pk(['ca', 'renew', 'Root (key 1)'])
    expect(retiredRenew.code).toBe(1)
    expect(retiredRenew.stderr).toContain('AUTHORITY_RETIRED')
  })
})

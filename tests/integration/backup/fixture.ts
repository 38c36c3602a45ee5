// A store worth backing up: a passphrase-protected root, a keychain-protected issuing CA under
// it, a self-signed CA protected by both, certificates issued (one with a key the vault
// holds) and one revoked, a CRL, an operator's profile and a connector with a credential.
import { X509Certificate } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain, type KeychainBackend } from '../../../src/main/vault'
import { toPem } from '../../../src/main/engine'
import { openssl } from '../../unit/engine/helpers'
import { createRootCa } from '../issuance/root-ca'
import { openStoreFile } from '../store-file'
import type { Db } from '../../../src/main/store'

export const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const
export const CA_PASS = 'correct horse battery staple'
export const BACKUP_PASS = 'backup passphrase for the safe'

export function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

export function open(dataDir: string, keychain: KeychainBackend = createMemoryKeychain()): Services {
  return createServices({ dataDir, keychain, scrypt: TEST_SCRYPT })
}

const tlsServer = JSON.parse(readFileSync(join(__dirname, '../../../resources/profiles/tls-server.json'), 'utf8')) as { profile: Record<string, unknown> }

export interface Populated {
  readonly rootId: string
  readonly issuingId: string
  readonly bothId: string
  readonly rootPem: string
  readonly issuingPem: string
  readonly bothPem: string
}

/** A CSR made by OpenSSL (its key never enters the vault). */
export function opensslCsr(dir: string, cn: string): string {
  const key = join(dir, `${cn}.key`)
  const csr = join(dir, `${cn}.csr`)
  expect(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]).status).toBe(0)
  expect(openssl(['req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-out', csr]).status).toBe(0)
  return readFileSync(csr, 'utf8')
}

export async function issue(services: Services, authorityId: string, csrPem: string, profileId = 'tls-server'): Promise<{ id: number; serial: string; der: Buffer }> {
  const r = must(await services.issuance.issue({ authorityId, profileId, confirmWarnings: true, items: [{ csrPem, input: { subject: {}, sans: [] } }] }))
  const item = r.results[0]!
  if (!item.ok) throw new Error(`${item.error.code}: ${item.error.message}`)
  return { id: item.certificateId, serial: item.serial, der: Buffer.from(must(services.certificates.der(item.certificateId))) }
}

export async function populate(services: Services, workDir: string): Promise<Populated> {
  const root = await createRootCa(services, 'Backup Root', { protection: 'passphrase', passphrase: CA_PASS, keySpec: 'ec-p384', signature: { hash: 'SHA-384', rsaPss: false }, pathLength: 1 })
  const issuing = await createRootCa(services, 'Backup Issuing', { parentId: root.id, protection: 'keychain', pathLength: 0, validityDays: 1825 })
  const both = await createRootCa(services, 'Backup Both', { protection: 'both', passphrase: CA_PASS })
  must(services.profiles.create({ ...tlsServer.profile, name: 'Operator TLS' }, { id: 'operator-tls' }))
  await issue(services, issuing.id, opensslCsr(workDir, 'www.one.example'), 'operator-tls')
  const revoked = await issue(services, issuing.id, opensslCsr(workDir, 'www.two.example'))
  await issue(services, both.id, opensslCsr(workDir, 'www.three.example'))
  // A certificate whose key the vault holds (generated in the app).
  const held = must(await services.csr.generate({ subject: [[{ type: 'CN', value: 'held.example' }]], sans: [{ type: 'dns', value: 'held.example' }], keySpec: 'ec-p256', protection: 'keychain', hash: 'SHA-256' }))
  await issue(services, issuing.id, held.pem)
  must(services.certificates.revoke(revoked.id, 'keyCompromise'))
  must(await services.certificates.generateCrl(issuing.id))
  must(await services.connectors.addConnector({ name: 'lab-lamassu', type: 'lamassu', baseUrl: 'https://lamassu.lab.example/api', credential: 'token-123' }))
  services.vault.lockAll()
  return { rootId: root.id, issuingId: issuing.id, bothId: both.id, rootPem: root.pem, issuingPem: issuing.pem, bothPem: both.pem }
}

/** The facts a restore must bring back unchanged. */
/** Runs `read` over a connection of its own to the services' store file (closed after). */
export function withStoreFile<T>(services: Services, read: (db: Db) => T): T {
  const file = openStoreFile(services.app.info().dataDir)
  try {
    return read(file.db)
  } finally {
    file.close()
  }
}

export function storeFacts(services: Services): { counts: Record<string, number>; serials: string[]; auditHead: string; profiles: string[]; authorities: string[] } {
  return withStoreFile(services, (db) => factsOf(db))
}

function factsOf(db: Db): { counts: Record<string, number>; serials: string[]; auditHead: string; profiles: string[]; authorities: string[] } {
  const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
  return {
    counts: {
      authorities: n('SELECT COUNT(*) AS n FROM authorities'),
      certificates: n('SELECT COUNT(*) AS n FROM certificates'),
      revoked: n("SELECT COUNT(*) AS n FROM certificates WHERE status = 'revoked'"),
      crls: n('SELECT COUNT(*) AS n FROM crls'),
      profiles: n('SELECT COUNT(*) AS n FROM profiles'),
      connectors: n('SELECT COUNT(*) AS n FROM connectors'),
      keys: n('SELECT COUNT(*) AS n FROM vault_keys')
    },
    serials: (db.prepare('SELECT serial FROM certificates ORDER BY serial').all() as { serial: string }[]).map((r) => r.serial),
    auditHead: (db.prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { hash: string } | undefined)?.hash ?? '',
    profiles: (db.prepare('SELECT id FROM profiles ORDER BY id').all() as { id: string }[]).map((r) => r.id),
    authorities: (db.prepare('SELECT name FROM authorities ORDER BY name').all() as { name: string }[]).map((r) => r.name)
  }
}

/** Issues a certificate and a CRL with a restored CA; OpenSSL verifies both against the original chain. */
export async function proveCaSigns(services: Services, dir: string, authorityId: string, chainPems: readonly string[], cn: string): Promise<void> {
  const chain = join(dir, `${cn}-chain.pem`)
  writeFileSync(chain, chainPems.join(''))
  const cert = await issue(services, authorityId, opensslCsr(dir, cn))
  const certFile = join(dir, `${cn}.pem`)
  writeFileSync(certFile, toPem('CERTIFICATE', cert.der))
  const v = openssl(['verify', '-CAfile', chain, certFile])
  expect(v.out).toContain(': OK')
  expect(new X509Certificate(cert.der).subject).toContain(cn)
  const crl = must(await services.certificates.generateCrl(authorityId))
  const exported = must(services.certificates.exportCrl(crl.id, 'pem'))
  const crlFile = join(dir, `${cn}.crl.pem`)
  writeFileSync(crlFile, Buffer.from(exported.base64, 'base64'))
  const c = openssl(['crl', '-in', crlFile, '-CAfile', chain, '-noout'])
  expect(c.out).toContain('verify OK')
}

// Shared by the engine tests: fixtures, OpenSSL through child_process, temp dirs, and a
// small P-256 hierarchy (a self-signed root and leaves it signs) built by the engine.
import { execFileSync, spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCertificate, type CertificateTemplate } from '../../../src/main/engine'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'

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

/** A fresh P-256 signer (key id 'k'). */
export function p256Signer(): ReturnType<typeof createKeyObjectSigner> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return createKeyObjectSigner('k', 'ec-p256', privateKey)
}

const plusDays = (from: Date, days: number): Date => new Date(from.getTime() + days * 86_400_000)

/** A self-signed CA "Review Root", valid for a year from `now`. */
export async function testRoot(now: Date, signer = p256Signer()): Promise<{ signer: ReturnType<typeof createKeyObjectSigner>; der: Uint8Array }> {
  const t: CertificateTemplate = {
    subject: [[{ type: 'CN', value: 'Review Root' }]],
    subjectPublicKeySpki: signer.publicKeySpki,
    notBefore: now,
    notAfter: plusDays(now, 365),
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: true, critical: true },
    keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true }
  }
  const r = await buildCertificate(t, null, signer)
  if (!r.ok) throw new Error(r.error.message)
  return { signer, der: r.value.der }
}

/** An end-entity certificate for a fresh P-256 key, signed by `issuer`, valid for 30 days from `now`. */
export async function testLeaf(
  issuer: { signer: ReturnType<typeof createKeyObjectSigner>; der: Uint8Array },
  subject: CertificateTemplate['subject'],
  now: Date
): Promise<{ template: CertificateTemplate; der: Uint8Array }> {
  const key = p256Signer()
  const t: CertificateTemplate = {
    subject,
    subjectPublicKeySpki: key.publicKeySpki,
    notBefore: now,
    notAfter: plusDays(now, 30),
    signature: { hash: 'SHA-256', rsaPss: false },
    basicConstraints: { ca: false, critical: true },
    keyUsage: { usages: ['digitalSignature'], critical: true }
  }
  const r = await buildCertificate(t, issuerInfoOf(issuer.der), issuer.signer)
  if (!r.ok) throw new Error(r.error.message)
  return { template: t, der: r.value.der }
}


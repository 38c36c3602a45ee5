// Independent checks for the vault tests: OpenSSL verifies signatures, and a byte search
// looks for a private key in every form someone could decode it from.
import { execFileSync } from 'node:child_process'
import { createPublicKey, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Verifies `signature` over `data` with OpenSSL's command line (SHA-256; raw for EdDSA). */
export function opensslVerify(spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-openssl-'))
  try {
    const pub = join(dir, 'pub.pem')
    writeFileSync(pub, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }))
    writeFileSync(join(dir, 'data'), data)
    writeFileSync(join(dir, 'sig'), signature)
    const type = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).asymmetricKeyType
    const args =
      type === 'ed25519' || type === 'ed448'
        ? ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', join(dir, 'data'), '-sigfile', join(dir, 'sig')]
        : ['dgst', '-sha256', '-verify', pub, '-signature', join(dir, 'sig'), join(dir, 'data')]
    try {
      return /Verified OK|Signature Verified Successfully/.test(execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
    } catch {
      return false
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Every encoding of the private key a reader of the file could recover it from. */
export function privateKeyForms(key: KeyObject): Map<string, Buffer> {
  const der = key.export({ type: 'pkcs8', format: 'der' })
  const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString()
  const forms = new Map<string, Buffer>([
    ['PKCS#8 DER', der],
    ['PKCS#8 DER as base64', Buffer.from(der.toString('base64'))],
    ['PKCS#8 DER as hex', Buffer.from(der.toString('hex'))],
    ['PKCS#8 PEM first line', Buffer.from(pem.split('\n')[1]!)],
    ['PKCS#8 PEM', Buffer.from(pem)]
  ])
  const jwk = key.export({ format: 'jwk' })
  for (const name of ['d', 'p', 'q'] as const) {
    const v = jwk[name]
    if (!v) continue
    const raw = Buffer.from(v, 'base64url')
    forms.set(`private scalar ${name}`, raw)
    forms.set(`private scalar ${name} as base64`, Buffer.from(raw.toString('base64').replace(/=+$/, '')))
    forms.set(`private scalar ${name} as base64url`, Buffer.from(v))
    forms.set(`private scalar ${name} as hex`, Buffer.from(raw.toString('hex')))
  }
  return forms
}

/** Names of the forms of `key` found in `haystack`. */
export function findPrivateKey(haystack: Buffer, key: KeyObject): string[] {
  const found: string[] = []
  for (const [name, needle] of privateKeyForms(key)) {
    if (haystack.includes(needle) || haystack.includes(Buffer.from(needle.toString('latin1').toUpperCase(), 'latin1'))) found.push(name)
  }
  return found
}

// Generating and parsing private keys into node:crypto KeyObjects, and naming their spec.
// Plaintext key bytes exist here only transiently; callers zero what they are handed.
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { keySpec, type KeySpec } from '../../shared/domain/keys'

export function generatePrivateKey(spec: KeySpec): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, priv: KeyObject): void => (err ? reject(err) : resolve(priv))
    switch (spec) {
      case 'rsa-2048':
      case 'rsa-3072':
      case 'rsa-4096':
      case 'rsa-8192':
        generateKeyPair('rsa', { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 }, done)
        return
      case 'ec-p256':
        generateKeyPair('ec', { namedCurve: 'P-256' }, done)
        return
      case 'ec-p384':
        generateKeyPair('ec', { namedCurve: 'P-384' }, done)
        return
      case 'ec-p521':
        generateKeyPair('ec', { namedCurve: 'P-521' }, done)
        return
      case 'ed25519':
        generateKeyPair('ed25519', {}, done)
        return
      case 'ed448':
        generateKeyPair('ed448', {}, done)
        return
    }
  })
}

const CURVES: Readonly<Record<string, KeySpec>> = { prime256v1: 'ec-p256', secp384r1: 'ec-p384', secp521r1: 'ec-p521' }

/** The KeySpec of a private key, or a failure naming what PKI Desk does not support. */
export function specOf(key: KeyObject): Result<KeySpec> {
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails ?? {}
  if (type === 'rsa') {
    const spec = keySpec.safeParse(`rsa-${details.modulusLength}`)
    if (spec.success) return ok(spec.data)
    return fail('KEY_UNSUPPORTED', `The key is RSA-${details.modulusLength}: PKI Desk supports RSA with 2048, 3072, 4096 or 8192 bits.`, 'data')
  }
  if (type === 'ec') {
    const spec = CURVES[details.namedCurve ?? '']
    if (spec) return ok(spec)
    return fail('KEY_UNSUPPORTED', `The key is on curve ${details.namedCurve}: PKI Desk supports P-256, P-384 and P-521.`, 'data')
  }
  if (type === 'ed25519' || type === 'ed448') return ok(type)
  return fail('KEY_UNSUPPORTED', `The key type ${type ?? 'unknown'} is not supported: use RSA, ECDSA (P-256/384/521), Ed25519 or Ed448.`, 'data')
}

export function spkiOf(key: KeyObject): { spki: Uint8Array; spkiSha256: string } {
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }))
  return { spki, spkiSha256: createHash('sha256').update(spki).digest('hex') }
}

function isPem(data: Uint8Array): boolean {
  return Buffer.from(data.subarray(0, Math.min(data.length, 4096))).toString('latin1').includes('-----BEGIN ')
}

function passphraseProblem(e: unknown): 'needed' | 'wrong' | null {
  const msg = e instanceof Error ? e.message : String(e)
  const code = (e as { code?: string }).code ?? ''
  if (/passphrase required|ERR_MISSING_PASSPHRASE/i.test(msg + code)) return 'needed'
  if (/bad decrypt|wrong password|bad password|maybe wrong password/i.test(msg)) return 'wrong'
  return null
}

/**
 * Parses a private key file: PEM (PKCS#8, ENCRYPTED PRIVATE KEY, traditional RSA/EC, with or
 * without Proc-Type encryption) or DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1).
 */
export function parsePrivateKey(data: Uint8Array, filePassphrase: string | undefined): Result<KeyObject> {
  const passphrase = filePassphrase === undefined ? undefined : Buffer.from(filePassphrase, 'utf8')
  const attempts: Parameters<typeof createPrivateKey>[0][] = isPem(data)
    ? [{ key: Buffer.from(data), format: 'pem', ...(passphrase ? { passphrase } : {}) }]
    : (['pkcs8', 'pkcs1', 'sec1'] as const).map((type) => ({ key: Buffer.from(data), format: 'der' as const, type, ...(passphrase ? { passphrase } : {}) }))
  let problem: 'needed' | 'wrong' | null = null
  for (const a of attempts) {
    try {
      return ok(createPrivateKey(a))
    } catch (e) {
      problem ??= passphraseProblem(e)
    } finally {
      // createPrivateKey copied what it needed; do not leave plaintext copies lying around.
      if (typeof a === 'object' && a !== null && 'key' in a && Buffer.isBuffer(a.key)) a.key.fill(0)
    }
  }
  if (problem === 'needed' || (problem === null && passphrase === undefined && looksEncrypted(data)))
    return fail('PASSPHRASE_REQUIRED', 'The key file is encrypted: enter its passphrase.', 'filePassphrase')
  if (problem === 'wrong' || passphrase !== undefined)
    return fail('PASSPHRASE_WRONG', 'The key file could not be decrypted with that passphrase: check the passphrase.', 'filePassphrase')
  return fail('KEY_UNREADABLE', 'The file is not a private key PKI Desk can read: use PKCS#8, encrypted PKCS#8 or traditional RSA/EC PEM.', 'data')
}

function looksEncrypted(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, Math.min(data.length, 4096))).toString('latin1')
  return head.includes('ENCRYPTED') || head.includes('Proc-Type: 4,ENCRYPTED')
}

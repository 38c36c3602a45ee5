// A Signer signs bytes with a private key it never hands out. The engine builds TBS bytes
// and asks a Signer for the signature; the vault decides where the key lives (decrypted in
// memory while unlocked, a worker, a keychain or an HSM).
import { createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto'
import type { KeySpec } from '../../shared/domain/keys'
import type { SignOptions, Signer } from '../engine/signer'

// The port is the engine's (engine/signer.ts); the vault implements it.
export type { SignOptions, Signer, SignerOrigin } from '../engine/signer'

export function signWithKeyObject(key: KeyObject, data: Uint8Array, options: SignOptions): Uint8Array {
  const type = key.asymmetricKeyType
  if (type === 'ed25519' || type === 'ed448') return new Uint8Array(nodeSign(null, data, key))
  const algorithm = options.hash.replace('-', '').toLowerCase() // sha256
  if (type === 'rsa' && options.rsaPss) {
    const saltLength = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[options.hash]
    return new Uint8Array(nodeSign(algorithm, data, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength }))
  }
  return new Uint8Array(nodeSign(algorithm, data, { key, dsaEncoding: 'der' }))
}

/** A Signer over a KeyObject held in this process; the vault uses it while a key is unlocked. */
export function createKeyObjectSigner(keyId: string, spec: KeySpec, privateKey: KeyObject): Signer {
  const publicKeySpki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))
  return {
    keyId,
    spec,
    publicKeySpki,
    sign: async (data, options) => signWithKeyObject(privateKey, data, options)
  }
}

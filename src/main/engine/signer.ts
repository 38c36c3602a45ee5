// The Signer port: what the engine needs to sign a TBS, a CSR or a CRL, and nothing more.
// The engine declares it; the vault (keys decrypted in memory while unlocked) and a PKCS#11
// token (vault/pkcs11) implement it. The private key never crosses this interface.
import type { KeySpec, SignatureHash } from '../../shared/domain/keys'

export interface SignOptions {
  readonly hash: SignatureHash
  /** RSA only: RSASSA-PSS with MGF1 over `hash` and a salt as long as the hash. */
  readonly rsaPss?: boolean
}

export interface SignerOrigin {
  readonly store: 'pkcs11'
  readonly tokenSerial: string
  readonly tokenLabel: string
  /** CKA_ID of the token key, hex. */
  readonly tokenKeyId: string
}

export interface Signer {
  readonly keyId: string
  readonly spec: KeySpec
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKeySpki: Uint8Array
  /** Where the key is when it is not in the vault's memory: the audit trail records it with every signature. */
  readonly origin?: SignerOrigin
  /** The signature as X.509 carries it (ECDSA: DER-encoded r,s; Ed25519/Ed448: raw; hash ignored). */
  sign(data: Uint8Array, options: SignOptions): Promise<Uint8Array>
}

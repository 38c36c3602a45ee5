// PFX (PKCS#12) files, built and read. Structure written (both presets, as OpenSSL 3 does):
//   PFX { authSafe = data(AuthenticatedSafe [
//           encryptedData(SafeContents [certBag…])      certificates, encrypted under the password
//           data(SafeContents [pkcs8ShroudedKeyBag])    the key, already an EncryptedPrivateKeyInfo
//         ]), macData }
// modern: PBES2/PBKDF2-HMAC-SHA256/AES-256-CBC, MAC HMAC-SHA256 (key from the PKCS#12 KDF over SHA-256)
// legacy: pbeWithSHAAnd3-KeyTripleDES-CBC, MAC HMAC-SHA1 (PKCS#12 KDF over SHA-1)
// The private key arrives encrypted (the vault encrypts it with encryptPrivateKeyInfo); this
// module never sees it in the clear when building.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509'
import { ContentInfo, EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms'
import { DigestInfo } from '@peculiar/asn1-rsa'
import {
  AuthenticatedSafe,
  CertBag,
  MacData,
  PFX,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
  id_certBag,
  id_keyBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate
} from '@peculiar/asn1-pfx'
import { fail, ok, type Result } from '../../../shared/errors'
import { LIMITS } from '../../../shared/limits'
import { checkBinaryInput } from '../input-limits'
import { CmsEncryptedData, OID } from './asn'
import { bmpPassword, passwordTooLong, pbeDecrypt, pbeEncrypt, pkcs12Kdf, toArrayBuffer, tooManyIterations, type PbePreset, LEGACY_ITERATIONS } from './pbe'
import { parseForeignDer } from '../der-limits'

export interface BuildPfxInput {
  /** The key's certificate first (when there is a key), then the rest of the chain. */
  readonly certificates: readonly Uint8Array[]
  /** EncryptedPrivateKeyInfo (DER) of the first certificate's key, encrypted under `password` with `preset`. */
  readonly encryptedKey?: Uint8Array
  /** Shown as the entry's alias by Windows and Java. */
  readonly friendlyName?: string
  readonly password: string
  readonly preset: PbePreset
}

const MAC_ITERATIONS = LEGACY_ITERATIONS
/** OBJECT IDENTIFIER 2.5.29.37.0 (anyExtendedKeyUsage), DER. */
const ANY_EKU_OID_DER = toArrayBuffer(Uint8Array.from([0x06, 0x04, 0x55, 0x1d, 0x25, 0x00]))

function bmpString(value: string): ArrayBuffer {
  // BMPString: tag 0x1e, UTF-16BE content.
  const body = bmpPassword(value).subarray(0, value.length * 2)
  return toArrayBuffer(derTlv(0x1e, body))
}

function derTlv(tag: number, body: Uint8Array): Uint8Array {
  const len = body.length
  const head = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : len < 0x10000 ? [tag, 0x82, len >> 8, len & 0xff] : [tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]
  return Buffer.concat([Buffer.from(head), body])
}

function attr(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  // PKCS12Attribute's constructor drops its params (asn1-pfx 2.x: `Object.assign(params)`).
  const a = new PKCS12Attribute()
  a.attrId = attrId
  a.attrValues = [value]
  return a
}

function dataContentInfo(bytes: ArrayBuffer): ContentInfo {
  return new ContentInfo({ contentType: OID.data, content: AsnConvert.serialize(new OctetString(bytes)) })
}

async function macOf(preset: PbePreset, password: string, content: Uint8Array, salt: Uint8Array, iterations: number, hash: 'sha1' | 'sha256' | 'sha384' | 'sha512'): Promise<Buffer> {
  void preset
  const keyLength = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash]
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, 3, iterations, keyLength)
  return createHmac(hash, key).update(content).digest()
}

/** basicConstraints cA:TRUE; false for anything unreadable. */
function isCaCertificate(der: Uint8Array): boolean {
  try {
    const ext = AsnConvert.parse(der, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_basicConstraints)
    return ext ? AsnConvert.parse(ext.extnValue.buffer, BasicConstraints).cA : false
  } catch {
    return false
  }
}

/**
 * Refuses, before any work: no password (PASSPHRASE_REQUIRED), one over the input limit
 * (PASSPHRASE_TOO_LONG), and a PFX with neither a certificate nor a key (MISSING_INPUT).
 */
export async function buildPfx(input: BuildPfxInput): Promise<Result<Uint8Array>> {
  if (input.password.length === 0) return fail('PASSPHRASE_REQUIRED', 'A PFX needs a password: enter one.', 'password')
  if (input.password.length > LIMITS.passphraseChars) return passwordTooLong()
  if (input.certificates.length === 0 && !input.encryptedKey) return fail('MISSING_INPUT', 'The PFX would hold nothing: give a certificate or a key to put in it.', 'certificates')
  const first = input.certificates[0]
  const localKeyId = first && input.encryptedKey ? createHash('sha1').update(first).digest() : null
  const nameAttr = input.friendlyName ? [attr(OID.friendlyName, bmpString(input.friendlyName))] : []
  const certBags = input.certificates.map((der, i) => {
    const attributes: PKCS12Attribute[] = []
    if (i === 0 && localKeyId) attributes.push(attr(OID.localKeyId, AsnConvert.serialize(new OctetString(localKeyId))))
    if (i === 0) attributes.push(...nameAttr)
    // Java lists certificate-only entries only when they carry its trusted-usage attribute, and
    // then as trust anchors (trustedCertEntry): only CA certificates get it, never an end entity.
    if (!input.encryptedKey && isCaCertificate(der)) attributes.push(attr(OID.oracleTrustedKeyUsage, ANY_EKU_OID_DER))
    const bag = new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(toArrayBuffer(der))) })
    return new SafeBag({ bagId: id_certBag, bagValue: AsnConvert.serialize(bag), bagAttributes: attributes.length ? attributes : undefined })
  })
  const certSafe = new Uint8Array(AsnConvert.serialize(new SafeContents(certBags)))
  const { algorithm, ciphertext } = await pbeEncrypt(certSafe, input.password, input.preset)
  const encrypted = new CmsEncryptedData({
    version: 0,
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(toArrayBuffer(ciphertext)) })
    })
  })
  const parts: ContentInfo[] = [new ContentInfo({ contentType: OID.encryptedData, content: AsnConvert.serialize(encrypted) })]
  if (input.encryptedKey) {
    const keyBag = new SafeBag({
      bagId: id_pkcs8ShroudedKeyBag,
      bagValue: toArrayBuffer(input.encryptedKey),
      bagAttributes: [attr(OID.localKeyId, AsnConvert.serialize(new OctetString(localKeyId!))), ...nameAttr]
    })
    parts.push(dataContentInfo(AsnConvert.serialize(new SafeContents([keyBag]))))
  }
  const authSafeBytes = new Uint8Array(AsnConvert.serialize(new AuthenticatedSafe(parts)))
  const macHash = input.preset === 'modern' ? 'sha256' : 'sha1'
  const macSalt = randomBytes(input.preset === 'modern' ? 16 : 8)
  const mac = await macOf(input.preset, input.password, authSafeBytes, macSalt, MAC_ITERATIONS, macHash)
  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(toArrayBuffer(authSafeBytes)),
    macData: new MacData({
      mac: new DigestInfo({
        digestAlgorithm: new AlgorithmIdentifier({ algorithm: macHash === 'sha256' ? OID.sha256 : OID.sha1, parameters: null }),
        digest: new OctetString(mac)
      }),
      macSalt: new OctetString(macSalt),
      iterations: MAC_ITERATIONS
    })
  })
  return ok(new Uint8Array(AsnConvert.serialize(pfx)))
}

export interface PfxKeyBag {
  /** true: EncryptedPrivateKeyInfo under the PFX password; false: a plain PrivateKeyInfo. */
  readonly encrypted: boolean
  readonly der: Uint8Array
  readonly localKeyId: string | null
}

export interface ParsedPfx {
  readonly certificates: { readonly der: Uint8Array; readonly localKeyId: string | null; readonly friendlyName: string | null }[]
  readonly keys: PfxKeyBag[]
}

const MAC_HASH_BY_OID: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512'
}

function attrHex(attrs: PKCS12Attribute[] | undefined, oid: string): string | null {
  const a = attrs?.find((x) => x.attrId === oid)
  const v = a?.attrValues[0]
  if (!v) return null
  return Buffer.from(AsnConvert.parse(v, OctetString).buffer).toString('hex')
}

function attrBmp(attrs: PKCS12Attribute[] | undefined, oid: string): string | null {
  const v = attrs?.find((x) => x.attrId === oid)?.attrValues[0]
  if (!v) return null
  const bytes = new Uint8Array(v)
  const headerLength = bytes[1]! < 0x80 ? 2 : 2 + (bytes[1]! & 0x7f)
  const body = Buffer.from(bytes.subarray(headerLength))
  let s = ''
  for (let i = 0; i + 1 < body.length; i += 2) s += String.fromCharCode(body.readUInt16BE(i))
  return s
}

/**
 * Reads a PFX: checks its MAC with `password` (PASSPHRASE_WRONG), decrypts its encrypted
 * safe contents and returns the certificates and the key bags as found (shrouded keys stay
 * encrypted: the vault decrypts them with decryptPrivateKeyInfo).
 */
export async function parsePfx(der: Uint8Array, password: string): Promise<Result<ParsedPfx>> {
  const limits = checkBinaryInput(der, { limit: 'pfxBytes', prefix: 'PFX', what: 'The PFX file', field: 'pfx' })
  if (!limits.ok) return limits
  if (password.length > LIMITS.passphraseChars) return passwordTooLong()
  let pfx: PFX
  try {
    pfx = parseForeignDer(der, PFX)
  } catch {
    return fail('PFX_CORRUPT', 'The file is not a PKCS#12 (PFX/P12) file or it is damaged.')
  }
  try {
    if (pfx.authSafe.contentType !== OID.data) return fail('PFX_UNSUPPORTED', 'Public-key-protected PFX files are not supported; export it with a password.')
    const authSafeBytes = new Uint8Array(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer)
    if (pfx.macData) {
      const hash = MAC_HASH_BY_OID[pfx.macData.mac.digestAlgorithm.algorithm]
      if (!hash) return fail('PFX_UNSUPPORTED', `The PFX integrity algorithm ${pfx.macData.mac.digestAlgorithm.algorithm} is not supported.`)
      // Checked before any derivation: 2^31-1 MAC iterations otherwise run for minutes before the password is even tried.
      const iterations = Number(pfx.macData.iterations || 1)
      if (!(iterations <= LIMITS.pkcs12KdfIterations)) return tooManyIterations(iterations, LIMITS.pkcs12KdfIterations, 'MAC')
      const expected = Buffer.from(pfx.macData.mac.digest.buffer)
      const actual = await macOf('legacy', password, authSafeBytes, new Uint8Array(pfx.macData.macSalt.buffer), iterations, hash)
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
        return fail('PASSPHRASE_WRONG', 'The PFX password is wrong (the integrity check failed). Check the password and try again.', 'pfxPassword')
    }
    const result: { certificates: ParsedPfx['certificates'][number][]; keys: PfxKeyBag[] } = { certificates: [], keys: [] }
    for (const info of parseForeignDer(authSafeBytes, AuthenticatedSafe)) {
      let safeBytes: Uint8Array
      if (info.contentType === OID.data) {
        safeBytes = new Uint8Array(AsnConvert.parse(info.content, OctetString).buffer)
      } else if (info.contentType === OID.encryptedData) {
        const enc = AsnConvert.parse(info.content, CmsEncryptedData).encryptedContentInfo
        const content = enc.encryptedContent
        const cipher = content?.value
          ? new Uint8Array(content.value.buffer)
          : new Uint8Array(Buffer.concat((content?.constructedValue ?? []).map((o) => Buffer.from(o.buffer))))
        const plain = await pbeDecrypt(enc.contentEncryptionAlgorithm, cipher, password)
        if (!plain.ok) return plain
        safeBytes = plain.value
      } else {
        return fail('PFX_UNSUPPORTED', 'The PFX uses public-key encryption for its contents, which is not supported.')
      }
      for (const bag of parseForeignDer(safeBytes, SafeContents)) {
        const localKeyId = attrHex(bag.bagAttributes, OID.localKeyId)
        if (bag.bagId === id_certBag) {
          const cert = AsnConvert.parse(bag.bagValue, CertBag)
          if (cert.certId !== id_x509Certificate) continue
          result.certificates.push({
            der: new Uint8Array(AsnConvert.parse(cert.certValue, OctetString).buffer),
            localKeyId,
            friendlyName: attrBmp(bag.bagAttributes, OID.friendlyName)
          })
        } else if (bag.bagId === id_pkcs8ShroudedKeyBag) {
          result.keys.push({ encrypted: true, der: new Uint8Array(bag.bagValue), localKeyId })
        } else if (bag.bagId === id_keyBag) {
          result.keys.push({ encrypted: false, der: new Uint8Array(bag.bagValue), localKeyId })
        }
      }
    }
    return ok(result)
  } catch {
    return fail('PFX_CORRUPT', 'The PFX file is damaged: its contents could not be read.')
  }
}

// Hostile files answer quickly with one coded refusal, before any parser runs: the limits of
// src/shared/limits.ts, the linear PEM splitter, capped PFX iteration counts, JSON depth.
import { unwrap } from '../../../src/shared/errors'
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { PFX } from '@peculiar/asn1-pfx'
import { LIMITS } from '../../../src/shared/limits'
import { readCsrInput } from '../../../src/main/engine'
import { findPemBlocks } from '../../../src/main/engine/pem'
import { berDepth, checkBinaryInput } from '../../../src/main/engine/input-limits'
import { buildPfx, encryptPrivateKeyInfo, parsePfx } from '../../../src/main/engine/pkcs12'
import { importProfileText } from '../../../src/main/engine/profiles'
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8'
import { Pbes2Params, Pbkdf2Params } from '../../../src/main/engine/pkcs12/asn'
import { toPem } from '../../../src/main/engine'
import { readKeyFile } from '../../../src/main/vault/pkcs12-bridge'
import { fixture } from '../engine/helpers'

const PASS = 'correct horse battery staple'

/** Runs `body` and answers its result with the milliseconds it took. */
async function timed<T>(body: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await body()
  return { value, ms: performance.now() - started }
}

function nested(depth: number): Uint8Array {
  // SEQUENCE { SEQUENCE { … } } with four-byte lengths, so every level is 6 bytes.
  const out = new Uint8Array(depth * 6)
  for (let i = 0; i < depth; i++) {
    const inner = (depth - i - 1) * 6
    out.set([0x30, 0x84, (inner >>> 24) & 0xff, (inner >>> 16) & 0xff, (inner >>> 8) & 0xff, inner & 0xff], i * 6)
  }
  return out
}

describe('PEM splitter', () => {
  it('answers 1 MiB of BEGIN lines with one coded refusal in under 2 s', async () => {
    const line = '-----BEGIN A-----\n'
    const text = line.repeat(Math.floor(LIMITS.csrFileBytes / line.length))
    const { value, ms } = await timed(() => readCsrInput(new Uint8Array(Buffer.from(text))))
    expect(value.ok || value.error.code).toBe('PEM_TOO_MANY_BLOCKS')
    expect(ms).toBeLessThan(2000)
  })

  it('reads 1 MiB of BEGIN lines without ENDs of one label in linear time too (each block truncated)', async () => {
    const text = '-----BEGIN CERTIFICATE REQUEST-----\n'.repeat(5000) + 'x'.repeat(900_000)
    const { value, ms } = await timed(() => findPemBlocks(text))
    expect(value).toHaveLength(5000)
    expect(value.every((b) => b.kind === 'truncated')).toBe(true)
    expect(ms).toBeLessThan(2000)
  })

  it('still splits real files: text around blocks, a block cut short, a second label', () => {
    const csr = Buffer.from(fixture('csr-p256.pem')).toString('utf8')
    const items = findPemBlocks(`note\n${csr}\n-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n${csr}-----BEGIN CERTIFICATE REQUEST-----\nAAAA`)
    expect(items.map((i) => `${i.kind}:${i.label}`)).toEqual(['block:CERTIFICATE REQUEST', 'block:X509 CRL', 'block:CERTIFICATE REQUEST', 'truncated:CERTIFICATE REQUEST'])
  })
})

describe('ASN.1 nesting', () => {
  it('measures the depth of real DER and of BER with indefinite lengths', () => {
    const csr = readCsrInput(fixture('csr-rsa2048.der'))
    expect(csr.ok).toBe(true)
    expect(berDepth(fixture('csr-rsa2048.der'))).toBeGreaterThan(2)
    expect(berDepth(fixture('csr-rsa2048.der'))).toBeLessThan(12)
    // SEQUENCE(indef) { SEQUENCE(indef) { INTEGER 1 } EOC } EOC, then a third level closed
    expect(berDepth(Uint8Array.from([0x30, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00]))).toBe(2)
  })

  it('refuses a request nested 100,000 deep before parsing it', async () => {
    const { value, ms } = await timed(() => readCsrInput(nested(100_000)))
    expect(value.ok && value.value[0]!.ok === false && value.value[0]!.error.code).toBe('CSR_TOO_DEEP')
    expect(ms).toBeLessThan(2000)
  })

  it('refuses a PFX nested deeper than the limit, and one over its size', async () => {
    const deep = await parsePfx(nested(LIMITS.derDepth + 1), PASS)
    expect(!deep.ok && deep.error.code).toBe('PFX_TOO_DEEP')
    const big = checkBinaryInput(new Uint8Array(LIMITS.pfxBytes + 1), { limit: 'pfxBytes', prefix: 'PFX', what: 'The PFX file' })
    expect(!big.ok && big.error.code).toBe('PFX_TOO_LARGE')
    expect(!big.ok && big.error.message).toMatch(/^The PFX file is [\d,]+ bytes, over the 16 MiB limit: /)
  })
})

describe('PFX iteration caps', () => {
  async function pfxWithMacIterations(iterations: number): Promise<Uint8Array> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const encryptedKey = await encryptPrivateKeyInfo(privateKey.export({ type: 'pkcs8', format: 'der' }), PASS, 'legacy')
    const der = unwrap(await buildPfx({ certificates: [], encryptedKey, password: PASS, preset: 'legacy' }))
    const pfx = AsnConvert.parse(der, PFX)
    pfx.macData!.iterations = iterations
    return new Uint8Array(AsnConvert.serialize(pfx))
  }

  it('refuses a MAC bomb (2^31-1 iterations) in under 2 s, before the password is tried', async () => {
    const bomb = await pfxWithMacIterations(2 ** 31 - 1)
    const { value, ms } = await timed(() => parsePfx(bomb, 'wrong password'))
    expect(!value.ok && value.error.code).toBe('PBE_TOO_MANY_ITERATIONS')
    expect(!value.ok && value.error.message).toContain('2,147,483,647 MAC iterations, over the limit of 1,000,000')
    expect(ms).toBeLessThan(2000)
  })

  it('still reads a PFX at the usual 2048 iterations', async () => {
    const pfx = await parsePfx(await pfxWithMacIterations(2048), PASS)
    expect(pfx.ok && pfx.value.keys).toHaveLength(1)
  })

  it('refuses a password longer than the limit', async () => {
    const r = await parsePfx(await pfxWithMacIterations(2048), 'x'.repeat(LIMITS.passphraseChars + 1))
    expect(!r.ok && r.error.code).toBe('PASSPHRASE_TOO_LONG')
  })
})

describe('encrypted key files', () => {
  async function keyWithPbkdf2Iterations(iterations: number): Promise<Uint8Array> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const info = AsnConvert.parse(await encryptPrivateKeyInfo(privateKey.export({ type: 'pkcs8', format: 'der' }), PASS, 'modern'), EncryptedPrivateKeyInfo)
    const pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters!, Pbes2Params)
    const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, Pbkdf2Params)
    kdf.iterationCount = iterations
    pbes2.keyDerivationFunc.parameters = AsnConvert.serialize(kdf)
    info.encryptionAlgorithm.parameters = AsnConvert.serialize(pbes2)
    return new Uint8Array(Buffer.from(toPem('ENCRYPTED PRIVATE KEY', new Uint8Array(AsnConvert.serialize(info)))))
  }

  it('refuses a PKCS#8 key asking for 2^31-1 PBKDF2 iterations in under 2 s', async () => {
    const { value, ms } = await timed(async () => readKeyFile(await keyWithPbkdf2Iterations(2 ** 31 - 1), PASS))
    expect(!value.ok && value.error.code).toBe('PBE_TOO_MANY_ITERATIONS')
    expect(ms).toBeLessThan(2000)
  })

  it('reads one at 100,000 iterations, and says when the passphrase is wrong', async () => {
    const file = await keyWithPbkdf2Iterations(100_000)
    const key = await readKeyFile(file, PASS)
    expect(key.ok && key.value.asymmetricKeyType).toBe('ec')
    const wrong = await readKeyFile(file, 'not the passphrase')
    expect(!wrong.ok && wrong.error.code).toBe('PASSPHRASE_WRONG')
  })
})

describe('profile JSON', () => {
  it('refuses a 200,000-deep document with JSON_TOO_DEEP, not a stack overflow', async () => {
    const text = '['.repeat(200_000) + ']'.repeat(200_000)
    const { value, ms } = await timed(() => importProfileText(text))
    expect(!value.ok && value.error.code).toBe('JSON_TOO_DEEP')
    expect(ms).toBeLessThan(2000)
  })

  it('refuses a 5 MB document with JSON_TOO_LARGE', () => {
    const r = importProfileText(JSON.stringify({ name: 'big', pad: 'x'.repeat(5_000_000) }))
    expect(!r.ok && r.error.code).toBe('JSON_TOO_LARGE')
  })

  it('counts brackets inside strings as text', () => {
    const r = importProfileText(JSON.stringify({ format: 'pkidesk-profile', name: '['.repeat(100) }))
    expect(!r.ok && r.error.code).not.toBe('JSON_TOO_DEEP')
  })
})

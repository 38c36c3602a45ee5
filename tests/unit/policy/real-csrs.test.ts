// Real CSRs (made by OpenSSL, kept by the engine's tests) through the engine's parser and
// evaluate against the starter profiles: what each profile accepts, tailors or refuses.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readCsrInput } from '../../../src/main/engine/csr'
import { evaluate } from '../../../src/main/engine/policy'
import type { ParsedCsr } from '../../../src/main/engine/template'
import { fromPkiDesk } from '../../../src/main/engine/profiles'
import { operatorInput, type ProfileBody } from '../../../src/shared/domain/profile'

const ENGINE = join(__dirname, '../../fixtures/engine')
const parse = (name: string): ParsedCsr => {
  const r = readCsrInput(new Uint8Array(readFileSync(join(ENGINE, name))))
  if (!r.ok || !r.value[0]?.ok) throw new Error(`cannot parse ${name}`)
  return r.value[0].csr
}
const starter = (id: string): ProfileBody => {
  const r = fromPkiDesk(JSON.parse(readFileSync(join(__dirname, '../../../resources/profiles', `${id}.json`), 'utf8')))
  if (!r.ok) throw new Error(r.error.message)
  return r.value.profile
}
const NOW = { now: new Date('2026-05-01T00:00:00Z') }
const errors = (p: ProfileBody, csr: ParsedCsr) => evaluate(p, csr, operatorInput.parse({}), NOW).findings.filter((f) => f.severity === 'error').map((f) => f.code)

describe('starter profiles against OpenSSL-made CSRs', () => {
  it.each([
    ['csr-rsa2048.pem', []],
    ['csr-rsa3072.pem', []],
    ['csr-rsa4096.pem', []],
    ['csr-rsa8192.pem', ['RSA_KEY_SIZE_NOT_ALLOWED']],
    ['csr-p256.pem', []],
    ['csr-p384.pem', []],
    ['csr-p521.pem', ['ECDSA_CURVE_NOT_ALLOWED']],
    ['csr-ed25519.pem', ['KEY_TYPE_NOT_ALLOWED']],
    ['csr-ed448.pem', ['KEY_TYPE_NOT_ALLOWED']]
  ])('TLS server crypto policy: %s → %j', (file, expected) => {
    // The starter's crypto section on a profile that takes any subject and SAN, so only the key decides.
    const p = { ...starter('tls-client'), crypto: starter('tls-server').crypto }
    expect(errors(p, parse(file))).toEqual(expected)
  })

  it('the TLS client starter also allows P-521 and Ed25519, not Ed448', () => {
    const p = starter('tls-client')
    expect(errors(p, parse('csr-p521.pem'))).toEqual([])
    expect(errors(p, parse('csr-ed25519.pem'))).toEqual([])
    expect(errors(p, parse('csr-ed448.pem'))).toEqual(['KEY_TYPE_NOT_ALLOWED'])
  })

  it('EC and Ed25519 keys get no keyEncipherment; RSA keeps it', () => {
    const iot = starter('iot-device')
    const usages = (file: string, p: ProfileBody) => evaluate(p, parse(file), operatorInput.parse({}), NOW).template.keyUsage?.usages
    expect(usages('csr-p256.pem', iot)).toEqual(['digitalSignature'])
    expect(usages('csr-rsa2048.pem', iot)).toEqual(['digitalSignature', 'keyEncipherment'])
    expect(usages('csr-ed25519.pem', { ...iot, crypto: { ...iot.crypto, allowEd25519: true } })).toEqual(['digitalSignature'])
  })

  it('the code-signing starter wants RSA 3072+ and a publisher subject', () => {
    const cs = starter('code-signing')
    expect(errors(cs, parse('csr-rsa2048.pem'))).toContain('RSA_KEY_SIZE_NOT_ALLOWED')
    expect(errors(cs, parse('csr-rsa3072.pem')).every((c) => c === 'SUBJECT_ATTRIBUTE_MISSING')).toBe(true)
  })
})

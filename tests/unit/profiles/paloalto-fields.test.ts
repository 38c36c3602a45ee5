// paloAltoFields: the Palo Alto generate call's fields from a profile (engine/profiles), the
// values the connector builds its wire body from. Known answers from the seed's example and
// hand-written profiles; the one refusal names its field.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromPaloAlto, paloAltoFields } from '../../../src/main/engine/profiles'
import { profileBody } from '../../../src/shared/domain/profile'

const FIX = join(__dirname, '../../fixtures/profiles')

describe('paloAltoFields', () => {
  it('gives back every value of an imported generate body (the seed example) in the connector\'s shape', () => {
    const imported = fromPaloAlto(JSON.parse(readFileSync(join(FIX, 'paloalto-generate.json'), 'utf8')))
    if (!imported.ok) throw new Error(imported.error.message)
    const r = paloAltoFields(imported.value.profile)
    expect(r.ok && r.value.fields).toEqual({
      certificateName: 'gp-portal',
      commonName: 'portal.example.com',
      key: { family: 'rsa', bits: 3072 },
      digest: 'sha384',
      days: 365,
      alternateEmail: ['netops@example.com'],
      hostname: ['portal.example.com'],
      ip: ['192.0.2.10'],
      department: ['Network Operations'],
      locality: 'Santa Clara',
      state: 'CA',
      countryCode: 'US',
      ocspResponderUrl: 'http://ocsp.example.com',
      signedBy: 'corp-issuing-ca',
      isCertificateAuthority: false,
      isBlockPrivateKey: true
    })
  })

  it('an ECDSA-only profile with a CSR-sourced CN: P-384 is 384 bits, no CN, no days for a validity not in whole days; the notes say what is not carried', () => {
    const p = profileBody.parse({
      name: 'ec only',
      crypto: { allowRsa: false, allowEcdsa: true, ecdsaCurves: ['P-384', 'P-256'] },
      subjectAttributes: [{ type: 'CN', sources: ['csr'] }],
      validity: { type: 'Duration', duration: '36h' }
    })
    const r = paloAltoFields(p)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.fields).toEqual({ certificateName: 'ec only', commonName: '', key: { family: 'ecdsa', bits: 384 }, digest: 'sha256', isCertificateAuthority: false, isBlockPrivateKey: false })
    expect(r.value.notes.map((n) => n.field)).toContain('subjectAttributes[0]')
  })

  it('a profile that allows neither RSA nor ECDSA is refused on crypto', () => {
    const p = profileBody.parse({ name: 'ed only', crypto: { allowRsa: false, allowEcdsa: false, allowEd25519: true } })
    const r = paloAltoFields(p)
    expect(r.ok ? 'OK' : [r.error.code, r.error.field]).toEqual(['PROFILE_NOT_CONVERTIBLE', 'crypto'])
  })
})

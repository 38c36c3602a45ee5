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
  it('the seed\'s ECDSA example: its "245" is P-256 (256 bits), its sha1 is not carried (SHA-256), 30 whole days, no signed_by', () => {
    // The RSA example, with every field, is checked through the profile bridge (tests/integration/profiles/sync-bridge.test.ts).
    const imported = fromPaloAlto(JSON.parse(readFileSync(join(FIX, 'paloalto-generate-ecdsa-seed.json'), 'utf8')))
    if (!imported.ok) throw new Error(imported.error.message)
    const r = paloAltoFields(imported.value.profile)
    expect(r.ok && r.value.fields).toEqual({
      certificateName: 'lab ecdsa',
      commonName: 'lab.example.com',
      key: { family: 'ecdsa', bits: 256 },
      digest: 'sha256',
      days: 30,
      isCertificateAuthority: false,
      isBlockPrivateKey: false
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

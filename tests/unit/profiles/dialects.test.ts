// Dialect converters: each seed's example JSON imports, exports back without losing a field
// the model carries, and whatever cannot be carried is named in the notes.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { detectDialect, fromCertCentral, fromDigicertTlm, fromLamassu, fromPaloAlto, fromPkiDesk, importProfileText, toCertCentral, toDigicertTlm, toDialect, toLamassu, toPaloAlto, toPkiDesk, type Imported } from '../../../src/main/engine/profiles'
import type { Result } from '../../../src/shared/errors'
import { profileBody, type ProfileDialect } from '../../../src/shared/domain/profile'

const FIX = join(__dirname, '../../fixtures/profiles')
const load = (name: string): unknown => JSON.parse(readFileSync(join(FIX, name), 'utf8'))
const value = (r: Result<Imported>): Imported => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

/** Every leaf of `seed` at the same path in `out`; returns the paths that differ. */
function missingLeaves(seed: unknown, out: unknown, path = ''): string[] {
  if (seed !== null && typeof seed === 'object') {
    if (out === null || typeof out !== 'object') return [path || '(root)']
    if (Array.isArray(seed)) {
      if (!Array.isArray(out) || out.length !== seed.length) return [path]
      return seed.flatMap((s, i) => missingLeaves(s, out[i], `${path}[${i}]`))
    }
    return Object.entries(seed as Record<string, unknown>).flatMap(([k, v]) => missingLeaves(v, (out as Record<string, unknown>)[k], path ? `${path}.${k}` : k))
  }
  return JSON.stringify(seed) === JSON.stringify(out) ? [] : [path]
}

/** Model-level idempotence: importing the export gives back the same profile. */
function stable(dialect: ProfileDialect, first: Imported, from: (j: unknown) => Result<Imported>): void {
  const again = value(from(toDialect(dialect, { ...first.profile, ...(first.remoteId ? { id: first.remoteId } : {}) }).json))
  expect(again.profile).toEqual(first.profile)
}

describe('Lamassu (seed 004)', () => {
  it.each(['lamassu-web-server.json', 'lamassu-intermediate-ca.json', 'lamassu-iot-short.json', 'lamassu-code-signing.json', 'lamassu-update.json', 'lamassu-key-usage-names.json'])(
    '%s round-trips',
    (file) => {
      const seed = load(file) as Record<string, unknown>
      const imported = value(fromLamassu(seed))
      expect(imported.remoteId).toBe(seed.id)
      const out = toLamassu({ ...imported.profile, id: imported.remoteId! }).json
      // key_usage goes out in Lamassu's wire form (names); compare it as a set of usages.
      const diff = missingLeaves({ ...seed, key_usage: undefined }, { ...out, key_usage: undefined })
      expect(diff).toEqual([])
      if (seed.key_usage) {
        const flags = Array.isArray(seed.key_usage) ? seed.key_usage : Object.entries(seed.key_usage as Record<string, boolean>).filter(([, on]) => on).map(([k]) => k)
        expect((out.key_usage as string[]).length).toBe(flags.length)
      }
      stable('lamassu', imported, fromLamassu)
    }
  )

  it('maps every field of the web-server example', () => {
    const p = value(fromLamassu(load('lamassu-web-server.json'))).profile
    expect(p).toMatchObject({
      name: 'Web Server Certificate Profile',
      description: 'Profile for TLS server certificates',
      validity: { type: 'Duration', duration: '90d' },
      signAsCa: false,
      honorKeyUsage: false,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      honorExtendedKeyUsages: false,
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
      honorSubject: true,
      honorExtensions: false,
      crypto: { enabled: true, allowRsa: true, rsaKeySizes: [2048, 4096], allowEcdsa: true, ecdsaCurves: ['P-256', 'P-384'], allowEd25519: false }
    })
    const out = toLamassu({ ...p, id: 'web-server-profile' }).json
    expect(out.key_usage).toEqual(['DigitalSignature', 'KeyEncipherment'])
  })

  it('accepts the name-array key usage, a Time validity and 521-bit ECDSA', () => {
    const p = value(fromLamassu(load('lamassu-key-usage-names.json'))).profile
    expect(p.keyUsage).toEqual(['digitalSignature', 'keyEncipherment', 'nonRepudiation'])
    expect(p.validity).toEqual({ type: 'Time', time: '2031-06-30T00:00:00Z' })
    expect(p.crypto.ecdsaCurves).toEqual(['P-256', 'P-384', 'P-521'])
    expect(p.honorKeyUsage && p.honorExtendedKeyUsages && p.honorExtensions).toBe(true)
  })

  it('subject defaults become fixed rules; honor_subject false keeps the CN from the CSR (noted)', () => {
    const r = value(fromLamassu(load('lamassu-intermediate-ca.json')))
    expect(r.profile.subjectAttributes).toEqual([
      expect.objectContaining({ type: 'CN', sources: ['csr'], mandatory: true }),
      expect.objectContaining({ type: 'O', sources: ['fixed'], value: 'Lamassu IoT' }),
      expect.objectContaining({ type: 'C', sources: ['fixed'], value: 'US' })
    ])
    expect(r.profile.keyUsage).toEqual(['keyCertSign', 'cRLSign'])
    expect(r.notes.map((n) => n.field)).toContain('honor_subject')
  })

  it('absent fields are defaulted and say so', () => {
    const r = value(fromLamassu(load('lamassu-iot-short.json')))
    expect(r.notes.map((n) => `${n.kind}:${n.field}`)).toContain('defaulted:key_usage')
    const cs = value(fromLamassu(load('lamassu-code-signing.json')))
    expect(cs.profile.crypto.allowEcdsa).toBe(false)
  })

  it('export names each model field Lamassu cannot carry', () => {
    const p = profileBody.parse({
      name: 'rich',
      maxValidityDays: 397,
      san: { dnsPatterns: ['.example.com'] },
      crlDistributionPoints: ['http://pki.example/ca.crl'],
      crypto: { allowEd25519: true },
      subjectAttributes: [{ type: 'O', sources: ['entered'], mandatory: true }]
    })
    const notes = toLamassu(p).notes
    expect(notes.map((n) => n.field)).toEqual(expect.arrayContaining(['maxValidityDays', 'san', 'crlDistributionPoints', 'crypto.allowEd25519', 'subjectAttributes[0]']))
    expect(notes.every((n) => n.message.length > 20)).toBe(true)
    expect(toLamassu(profileBody.parse({ name: 'plain' })).notes).toEqual([])
  })

  it('refuses a malformed document naming the field', () => {
    const bad = fromLamassu({ name: 'x', validity: { type: 'Forever' } })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'INVALID_OBJECT', field: 'validity.type' })
    const ku = fromLamassu({ name: 'x', key_usage: ['Teleport'] })
    expect(!ku.ok && ku.error.field).toBe('key_usage[0]')
    const dur = fromLamassu({ name: 'x', validity: { type: 'Duration', duration: 'forever' } })
    expect(!dur.ok && dur.error.field).toBe('validity.duration')
  })

  it('unknown fields survive the round trip', () => {
    const seed = { ...(load('lamassu-web-server.json') as object), engine_id: 'hsm-1', crypto_enforcement: { enabled: true, allow_rsa_keys: true, allowed_rsa_key_sizes: [2048], future_flag: 1 } }
    const r = value(fromLamassu(seed))
    const out = toLamassu({ ...r.profile, id: r.remoteId! }).json
    expect(out.engine_id).toBe('hsm-1')
    expect((out.crypto_enforcement as Record<string, unknown>).future_flag).toBe(1)
  })
})

describe('DigiCert TLM (seed 002)', () => {
  const seed = (load('tlm-profile-list.json') as Record<string, unknown>[])[0]!

  it('maps the seed profile', () => {
    const r = value(fromDigicertTlm(seed))
    expect(r.remoteId).toBe('d6743d9a-fb67-4a64-a33e-8a3229d28cc4')
    const p = r.profile
    expect(p.name).toBe('Profile name')
    expect(p.signature.hash).toBe('SHA-256')
    expect(p.renewal).toMatchObject({ windowDays: 30, automated: true })
    expect(p.allowValidityOverride).toBe(true)
    expect(p.extendedKeyUsages).toEqual(['1.2.840.113583.1.1.7'])
    expect(p.crypto).toMatchObject({ enabled: true, allowRsa: true, rsaKeySizes: [2048], allowEcdsa: false })
    expect(p.validity).toEqual({ type: 'Duration', duration: '365d' })
    const cn = p.subjectAttributes.find((a) => a.type === 'CN')!
    expect(cn).toMatchObject({ mandatory: true, multiple: false, sources: ['entered'] })
    const street = p.subjectAttributes.find((a) => a.type === 'street')!
    expect(street).toMatchObject({ sources: ['fixed'], value: '20 Cooper Square', mandatory: true })
    expect(street.foreignSources).toEqual([{ mandatory: false, source: 'AD_ATTRIBUTE', ad_attribute_key: 'streetAddress' }])
    expect(p.subjectAttributes.find((a) => a.type === 'DC')).toMatchObject({ mandatory: true, sources: ['csr'] })
    expect(p.san).toMatchObject({ critical: 'never', allowedTypes: ['email', 'upn'] })
    expect(p.san.rules[0]).toMatchObject({ type: 'email', mandatory: true, sources: ['entered'] })
    // What the model cannot use is named.
    const fields = r.notes.map((n) => n.field)
    expect(fields).toContain('certificate.subject.attributes[0].sources[0].ad_attribute_key')
    expect(fields).toContain('certificate.subject.attributes[2].sources[0]')
  })

  it('round-trips: every seed field comes back except the ones the notes name', () => {
    const r = value(fromDigicertTlm(seed))
    const out = toDigicertTlm({ ...r.profile, id: r.remoteId! }).json
    const normalized = JSON.parse(JSON.stringify(seed).replace(/"source":\[/g, '"sources":[')) as Record<string, unknown>
    const diff = missingLeaves(normalized, out)
    // Lost on import and noted: the AD attribute key of a usable source; per-source mandatory
    // flags that differ from the rule's; source spelling is normalized to upper case.
    expect(diff).toEqual(['certificate.subject.attributes[0].sources[0].ad_attribute_key', 'certificate.extensions.san.attributes[0].sources[0].source'])
    stable('digicert-tlm', r, fromDigicertTlm)
  })

  it('a whole list document imports its first profile (auto-detected)', () => {
    const r = importProfileText(readFileSync(join(FIX, 'tlm-profile-list.json'), 'utf8'))
    expect(r.ok && r.value.dialect).toBe('digicert-tlm')
  })

  it('export notes what TLM cannot carry', () => {
    const p = profileBody.parse({ name: 'x', validity: { type: 'Time', time: '2030-01-01T00:00:00Z' }, san: { dnsPatterns: ['.example.com'] }, signAsCa: true, keyUsage: ['keyCertSign'] })
    const fields = toDigicertTlm(p).notes.map((n) => n.field)
    expect(fields).toEqual(expect.arrayContaining(['validity', 'san.dnsPatterns', 'signAsCa', 'keyUsage']))
  })
})

describe('DigiCert CertCentral (seed 000)', () => {
  const seed = load('certcentral-create-profile.json') as Record<string, unknown>
  it('maps every request parameter and round-trips', () => {
    const r = value(fromCertCentral(seed))
    const p = r.profile
    expect(p).toMatchObject({
      name: 'Web farm ACME profile',
      validity: { type: 'Duration', duration: '1y' },
      maxValidityDays: 397,
      signature: { hash: 'SHA-384' },
      crypto: { enabled: true, allowRsa: false, allowEcdsa: true, ecdsaCurves: ['P-256'] },
      organization: { id: 112233, name: 'Example Org' },
      renewal: { windowDays: 30, autoReplace: true },
      isDefault: true,
      // caCertId names a CA certificate on the platform: kept as a remote value, never a local CA id.
      extras: { certcentral: expect.objectContaining({ caCertId: '5A1B2C3D4E5F', caCertName: 'DigiCert Global G2 TLS RSA SHA256 2020 CA1' }) }
    })
    expect(p.defaultAuthorityId).toBeUndefined()
    expect(p.contacts).toEqual([{ email: 'pki-team@example.com' }, { id: 42, type: 'technical_contact', name: 'Ada Admin' }, { type: 'org_contact', name: 'Olaf Org' }])
    const out = toCertCentral(p).json
    expect(missingLeaves(seed, out)).toEqual([])
    expect(toCertCentral(p).notes.filter((n) => n.kind === 'missing')).toEqual([])
    stable('certcentral', r, fromCertCentral)
  })
  it('validity: D and Y, 1Y = 365 days, over 397 days refused', () => {
    expect(value(fromCertCentral({ name: 'a', validityPeriod: '397D' })).profile.validity).toEqual({ type: 'Duration', duration: '397d' })
    const bad = fromCertCentral({ name: 'a', validityPeriod: '2Y' })
    expect(!bad.ok && bad.error).toMatchObject({ code: 'INVALID_OBJECT', field: 'validityPeriod' })
    const long = toCertCentral(profileBody.parse({ name: 'x', validity: { type: 'Duration', duration: '800d' } }))
    expect(long.json.validityPeriod).toBe('397D')
    expect(long.notes.map((n) => `${n.kind}:${n.field}`)).toContain('approximated:validity')
  })
  it('RSA sizes, SHA-1 refused, required fields reported missing', () => {
    expect(value(fromCertCentral({ name: 'a', keySizeAndAlgorithm: 'RSA 8192' })).profile.crypto.rsaKeySizes).toEqual([8192])
    const sha1 = value(fromCertCentral({ name: 'a', signatureHash: 'sha1' }))
    expect(sha1.profile.signature.hash).toBe('SHA-256')
    expect(sha1.notes.map((n) => n.field)).toContain('signatureHash')
    const missing = toCertCentral(profileBody.parse({ name: 'x' })).notes.filter((n) => n.kind === 'missing').map((n) => n.field)
    expect(missing).toEqual(['productType', 'organizationName', 'divisionId', 'accountId'])
  })
})

describe('Palo Alto generate (seed 003)', () => {
  const seed = load('paloalto-generate.json') as Record<string, unknown>
  it('maps the generate fields and round-trips (names as the wire arrays)', () => {
    const r = value(fromPaloAlto(seed))
    const p = r.profile
    expect(p.name).toBe('gp-portal')
    expect(p.crypto).toMatchObject({ allowRsa: true, rsaKeySizes: [3072], allowEcdsa: false })
    expect(p.signature.hash).toBe('SHA-384')
    expect(p.validity).toEqual({ type: 'Duration', duration: '365d' })
    expect(p.blockPrivateKeyExport).toBe(true)
    expect(p.ocspUrls).toEqual(['http://ocsp.example.com'])
    // signed_by names a certificate on the firewall: a remote value, not this desk's default CA.
    expect(p.defaultAuthorityId).toBeUndefined()
    expect(p.extras.paloalto).toMatchObject({ signed_by: 'corp-issuing-ca' })
    expect(p.subjectAttributes.map((a) => [a.type, a.value])).toEqual([
      ['CN', 'portal.example.com'],
      ['OU', 'Network Operations'],
      ['L', 'Santa Clara'],
      ['ST', 'CA'],
      ['C', 'US']
    ])
    expect(p.san.rules.map((s) => [s.type, s.value])).toEqual([
      ['dns', 'portal.example.com'],
      ['ip', '192.0.2.10'],
      ['email', 'netops@example.com']
    ])
    const out = toPaloAlto(p).json
    const asArrays = { ...seed, hostname: [seed.hostname], ip: [seed.ip], alternate_email: [seed.alternate_email], department: [seed.department] }
    expect(missingLeaves(asArrays, out)).toEqual([])
    expect(toPaloAlto(p).notes.filter((n) => n.kind === 'missing')).toEqual([])
    stable('paloalto', r, fromPaloAlto)
  })
  it('the seed ECDSA 245 is 256; sha1 is refused; scope rules hold', () => {
    const r = value(fromPaloAlto(load('paloalto-generate-ecdsa-seed.json')))
    expect(r.profile.crypto.ecdsaCurves).toEqual(['P-256'])
    expect(r.profile.signature.hash).toBe('SHA-256')
    expect(r.notes.map((n) => n.field)).toEqual(expect.arrayContaining(['algorithm.ecdsa_number_of_bits', 'digest']))
    const two = fromPaloAlto({ ...seed, snippet: 'x' })
    expect(!two.ok && two.error.field).toBe('snippet')
    const badName = fromPaloAlto({ ...seed, folder: 'bad/name' })
    expect(!badName.ok && badName.error.field).toBe('folder')
    const noAlg = fromPaloAlto({ certificate_name: 'x', common_name: 'x' })
    expect(!noAlg.ok && noAlg.error.field).toBe('algorithm')
    const small = value(fromPaloAlto({ ...seed, algorithm: { rsa_number_of_bits: 1024 } }))
    expect(small.profile.crypto.rsaKeySizes).toEqual([2048])
  })
  it('export names what a generate body cannot carry and what it still needs', () => {
    const notes = toPaloAlto(profileBody.parse({ name: 'x', subjectAttributes: [{ type: 'CN', sources: ['csr'] }] })).notes
    expect(notes.map((n) => `${n.kind}:${n.field}`)).toEqual(expect.arrayContaining(['dropped:subjectAttributes[0]', 'missing:folder']))
  })
})

describe('PKI Desk native and detection', () => {
  it('the native format is lossless', () => {
    const p = profileBody.parse({ name: 'n', san: { dnsPatterns: ['.example.com'] }, extras: { lamassu: { engine_id: 'x' } } })
    const out = toPkiDesk({ ...p, id: 'n1' })
    expect(out.notes).toEqual([])
    const back = value(fromPkiDesk(JSON.parse(JSON.stringify(out.json))))
    expect(back.profile).toEqual(p)
    expect(back.remoteId).toBe('n1')
  })
  it.each([
    ['lamassu-web-server.json', 'lamassu'],
    ['lamassu-list.json', 'lamassu'],
    ['lamassu-iot-short.json', 'lamassu'],
    ['tlm-profile-list.json', 'digicert-tlm'],
    ['certcentral-create-profile.json', 'certcentral'],
    ['paloalto-generate.json', 'paloalto'],
    ['paloalto-generate-ecdsa-seed.json', 'paloalto']
  ])('%s is detected as %s', (file, dialect) => {
    expect(detectDialect(load(file))).toBe(dialect)
  })
  it('unknown documents and bad JSON are refused with a code', () => {
    const unknown = importProfileText('{"hello":1}')
    expect(!unknown.ok && unknown.error.code).toBe('UNKNOWN_DIALECT')
    const broken = importProfileText('{')
    expect(!broken.ok && broken.error.code).toBe('INVALID_JSON')
  })
  it('the Lamassu list page imports its first entry', () => {
    const r = importProfileText(readFileSync(join(FIX, 'lamassu-list.json'), 'utf8'))
    expect(r.ok && r.value.profile.name).toBe('IoT Device Certificate Profile')
  })
  it('every starter profile exports to every dialect without throwing', () => {
    for (const f of ['tls-server', 'tls-client', 'code-signing', 'smime', 'iot-device', 'intermediate-ca']) {
      const doc = JSON.parse(readFileSync(join(__dirname, '../../../resources/profiles', `${f}.json`), 'utf8')) as unknown
      const p = value(fromPkiDesk(doc)).profile
      for (const d of ['lamassu', 'digicert-tlm', 'certcentral', 'paloalto', 'pkidesk'] as const) {
        const out = toDialect(d, { ...p, id: f })
        expect(detectDialect(out.json)).toBe(d)
      }
    }
  })
})

describe('Lamassu names and dates', () => {
  const web = (): Record<string, unknown> => JSON.parse(readFileSync(join(FIX, 'lamassu-web-server.json'), 'utf8')) as Record<string, unknown>

  describe('Lamassu extended key usage names', () => {
    it('accepts the names Lamassu uses, in any case, as well as OIDs', () => {
      const r = fromLamassu({ ...web(), extended_key_usages: ['ServerAuth', 'ClientAuth', 'CodeSigning', 'EmailProtection', 'TimeStamping', 'OCSPSigning', 'ocsp_signing', '1.3.6.1.4.1.311.10.3.3'] })
      if (!r.ok) throw new Error(r.error.message)
      expect(r.value.profile.extendedKeyUsages).toEqual([
        '1.3.6.1.5.5.7.3.1',
        '1.3.6.1.5.5.7.3.2',
        '1.3.6.1.5.5.7.3.3',
        '1.3.6.1.5.5.7.3.4',
        '1.3.6.1.5.5.7.3.8',
        '1.3.6.1.5.5.7.3.9',
        '1.3.6.1.4.1.311.10.3.3'
      ])
    })
    it('refuses an unknown name, naming the entry', () => {
      const r = fromLamassu({ ...web(), extended_key_usages: ['ServerAuth', 'WebStuff'] })
      expect(r.ok ? 'OK' : [r.error.code, r.error.field]).toEqual(['INVALID_OBJECT', 'extended_key_usages[1]'])
    })
  })

  describe('a fixed end date that has passed', () => {
    const NOW = new Date('2026-11-23T12:00:00Z')
    const doc = (time: string) => JSON.stringify({ ...web(), validity: { type: 'Time', time } })
    it('is refused at import/create with INVALID_OBJECT naming validity.time', () => {
      const r = importProfileText(doc('2025-01-01T00:00:00Z'), 'auto', NOW)
      expect(r.ok ? 'OK' : [r.error.code, r.error.field]).toEqual(['INVALID_OBJECT', 'validity.time'])
      expect(r.ok ? '' : r.error.message).toContain('2025-01-01T00:00:00Z')
    })
    it('a future end date imports', () => {
      const r = importProfileText(doc('2031-06-30T00:00:00Z'), 'auto', NOW)
      expect(r.ok && r.value.profile.validity).toEqual({ type: 'Time', time: '2031-06-30T00:00:00Z' })
    })
  })
})

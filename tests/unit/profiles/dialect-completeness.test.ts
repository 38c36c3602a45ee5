// Every field of the profile model is either carried by each dialect's export or noted as not
// carried: a new field in the ProfileBody schema that some converter silently drops fails here.
// A field counts as carried when setting it away from the default changes the exported JSON,
// and as noted when the export's notes name it (dropped or approximated).
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { toDialect, type Exported, type ExportSource } from '../../../src/main/engine/profiles'
import { profileBody, profileDialect, type ProfileBody, type ProfileDialect } from '../../../src/shared/domain/profile'

/** One value away from the default for each model field (the test cannot invent one for a new field). */
const SAMPLES: Readonly<Record<string, unknown>> = {
  name: 'Another name',
  description: 'A description',
  lintLevel: 'public-tls',
  validity: { type: 'Duration', duration: '30d' },
  maxValidityDays: 120,
  issuerCeiling: 'clamp',
  allowValidityOverride: true,
  signAsCa: true, // with keyCertSign and cRLSign, which a CA profile must have (WITH_SAMPLE)
  pathLength: 1,
  honorKeyUsage: true,
  keyUsage: ['digitalSignature', 'keyEncipherment'],
  keyUsageCritical: false,
  honorExtendedKeyUsages: true,
  extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
  extendedKeyUsageCritical: true,
  honorSubject: false,
  subjectAttributes: [{ type: 'O', sources: ['fixed'], value: 'Acme' }],
  san: { fromCsr: false },
  honorExtensions: true,
  allowedExtensionOids: ['1.2.3.4'],
  crypto: { allowEd25519: true },
  signature: { hash: 'SHA-384' },
  crlDistributionPoints: ['http://pki.example/a.crl'],
  ocspUrls: ['http://ocsp.example'],
  caIssuersUrls: ['http://pki.example/ca.cer'],
  certificatePolicies: [{ oid: '2.23.140.1.2.1' }],
  defaultAuthorityId: 'ca-1',
  isDefault: true,
  renewal: { windowDays: 30 },
  organization: { id: 7, name: 'Acme' },
  contacts: [{ name: 'Ops', email: 'ops@example.com' }],
  blockPrivateKeyExport: true,
  // extras are kept per dialect and sent back verbatim: a field only that dialect knows.
  extras: { pkidesk: {}, lamassu: { x_extra: 1 }, 'digicert-tlm': { x_extra: 1 }, certcentral: { x_extra: 1 }, paloalto: { x_extra: 1 } }
}

/** Set on both sides of a field's check, where the schema ties the field to another. */
const ALONGSIDE: Readonly<Record<string, Record<string, unknown>>> = {
  pathLength: { signAsCa: true, keyUsage: ['keyCertSign', 'cRLSign'] }
}

/** Set with the sample only, where the schema allows the sample only with them. */
const WITH_SAMPLE: Readonly<Record<string, Record<string, unknown>>> = {
  signAsCa: { keyUsage: ['keyCertSign', 'cRLSign'] }
}

type Export = (dialect: ProfileDialect, profile: ExportSource) => Exported

/**
 * [dialect, field] pairs where setting the field changes neither the export nor its notes, plus
 * the fields that have no sample value (so the check could not be made for them).
 */
export function uncoveredFields(fields: readonly string[], dialects: readonly ProfileDialect[], exportAs: Export, samples: Readonly<Record<string, unknown>> = SAMPLES): { unsampled: string[]; silent: [ProfileDialect, string][] } {
  const base = profileBody.parse({ name: 'Completeness' })
  const unsampled = fields.filter((f) => !(f in samples))
  const silent: [ProfileDialect, string][] = []
  for (const dialect of dialects) {
    for (const field of fields.filter((f) => f in samples)) {
      const start = profileBody.parse({ ...base, ...ALONGSIDE[field] }) as ProfileBody
      const changed = profileBody.parse({ ...start, ...WITH_SAMPLE[field], [field]: samples[field] }) as ProfileBody
      const out = exportAs(dialect, changed)
      const carried = JSON.stringify(out.json) !== JSON.stringify(exportAs(dialect, start).json)
      // Noted on either side: a dialect whose own behaviour is the sample (Palo Alto never takes
      // the subject from a CSR) notes the default instead.
      const names = (n: { field: string }): boolean => n.field === field || n.field.startsWith(`${field}.`) || n.field.startsWith(`${field}[`)
      const noted = out.notes.some(names) || exportAs(dialect, start).notes.some(names)
      if (!carried && !noted) silent.push([dialect, field])
    }
  }
  return { unsampled, silent }
}

const FIELDS = Object.keys(profileBody.shape)

describe('dialect completeness', () => {
  it('every profile field is carried or noted by every dialect export', () => {
    expect(FIELDS.length).toBeGreaterThan(30)
    expect(uncoveredFields(FIELDS, profileDialect.options, toDialect)).toEqual({ unsampled: [], silent: [] })
  })

  it('fails for a new schema field no sample or converter knows', () => {
    const extended = profileBody.safeExtend({ attestationRequired: z.boolean().default(false) })
    expect(uncoveredFields(Object.keys(extended.shape), profileDialect.options, toDialect).unsampled).toEqual(['attestationRequired'])
  })

  it('fails for a field a converter drops without a note', () => {
    // A converter that forgets blockPrivateKeyExport: its export never changes with it, and says nothing.
    const forgetful: Export = (dialect, profile) => toDialect(dialect, dialect === 'paloalto' ? { ...profile, blockPrivateKeyExport: false } : profile)
    expect(uncoveredFields(FIELDS, profileDialect.options, forgetful).silent).toEqual([['paloalto', 'blockPrivateKeyExport']])
  })
})

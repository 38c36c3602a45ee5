// Every field of every seed example profile is carried, mapped or said: imported into the
// model and exported back to its own dialect, each leaf of the source document either comes
// back with the same value (a single string may come back as the one-element array the wire
// uses) or a conversion note of the import or the export names it or one of its parents.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromDialect, toDialect } from '../../../src/main/engine/profiles'
import { keyUsageFromAlias, LAMASSU_KU_NAMES } from '../../../src/main/engine/profiles/common'
import type { ProfileDialect } from '../../../src/shared/domain/profile'

const dir = join(__dirname, '../../fixtures/profiles')
const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'))

function examples(): [string, ProfileDialect, unknown][] {
  const out: [string, ProfileDialect, unknown][] = []
  for (const f of ['lamassu-code-signing.json', 'lamassu-intermediate-ca.json', 'lamassu-iot-short.json', 'lamassu-key-usage-names.json', 'lamassu-update.json', 'lamassu-web-server.json'])
    out.push([f, 'lamassu', read(f)])
  for (const [i, p] of ((read('lamassu-list.json') as { list: unknown[] }).list).entries()) out.push([`lamassu-list.json[${i}]`, 'lamassu', p])
  for (const [i, p] of (read('tlm-profile-list.json') as unknown[]).entries()) out.push([`tlm-profile-list.json[${i}]`, 'digicert-tlm', p])
  out.push(['certcentral-create-profile.json', 'certcentral', read('certcentral-create-profile.json')])
  out.push(['paloalto-generate.json', 'paloalto', read('paloalto-generate.json')])
  out.push(['paloalto-generate-ecdsa-seed.json', 'paloalto', read('paloalto-generate-ecdsa-seed.json')])
  return out
}

/** Dotted leaf paths (array indexes as [i]) with their values. */
function leaves(v: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leaves(x, `${path}[${i}]`)) : [[path, v]]
  if (v && typeof v === 'object') {
    const entries = Object.entries(v)
    return entries.length ? entries.flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k)) : [[path, v]]
  }
  return [[path, v]]
}

function at(doc: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? []
  return parts.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), doc)
}

/** A note names the path when its field is the path or a parent of it (also the same path without array indexes). */
function noted(path: string, fields: readonly string[]): boolean {
  const plain = path.replace(/\[\d+\]/g, '')
  return fields.some((f) => {
    const g = f.replace(/\[\d+\]/g, '')
    return path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`) || plain === g || plain.startsWith(`${g}.`)
  })
}

/**
 * The wire forms WIRE-NOTES.md asks for (accept both, send the vendor's): Lamassu's key_usage
 * flag object goes out as its array of names; TLM's misspelt `source` array as `sources`.
 */
function mapped(dialect: ProfileDialect, path: string, value: unknown, out: unknown): boolean {
  const ku = /^key_usage\.(\w+)$/.exec(path)
  if (dialect === 'lamassu' && ku && typeof value === 'boolean') {
    const name = keyUsageFromAlias(ku[1]!)
    const list = at(out, 'key_usage')
    return name !== undefined && Array.isArray(list) && list.includes(LAMASSU_KU_NAMES[name]) === value
  }
  if (dialect === 'digicert-tlm' && path.includes('.source[')) return JSON.stringify(at(out, path.replace('.source[', '.sources['))) === JSON.stringify(value)
  return false
}

describe('seed example profiles round-trip or yield notes', () => {
  it.each(examples())('%s', (_name, dialect, doc) => {
    const imported = fromDialect(dialect, doc)
    if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.message}`)
    const exported = toDialect(dialect, { ...imported.value.profile, ...(imported.value.remoteId !== undefined ? { id: imported.value.remoteId } : {}) })
    const fields = [...imported.value.notes, ...exported.notes].map((n) => n.field)
    const lost: string[] = []
    for (const [path, value] of leaves(doc)) {
      const back = at(exported.json, path.replace(/\[0\]$/, '')) ?? at(exported.json, path)
      const same = JSON.stringify(at(exported.json, path)) === JSON.stringify(value) || (typeof value === 'string' && JSON.stringify(back) === JSON.stringify([value]))
      if (!same && !mapped(dialect, path, value, exported.json) && !noted(path, fields)) lost.push(`${path}: ${JSON.stringify(value)} → ${JSON.stringify(at(exported.json, path))}`)
    }
    expect(lost).toEqual([])
  })
})

describe('what a conversion refuses or keeps remote, and says so', () => {
  const ok = <T,>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message)
    return r.value
  }
  const tlm = (read('tlm-profile-list.json') as Record<string, unknown>[])[0]!

  it('imports an inactive or non-rest_api TLM profile archived, with a note naming the field', () => {
    expect(ok(fromDialect('digicert-tlm', tlm)).archived).toBeUndefined()
    const inactive = ok(fromDialect('digicert-tlm', { ...tlm, status: 'Inactive' }))
    expect(inactive.archived).toBe(true)
    expect(inactive.notes.find((n) => n.field === 'status')?.message).toMatch(/Inactive, not Active: it is saved archived/)
    const scep = ok(fromDialect('digicert-tlm', { ...tlm, enrollment_method: 'scep' }))
    expect(scep.archived).toBe(true)
    expect(scep.notes.find((n) => n.field === 'enrollment_method')?.message).toMatch(/enrolls by scep, not rest_api/)
  })

  it('says that a TLM attribute with only AD or admin-upload sources takes its value from the CSR here', () => {
    const r = ok(fromDialect('digicert-tlm', tlm))
    const org = r.notes.find((n) => n.field === 'certificate.subject.attributes[2]')
    expect(org?.message).toMatch(/organization_name has only sources an offline desk cannot use; here its value is taken from the CSR/)
  })

  it('never invents a FROM_CSR source on TLM export', () => {
    const r = ok(fromDialect('digicert-tlm', tlm))
    const profile = { ...r.profile, subjectAttributes: r.profile.subjectAttributes.map((a) => (a.type === 'CN' ? { ...a, sources: ['csr', 'entered'] as ('csr' | 'entered')[] } : a)) }
    const out = toDialect('digicert-tlm', profile)
    expect(JSON.stringify(out.json)).not.toContain('FROM_CSR')
    expect(out.notes.find((n) => n.field === 'subjectAttributes[0].sources')?.message).toMatch(/TLM has no "from the CSR" source/)
  })

  it('does not widen Lamassu crypto enforcement when none of the listed sizes is usable, and refuses RSA below 2048', () => {
    const r = ok(
      fromDialect('lamassu', {
        id: 'x',
        name: 'x',
        validity: { type: 'Duration', duration: '30d' },
        crypto_enforcement: { enabled: true, allow_rsa_keys: true, allowed_rsa_key_sizes: [1024, 2048], allow_ecdsa_keys: true, allowed_ecdsa_key_sizes: [224] }
      })
    )
    expect(r.profile.crypto).toMatchObject({ allowRsa: true, rsaKeySizes: [2048], allowEcdsa: false, ecdsaCurves: [] })
    expect(r.notes.map((n) => n.field)).toEqual(expect.arrayContaining(['crypto_enforcement.allowed_rsa_key_sizes', 'crypto_enforcement.allow_ecdsa_keys']))
    // Enforcement that would then allow no key at all is refused outright, naming the field.
    const onlySmall = fromDialect('lamassu', { id: 'y', name: 'y', crypto_enforcement: { enabled: true, allow_rsa_keys: true, allowed_rsa_key_sizes: [1024] } })
    expect(onlySmall).toMatchObject({ ok: false, error: { code: 'INVALID_OBJECT', field: 'crypto' } })
    const withEc = ok(fromDialect('lamassu', { id: 'z', name: 'z', crypto_enforcement: { enabled: true, allow_rsa_keys: true, allowed_rsa_key_sizes: [1024], allow_ecdsa_keys: true } }))
    expect(toDialect('lamassu', withEc.profile).json.crypto_enforcement).toMatchObject({ allow_rsa_keys: false, allowed_rsa_key_sizes: [] })
  })

  it('refuses a Palo Alto RSA 1024 key on import with a note and never sends it', () => {
    const r = ok(fromDialect('paloalto', { ...(read('paloalto-generate.json') as object), algorithm: { rsa_number_of_bits: 1024 } }))
    expect(r.profile.crypto.rsaKeySizes).toEqual([2048])
    expect(r.notes.find((n) => n.field === 'algorithm.rsa_number_of_bits')?.message).toMatch(/RSA 1024 is refused.*never generated or sent/)
    const out = toDialect('paloalto', { ...r.profile, crypto: { ...r.profile.crypto, rsaKeySizes: [1024, 3072] } })
    expect(out.json.algorithm).toEqual({ rsa_number_of_bits: 3072 })
  })

  it('never sends the local default CA as caCertId or signed_by', () => {
    for (const [dialect, field] of [
      ['certcentral', 'caCertId'],
      ['paloalto', 'signed_by']
    ] as const) {
      const base = ok(fromDialect(dialect, read(dialect === 'certcentral' ? 'certcentral-create-profile.json' : 'paloalto-generate.json')))
      const local = { ...base.profile, defaultAuthorityId: 'local-issuing-ca', extras: {} }
      const out = toDialect(dialect, local)
      expect(out.json[field]).toBeUndefined()
      expect(out.notes.find((n) => n.field === 'defaultAuthorityId')?.message).toMatch(/"local-issuing-ca" is a CA of this desk.*set the remote/)
      // The remote value kept with the profile is sent as it came.
      expect(toDialect(dialect, base.profile).json[field]).toBe(dialect === 'certcentral' ? '5A1B2C3D4E5F' : 'corp-issuing-ca')
    }
  })
})

// Lint levels (private / public-tls) and CN to SAN, through evaluate: a CN-only request
// under a TLS profile, the levels each dialect defaults to, and the finding that names its level.
import { describe, expect, it } from 'vitest'
import { evaluate } from '../../../src/main/engine/policy'
import { importProfileText as importProfile } from '../../../src/main/engine/profiles'
import { operatorInput, type ProfileBody } from '../../../src/shared/domain/profile'
import { csr, profile } from '../../fixtures/profiles/csr'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const NOW = new Date('2026-03-01T12:00:00Z')
const SERVER = '1.3.6.1.5.5.7.3.1'
const run = (p: ProfileBody, subject: Record<string, string>, sans: { type: 'dns' | 'ip'; value: string }[] = []) =>
  evaluate(p, csr({ subject, sans }), operatorInput.parse({}), { now: NOW })
const bySeverity = (r: ReturnType<typeof run>, s: 'error' | 'warning') => r.findings.filter((f) => f.severity === s).map((f) => f.code)

describe('CN to SAN', () => {
  const tls = (over: Parameters<typeof profile>[0] = {}) => profile({ keyUsage: ['digitalSignature'], extendedKeyUsages: [SERVER], ...over })

  it('is on by default for a serverAuth profile: a CN-only request gets its CN as a DNS SAN, shown as added by the profile', () => {
    const r = run(tls(), { CN: 'device-17.iot.example' })
    expect(r.findings).toEqual([])
    expect(r.template.subjectAltName?.names).toEqual([{ type: 'dns', value: 'device-17.iot.example' }])
    const row = r.preview.find((p) => p.field === 'san.dns:device-17.iot.example')!
    expect(row).toMatchObject({ requested: null, result: 'dns:device-17.iot.example' })
    expect(row.reason).toContain('added by the profile')
  })
  it('writes an IP address CN as an iPAddress SAN', () => {
    expect(run(tls(), { CN: '192.0.2.7' }).template.subjectAltName?.names).toEqual([{ type: 'ip', value: '192.0.2.7' }])
  })
  it('is off by default for a profile without serverAuth', () => {
    const r = run(profile({ keyUsage: ['digitalSignature'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'] }), { CN: 'client.example' })
    expect(r.template.subjectAltName).toBeUndefined()
  })
  it('under public-tls with CN to SAN off, the CN-only request is refused', () => {
    const r = run(tls({ lintLevel: 'public-tls', san: { includeCommonName: false } }), { CN: 'www.example.com' })
    expect(bySeverity(r, 'error')).toEqual(['TLS_SAN_MISSING', 'CN_NOT_IN_SAN'])
    expect(r.findings.every((f) => f.lintLevel === 'public-tls')).toBe(true)
  })
  it('under private with CN to SAN off, the same request only warns', () => {
    const r = run(tls({ san: { includeCommonName: false } }), { CN: 'www.example.com' })
    expect(bySeverity(r, 'error')).toEqual([])
    expect(bySeverity(r, 'warning')).toEqual(['TLS_SAN_MISSING', 'CN_NOT_IN_SAN'])
  })
  it('a CN that is no host name is an error under public-tls and a warning under private, and is not copied', () => {
    const pub = run(tls({ lintLevel: 'public-tls' }), { CN: 'Jane Doe' }, [{ type: 'dns', value: 'jane.example.com' }])
    expect(bySeverity(pub, 'error')).toEqual(['CN_NOT_HOSTNAME'])
    expect(pub.template.subjectAltName?.names).toEqual([{ type: 'dns', value: 'jane.example.com' }])
    expect(bySeverity(run(tls(), { CN: 'Jane Doe' }, [{ type: 'dns', value: 'jane.example.com' }]), 'warning')).toEqual(['CN_NOT_HOSTNAME'])
  })
  it('RFC 5280 rules stay errors under private', () => {
    const r = run(tls(), { CN: 'x'.repeat(60) + '.example' })
    expect(bySeverity(r, 'error')).toContain('SUBJECT_ATTRIBUTE_TOO_LONG')
  })
})

describe('lint level defaults per dialect', () => {
  const seed = (name: string) => readFileSync(join(__dirname, '../../fixtures/profiles', name), 'utf8')
  const level = (json: string) => {
    const r = importProfile(json, 'auto')
    if (!r.ok) throw new Error(r.error.message)
    return profile(r.value.profile).lintLevel
  }
  it('CertCentral (publicly trusted TLS) imports as public-tls; Lamassu, TLM and Palo Alto as private', () => {
    expect(level(seed('certcentral-create-profile.json'))).toBe('public-tls')
    expect(level(seed('lamassu-web-server.json'))).toBe('private')
    expect(level(seed('tlm-profile-list.json'))).toBe('private')
    expect(level(seed('paloalto-generate.json'))).toBe('private')
  })
  it('the PKI Desk dialect carries the level both ways', () => {
    const out = importProfile(JSON.stringify({ format: 'pkidesk-profile', version: 1, profile: { name: 'Public web', lintLevel: 'public-tls' } }), 'pkidesk')
    expect(out.ok && profile(out.value.profile).lintLevel).toBe('public-tls')
  })
  it('starters: private, except the TLS server starter, which says in its description that it is public-tls', () => {
    const dir = join(__dirname, '../../../resources/profiles')
    for (const f of ['code-signing.json', 'intermediate-ca.json', 'iot-device.json', 'smime.json', 'tls-client.json'])
      expect(profile(JSON.parse(readFileSync(join(dir, f), 'utf8')).profile).lintLevel, f).toBe('private')
    const tls = profile(JSON.parse(readFileSync(join(dir, 'tls-server.json'), 'utf8')).profile)
    expect(tls.lintLevel).toBe('public-tls')
    expect(tls.description).toContain('public-tls')
  })
})

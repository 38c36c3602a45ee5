// renewalInput: what a renewal enters so that `evaluate` over a CSR carrying the old subject
// and SANs gives the old certificate's subject and names back, whatever sources the profile
// takes them from; and nothing that would raise an "input ignored" warning.
import { describe, expect, it } from 'vitest'
import { evaluate, renewalInput, renewalNameChanges } from '../../../src/main/engine/policy'
import type { DistinguishedName, GeneralName } from '../../../src/shared/domain/names'
import type { ProfileBody } from '../../../src/shared/domain/profile'
import { csr, profile } from '../../fixtures/profiles/csr'

const NOW = new Date('2026-03-01T12:00:00Z')
const subject: DistinguishedName = [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'dev-1.example.com' }]]
const sans: GeneralName[] = [
  { type: 'dns', value: 'dev-1.example.com' },
  { type: 'ip', value: '10.1.2.3' }
]

/** The certificate a renewal gets: evaluate over the new CSR (old subject and SANs) with renewalInput. */
function renew(p: ProfileBody) {
  const input = renewalInput(p, subject, sans)
  const r = evaluate(p, csr({ subject, sans }), input, { now: NOW })
  return { input, findings: r.findings, subject: r.template.subject, sans: r.template.subjectAltName?.names }
}

describe('renewalInput', () => {
  it('enters nothing when the profile takes everything from the CSR', () => {
    const p = profile({ subjectAttributes: [{ type: 'CN', sources: ['csr'] }, { type: 'O', sources: ['csr', 'entered'] }, { type: 'C', sources: ['csr'] }], san: { includeCommonName: false } })
    const r = renew(p)
    expect(r.input).toEqual({ subject: {}, sans: [] })
    expect(r.findings).toEqual([])
    expect(r.subject).toEqual(subject)
    expect(r.sans).toEqual(sans)
  })

  it('enters the attributes a rule takes only from operator input, and keeps fixed ones to the profile', () => {
    const p = profile({
      subjectAttributes: [
        { type: 'CN', mandatory: true, sources: ['entered'] },
        { type: 'O', sources: ['fixed'], value: 'Example' },
        { type: 'C', sources: ['csr'] }
      ],
      san: { includeCommonName: false }
    })
    const r = renew(p)
    expect(r.input.subject).toEqual({ CN: 'dev-1.example.com' })
    expect(r.findings).toEqual([])
    expect(r.subject).toEqual(subject)
  })

  it('enters the SANs when the profile does not take them from the CSR (fromCsr off, or a rule without csr)', () => {
    const off = profile({ san: { fromCsr: false, includeCommonName: false } })
    expect(renew(off).input.sans).toEqual(sans)
    expect(renew(off).sans).toEqual(sans)
    const ipEnteredOnly = profile({ san: { includeCommonName: false, rules: [{ type: 'ip', sources: ['entered'] }] } })
    const r = renew(ipEnteredOnly)
    expect(r.input.sans).toEqual([{ type: 'ip', value: '10.1.2.3' }])
    expect(r.findings).toEqual([])
    expect(r.sans).toEqual(sans)
  })

  it('enters nothing a rule refuses from input (no SAN_INPUT_IGNORED warning): a fixed-only SAN comes from the profile', () => {
    const fixedIp = profile({ san: { fromCsr: false, includeCommonName: false, rules: [{ type: 'ip', sources: ['fixed'], value: '10.1.2.3' }] } })
    const r = renew(fixedIp)
    expect(r.input.sans).toEqual([{ type: 'dns', value: 'dev-1.example.com' }])
    expect(r.findings).toEqual([])
    expect(r.sans).toEqual(expect.arrayContaining(sans))
  })

  it('keeps several values of one entered attribute, and enters nothing without a profile', () => {
    const multi: DistinguishedName = [[{ type: 'OU', value: 'A' }], [{ type: 'OU', value: 'B' }]]
    const p = profile({ subjectAttributes: [{ type: 'OU', multiple: true, sources: ['entered'] }] })
    expect(renewalInput(p, multi, []).subject).toEqual({ OU: ['A', 'B'] })
    expect(renewalInput(null, subject, sans)).toEqual({ subject: {}, sans: [] })
  })
})

describe('renewalNameChanges', () => {
  it('says nothing when the names stay, whatever the order of the SANs', () => {
    expect(renewalNameChanges({ subject, sans }, { subject, sans: [...sans].reverse() })).toEqual([])
  })

  it('warns about a changed subject and about dropped and added SANs, naming each', () => {
    const fewer: DistinguishedName = [[{ type: 'CN', value: 'dev-1.example.com' }]]
    const changes = renewalNameChanges({ subject, sans }, { subject: fewer, sans: [sans[0]!, { type: 'dns', value: 'new.example.com' }] })
    expect(changes.map((f) => [f.code, f.severity, f.field])).toEqual([
      ['RENEWAL_SUBJECT_CHANGED', 'warning', 'subject'],
      ['RENEWAL_SANS_CHANGED', 'warning', 'san']
    ])
    expect(changes[0]!.message).toContain('"CN=dev-1.example.com" instead of "CN=dev-1.example.com, O=Example, C=DE"')
    expect(changes[1]!.message).toMatch(/drops IP(?: Address)?:10\.1\.2\.3; adds DNS:new\.example\.com/)
  })
})

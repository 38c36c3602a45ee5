// The Sign screen's CA (renderer lib/signing-ca.ts): the operator's choice, else the profile's
// default CA, else the only CA that can sign; a re-keyed CA named by either stands for its
// successor, so a profile made before a re-key still preselects the CA now under that name.
import { describe, expect, it } from 'vitest'
import type { AuthoritySummary } from '../../../src/shared/domain/authority'
import { currentAuthority, signingCaFor } from '../../../src/renderer/src/lib/signing-ca'

const ca = (id: string, more: Partial<AuthoritySummary> = {}): AuthoritySummary => ({ id, name: id, state: 'active', canIssue: true, ...more }) as AuthoritySummary

describe('signingCaFor', () => {
  const root = ca('root')
  const retired = ca('issuing-key1', { state: 'retired', successorId: 'issuing-key2' })
  const older = ca('issuing-key0', { state: 'retired', successorId: 'issuing-key1' })
  const current = ca('issuing-key2')
  const all = [root, older, retired, current]

  it('keeps the operator choice while that CA can sign, before the profile default', () => {
    expect(signingCaFor(all, 'root', 'issuing-key2')).toBe('root')
  })

  it('a profile default naming a re-keyed CA preselects its successor, through several re-keys', () => {
    expect(signingCaFor(all, null, 'issuing-key1')).toBe('issuing-key2')
    expect(signingCaFor(all, null, 'issuing-key0')).toBe('issuing-key2')
    expect(signingCaFor(all, 'issuing-key0', null)).toBe('issuing-key2')
  })

  it('a default that leads to no CA able to sign falls back to the only signing CA, or none', () => {
    const locked = ca('issuing-key2', { canIssue: false })
    expect(signingCaFor([root, retired, locked], null, 'issuing-key1')).toBe('root')
    expect(signingCaFor([root, current, retired], null, 'gone')).toBeNull()
  })

  it('a loop in the successor links ends instead of hanging', () => {
    const a = ca('a', { state: 'retired', successorId: 'b' })
    const b = ca('b', { state: 'retired', successorId: 'a' })
    expect(['a', 'b']).toContain(currentAuthority([a, b], 'a'))
    expect(signingCaFor([a, b, root], null, 'a')).toBe('root')
  })
})

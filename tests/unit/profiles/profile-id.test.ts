// A new profile's id read from its name: lower case, accents dropped, one dash for every run
// of other characters, bounded, always a valid profile id; a taken one gains -2, -3, …
import { describe, expect, it } from 'vitest'
import { DERIVED_PROFILE_ID_CHARS, profileIdFromName, uniqueProfileId } from '../../../src/shared/domain/profile-id'
import { PROFILE_ID_PATTERN } from '../../../src/shared/domain/profile'

describe('profileIdFromName', () => {
  it.each([
    ['TLS server (90 days)', 'tls-server-90-days'],
    ['Web One', 'web-one'],
    ['  S/MIME — Ärzte & Büro  ', 's-mime-arzte-buro'],
    ['IoT_device.v2', 'iot-device-v2'],
    ['Crème brûlée CA', 'creme-brulee-ca'],
    ['---', 'profile'],
    ['Сервер', 'profile'],
    ['Сервер 2', '2']
  ])('%s → %s', (name, id) => {
    expect(profileIdFromName(name)).toBe(id)
    expect(PROFILE_ID_PATTERN.test(profileIdFromName(name))).toBe(true)
  })

  it('cuts a long name at the limit and leaves no trailing dash', () => {
    const id = profileIdFromName('A very long profile name for the internal web servers of the northern region datacenter')
    expect(id.length).toBeLessThanOrEqual(DERIVED_PROFILE_ID_CHARS)
    expect(id).toBe('a-very-long-profile-name-for-the-internal-web-se')
    expect(profileIdFromName(`${'a'.repeat(DERIVED_PROFILE_ID_CHARS - 1)} b`)).toBe('a'.repeat(DERIVED_PROFILE_ID_CHARS - 1))
  })
})

describe('uniqueProfileId', () => {
  it('keeps a free id and numbers a taken one from 2', () => {
    const taken = new Set(['web-one', 'web-one-2'])
    expect(uniqueProfileId('tls', (id) => taken.has(id))).toBe('tls')
    expect(uniqueProfileId('web-one', (id) => taken.has(id))).toBe('web-one-3')
  })
})

import { describe, expect, it } from 'vitest'
import { explainKeychainError } from '../../../src/main/vault/napi-keychain'
import { keychainMessageForExistingKey } from '../../../src/main/vault/keychain'

// Messages as @napi-rs/keyring reports them (observed on Linux with and without a session bus).
describe('keychain errors become one sentence with the fix', () => {
  it.each([
    [
      'no D-Bus at all',
      Object.assign(new Error('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead'), {
        cause: new Error('Using X11 for dbus-daemon autolaunch was disabled at compile time')
      }),
      /^no D-Bus session is running.*or choose passphrase protection$/
    ],
    ['a dead bus socket', new Error('Platform failure: DBus error: Failed to connect to socket /tmp/dbus-x: No such file or directory'), /^no D-Bus session is running/],
    ['no Secret Service on the bus', new Error('Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'), /^no Secret Service is running: start gnome-keyring or choose passphrase protection$/],
    ['a locked keyring', new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed"), /^the Secret Service keyring is locked.*unlock your login keyring/],
    ['no default collection', new Error("Couldn't access platform storage: Secret Service: no result found"), /^the Secret Service keyring is locked or has no default collection/],
    ['anything else', new Error('boom'), /^the Secret Service could not be used \(boom\): start gnome-keyring or choose passphrase protection$/]
  ])('%s', (_name, error, expected) => {
    expect(explainKeychainError(error, 'linux')).toMatch(expected)
  })

  it('names the platform keychain elsewhere', () => {
    expect(explainKeychainError(new Error('User interaction is not allowed.'), 'darwin')).toBe(
      'the macOS Keychain could not be used (User interaction is not allowed.): unlock it or choose passphrase protection'
    )
  })
})

describe('an existing keychain key when the keychain is down', () => {
  it('KEYCHAIN_UNAVAILABLE for an existing key says to start and unlock the keyring, never to choose passphrase protection', () => {
    const causes = [
      new Error('org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'),
      new Error('Platform secure storage failure: prompt dismissed, collection is locked'),
      new Error('Failed to connect to socket /run/user/0/bus: No such file or directory (dbus)')
    ]
    for (const c of causes) {
      const forNew = explainKeychainError(c, 'linux')
      expect(forNew).toMatch(/choose passphrase protection/)
      const forExisting = keychainMessageForExistingKey(forNew)
      expect(forExisting).not.toMatch(/choose passphrase protection/)
      expect(forExisting).toMatch(/start the Secret Service \(gnome-keyring\) and unlock your login keyring, then try again$/)
    }
    expect(keychainMessageForExistingKey('no Secret Service is running: start gnome-keyring or choose passphrase protection')).toBe(
      'no Secret Service is running: this key is kept in the keychain and cannot be opened without it; start the Secret Service (gnome-keyring) and unlock your login keyring, then try again'
    )
  })
})

// The packaging configuration and its fuses, tested as data (the Electron binary cannot be
// downloaded here): the targets, ASAR, and an after-pack step that flips exactly the fuse
// list on a binary, checked on a stand-in file that carries Electron's fuse wire.
import { describe, expect, it, afterAll } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { tempDir } from '../engine/helpers'

const require = createRequire(__filename)
interface BuilderConfig {
  readonly linux: { target: string[] }
  readonly win: { target: string[] }
  readonly mac: { target: string[] }
  readonly asar: boolean
  readonly asarUnpack: string[]
  readonly files: string[]
  readonly afterPack: string
  readonly publish: null
}
const config = require('../../../electron-builder.config.cjs') as BuilderConfig
const afterPack = require('../../../scripts/after-pack.cjs') as ((context: unknown) => Promise<void>) & { FUSES: Record<string, boolean>; electronBinary(c: unknown): string }
const tmp = tempDir('pkidesk-fuses-')
afterAll(() => tmp.cleanup())

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const ENABLE = 49
const DISABLE = 48

/** A file laid out like an Electron binary around its fuse wire: version 1, nine fuses, Electron's defaults. */
function standInBinary(path: string): void {
  const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE, ENABLE]
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.alloc(4096, 0x90)]))
}

function wireOf(path: string): number[] {
  const bytes = readFileSync(path)
  const at = bytes.indexOf(Buffer.from(SENTINEL)) + SENTINEL.length
  return [...bytes.subarray(at + 2, at + 2 + bytes[at + 1]!)]
}

describe('electron-builder configuration', () => {
  it('builds deb and AppImage, NSIS and dmg, from an ASAR archive, publishing nothing', () => {
    expect(config.linux.target).toEqual(['deb', 'AppImage'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.publish).toBeNull()
    expect(config.files).toContain('out/**')
    expect(config.afterPack).toBe('./scripts/after-pack.cjs')
  })

  it('names an after-pack script that exists and is the one tested here', () => {
    expect(require.resolve(join('../../..', config.afterPack))).toBe(require.resolve('../../../scripts/after-pack.cjs'))
  })
})

describe('fuses', () => {
  it('turns RunAsNode off, cookie encryption on, ASAR integrity on and loads the app only from ASAR', () => {
    expect(afterPack.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true
    })
  })

  it('flips the wire of the packaged Linux binary in after-pack', async () => {
    const out = join(tmp.dir, 'linux-unpacked')
    mkdirSync(out)
    standInBinary(join(out, 'pkidesk-desk'))
    await afterPack({ appOutDir: out, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'PKI Desk' }, executableName: 'pkidesk-desk' } })
    expect(wireOf(join(out, 'pkidesk-desk'))).toEqual([DISABLE, ENABLE, DISABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, ENABLE])
  })

  it('refuses a binary whose wire has a fuse the list does not decide', async () => {
    const out = join(tmp.dir, 'win-unpacked')
    mkdirSync(out)
    const exe = join(out, 'PKI Desk.exe')
    writeFileSync(exe, Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 10, ...new Array(10).fill(ENABLE)])]))
    await expect(afterPack({ appOutDir: out, electronPlatformName: 'win32', arch: 1, packager: { appInfo: { productFilename: 'PKI Desk' }, executableName: 'pkidesk-desk' } })).rejects.toThrow(/strictlyRequireAllFuses/)
  })

  it('finds the binary on each platform', () => {
    const packager = { appInfo: { productFilename: 'PKI Desk' }, executableName: 'pkidesk-desk' }
    expect(afterPack.electronBinary({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe('/o/PKI Desk.app')
    expect(afterPack.electronBinary({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe('/o/PKI Desk.exe')
    expect(afterPack.electronBinary({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe('/o/pkidesk-desk')
  })
})

// electron-builder afterPack: sets the Electron fuses of the packaged binary (before the
// installers are made and before signing), so the shipped app cannot be turned back into
// a Node runtime or made to load code from outside its ASAR archive.
//   RunAsNode off                          ELECTRON_RUN_AS_NODE cannot run arbitrary scripts
//   EnableCookieEncryption on              cookies at rest encrypted with the OS key
//   EnableNodeOptionsEnvironmentVariable   off: NODE_OPTIONS cannot inject --require
//   EnableNodeCliInspectArguments off      --inspect cannot attach a debugger
//   EnableEmbeddedAsarIntegrityValidation  on (macOS, Windows): a modified app.asar refuses to load
//   OnlyLoadAppFromAsar on                 no loose app/ folder beside the archive is loaded
//   LoadBrowserProcessSpecificV8Snapshot   off (the default snapshot)
//   GrantFileProtocolExtraPrivileges off   file:// gets no privileges (the renderer is app://)
//   WasmTrapHandlers on                    Electron's default (re2-wasm needs nothing else)
// strictlyRequireAllFuses: a fuse added by a later Electron fails the build until it is decided here.
'use strict'
const { join } = require('node:path')

const FUSES = Object.freeze({
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

/** electron-builder's Arch enum value for arm64. */
const ARCH_ARM64 = 3

/** The packaged Electron binary that carries the fuse wire, per platform. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context
  const product = packager.appInfo.productFilename
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${product}.app`)
    case 'win32':
      return join(appOutDir, `${product}.exe`)
    case 'linux':
      return join(appOutDir, packager.executableName)
    default:
      throw new Error(`after-pack: no fuse target known for platform ${electronPlatformName}`)
  }
}

async function fuseConfig(context) {
  const { FuseV1Options, FuseVersion } = await import('@electron/fuses')
  const config = {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks the ad-hoc signature of an arm64 macOS binary; re-sign it ad hoc.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64
  }
  for (const [name, value] of Object.entries(FUSES)) {
    if (!(name in FuseV1Options)) throw new Error(`after-pack: @electron/fuses has no fuse named ${name}`)
    config[FuseV1Options[name]] = value
  }
  return config
}

async function afterPack(context) {
  const { flipFuses } = await import('@electron/fuses')
  await flipFuses(electronBinary(context), await fuseConfig(context))
}

module.exports = afterPack
module.exports.default = afterPack
module.exports.FUSES = FUSES
module.exports.electronBinary = electronBinary
module.exports.fuseConfig = fuseConfig

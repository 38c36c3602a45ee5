// Packaging (electron-builder): Linux deb + AppImage, Windows NSIS, macOS dmg. The app is
// loaded from an ASAR archive only, with ASAR integrity checked at start (macOS and Windows),
// and scripts/after-pack.cjs sets the Electron fuses of the packaged binary before any
// installer is made. Native modules (better-sqlite3, the keychain binding) are unpacked
// beside the archive because a .node file cannot be loaded from inside it.
// How to build a package on a connected machine: README.md, "Packaging".
'use strict'

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.pkidesk.desk',
  productName: 'PKI Desk',
  executableName: 'pkidesk-desk',
  directories: { output: 'dist', buildResources: 'build' },
  files: ['out/**', 'package.json', '!out/**/*.map', '!**/node_modules/**/{test,tests,docs,*.md,*.d.ts}'],
  asar: true,
  asarUnpack: ['**/*.node'],
  // The CLI (out/main/cli.js) and the issuance worker ship inside the same archive.
  afterPack: './scripts/after-pack.cjs',
  electronLanguages: ['en-US'],
  linux: { target: ['deb', 'AppImage'], category: 'Utility', maintainer: 'PKI Desk maintainers', synopsis: 'Offline certificate-authority workstation' },
  deb: { depends: ['libsecret-1-0'] },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true },
  dmg: { sign: false },
  // Nothing is published from a build: packages are carried to the air-gapped machine by hand.
  publish: null
}

// Lint, including the layer boundaries of STYLE.md. Each zone of the tree gets the full list
// of imports it may not make (flat config does not merge a rule's options, so every zone's
// list is computed here from the restrictions that apply to it).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'worker_threads', 'url', 'stream', 'zlib', 'util']
const nodeModules = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:fs/promises', 'fs/promises']

const R = {
  electron: { name: 'electron', message: 'Only src/main/app, src/main/ipc, src/main/index.ts and src/preload may import electron.' },
  ipcMain: { name: 'electron', importNames: ['ipcMain'], message: 'Only src/main/ipc imports ipcMain.' },
  sqlite: { name: 'better-sqlite3', message: 'Only src/main/store imports better-sqlite3.', allowTypeImports: true },
  keyring: { name: '@napi-rs/keyring', message: 'Only src/main/vault touches the OS keychain.' },
  pkcs11: { name: 'pkcs11js', message: 'Only src/main/vault (its pkcs11/ key store) talks to PKCS#11 tokens.', allowTypeImports: false },
  privateKeyCrypto: ['crypto', 'node:crypto'].map((name) => ({
    name,
    importNames: ['createPrivateKey', 'generateKeyPair', 'generateKeyPairSync', 'createSign', 'sign', 'privateDecrypt', 'privateEncrypt', 'diffieHellman'],
    message: 'Only src/main/vault handles private key bytes; ask the vault for a Signer.'
  })),
  fs: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({ name, message: 'src/main/engine is pure: no file system.' })),
  node: nodeModules.map((name) => ({ name, message: 'This code runs in the renderer: no Node modules.' }))
}

const P = {
  mainFromRenderer: { group: ['**/main/**', '**/preload/**', '**/cli/**'], message: 'The renderer imports only src/shared and itself.' },
  engineDeps: { group: ['**/store', '**/store/**', '**/services/**', '**/ipc/**', '**/sync/**', '**/app/**'], message: 'src/main/engine is pure: no store, services, ipc or sync.' },
  vaultFromEngine: { group: ['**/vault', '**/vault/**'], message: 'src/main/engine declares the Signer port it needs (engine/signer.ts); the vault implements it, the engine never imports the vault.' },
  mainFromShared: { group: ['**/main/**', '**/renderer/**', '**/cli/**', '**/preload/**'], message: 'src/shared is imported by every layer; it imports none of them.' },
  internalsFromCli: {
    group: ['**/main/store', '**/main/store/**', '**/main/engine', '**/main/engine/**', '**/main/vault', '**/main/vault/**'],
    message: 'src/cli drives the services (src/main/services) like the app does; it never reaches into the store, the engine or the vault.'
  }
}

// SQL lives in src/main/store: a call of anything named prepare elsewhere in src is refused
// (services get transaction handles and repositories, never the database). no-restricted-syntax
// is one rule per file in flat config, so every zone that sets it lists this selector too.
const SQL = {
  selector: "CallExpression[callee.property.name='prepare']",
  message: 'SQL lives in src/main/store: add a repository function there and call it with the ReadTx/WriteTx handle the Store gives you.'
}

// Renderer stores (STYLE.md: main owns the state, the renderer mirrors it): a component reads
// what it shows through a selector, so it re-renders only when that changes; a store keeps
// its state in the store, never in module variables shared by every caller.
const S = {
  wholeStore: {
    selector: 'CallExpression[callee.name=/^use[A-Z]\\w*Store$/][arguments.length=0]',
    message: 'Select what the component uses: useXStore((s) => s.field), or useShallow for several fields.'
  },
  storeGlobals: ['Program > VariableDeclaration[kind="let"]', 'Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]'].map((selector) => ({
    selector,
    message: 'No module globals in a store: keep the value in the store state.'
  }))
}

function restrict({ paths = [], patterns = [] }) {
  return {
    '@typescript-eslint/no-restricted-imports': ['error', { paths: paths.flat(), patterns }]
  }
}

const outsideVault = [R.keyring, R.pkcs11, R.privateKeyCrypto]
const outsideStore = [R.sqlite]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'docs/**', 'tests/fixtures/**', '**/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }]
    }
  },
  { files: ['bin/**/*.js', 'scripts/**/*.{js,cjs}'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Zones, most general first; a later zone replaces the rule for its files.
  { files: ['src/main/**/*.ts'], rules: restrict({ paths: [R.electron, ...outsideStore, ...outsideVault] }) },
  { files: ['src/main/index.ts', 'src/main/app/**/*.ts'], rules: restrict({ paths: [R.ipcMain, ...outsideStore, ...outsideVault] }) },
  { files: ['src/main/ipc/**/*.ts'], rules: restrict({ paths: [...outsideStore, ...outsideVault] }) },
  { files: ['src/main/store/**/*.ts'], rules: restrict({ paths: [R.electron, ...outsideVault] }) },
  { files: ['src/main/vault/**/*.ts'], rules: restrict({ paths: [R.electron, ...outsideStore] }) },
  {
    files: ['src/main/engine/**/*.ts'],
    rules: restrict({ paths: [R.electron, R.sqlite, ...outsideVault, R.fs], patterns: [P.engineDeps, P.vaultFromEngine] })
  },
  { files: ['src/cli/**/*.ts'], rules: restrict({ paths: [R.electron, ...outsideStore, ...outsideVault], patterns: [P.internalsFromCli] }) },
  { files: ['src/preload/**/*.ts'], rules: restrict({ paths: [R.ipcMain, R.sqlite, R.keyring, R.pkcs11, R.node], patterns: [P.mainFromRenderer] }) },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict({ paths: [R.electron, R.sqlite, R.keyring, R.pkcs11, R.node], patterns: [P.mainFromShared] })
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict({ paths: [R.electron, R.sqlite, R.keyring, R.pkcs11, R.node], patterns: [P.mainFromRenderer] }),
      'no-restricted-syntax': ['error', S.wholeStore, SQL]
    }
  },
  { files: ['src/renderer/src/stores/*-store.ts'], rules: { 'no-restricted-syntax': ['error', S.wholeStore, ...S.storeGlobals, SQL] } },
  // Every other zone of src outside the store (the renderer's zones above carry it too).
  { files: ['src/**/*.{ts,tsx}'], ignores: ['src/main/store/**', 'src/renderer/**'], rules: { 'no-restricted-syntax': ['error', SQL] } }
)

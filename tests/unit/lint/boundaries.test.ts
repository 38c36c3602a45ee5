// Proves the layer boundaries of STYLE.md are enforced: each snippet is linted as if it
// lived at the given path, with the project's real ESLint config. Imports are checked by
// no-restricted-imports; SQL outside src/main/store (a call of `prepare`) by no-restricted-syntax.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

const BOUNDARY_RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'])

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message)
}

const violations: [string, string, string, RegExp][] = [
  ['renderer imports main', 'src/renderer/src/features/x/Bad.tsx', "import { createServices } from '../../../../main/services'\nexport const x = createServices", /renderer imports only src\/shared/],
  ['renderer imports node', 'src/renderer/src/lib/bad.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync", /no Node modules/],
  ['renderer imports electron', 'src/renderer/src/lib/bad.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer", /electron/],
  ['engine imports electron', 'src/main/engine/bad.ts', "import { app } from 'electron'\nexport const x = app", /electron/],
  ['engine imports fs', 'src/main/engine/bad.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync", /no file system/],
  ['engine imports the store', 'src/main/engine/bad.ts', "import { openDatabase } from '../store'\nexport const x = openDatabase", /pure/],
  ['engine imports the vault at run time', 'src/main/engine/bad.ts', "import { createKeyObjectSigner } from '../vault/signer'\nexport const x = createKeyObjectSigner", /Signer/],
  ['engine imports even a vault type (the port is the engine\'s)', 'src/main/engine/bad.ts', "import type { Signer } from '../vault/signer'\nexport type X = Signer", /Signer port/],
  ['services import better-sqlite3', 'src/main/services/bad.ts', "import Database from 'better-sqlite3'\nexport const x = Database", /Only src\/main\/store/],
  ['services import the keychain', 'src/main/services/bad.ts', "import { Entry } from '@napi-rs/keyring'\nexport const x = Entry", /keychain/],
  ['services talk to a PKCS#11 token', 'src/main/services/bad.ts', "import { PKCS11 } from 'pkcs11js'\nexport const x = PKCS11", /PKCS#11 tokens/],
  ['services touch private keys', 'src/main/services/bad.ts', "import { createPrivateKey } from 'node:crypto'\nexport const x = createPrivateKey", /private key bytes/],
  ['engine generates keys', 'src/main/engine/bad.ts', "import { generateKeyPairSync } from 'crypto'\nexport const x = generateKeyPairSync", /private key bytes/],
  ['store imports the keychain', 'src/main/store/bad.ts', "import { Entry } from '@napi-rs/keyring'\nexport const x = Entry", /keychain/],
  ['app imports ipcMain', 'src/main/app/bad.ts', "import { ipcMain } from 'electron'\nexport const x = ipcMain", /ipcMain/],
  ['shared imports main', 'src/shared/bad.ts', "import { openDatabase } from '../main/store'\nexport const x = openDatabase", /imports none of them/],
  ['cli imports electron', 'src/cli/bad.ts', "import { app } from 'electron'\nexport const x = app", /electron/],
  ['cli imports the store', 'src/cli/bad.ts', "import { getCertificate } from '../main/store/certificates-repo'\nexport const x = getCertificate", /never reaches into the store/],
  ['cli imports the engine', 'src/cli/commands/bad.ts', "import { importProfileText } from '../../main/engine/profiles'\nexport const x = importProfileText", /never reaches into the store, the engine/],
  ['cli imports the vault', 'src/cli/bad.ts', "import { MIN_PASSPHRASE_LENGTH } from '../main/vault'\nexport const x = MIN_PASSPHRASE_LENGTH", /or the vault/],
  ['a service runs SQL', 'src/main/services/bad.ts', "import type { ReadTx } from '../store/database'\nexport const x = (tx: ReadTx) => tx.prepare('SELECT 1').get()", /SQL lives in src\/main\/store/],
  ['the vault runs SQL', 'src/main/vault/bad.ts', "import type { WriteTx } from '../store/database'\nexport const x = (tx: WriteTx) => tx.prepare('DELETE FROM vault_keys').run()", /SQL lives in src\/main\/store/],
  ['the cli runs SQL', 'src/cli/bad.ts', "export const x = (db: { prepare(sql: string): unknown }) => db.prepare('SELECT 1')", /SQL lives in src\/main\/store/]
]

const allowed: [string, string, string][] = [
  ['renderer imports shared', 'src/renderer/src/lib/ok.ts', "import { ok } from '../../../shared/errors'\nexport const x = ok"],
  ['engine imports its own Signer port', 'src/main/engine/ok.ts', "import type { Signer } from './signer'\nexport type X = Signer"],
  ['vault implements the engine\'s Signer port', 'src/main/vault/ok.ts', "import type { Signer } from '../engine/signer'\nexport type X = Signer"],
  ['engine hashes with node:crypto', 'src/main/engine/ok.ts', "import { createHash } from 'node:crypto'\nexport const x = createHash"],
  ['store imports better-sqlite3', 'src/main/store/ok.ts', "import Database from 'better-sqlite3'\nexport const x = Database"],
  ['vault imports the keychain and key functions', 'src/main/vault/ok.ts', "import { Entry } from '@napi-rs/keyring'\nimport { createPrivateKey } from 'node:crypto'\nexport const x = [Entry, createPrivateKey]"],
  ['vault imports the PKCS#11 binding', 'src/main/vault/pkcs11/ok.ts', "import { PKCS11 } from 'pkcs11js'\nexport const x = PKCS11"],
  ['ipc imports ipcMain', 'src/main/ipc/ok.ts', "import { ipcMain } from 'electron'\nexport const x = ipcMain"],
  ['preload imports ipcRenderer', 'src/preload/ok.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
  ['cli imports the services', 'src/cli/ok.ts', "import { createServices } from '../main/services'\nexport const x = createServices"],
  ['cli imports shared', 'src/cli/ok.ts', "import { MIN_PASSPHRASE_LENGTH } from '../shared/domain/keys'\nexport const x = MIN_PASSPHRASE_LENGTH"],
  ['a repository runs SQL', 'src/main/store/ok.ts', "import type { ReadTx } from './database'\nexport const x = (tx: ReadTx) => tx.prepare('SELECT 1').get()"]
]

describe('layer boundaries', () => {
  it.each(violations)('rejects: %s', async (_name, filePath, code, expected) => {
    const errors = await boundaryErrors(filePath, code)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(expected)
  })
  it.each(allowed)('allows: %s', async (_name, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([])
  })
})

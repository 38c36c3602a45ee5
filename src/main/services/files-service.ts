// Writes files the operator asked to save, to a place they chose through the injected
// dialogs port (Electron's save dialog in the app, a fixed folder in the test harness).
// Never overwrites: a name already taken gets " (2)", " (3)"… before its extension.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fail, ok, type Result } from '../../shared/errors'
import type { FileToSave, SaveOutcome } from '../../shared/ipc/files'
import type { StoredKeyProtection } from '../../shared/domain/keys'
import type { KeySecrets } from '../vault'

/** How main asks the operator where to save. Electron's lives in src/main/app/dialogs.ts. */
export interface DialogsPort {
  /** An absolute file path, or null when the operator cancelled. */
  chooseSaveFile(title: string, defaultName: string): Promise<string | null>
  /** An existing (or created) absolute directory, or null when the operator cancelled. */
  chooseFolder(title: string): Promise<string | null>
  /** Existing files to read (a backup, its share files), or null when the operator cancelled. */
  chooseOpenFiles(title: string, kind: OpenFileKind, multiple: boolean): Promise<string[] | null>
  /**
   * Asked by main, never by the renderer, before a CA's private key leaves the vault: the
   * CA key's passphrase again (or each custodian present), or for a keychain-only key an
   * explicit "Export the CA key". The answer goes to the vault, which checks it against the
   * key's envelope; null when the operator cancelled.
   */
  confirmCaKeyExport(prompt: CaKeyExportPrompt): Promise<KeySecrets | null>
  /** Asked by main before it loads a PKCS#11 module whose path the operator typed (loading runs its code): true to load it. */
  confirmModuleLoad(path: string): Promise<boolean>
}

/** What the confirmation says (nothing secret): which CA, which certificate, what it asks for. */
export interface CaKeyExportPrompt {
  /** The CA's name, or the certificate's subject when no CA held here uses the key. */
  readonly authority: string
  /** The certificate's serial, upper-case hex. */
  readonly serial: string
  readonly protection: StoredKeyProtection
  /** A custodian-protected key: how many must be present, and who they are. */
  readonly custodians?: { readonly threshold: number; readonly names: readonly string[] }
}

/** What an open dialog filters for. */
export type OpenFileKind = 'backup' | 'share' | 'pkcs11-module'

export interface FilesService {
  save(title: string, file: FileToSave): Promise<Result<SaveOutcome>>
  saveAll(title: string, files: readonly FileToSave[]): Promise<Result<SaveOutcome>>
  /**
   * For files made in main that must never cross IPC (anything carrying a private key): asks
   * the operator where first, and only then runs `produce` (which may decrypt and audit), so a
   * cancelled dialog exports nothing. The bytes go from `produce` straight to the disk.
   */
  saveProduced(title: string, defaultName: string, produce: () => Promise<Result<Uint8Array>>): Promise<Result<SaveOutcome>>
  /** Asks where, for work done in main that writes its own files (a backup): null when cancelled. */
  chooseSaveFile(title: string, defaultName: string): Promise<Result<string | null>>
  chooseFolder(title: string): Promise<Result<string | null>>
  /**
   * A folder the operator chose for main to write into later (a signing run's output), kept
   * here under a random id: the window holds the id, never a path it could name itself.
   */
  grantOutputFolder(title: string): Promise<Result<{ folderId: string; path: string } | null>>
  /** The folder of a grant, or OUTPUT_FOLDER_UNKNOWN. */
  grantedFolder(folderId: string): Result<string>
  /** Writes files one at a time into `dir` (never overwriting: a taken name gets " (2)"); each answers with its path. */
  writerInto(dir: string): (file: { readonly name: string; readonly bytes: Uint8Array }) => Result<string>
  chooseOpenFiles(title: string, kind: OpenFileKind, multiple: boolean): Promise<Result<string[] | null>>
  /** The CA key's secrets asked again in main's own dialog (DialogsPort.confirmCaKeyExport); null when cancelled. */
  confirmCaKeyExport(prompt: CaKeyExportPrompt): Promise<Result<KeySecrets | null>>
  /** The operator's yes, in main's own dialog, before a typed PKCS#11 module path is loaded. */
  confirmModuleLoad(path: string): Promise<Result<boolean>>
}

function freeName(dir: string, name: string, taken: Set<string>): string {
  const ext = extname(name)
  const stem = name.slice(0, name.length - ext.length)
  let candidate = name
  for (let n = 2; taken.has(candidate) || existsSync(join(dir, candidate)); n++) candidate = `${stem} (${n})${ext}`
  taken.add(candidate)
  return candidate
}

export function createFilesService(dialogs: DialogsPort | undefined): FilesService {
  const noDialogs = (): Result<never> =>
    fail('FILES_NO_DIALOG', 'Saving files needs the desktop app; in the command line, use the --out option of the command instead.')
  const grants = new Map<string, string>()
  const writerInto = (dir: string): ((file: { readonly name: string; readonly bytes: Uint8Array }) => Result<string>) => {
    const taken = new Set<string>()
    return (file) => {
      try {
        const path = join(dir, freeName(dir, file.name, taken))
        writeFileSync(path, file.bytes, { mode: 0o600, flag: 'wx' })
        return ok(path)
      } catch (e) {
        return fail('OUTPUT_UNWRITABLE', `Could not write ${file.name} in ${dir}: ${e instanceof Error ? e.message : String(e)}. Choose another folder.`)
      }
    }
  }
  return {
    writerInto,
    async grantOutputFolder(title) {
      if (!dialogs) return noDialogs()
      const dir = await dialogs.chooseFolder(title)
      if (!dir) return ok(null)
      const folderId = randomBytes(12).toString('hex')
      grants.set(folderId, dir)
      return ok({ folderId, path: dir })
    },
    grantedFolder(folderId) {
      const dir = grants.get(folderId)
      if (!dir) return fail('OUTPUT_FOLDER_UNKNOWN', 'The output folder was not chosen in this session of the app: choose it again (Write files to…).', 'outputFolderId')
      if (!existsSync(dir) || !statSync(dir).isDirectory()) return fail('OUTPUT_DIR_MISSING', `The output folder ${dir} no longer exists: create it again or choose another.`, 'outputFolderId')
      return ok(dir)
    },
    async chooseSaveFile(title, defaultName) {
      return dialogs ? ok(await dialogs.chooseSaveFile(title, defaultName)) : noDialogs()
    },
    async chooseFolder(title) {
      return dialogs ? ok(await dialogs.chooseFolder(title)) : noDialogs()
    },
    async chooseOpenFiles(title, kind, multiple) {
      return dialogs ? ok(await dialogs.chooseOpenFiles(title, kind, multiple)) : noDialogs()
    },
    async confirmModuleLoad(path) {
      return dialogs ? ok(await dialogs.confirmModuleLoad(path)) : noDialogs()
    },
    async confirmCaKeyExport(prompt) {
      return dialogs ? ok(await dialogs.confirmCaKeyExport(prompt)) : noDialogs()
    },
    async save(title, file) {
      if (!dialogs) return noDialogs()
      const target = await dialogs.chooseSaveFile(title, file.name)
      if (!target) return ok({ saved: false, paths: [] })
      try {
        writeFileSync(target, Buffer.from(file.base64, 'base64'), { mode: 0o600 })
      } catch (e) {
        return fail('OUTPUT_UNWRITABLE', `Could not write ${basename(target)}: ${e instanceof Error ? e.message : String(e)}. Choose another place.`)
      }
      return ok({ saved: true, paths: [target] })
    },
    async saveProduced(title, defaultName, produce) {
      if (!dialogs) return noDialogs()
      const target = await dialogs.chooseSaveFile(title, defaultName)
      if (!target) return ok({ saved: false, paths: [] })
      const bytes = await produce()
      if (!bytes.ok) return bytes
      try {
        writeFileSync(target, bytes.value, { mode: 0o600 })
      } catch (e) {
        return fail('OUTPUT_UNWRITABLE', `Could not write ${basename(target)}: ${e instanceof Error ? e.message : String(e)}. Choose another place.`)
      } finally {
        bytes.value.fill(0)
      }
      return ok({ saved: true, paths: [target] })
    },
    async saveAll(title, files) {
      if (!dialogs) return noDialogs()
      const dir = await dialogs.chooseFolder(title)
      if (!dir) return ok({ saved: false, paths: [] })
      const paths: string[] = []
      try {
        mkdirSync(dir, { recursive: true })
      } catch (e) {
        return fail('OUTPUT_UNWRITABLE', `Could not create ${dir}: ${e instanceof Error ? e.message : String(e)}. Choose another folder.`)
      }
      const write = writerInto(dir)
      for (const f of files) {
        const w = write({ name: f.name, bytes: Buffer.from(f.base64, 'base64') })
        if (!w.ok) return fail('OUTPUT_UNWRITABLE', `Saved ${paths.length} of ${files.length} files; the next failed: ${w.error.message}`, undefined, { written: paths })
        paths.push(w.value)
      }
      return ok({ saved: true, paths })
    }
  }
}

// backup:* — the dialogs that choose files run in main, and only paths chosen through them
// are read: a renderer that names a path of its own is refused.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { fail, ok, type Result } from '../../shared/errors'
import type { BackupSecrets } from '../services/backup-service'
import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createBackupHandlers(services: Services): HandlersFor<'backup'> {
  const chosen = new Set<string>()
  const notChosen = (path: string) =>
    fail('BACKUP_FILE_NOT_CHOSEN', `${basename(path)} was not chosen in this window's file dialog: choose the backup and its shares again`, 'file')
  /** The backup's secrets from files chosen in this window's dialogs only. */
  const secretsOf = (req: { file: string; passphrase?: string | undefined; shareFiles?: string[] | undefined; sharePassphrases?: string[] | undefined }): Result<BackupSecrets> => {
    for (const p of [req.file, ...(req.shareFiles ?? [])]) if (!chosen.has(p)) return notChosen(p)
    try {
      const shares = (req.shareFiles ?? []).map((p) => ({ name: basename(p), text: readFileSync(p, 'utf8') }))
      return ok({ ...(req.passphrase ? { passphrase: req.passphrase } : {}), shares, sharePassphrases: (req.sharePassphrases ?? []).filter((p) => p.length > 0) })
    } catch (e) {
      return fail('FILE_UNREADABLE', `A share file could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): choose the share files again.`, 'shareFiles')
    }
  }
  return {
    'backup:status': () => ok(services.backup.status()),
    'backup:create': async (req) => {
      const day = new Date().toISOString().slice(0, 10)
      const out = await services.files.chooseSaveFile('Save the backup', `pkidesk-${day}.pkibackup`)
      if (!out.ok) return out
      if (!out.value) return ok({ saved: false, backup: null })
      let secret
      if (req.protection === 'passphrase') secret = { kind: 'passphrase' as const, passphrase: req.passphrase ?? '' }
      else {
        const dir = await services.files.chooseFolder('Folder for the share files (one per custodian)')
        if (!dir.ok) return dir
        if (!dir.value) return ok({ saved: false, backup: null })
        const custodians = (req.custodians ?? []).map((c) => (c ? { name: c.name, ...(c.passphrase ? { passphrase: c.passphrase } : {}) } : undefined))
        secret = { kind: 'shares' as const, total: req.shares ?? 3, threshold: req.threshold ?? 2, shareDir: dir.value, custodians }
      }
      // The dialog already asked before replacing an existing file.
      const made = await services.backup.create({ out: out.value, secret, force: true, keySecrets: req.keyPassphrase ? { passphrase: req.keyPassphrase } : {} })
      if (!made.ok) return made
      return ok({ saved: true, backup: made.value })
    },
    'backup:choose': async (req) => {
      const r = await services.files.chooseOpenFiles(req.what === 'backup' ? 'Choose the backup file' : 'Choose the share files', req.what === 'backup' ? 'backup' : 'share', req.what === 'shares')
      if (!r.ok) return r
      if (!r.value) return ok({ files: [], summary: null })
      for (const p of r.value) chosen.add(p)
      const files = r.value.map((path) => ({ path, name: basename(path) }))
      if (req.what === 'shares') return ok({ files, summary: null })
      const v = await services.backup.verify(r.value[0]!)
      if (!v.ok) return v
      return ok({ files, summary: v.value })
    },
    'backup:verify': async (req) => {
      const secrets = secretsOf(req)
      if (!secrets.ok) return secrets
      const v = await services.backup.verify(req.file, secrets.value)
      if (!v.ok) return v
      return ok({ ...v.value, checks: [...v.value.checks] })
    },
    'backup:restore': async (req) => {
      const secrets = secretsOf(req)
      if (!secrets.ok) return secrets
      return services.backup.restore({
        file: req.file,
        protection: req.protection,
        ...secrets.value,
        ...(req.keyPassphrase ? { keyPassphrase: req.keyPassphrase } : {})
      })
    }
  }
}

// pkidesk backup create|verify|restore|status — one encrypted file holding the whole store
// and every vault key re-sealed under a backup key: from a backup passphrase, or split M-of-N
// into share files (one per custodian, each optionally under the custodian's passphrase).
// Passphrases come from the environment or files, never from flags.
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import { EXIT_FAILED, expectOk, readSecret, requireSecret, usageError, type CliContext } from '../context'
import { formatRecord, type Cell } from '../output'
import { collect, parsePositiveInt, parseProtection } from '../parse'
import { addForceOption, addPassphraseFileOption, checkOutputDir, checkOutputFile, readInput } from './common'
import type { KeyProtection } from '../../shared/domain/keys'
import type { BackupSecrets, BackupSummary } from '../../main/services/backup-service'

const MAX_SHARE_FILE_BYTES = 64 * 1024

interface SecretOptions {
  share?: string[]
  sharePassphraseFile?: string[]
  backupPassphraseFile?: string
}

/** `NAME` or `NAME=PASSPHRASE-FILE` of --custodian. */
export function parseCustodian(value: string, ctx: CliContext, option = '--custodian'): { name: string; passphrase?: string } {
  const at = value.indexOf('=')
  const name = (at < 0 ? value : value.slice(0, at)).trim()
  if (name.length === 0) throw usageError('MISSING_INPUT', `The custodian "${value}" has no name: give NAME or NAME=PASSPHRASE-FILE.`, option)
  if (at < 0) return { name }
  const passphrase = readSecret('custodian-passphrase', value.slice(at + 1), ctx.io.env, ctx.io.stderr)!
  return { name, passphrase }
}

function addSecretOptions(cmd: Command): Command {
  return cmd
    .option('--backup-passphrase-file <file>', 'file holding the backup passphrase (else $PKIDESK_BACKUP_PASSPHRASE)')
    .option('--share <file>', 'a share file of a split backup (repeat for each share given)', collect)
    .option('--share-passphrase-file <file>', "a custodian's share passphrase, for a share made with one (repeatable; each is tried on the protected shares)", collect)
}

function backupSecrets(ctx: CliContext, opts: SecretOptions): BackupSecrets {
  const shares = (opts.share ?? []).map((f) => ({ name: f, text: readInput(f, 'share', { maxBytes: MAX_SHARE_FILE_BYTES, emptyHint: 'give a share file written by pkidesk backup create' }).toString('utf8') }))
  const sharePassphrases = (opts.sharePassphraseFile ?? []).map((f) => readSecret('custodian-passphrase', f, ctx.io.env, ctx.io.stderr)!)
  const passphrase = shares.length ? undefined : readSecret('backup-passphrase', opts.backupPassphraseFile, ctx.io.env, ctx.io.stderr)
  return { ...(passphrase !== undefined ? { passphrase } : {}), shares, sharePassphrases }
}

function summaryRows(s: BackupSummary): [string, Cell][] {
  return [
    ['backup', s.backupId],
    ['made', `${s.createdAt} by PKI Desk ${s.appVersion} (schema ${s.schemaVersion})`],
    ['protection', s.protection.kind === 'passphrase' ? 'backup passphrase' : `${s.protection.threshold} of ${s.protection.total} shares${s.protection.custodians.some(Boolean) ? ` (${s.protection.custodians.map((c, i) => c ?? `share ${i + 1}`).join(', ')})` : ''}`],
    ['contents', `${s.counts.authorities} authorities, ${s.counts.certificates} certificates (${s.counts.revoked} revoked), ${s.counts.crls} CRLs, ${s.counts.profiles} profiles, ${s.counts.connectors} connectors, ${s.counts.keys} keys, ${s.counts.auditEntries} audit entries`],
    ['audit head', s.auditHead ? `entry ${s.auditHead.seq}, ${s.auditHead.hash}` : 'none'],
    ['keys', s.keys.map((k) => `${k.authorities.length ? k.authorities.join(', ') : k.purpose} (${k.spec}, was ${k.protection})`).join('; ') || 'none'],
    ['not included', [...s.notIncluded.map((n) => `key of ${n.authority}: ${n.reason}`), ...s.connectors.filter((c) => c.credential.startsWith('not included')).map((c) => `credential of connector ${c.name}`)].join('; ') || 'nothing']
  ]
}

export function registerBackupCommands(program: Command, run: Runner): void {
  const backup = program.command('backup').description('encrypted backups of the whole store: create, verify, restore into an empty store')

  addForceOption(
    addPassphraseFileOption(
      backup
        .command('create')
        .description('write one encrypted file: a snapshot of the store and every key re-sealed under the backup key (taken while the app runs)')
        .requiredOption('--out <file>', 'the backup file to write (its folder must exist)')
        .option('--backup-passphrase-file <file>', 'file holding the backup passphrase (else $PKIDESK_BACKUP_PASSPHRASE)')
        .addOption(new Option('--shares <n>', 'split the backup key into N share files instead of a passphrase').argParser(parsePositiveInt))
        .addOption(new Option('--threshold <m>', 'how many shares restore the backup (with --shares)').argParser(parsePositiveInt))
        .option('--share-dir <dir>', 'existing folder the share files are written to (with --shares)')
        .option('--custodian <name[=passfile]>', 'name the next share\'s custodian, optionally sealing it under the passphrase in passfile (repeatable, in share order)', collect)
    )
  ).action(
    run<{ out: string; force?: boolean; backupPassphraseFile?: string; shares?: number; threshold?: number; shareDir?: string; custodian?: string[]; passphraseFile?: string; custodianPassphraseFile?: string[] }>(async ({ ctx, out, opts }) => {
      checkOutputFile(opts.out, { force: opts.force === true })
      let secret
      if (opts.shares !== undefined || opts.threshold !== undefined || opts.shareDir !== undefined) {
        if (opts.shares === undefined || opts.threshold === undefined || opts.shareDir === undefined)
          throw usageError('MISSING_INPUT', 'A split backup needs --shares N, --threshold M and --share-dir DIR together.', '--shares')
        if (opts.backupPassphraseFile !== undefined) throw usageError('CONFLICTING_OPTIONS', 'Give --backup-passphrase-file or --shares, not both.', '--backup-passphrase-file')
        checkOutputDir(opts.shareDir, '--share-dir')
        const custodians = (opts.custodian ?? []).map((c) => parseCustodian(c, ctx))
        if (custodians.length > opts.shares) throw usageError('CUSTODIANS_INVALID', `${custodians.length} custodians are named for ${opts.shares} shares: name at most one custodian per share.`, '--custodian')
        secret = { kind: 'shares' as const, total: opts.shares, threshold: opts.threshold, shareDir: opts.shareDir, custodians }
      } else {
        secret = { kind: 'passphrase' as const, passphrase: requireSecret('backup-passphrase', opts.backupPassphraseFile, ctx.io.env, 'A backup', ctx.io.stderr) }
      }
      const keyPassphrase = readSecret('passphrase', opts.passphraseFile, ctx.io.env, ctx.io.stderr)
      const custodians = (opts.custodianPassphraseFile ?? []).map((file) => ({ passphrase: readSecret('custodian-passphrase', file, ctx.io.env, ctx.io.stderr)! }))
      const services = ctx.services()
      const keySecrets = { ...(keyPassphrase !== undefined ? { passphrase: keyPassphrase } : {}), ...(custodians.length ? { custodians } : {}) }
      const made = expectOk(await services.backup.create({ out: opts.out, secret, force: opts.force === true, keySecrets }))
      out.result(made, () =>
        `Wrote backup ${made.backupId} to ${opts.out} (${made.bytes} bytes).\n${formatRecord([...summaryRows(made), ...(made.shareFiles.length ? ([['share files', made.shareFiles.join('\n')]] as [string, Cell][]) : [])])}`
      )
    })
  )

  addSecretOptions(
    backup
      .command('verify')
      .description('check a backup: its structure and checksum without secrets; with the passphrase or shares, everything a restore would check')
      .argument('<file>', 'the backup file')
  ).action(
    run<SecretOptions>(async ({ ctx, out, opts, args }) => {
      const file = String(args[0])
      const secrets = backupSecrets(ctx, opts)
      const v = expectOk(await ctx.services().backup.verify(file, secrets))
      out.result(v, () =>
        `${v.opened ? 'Backup verified with its key' : 'Backup structure and checksum verified (give the backup passphrase or --share files to check its contents)'}: ${file}.\n${formatRecord([...summaryRows(v), ['checked', v.checks.join(', ')]])}`
      )
    })
  )

  addSecretOptions(
    addPassphraseFileOption(
      backup
        .command('restore')
        .description('restore a backup into an empty store (--data-dir NEW); every key is sealed under this machine\'s protection')
        .argument('<file>', 'the backup file')
        .addOption(new Option('--protection <how>', 'how the restored keys are kept here: passphrase, keychain or both').argParser(parseProtection).makeOptionMandatory())
    )
  ).action(
    run<SecretOptions & { protection: KeyProtection; passphraseFile?: string }>(async ({ ctx, out, opts, args }) => {
      const file = String(args[0])
      const secrets = backupSecrets(ctx, opts)
      const keyPassphrase = opts.protection === 'keychain' ? undefined : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `Keys restored under ${opts.protection} protection`, ctx.io.stderr)
      const r = await ctx.services().backup.restore({ file, ...secrets, protection: opts.protection, ...(keyPassphrase !== undefined ? { keyPassphrase } : {}) })
      const restored = expectOk(r)
      out.result(restored, () =>
        [
          `Restored backup ${restored.backupId} into ${ctx.options.dataDir}${restored.migrated ? ` (migrated from schema ${restored.fromSchema})` : ''}; ${restored.restoredKeys} keys are now under ${opts.protection} protection.`,
          formatRecord(summaryRows(restored)),
          ...(restored.custodianKeys.length ? [`Set the custodians of ${restored.custodianKeys.join(', ')} again (pkidesk ca custodians): their keys came back under ${opts.protection} protection.`] : []),
          ...(restored.credentialsToReenter.length ? [`Re-enter the credential of connector ${restored.credentialsToReenter.join(', ')} on the Connections screen (credentials are never in a backup).`] : [])
        ].join('\n')
      )
    })
  )

  backup
    .command('status')
    .description('when the last backup was made, and whether the reminder is due')
    .action(
      run(({ ctx, out }) => {
        const s = ctx.services().backup.status()
        out.result(s, () =>
          formatRecord([
            ['last backup', s.last ? `${s.last.at} (${s.last.backupId}, ${s.last.protection})` : 'never'],
            ['since', s.daysSince === null ? '-' : `${s.daysSince} days, ${s.issuancesSince} certificates`],
            ['reminder', `after ${s.reminderDays} days or ${s.reminderIssuances} certificates`],
            ['due', s.due ? `yes: ${s.reason}` : 'no']
          ])
        )
        return s.due ? EXIT_FAILED : undefined
      })
    )
}

// pkidesk audit verify|export|checkpoint
import type { Command } from 'commander'
import type { Runner } from '../program'
import { EXIT_FAILED, expectOk } from '../context'
import { formatRecord } from '../output'
import { LIMITS } from '../../shared/limits'
import { checkOutputFile, readInput, writeOutput } from './common'

export function registerAuditCommands(program: Command, run: Runner): void {
  const audit = program.command('audit').description('the hash-chained audit trail')

  audit
    .command('verify')
    .description('check the chain and its head; exit 1 if any entry was altered, removed or reordered')
    .option('--checkpoint <file>', 'also check the trail against a checkpoint written by audit checkpoint (detects a cut or rewritten tail)')
    .option('--key-file <file>', 'the audit key file the checkpoint was written with (default: the OS keychain)')
    .action(
      run<{ checkpoint?: string; keyFile?: string }>(async ({ ctx, out, opts }) => {
        const services = ctx.services()
        if (opts.checkpoint !== undefined) {
          const text = readInput(opts.checkpoint, 'checkpoint', { maxBytes: LIMITS.auditCheckpointBytes, emptyHint: 'choose the file that pkidesk audit checkpoint wrote' }).toString('utf8')
          const v = expectOk(await services.audit.verifyCheckpoint(text, opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}))
          out.result(v, () =>
            `Audit trail intact against the checkpoint of ${v.checkpointAt}: entries 1 to ${v.checkpointSeq} unchanged, ${v.since} appended since, ${v.entries} in all (key from ${v.keySource}).`
          )
          return
        }
        const verdict = services.audit.verify()
        if (verdict.intact) {
          out.result(verdict, () => `${verdict.message} Head ${verdict.headHash}.`)
          return
        }
        // The verdict counts the entries read up to the break; the operator wants the whole trail's size too.
        const total = expectOk(services.audit.list({ offset: 0, limit: 1 })).total
        const checked = Math.max(0, verdict.brokenAt - 1)
        out.result({ ...verdict, totalEntries: total, intactThrough: checked }, () =>
          formatRecord([
            ['intact', 'no'],
            ['entries', `${total} in the trail`],
            ['broken at', `entry ${verdict.brokenAt}${checked > 0 ? ` (entries 1 to ${checked} check out)` : ''}`],
            ['reason', verdict.reason]
          ])
        )
        // The reason is in the record above: the error line says what it means, not the same words again.
        out.errorLine({ code: 'AUDIT_BROKEN', message: `The audit trail is broken at entry ${verdict.brokenAt}: keep this store as it is for investigation and compare it with your latest backup.` })
        return EXIT_FAILED
      })
    )

  audit
    .command('export')
    .description('write the whole trail as JSON Lines, oldest first (exactly the hashed fields)')
    .requiredOption('--out <file>', 'output file (its folder must exist)')
    .option('--force', 'replace the --out file if it exists')
    .action(
      run<{ out: string; force?: boolean }>(({ ctx, out, opts }) => {
        checkOutputFile(opts.out, { force: opts.force === true })
        const exported = ctx.services().audit.exportJsonl()
        writeOutput(opts.out, exported.jsonl, { force: opts.force === true })
        out.result({ file: opts.out, entries: exported.entries, headHash: exported.headHash }, () =>
          `Wrote ${exported.entries} audit entries to ${opts.out} (head ${exported.headHash || 'none'}).`
        )
      })
    )

  audit
    .command('checkpoint')
    .description('write a checkpoint of the trail (head hash, entry count, time; HMAC under the audit key) to keep on removable media')
    .requiredOption('--out <file>', 'output file, e.g. on a USB stick (its folder must exist)')
    .option('--key-file <file>', 'keep the audit key in this file (created 0600 when missing) instead of the OS keychain; keep it outside the data directory')
    .option('--force', 'replace the --out file if it exists')
    .action(
      run<{ out: string; keyFile?: string; force?: boolean }>(async ({ ctx, out, opts }) => {
        checkOutputFile(opts.out, { force: opts.force === true })
        const made = expectOk(await ctx.services().audit.checkpoint(opts.keyFile !== undefined ? { keyFile: opts.keyFile } : {}))
        writeOutput(opts.out, made.text, { force: opts.force === true })
        const cp = made.checkpoint
        out.result({ file: opts.out, seq: cp.seq, entries: cp.entries, headHash: cp.headHash, at: cp.at, keySource: made.keySource, keyCreated: made.keyCreated }, () =>
          `Wrote a checkpoint of ${cp.entries} audit entries (head ${cp.headHash}) to ${opts.out}, keyed with ${made.keySource}${made.keyCreated ? ' (a new audit key)' : ''}. Keep it off this machine; check later with pkidesk audit verify --checkpoint ${opts.out}.`
        )
      })
    )
}

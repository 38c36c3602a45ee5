// pkidesk audit verify|export
import type { Command } from 'commander'
import type { Runner } from '../program'
import { EXIT_FAILED, expectOk } from '../context'
import { formatRecord } from '../output'
import { checkOutputFile, writeOutput } from './common'

export function registerAuditCommands(program: Command, run: Runner): void {
  const audit = program.command('audit').description('the hash-chained audit trail')

  audit
    .command('verify')
    .description('check the chain and its head; exit 1 if any entry was altered, removed or reordered')
    .action(
      run(({ ctx, out }) => {
        const services = ctx.services()
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
}

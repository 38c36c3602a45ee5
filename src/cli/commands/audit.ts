// pkidesk audit verify|export
import type { Command } from 'commander'
import type { Runner } from '../program'
import { EXIT_FAILED } from '../context'
import { formatRecord } from '../output'
import { writeOutput } from './common'

export function registerAuditCommands(program: Command, run: Runner): void {
  const audit = program.command('audit').description('the hash-chained audit trail')

  audit
    .command('verify')
    .description('check the chain and its head; exit 1 if any entry was altered, removed or reordered')
    .action(
      run(({ ctx, out }) => {
        const verdict = ctx.services().audit.verify()
        if (verdict.intact) {
          out.result(verdict, () => `${verdict.message} Head ${verdict.headHash}.`)
          return
        }
        out.result(verdict, () =>
          formatRecord([
            ['intact', 'no'],
            ['entries', verdict.entries],
            ['broken at', verdict.brokenAt],
            ['reason', verdict.reason]
          ])
        )
        out.errorLine({ code: 'AUDIT_BROKEN', message: verdict.message })
        return EXIT_FAILED
      })
    )

  audit
    .command('export')
    .description('write the whole trail as JSON Lines, oldest first (exactly the hashed fields)')
    .requiredOption('--out <file>', 'output file')
    .action(
      run<{ out: string }>(({ ctx, out, opts }) => {
        const exported = ctx.services().audit.exportJsonl()
        writeOutput(opts.out, exported.jsonl)
        out.result({ file: opts.out, entries: exported.entries, headHash: exported.headHash }, () =>
          `Wrote ${exported.entries} audit entries to ${opts.out} (head ${exported.headHash || 'none'}).`
        )
      })
    )
}

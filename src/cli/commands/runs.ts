// pkidesk runs [--json] [--limit N]: the recorded issuance runs, newest first, with how many
// of their requests were signed and written; interrupted ones (killed or crashed mid-run)
// are marked, with the command that finishes them.
import type { Command } from 'commander'
import type { Runner } from '../program'
import { usageError } from '../context'

const STATE_WORDS: Record<string, string> = {
  running: 'running',
  interrupted: 'INTERRUPTED',
  completed: 'completed',
  cancelled: 'cancelled',
  stopped: 'stopped (the CA was locked)'
}

export function registerRunsCommand(program: Command, run: Runner): void {
  program
    .command('runs')
    .description('list recorded issuance runs, newest first; interrupted ones are marked (finish one with `pkidesk issue --resume RUN`)')
    .option('--limit <n>', 'at most N runs (1–500, default 50)', (v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1 || n > 500) throw usageError('RUNS_LIMIT', `The limit "${v}" is not a whole number from 1 to 500: give one to --limit.`, '--limit')
      return n
    })
    .action(
      run<{ limit?: number }>(({ ctx, out, opts }) => {
        const runs = ctx.services().runs.list(opts.limit ?? 50)
        out.result(runs, () => {
          if (runs.length === 0) return 'No issuance runs recorded yet.'
          const lines = runs.map((r) => {
            const files = r.outDir ? `, ${r.written} file${r.written === 1 ? '' : 's'} in ${r.outDir}` : ''
            const refused = r.refused ? `, ${r.refused} refused` : ''
            const hint = r.resumable ? `  → pkidesk issue --resume ${r.id}` : ''
            return `${r.id}  ${r.createdAt.slice(0, 19).replace('T', ' ')}  ${STATE_WORDS[r.state] ?? r.state}  ${r.issued.toLocaleString('en')} of ${r.total.toLocaleString('en')} signed${refused}${files}  CA "${r.authorityName ?? r.authorityId}"${hint}`
          })
          return lines.join('\n')
        })
      })
    )
}

// pkidesk sync run|status, and how outbox items and run reports are printed.
import type { Command } from 'commander'
import type { Runner } from '../program'
import type { OutboxItemDto, SyncRunReportDto } from '../../shared/domain/sync'
import { EXIT_FAILED, expectOk } from '../context'
import { formatRecord, formatTable } from '../output'

export function outboxItemText(item: OutboxItemDto): string {
  return [
    `Queued outbox item ${item.id} for ${item.connectorName}: ${item.summary}.`,
    ...item.notes.map((n) => `note: ${n}`),
    'Nothing was sent; run `pkidesk sync run` to send it.'
  ].join('\n')
}

export function runReportText(r: SyncRunReportDto): string {
  return [
    formatTable(
      ['ITEM', 'CONNECTOR', 'ACTION', 'OUTCOME', 'ATTEMPTS', 'MESSAGE'],
      r.items.map((i) => [i.id, i.connectorName, i.action, i.outcome, i.attempts, i.message])
    ),
    `Sync run ${r.runId}: ${r.done} done, ${r.failed} failed, ${r.remaining} still queued${r.reclaimed ? `, ${r.reclaimed} reclaimed from an interrupted run` : ''}.`
  ].join('\n')
}

export function registerSyncCommands(program: Command, run: Runner): void {
  const sync = program.command('sync').description('the outbox of remote actions: nothing goes online except in `sync run`')

  sync
    .command('run')
    .description("send queued remote actions (all, or one connector's); exit 1 if any failed")
    .option('--connector <name>', 'only this connector')
    .action(
      run<{ connector?: string }>(async ({ ctx, out, opts }) => {
        const report = expectOk(await ctx.services().sync.run(opts.connector !== undefined ? { connector: opts.connector } : {}))
        out.result(report, () => runReportText(report))
        for (const i of report.items) if (i.outcome === 'failed') out.errorLine({ code: 'SYNC_ITEM_FAILED', message: `outbox item ${i.id} (${i.connectorName} ${i.action}): ${i.message}` })
        return report.failed > 0 ? EXIT_FAILED : undefined
      })
    )

  sync
    .command('status')
    .description('outbox counts, the last run, and the items not yet done')
    .action(
      run(({ ctx, out }) => {
        const services = ctx.services()
        const status = services.sync.status()
        const pending = expectOk(services.sync.outbox({ states: ['queued', 'running', 'failed'], limit: 1000 }))
        out.result({ ...status, items: pending }, () =>
          [
            formatRecord([
              ['queued', status.counts.queued],
              ['running', status.counts.running],
              ['done', status.counts.done],
              ['failed', status.counts.failed],
              ['last run', status.lastRun ? `${status.lastRun.finishedAt}: ${status.lastRun.done} done, ${status.lastRun.failed} failed, ${status.lastRun.remaining} remaining` : 'never']
            ]),
            formatTable(
              ['ITEM', 'CONNECTOR', 'STATE', 'ATTEMPTS', 'NEXT ATTEMPT', 'SUMMARY', 'LAST ERROR'],
              pending.map((i) => [i.id, i.connectorName, i.state, i.attempts, i.nextAttemptAt, i.summary, i.lastError ? `${i.lastError.code}: ${i.lastError.message}` : null])
            )
          ].join('\n')
        )
      })
    )
}

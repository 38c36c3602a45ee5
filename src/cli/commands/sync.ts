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
    ...r.items.flatMap((i) => i.notes.map((n) => `note: item ${i.id}: ${n}`)),
    ...(r.reclaimed ? [`${r.reclaimed} item${r.reclaimed === 1 ? '' : 's'} of an interrupted run resumed.`] : []),
    `Sync run ${r.runId}: ${r.done} done, ${r.failed} failed, ${r.remaining} still queued.`
  ].join('\n')
}

/** An outbox item id as typed; anything but a whole number is refused as no such item. */
function itemId(raw: unknown): number {
  const s = String(raw)
  return /^\d{1,12}$/.test(s) ? Number(s) : -1
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
        for (const i of report.items) if (i.outcome === 'failed') out.errorLine({ code: 'SYNC_ITEM_FAILED', message: `Outbox item ${i.id} (${i.connectorName} ${i.action}): ${i.message}.` })
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
              ['last run', status.lastRun ? `${status.lastRun.finishedAt}: ${status.lastRun.done} done, ${status.lastRun.failed} failed, ${status.lastRun.remaining} remaining` : 'never'],
              ['next attempt', status.nextAttemptAt ?? (status.counts.queued ? 'now (at the next sync run)' : '—')]
            ]),
            formatTable(
              ['ITEM', 'CONNECTOR', 'STATE', 'ATTEMPTS', 'NEXT ATTEMPT', 'SUMMARY', 'LAST ERROR'],
              pending.map((i) => [
                i.id,
                i.connectorName,
                i.state === 'queued' && i.nextAttemptAt ? 'backing off' : i.state,
                i.attempts,
                i.state === 'queued' ? (i.nextAttemptAt ?? 'next run') : null,
                i.summary,
                i.lastError ? `${i.lastError.code}: ${i.lastError.message}` : null
              ])
            )
          ].join('\n')
        )
      })
    )

  sync
    .command('retry <item>')
    .description('queue a failed item again, or make an item that is backing off due at the next run')
    .action(
      run(({ ctx, out, args }) => {
        const item = expectOk(ctx.services().sync.retry(itemId(args[0])))
        out.result(item, () => `Outbox item ${item.id} (${item.connectorName}: ${item.summary}) is queued and due; run \`pkidesk sync run\` to send it.`)
      })
    )

  sync
    .command('discard <item>')
    .description('remove a queued or failed item from the outbox (audited); nothing is sent')
    .action(
      run(({ ctx, out, args }) => {
        const r = expectOk(ctx.services().sync.discard(itemId(args[0])))
        out.result(r, () => `Outbox item ${r.discarded} discarded; nothing was sent for it.`)
      })
    )
}

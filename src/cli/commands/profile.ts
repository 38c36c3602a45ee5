// pkidesk profile create|list|get|update|delete|archive|export|pull|push
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { ConversionNote, Profile, ProfileDialect } from '../../shared/domain/profile'
import { collect, parsePositiveInt } from '../parse'
import { expectOk, operationError } from '../context'
import { formatTable, type Output } from '../output'
import { resolveProfile } from '../resolve'
import { checkOutputFile, readInputText, writeOutput } from './common'
import { warnIfAuditBroken } from '../audit-guard'
import { outboxItemText, runReportText } from './sync'
import { EXIT_FAILED } from '../context'

export const EXPORT_DIALECTS: readonly ProfileDialect[] = ['lamassu', 'digicert-tlm', 'certcentral', 'paloalto', 'pkidesk']

function validityText(p: Profile): string {
  return p.validity.type === 'Duration' ? p.validity.duration : `until ${p.validity.time}`
}

function printNotes(out: Output, notes: readonly ConversionNote[]): void {
  for (const n of notes) out.note(`note: ${n.field}: ${n.kind}: ${n.message}`)
}

interface ListOptions {
  filter?: string[]
  limit?: number
  cursor?: string
  archived?: boolean
}

export function registerProfileCommands(program: Command, run: Runner): void {
  const profile = program.command('profile').description('issuance profiles: create, list, get, update, delete, archive, export, pull, push')

  profile
    .command('create')
    .description('create a profile from a JSON file in any supported dialect (PKI Desk, Lamassu, DigiCert TLM, CertCentral, Palo Alto)')
    .argument('<file>', 'profile JSON')
    .option('--id <id>', 'id of the new profile (default: the document\'s id when free, else one read from its name, e.g. tls-web-servers)')
    .option('--name <name>', 'name of the new profile (default: the document\'s)')
    .action(
      run<{ id?: string; name?: string }>(({ ctx, out, opts, args }) => {
        const file = String(args[0])
        const text = readInputText(file, 'profile')
        const overrides = { ...(opts.id !== undefined ? { id: opts.id } : {}), ...(opts.name !== undefined ? { name: opts.name } : {}) }
        warnIfAuditBroken(ctx.services(), ctx.io)
        const imported = expectOk(ctx.services().profiles.import(text, 'auto', overrides))
        printNotes(out, imported.notes)
        out.result(imported, () => `Created profile "${imported.profile.name}" (${imported.profile.id}) from ${file} (${imported.dialect}).`)
      })
    )

  profile
    .command('list')
    .description('list profiles by name, a page at a time')
    .option('--filter <expr>', "filter such as 'sign_as_ca[eq]=true' or 'name[contains]web' (repeatable, ANDed)", collect)
    .addOption(new Option('--limit <n>', 'page size (default 50)').argParser(parsePositiveInt))
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .option('--archived', 'include archived profiles')
    .action(
      run<ListOptions>(({ ctx, out, opts }) => {
        const page = expectOk(
          ctx.services().profiles.list({
            limit: opts.limit ?? 50,
            ...(opts.cursor ? { next: opts.cursor } : {}),
            filter: opts.filter ?? [],
            sortBy: 'name',
            sortMode: 'asc',
            includeArchived: opts.archived === true
          })
        )
        out.result(page, () =>
          [
            formatTable(
              ['ID', 'NAME', 'CA', 'VALIDITY', 'SOURCE'],
              page.items.map((p) => [p.id, p.name, p.signAsCa ? 'yes' : 'no', validityText(p), p.source])
            ),
            ...(page.next ? [`next page: --cursor ${page.next}`] : [])
          ].join('\n')
        )
      })
    )

  profile
    .command('get')
    .description('show one profile as a PKI Desk JSON document (editable, then `profile update`)')
    .argument('<id>', 'profile id or name')
    .action(
      run(({ ctx, out, args }) => {
        const services = ctx.services()
        const p = resolveProfile(services, String(args[0]), 'id')
        // Text is the PKI Desk document, so `profile get X > f.json` then `profile update X f.json` round-trips.
        out.result(p, () => expectOk(services.profiles.export(p.id, 'pkidesk')).json)
      })
    )

  profile
    .command('update')
    .description('replace a profile with the contents of a JSON file (any supported dialect)')
    .argument('<id>', 'profile id or name')
    .argument('<file>', 'profile JSON')
    .action(
      run(({ ctx, out, args }) => {
        const services = ctx.services()
        const current = resolveProfile(services, String(args[0]), 'id')
        const file = String(args[1])
        const imported = services.profiles.convert(readInputText(file, 'profile'), 'auto')
        if (!imported.ok) throw operationError(imported.error.code, `${file}: ${imported.error.message}`, imported.error.field ?? file)
        printNotes(out, imported.value.notes)
        warnIfAuditBroken(services, ctx.io)
        const updated = expectOk(services.profiles.update(current.id, imported.value.profile))
        out.result(updated, () => `Updated profile "${updated.name}" (${updated.id}) from ${file} (${imported.value.dialect}).`)
      })
    )

  profile
    .command('delete')
    .description('delete a profile (refused when it issued certificates; `pkidesk profile archive` it then)')
    .argument('<id>', 'profile id or name')
    .action(
      run(({ ctx, out, args }) => {
        const services = ctx.services()
        const p = resolveProfile(services, String(args[0]), 'id')
        warnIfAuditBroken(services, ctx.io)
        const deleted = services.profiles.delete(p.id)
        if (!deleted.ok && deleted.error.code === 'IN_USE')
          throw operationError(
            deleted.error.code,
            `${deleted.error.message.replace(/;\s*archive it instead\.?$/, '')}; archive it instead with \`pkidesk profile archive ${p.id}\` (it stays readable and can no longer issue).`,
            'id'
          )
        const done = expectOk(deleted)
        out.result(done, () => `Deleted profile "${p.name}" (${done.id}).`)
      })
    )

  profile
    .command('archive')
    .description('archive a profile: it keeps its history but can no longer issue (--unarchive brings it back)')
    .argument('<id>', 'profile id or name')
    .option('--unarchive', 'make an archived profile usable again')
    .action(
      run<{ unarchive?: boolean }>(({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const p = resolveProfile(services, String(args[0]), 'id')
        warnIfAuditBroken(services, ctx.io)
        const archived = !opts.unarchive
        const updated = expectOk(services.profiles.archive(p.id, archived))
        out.result(updated, () => `${archived ? 'Archived' : 'Unarchived'} profile "${updated.name}" (${updated.id}).`)
      })
    )

  profile
    .command('export')
    .description("print a profile in a remote platform's dialect (notes on what did not carry over go to stderr)")
    .argument('<id>', 'profile id or name')
    .addOption(new Option('--dialect <dialect>', EXPORT_DIALECTS.join('|')).choices(EXPORT_DIALECTS).makeOptionMandatory())
    .option('--out <file>', 'write to a file instead of stdout (its folder must exist)')
    .option('--force', 'replace the --out file if it exists')
    .action(
      run<{ dialect: ProfileDialect; out?: string; force?: boolean }>(({ ctx, out, opts, args }) => {
        if (opts.out !== undefined) checkOutputFile(opts.out, { force: opts.force === true })
        const services = ctx.services()
        const p = resolveProfile(services, String(args[0]), 'id')
        const exported = expectOk(services.profiles.export(p.id, opts.dialect))
        printNotes(out, exported.notes)
        if (opts.out !== undefined) {
          writeOutput(opts.out, `${exported.json}\n`, { force: opts.force === true })
          out.result({ id: p.id, dialect: opts.dialect, file: opts.out, notes: exported.notes }, () => `Wrote "${p.name}" as ${opts.dialect} to ${opts.out}.`)
        } else out.result({ id: p.id, dialect: opts.dialect, document: JSON.parse(exported.json) as unknown, notes: exported.notes }, () => exported.json)
      })
    )

  profile
    .command('pull')
    .description("fetch a connector's remote profiles into local profiles now (goes online)")
    .requiredOption('--connector <name>', 'connector name')
    .option('--filter <expr>', "remote filter such as 'sign_as_ca[eq]=true' (repeatable)", collect)
    .action(
      run<{ connector: string; filter?: string[] }>(async ({ ctx, out, opts }) => {
        const report = expectOk(await ctx.services().sync.pullProfiles(opts.connector, opts.filter ?? []))
        out.result(report, () => runReportText(report))
        for (const i of report.items) if (i.outcome === 'failed') out.errorLine({ code: 'SYNC_ITEM_FAILED', message: `${i.connectorName} ${i.action}: ${i.message}` })
        return report.failed > 0 ? EXIT_FAILED : undefined
      })
    )

  profile
    .command('push')
    .description('queue a push of a local profile to a connector (sent by `pkidesk sync run`)')
    .argument('<id>', 'profile id or name')
    .requiredOption('--connector <name>', 'connector name')
    .action(
      run<{ connector: string }>(async ({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const p = resolveProfile(services, String(args[0]), 'id')
        const item = expectOk(await services.sync.pushProfile(p.id, opts.connector))
        out.result(item, () => outboxItemText(item))
      })
    )
}

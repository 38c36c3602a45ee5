// pkidesk connector add|list|test
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import { connectorType, type ConnectorDto, type ConnectorType } from '../../shared/domain/sync'
import { parsePositiveInt } from '../parse'
import { EXIT_FAILED, expectOk, usageError } from '../context'
import { formatRecord, formatTable } from '../output'
import { readInputText } from './common'

export const CONNECTOR_TYPES: readonly ConnectorType[] = connectorType.options

function connectorRows(c: ConnectorDto): [string, string | number | null | undefined][] {
  return [
    ['name', c.name],
    ['type', c.type],
    ['URL', c.baseUrl],
    ['enabled', c.enabled ? 'yes' : 'no'],
    ['credential', c.settings.credentialEnv ? `from $${c.settings.credentialEnv}${c.hasCredential ? '' : ' (not set now)'}` : c.hasCredential ? 'in the keychain' : 'none'],
    ['timeout', `${c.settings.timeoutMs} ms`],
    ['queued', c.queued],
    ['failed', c.failed]
  ]
}

interface AddOptions {
  type: ConnectorType
  name: string
  url: string
  credentialEnv?: string
  credentialFile?: string
  caBundle?: string
  timeoutMs?: number
}

export function registerConnectorCommands(program: Command, run: Runner): void {
  const connector = program.command('connector').description('remote CA platforms (networking happens only in `sync run`, `profile pull` and `connector test`)')

  connector
    .command('add')
    .description('add a connector; its credential is read from an environment variable at each run, or kept in the OS keychain')
    .addOption(new Option('--type <type>', CONNECTOR_TYPES.join('|')).choices(CONNECTOR_TYPES).makeOptionMandatory())
    .requiredOption('--name <name>', 'connector name (letters, digits, . _ -)')
    .requiredOption('--url <baseUrl>', 'base URL (https; http only for 127.0.0.1/localhost)')
    .option('--credential-env <var>', 'environment variable holding the API key or token, read at each sync')
    .option('--credential-file <file>', 'file holding the API key or token, stored now in the OS keychain')
    .option('--ca-bundle <file>', 'extra trust anchors (PEM) for this connector; TLS verification stays on')
    .addOption(new Option('--timeout-ms <ms>', 'per-request timeout').argParser(parsePositiveInt))
    .action(
      run<AddOptions>(async ({ ctx, out, opts }) => {
        if (opts.credentialEnv !== undefined && opts.credentialFile !== undefined)
          throw usageError('CONFLICTING_OPTIONS', 'Give the credential one way: --credential-env VAR or --credential-file FILE.', '--credential-file')
        if (opts.credentialEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.credentialEnv))
          throw usageError('INVALID_ARGUMENT', `--credential-env ${opts.credentialEnv} is not an environment variable name.`, '--credential-env')
        const credential = opts.credentialFile !== undefined ? readInputText(opts.credentialFile, 'credential').replace(/\r?\n$/, '') : undefined
        const settings = {
          ...(opts.credentialEnv !== undefined ? { credentialEnv: opts.credentialEnv } : {}),
          ...(opts.caBundle !== undefined ? { caBundlePem: readInputText(opts.caBundle, 'CA bundle') } : {}),
          ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {})
        }
        const added = expectOk(
          await ctx.services().connectors.addConnector({
            name: opts.name,
            type: opts.type,
            baseUrl: opts.url,
            ...(credential !== undefined ? { credential } : {}),
            settings
          })
        )
        if (opts.credentialEnv !== undefined && ctx.io.env[opts.credentialEnv] === undefined)
          out.note(`note: $${opts.credentialEnv} is not set in this shell; set it before running a sync.`)
        out.result(added, () => `Added connector "${added.name}".\n${formatRecord(connectorRows(added))}`)
      })
    )

  connector
    .command('list')
    .description('list connectors')
    .action(
      run(async ({ ctx, out }) => {
        const all = await ctx.services().connectors.listConnectors()
        out.result(all, () =>
          formatTable(
            ['NAME', 'TYPE', 'URL', 'ENABLED', 'CREDENTIAL', 'QUEUED', 'FAILED'],
            all.map((c) => [c.name, c.type, c.baseUrl, c.enabled ? 'yes' : 'no', c.hasCredential ? 'yes' : 'no', c.queued, c.failed])
          )
        )
      })
    )

  connector
    .command('test')
    .description('one authenticated read against the platform (goes online); exit 1 if it fails')
    .argument('<name>', 'connector name')
    .action(
      run(async ({ ctx, out, args }) => {
        const name = String(args[0])
        const result = expectOk(await ctx.services().connectors.testConnector(name))
        out.result(result, () => `${result.ok ? 'OK' : 'FAILED'}: ${result.message}`)
        if (!result.ok) {
          out.errorLine({ code: result.error?.code ?? 'CONNECTOR_TEST_FAILED', message: `${name}: ${result.error?.message ?? result.message}` })
          return EXIT_FAILED
        }
      })
    )
}

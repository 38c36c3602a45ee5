// pkidesk connector add|update|list|test
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import { connectorType, type ConnectorDto, type ConnectorSettingsDto, type ConnectorType } from '../../shared/domain/sync'
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
    ...(c.settings.basePath ? [['base path', c.settings.basePath] as [string, string]] : []),
    ...(c.settings.signedBy ? [['signed by', c.settings.signedBy] as [string, string]] : []),
    ...(c.settings.certCentral ? [['CertCentral account', Object.entries(c.settings.certCentral).map(([k, v]) => `${k}=${String(v)}`).join(', ')] as [string, string]] : []),
    ['queued', c.queued],
    ['failed', c.failed]
  ]
}

interface SettingsOptions {
  credentialEnv?: string
  credentialFile?: string
  caBundle?: string
  timeoutMs?: number
  basePath?: string
  signedBy?: string
  accountId?: string
  divisionId?: number
  organizationName?: string
  organizationId?: number
  productType?: string
  caCertId?: string
  caCertName?: string
}

interface AddOptions extends SettingsOptions {
  type: ConnectorType
  name: string
  url: string
}

interface UpdateOptions extends SettingsOptions {
  url?: string
  removeCredential?: boolean
  enabled?: boolean
  unset?: string[]
}

/** The settings `connector update --unset` removes, by their option name. */
const UNSETTABLE_TOP = { 'ca-bundle': 'caBundlePem', 'base-path': 'basePath', 'signed-by': 'signedBy', 'credential-env': 'credentialEnv' } as const
const UNSETTABLE_CERTCENTRAL = {
  'account-id': 'accountId',
  'division-id': 'divisionId',
  'organization-name': 'organizationName',
  'organization-id': 'organizationId',
  'product-type': 'productType',
  'ca-cert-id': 'caCertId',
  'ca-cert-name': 'caCertName'
} as const
const UNSETTABLE = [...Object.keys(UNSETTABLE_TOP), ...Object.keys(UNSETTABLE_CERTCENTRAL)]

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * The patch that removes each `--unset` setting: a top-level one becomes null (the service
 * deletes it), a CertCentral one leaves the certCentral object, which is replaced whole.
 */
function unsetPatch(names: readonly string[], opts: SettingsOptions, settings: Partial<ConnectorSettingsDto>): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  let cc: Record<string, unknown> | undefined
  for (const name of names) {
    if (name === 'timeout-ms')
      throw usageError('INVALID_ARGUMENT', 'The timeout always has a value, so it cannot be unset: give --timeout-ms N instead.', '--unset')
    if (!UNSETTABLE.includes(name))
      throw usageError('INVALID_ARGUMENT', `There is no connector setting ${name} to unset: name one of ${UNSETTABLE.join(', ')}.`, '--unset')
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof SettingsOptions
    if (opts[key] !== undefined)
      throw usageError('CONFLICTING_OPTIONS', `Setting --${name} and unsetting it contradict each other: leave out one of them.`, '--unset')
    if (name in UNSETTABLE_TOP) patch[UNSETTABLE_TOP[name as keyof typeof UNSETTABLE_TOP]] = null
    else {
      cc ??= { ...(settings.certCentral ?? {}) }
      delete cc[UNSETTABLE_CERTCENTRAL[name as keyof typeof UNSETTABLE_CERTCENTRAL]]
    }
  }
  if (cc) patch.certCentral = Object.keys(cc).length ? cc : null
  return patch
}

/** The per-platform settings options, shared by add and update. */
function settingsOptions(c: Command): Command {
  return c
    .option('--credential-env <var>', 'environment variable holding the API key or token, read at each sync (not PKIDESK_*)')
    .option('--credential-file <file>', 'file holding the API key or token, stored now in the OS keychain')
    .option('--ca-bundle <file>', 'extra trust anchors (PEM) for this connector; TLS verification stays on')
    .addOption(new Option('--timeout-ms <ms>', 'per-request timeout').argParser(parsePositiveInt))
    .option('--base-path <path>', 'Palo Alto: the API path for a URL without one (default /config/identity/v1)')
    .option('--signed-by <name>', 'Palo Alto: the firewall certificate that signs generated certificates when the profile names none')
    .option('--account-id <id>', 'CertCentral: accountId for profiles that hold none (the profile wins)')
    .addOption(new Option('--division-id <n>', 'CertCentral: divisionId for profiles that hold none').argParser(parsePositiveInt))
    .option('--organization-name <name>', 'CertCentral: organizationName for profiles that hold none')
    .addOption(new Option('--organization-id <n>', 'CertCentral: organizationId for profiles that hold none').argParser(parsePositiveInt))
    .option('--product-type <type>', 'CertCentral: productType for profiles that hold none')
    .option('--ca-cert-id <id>', 'CertCentral: the remote CA certificate (caCertId) for profiles that name none')
    .option('--ca-cert-name <name>', 'CertCentral: caCertName for profiles that name none')
}

function settingsFrom(opts: SettingsOptions, base: Partial<ConnectorSettingsDto> = {}): Partial<ConnectorSettingsDto> {
  const cc = {
    ...(base.certCentral ?? {}),
    ...(opts.accountId !== undefined ? { accountId: opts.accountId } : {}),
    ...(opts.divisionId !== undefined ? { divisionId: opts.divisionId } : {}),
    ...(opts.organizationName !== undefined ? { organizationName: opts.organizationName } : {}),
    ...(opts.organizationId !== undefined ? { organizationId: opts.organizationId } : {}),
    ...(opts.productType !== undefined ? { productType: opts.productType } : {}),
    ...(opts.caCertId !== undefined ? { caCertId: opts.caCertId } : {}),
    ...(opts.caCertName !== undefined ? { caCertName: opts.caCertName } : {})
  }
  return {
    ...(opts.credentialEnv !== undefined ? { credentialEnv: opts.credentialEnv } : {}),
    ...(opts.caBundle !== undefined ? { caBundlePem: readInputText(opts.caBundle, 'CA bundle') } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.basePath !== undefined ? { basePath: opts.basePath } : {}),
    ...(opts.signedBy !== undefined ? { signedBy: opts.signedBy } : {}),
    ...(Object.keys(cc).length ? { certCentral: cc } : {})
  }
}

function credentialFrom(opts: SettingsOptions): string | undefined {
  if (opts.credentialEnv !== undefined && opts.credentialFile !== undefined)
    throw usageError('CONFLICTING_OPTIONS', 'Give the credential one way: --credential-env VAR or --credential-file FILE.', '--credential-file')
  if (opts.credentialEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.credentialEnv))
    throw usageError('INVALID_ARGUMENT', `The name ${opts.credentialEnv} (--credential-env) is not an environment variable name: use letters, digits and underscores.`, '--credential-env')
  return opts.credentialFile !== undefined ? readInputText(opts.credentialFile, 'credential').replace(/\r?\n$/, '') : undefined
}

export function registerConnectorCommands(program: Command, run: Runner): void {
  const connector = program.command('connector').description('remote CA platforms (networking happens only in `sync run`, `profile pull` and `connector test`)')

  settingsOptions(
    connector
      .command('add')
      .description('add a connector; its credential is read from an environment variable at each run, or kept in the OS keychain')
      .addOption(new Option('--type <type>', CONNECTOR_TYPES.join('|')).choices(CONNECTOR_TYPES).makeOptionMandatory())
      .requiredOption('--name <name>', 'connector name (letters, digits, . _ -)')
      .requiredOption('--url <baseUrl>', 'the API base as copied from the platform (https; http only for 127.0.0.1/localhost)')
  ).action(
    run<AddOptions>(async ({ ctx, out, opts }) => {
      const credential = credentialFrom(opts)
      const added = expectOk(
        await ctx.services().connectors.addConnector({
          name: opts.name,
          type: opts.type,
          baseUrl: opts.url,
          ...(credential !== undefined ? { credential } : {}),
          settings: settingsFrom(opts)
        })
      )
      if (opts.credentialEnv !== undefined && ctx.io.env[opts.credentialEnv] === undefined)
        out.note(`note: $${opts.credentialEnv} is not set in this shell; set it before running a sync.`)
      out.result(added, () => `Added connector "${added.name}".\n${formatRecord(connectorRows(added))}`)
    })
  )

  settingsOptions(
    connector
      .command('update')
      .description('change a connector; moving it to another origin needs the credential again (--credential-env or --credential-file)')
      .argument('<name>', 'connector name')
      .option('--url <baseUrl>', 'the new API base')
      .option('--remove-credential', 'remove the credential from the OS keychain')
      .option('--enable', 'send its items again')
      .option('--disable', 'keep its items queued, send nothing')
      .option('--unset <setting>', `remove a setting, back to none (repeatable): ${UNSETTABLE.join(', ')}`, collect)
  ).action(
    run<UpdateOptions & { enable?: boolean; disable?: boolean }>(async ({ ctx, out, opts, args }) => {
      const name = String(args[0])
      if (opts.enable && opts.disable) throw usageError('CONFLICTING_OPTIONS', 'Give --enable or --disable, not both.', '--disable')
      if (opts.removeCredential && (opts.credentialFile !== undefined || opts.credentialEnv !== undefined))
        throw usageError('CONFLICTING_OPTIONS', 'Removing the credential and giving a new one contradict each other: leave out --remove-credential or the new credential.', '--remove-credential')
      const credential = credentialFrom(opts)
      const services = ctx.services()
      const current = (await services.connectors.listConnectors()).find((c) => c.name === name)
      const settings = settingsFrom(opts, current?.settings)
      const unset = opts.unset?.length ? unsetPatch(opts.unset, opts, settings) : {}
      const updated = expectOk(
        await services.connectors.updateConnector({
          name,
          ...(opts.url !== undefined ? { baseUrl: opts.url } : {}),
          ...(credential !== undefined ? { credential } : opts.removeCredential ? { credential: null } : {}),
          settings: { ...settings, ...unset },
          ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {})
        })
      )
      out.result(updated, () => `Updated connector "${updated.name}".\n${formatRecord(connectorRows(updated))}`)
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

// pkidesk remote request|assign-auth-cert|generate: each writes one outbox item and sends
// nothing; `pkidesk sync run` sends it.
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { PaloAltoScopeDto } from '../../shared/domain/sync'
import { collect, formatSerial, normalizeSerial, parseIsoDate, parsePositiveInt } from '../parse'
import { expectOk, usageError } from '../context'
import { resolveProfile } from '../resolve'
import { MAX_CSR_FILE_BYTES, readInput } from './common'
import { outboxItemText } from './sync'

function isoDay(value: string, option: string): string {
  try {
    return parseIsoDate(value).toISOString().slice(0, 10)
  } catch {
    throw usageError('INVALID_ARGUMENT', `The date ${value} (${option}) is not a date: use YYYY-MM-DD.`, option)
  }
}

interface AssignOptions {
  connector: string
  enrollmentProfile: string
  startDate?: string
  endDate?: string
  usageLimit?: number
  registeredValue?: string[]
}

interface GenerateOptions {
  connector: string
  profile: string
  folder?: string
  snippet?: string
  device?: string
  name?: string
  commonName?: string
}

export function registerRemoteCommands(program: Command, run: Runner): void {
  const remote = program.command('remote').description('queue remote actions (sent by `pkidesk sync run`)')

  remote
    .command('request')
    .description('DigiCert TLM: queue a certificate request for a CSR')
    .requiredOption('--connector <name>', 'connector name')
    .requiredOption('--profile <remoteId>', 'remote profile id')
    .requiredOption('--seat <seat>', 'seat id')
    .addOption(new Option('--validity-days <n>', 'requested validity, when the remote profile allows an override').argParser(parsePositiveInt))
    .argument('<csr>', 'CSR file (PEM or DER)')
    .action(
      run<{ connector: string; profile: string; seat: string; validityDays?: number }>(async ({ ctx, out, opts, args }) => {
        const file = String(args[0])
        // The file's bytes as they are (PEM or DER): the service reads and checks the request.
        const csr = new Uint8Array(readInput(file, 'CSR', { maxBytes: MAX_CSR_FILE_BYTES }))
        const item = expectOk(
          await ctx.services().sync.requestCertificate({
            connector: opts.connector,
            remoteProfileId: opts.profile,
            seatId: opts.seat,
            csr,
            ...(opts.validityDays !== undefined ? { validityDays: opts.validityDays } : {})
          })
        )
        out.result(item, () => outboxItemText(item))
      })
    )

  remote
    .command('assign-auth-cert')
    .description("DigiCert IoT: queue assigning a local certificate as an enrollment profile's authentication certificate")
    .argument('<serial>', 'serial of a certificate in the inventory (hex, colons optional)', normalizeSerial)
    .requiredOption('--connector <name>', 'connector name')
    .requiredOption('--enrollment-profile <id>', 'enrollment profile id')
    .option('--start-date <date>', 'first day it may authenticate (YYYY-MM-DD)')
    .option('--end-date <date>', 'last day it may authenticate (YYYY-MM-DD)')
    .addOption(new Option('--usage-limit <n>', 'how many enrollments it may authenticate').argParser(parsePositiveInt))
    .option('--registered-value <field=value>', 'a value the requesting certificate must equal, e.g. subject.common_name=device-1 (repeatable)', collect)
    .action(
      run<AssignOptions>(async ({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const registeredValues = opts.registeredValue ? expectOk(services.sync.parseRegisteredValues(opts.registeredValue)) : undefined
        const item = expectOk(
          await services.sync.assignAuthCert({
            connector: opts.connector,
            serial: formatSerial(String(args[0])),
            enrollmentProfileId: opts.enrollmentProfile,
            ...(opts.startDate !== undefined ? { startDate: isoDay(opts.startDate, '--start-date') } : {}),
            ...(opts.endDate !== undefined ? { endDate: isoDay(opts.endDate, '--end-date') } : {}),
            ...(opts.usageLimit !== undefined ? { usageLimit: opts.usageLimit } : {}),
            ...(registeredValues ? { registeredValues } : {})
          })
        )
        out.result(item, () => outboxItemText(item))
      })
    )

  remote
    .command('generate')
    .description('Palo Alto: queue generating a certificate on the firewall from a local profile, in one folder, snippet or device')
    .requiredOption('--connector <name>', 'connector name')
    .requiredOption('--profile <id>', 'local profile id or name')
    .option('--folder <name>', 'scope: a folder')
    .option('--snippet <name>', 'scope: a snippet')
    .option('--device <name>', 'scope: a device')
    .option('--name <certName>', 'certificate name on the firewall')
    .option('--common-name <cn>', 'common name (default: the profile\'s fixed CN)')
    .action(
      run<GenerateOptions>(async ({ ctx, out, opts }) => {
        const scopes = (['folder', 'snippet', 'device'] as const).filter((s) => opts[s] !== undefined)
        if (scopes.length !== 1)
          throw usageError('SCOPE_REQUIRED', `Give exactly one scope: --folder F, --snippet S or --device D (${scopes.length === 0 ? 'none was given' : `got ${scopes.map((s) => `--${s}`).join(' and ')}`}).`, '--folder')
        const kind = scopes[0]!
        const scope = { [kind]: opts[kind]! } as PaloAltoScopeDto
        const services = ctx.services()
        const p = resolveProfile(services, opts.profile)
        const item = expectOk(
          await services.sync.generateOnFirewall({
            connector: opts.connector,
            profileId: p.id,
            scope,
            ...(opts.name !== undefined ? { certificateName: opts.name } : {}),
            ...(opts.commonName !== undefined ? { commonName: opts.commonName } : {})
          })
        )
        out.result(item, () => outboxItemText(item))
      })
    )
}

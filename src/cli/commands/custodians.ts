// pkidesk ca custodians — split a CA key's key-encryption key between M-of-N custodians, each
// holding a share under their own passphrase (optionally also under this machine's keychain),
// or replace them. Opening the key needs its passphrase today (--passphrase-file) or, for a
// key already held by custodians, M of the current ones (--custodian-passphrase-file, repeated).
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import { CliError, EXIT_FAILED, expectOk, readSecret, usageError } from '../context'
import { formatRecord } from '../output'
import { collect, parsePositiveInt } from '../parse'
import { resolveAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'
import { addPassphraseFileOption } from './common'
import { parseCustodian } from './backup'

interface CustodiansOptions {
  ca: string
  threshold?: number
  custodian?: string[]
  keychainCustodian?: string[]
  passphraseFile?: string
  custodianPassphraseFile?: string[]
}

export function registerCustodianCommands(program: Command, run: Runner): void {
  const ca = program.commands.find((c) => c.name() === 'ca')
  if (!ca) throw new Error('the ca command group must be registered first')
  addPassphraseFileOption(
    ca
      .command('custodians')
      .description('show, set or replace the custodians of a CA key: any --threshold of them, present together, unlock it')
      .requiredOption('--ca <caId>', 'CA id or name')
      .addOption(new Option('--threshold <m>', 'how many custodians must be present to unlock (at least 2)').argParser(parsePositiveInt))
      .option('--custodian <name=passfile>', "a new custodian and the file holding their passphrase (repeat for each; at least --threshold)", collect)
      .option('--keychain-custodian <name>', "also hold this custodian's share under this machine's keychain (repeatable)", collect)
  ).action(
    run<CustodiansOptions>(async ({ ctx, out, opts }) => {
      const services = ctx.services()
      const authority = resolveAuthority(services, opts.ca)
      if (!authority.keyId) throw new CliError({ code: 'AUTHORITY_NO_KEY', message: `The CA "${authority.name}" has no key in this store.`, field: '--ca' }, EXIT_FAILED)
      if (opts.custodian === undefined) {
        if (opts.threshold !== undefined) throw usageError('MISSING_INPUT', 'Name the new custodians with --custodian NAME=PASSFILE (one per custodian).', '--custodian')
        const c = services.vault.custodiansOf(authority.keyId)
        out.result({ authority: authority.name, custodians: c }, () =>
          c ? formatRecord([['CA', authority.name], ['unlock', `any ${c.threshold} of ${c.names.length}`], ['custodians', c.names.join(', ')]]) : `The key of "${authority.name}" is not held by custodians (protection: ${authority.keyProtection}).`
        )
        return
      }
      if (opts.threshold === undefined) throw usageError('MISSING_INPUT', 'Say how many custodians must be present with --threshold M.', '--threshold')
      const keychainNames = new Set(opts.keychainCustodian ?? [])
      const custodians = opts.custodian.map((c) => {
        const parsed = parseCustodian(c, ctx)
        if (parsed.passphrase === undefined) throw usageError('MISSING_INPUT', `Custodian ${parsed.name} has no passphrase file: give it as --custodian ${parsed.name}=FILE.`, '--custodian')
        return { name: parsed.name, passphrase: parsed.passphrase, keychain: keychainNames.has(parsed.name) }
      })
      const unknown = [...keychainNames].find((n) => !custodians.some((c) => c.name === n))
      if (unknown !== undefined) throw usageError('CUSTODIANS_INVALID', `The keychain custodian ${unknown} is not one of the custodians named: give one of the --custodian names.`, '--keychain-custodian')
      warnIfAuditBroken(services, ctx.io)
      const present =
        authority.keyProtection === 'custodians'
          ? { custodians: (opts.custodianPassphraseFile ?? []).map((f) => ({ passphrase: readSecret('custodian-passphrase', f, ctx.io.env, ctx.io.stderr)! })) }
          : (() => {
              const passphrase = readSecret('passphrase', opts.passphraseFile, ctx.io.env, ctx.io.stderr)
              return passphrase !== undefined ? { passphrase } : {}
            })()
      const set = expectOk(await services.vault.setCustodians(authority.keyId, opts.threshold, custodians, present))
      out.result({ authority: authority.name, ...set }, () => `The key of "${authority.name}" now unlocks with any ${set.threshold} of ${set.names.join(', ')}.`)
    })
  )
}

// pkidesk crl generate --ca ID --out FILE [--format der|pem]
import { Option, type Command } from 'commander'
import type { CrlFormat } from '../../shared/ipc/app'
import type { Runner } from '../program'
import { CliError, expectOk, usageError } from '../context'
import { formatRecord } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'
import { addForceOption, addPassphraseFileOption, checkOutputFile, writeOutput } from './common'

interface CrlOptions {
  ca: string
  out: string
  force?: boolean
  der?: boolean
  format?: CrlFormat
  passphraseFile?: string
  pinFile?: string
  custodianPassphraseFile?: string[]
}

export function registerCrlCommands(program: Command, run: Runner): void {
  const crl = program.command('crl').description('certificate revocation lists')
  addForceOption(
    addPassphraseFileOption(
      crl
        .command('generate')
        .description(
          "sign a new CRL with the CA's key, listing every certificate the CA revoked: the next CRL number, next update this update + the CA's CRL validity (7 days unless changed in the app's Authorities screen); the CRL is stored and written to --out"
        )
        .requiredOption('--ca <caId>', 'the CA that signs it: its id or name, as pkidesk ca list shows them')
        .requiredOption('--out <file>', 'where the CRL is written (its folder must exist; an existing file only with --force)')
        .addOption(
          new Option('--format <format>', 'der (binary, what a CRL distribution point serves) or pem (Base64 text); default: the CRL save format in the app\'s Settings, DER unless changed').choices(['der', 'pem'])
        )
        .option('--der', 'the same as --format der')
    )
  ).action(
    run<CrlOptions>(async ({ ctx, out, opts }) => {
      if (opts.der && opts.format === 'pem') throw usageError('CONFLICTING_OPTIONS', 'The options --der and --format pem ask for two formats: give one.', '--format')
      // Checked before signing: a CRL number is taken for good when the CRL is stored.
      checkOutputFile(opts.out, { force: opts.force === true })
      const services = ctx.services()
      const ca = resolveAuthority(services, opts.ca)
      warnIfAuditBroken(services, ctx.io)
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Signing a CRL', ctx.io.stderr, opts.custodianPassphraseFile, opts.pinFile)
      // One default for the app and the CLI: the setting the app saves CRLs with.
      const format: CrlFormat = opts.der ? 'der' : (opts.format ?? services.settings.get().crlFormat)
      const summary = expectOk(await services.certificates.generateCrl(ca.id))
      const file = expectOk(services.certificates.exportCrl(summary.id, format))
      try {
        writeOutput(opts.out, Buffer.from(file.base64, 'base64'), { force: opts.force === true })
      } catch (e) {
        if (!(e instanceof CliError)) throw e
        throw new CliError({ ...e.error, message: `CRL ${summary.crlNumber} was signed and is stored, but ${e.error.message.replace(/^Cannot write /, 'writing ').replace(/\.$/, '')}; fix the path and run pkidesk crl generate again (it signs the next CRL number).` }, e.exitCode)
      }
      out.result({ ...summary, file: opts.out, format }, () =>
        `Wrote CRL ${summary.crlNumber} of "${ca.name}" to ${opts.out} (${format.toUpperCase()}).\n${formatRecord([
          ['CRL number', summary.crlNumber],
          ['entries', summary.entries],
          ['this update', summary.thisUpdate],
          ['next update', summary.nextUpdate],
          ['SHA-256', summary.sha256]
        ])}`
      )
    })
  )
}

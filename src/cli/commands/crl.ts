// pkidesk crl generate --ca ID --out FILE [--der]
import type { Command } from 'commander'
import type { Runner } from '../program'
import { CliError, expectOk } from '../context'
import { formatRecord } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'
import { addForceOption, addPassphraseFileOption, checkOutputFile, writeOutput } from './common'

interface CrlOptions {
  ca: string
  out: string
  force?: boolean
  der?: boolean
  passphraseFile?: string
  custodianPassphraseFile?: string[]
}

export function registerCrlCommands(program: Command, run: Runner): void {
  const crl = program.command('crl').description('certificate revocation lists')
  addForceOption(
    addPassphraseFileOption(
      crl
        .command('generate')
        .description('sign a new CRL (next CRL number) listing every certificate the CA revoked')
        .requiredOption('--ca <caId>', 'CA id or name')
        .requiredOption('--out <file>', 'output file (its folder must exist)')
        .option('--der', 'write DER instead of PEM')
    )
  ).action(
    run<CrlOptions>(async ({ ctx, out, opts }) => {
      // Checked before signing: a CRL number is taken for good when the CRL is stored.
      checkOutputFile(opts.out, { force: opts.force === true })
      const services = ctx.services()
      const ca = resolveAuthority(services, opts.ca)
      warnIfAuditBroken(services, ctx.io)
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Signing a CRL', ctx.io.stderr, opts.custodianPassphraseFile)
      const summary = expectOk(await services.certificates.generateCrl(ca.id))
      const file = expectOk(services.certificates.exportCrl(summary.id, opts.der ? 'der' : 'pem'))
      try {
        writeOutput(opts.out, Buffer.from(file.base64, 'base64'), { force: opts.force === true })
      } catch (e) {
        if (!(e instanceof CliError)) throw e
        throw new CliError({ ...e.error, message: `CRL ${summary.crlNumber} was signed and is stored, but ${e.error.message.replace(/^Cannot write /, 'writing ').replace(/\.$/, '')}; fix the path and run pkidesk crl generate again (it signs the next CRL number).` }, e.exitCode)
      }
      out.result({ ...summary, file: opts.out, format: opts.der ? 'der' : 'pem' }, () =>
        `Wrote CRL ${summary.crlNumber} of "${ca.name}" to ${opts.out}.\n${formatRecord([
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

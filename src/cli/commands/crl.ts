// pkidesk crl generate --ca ID --out FILE [--der]
import type { Command } from 'commander'
import type { Runner } from '../program'
import { expectOk } from '../context'
import { formatRecord } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { addPassphraseFileOption, writeOutput } from './common'

interface CrlOptions {
  ca: string
  out: string
  der?: boolean
  passphraseFile?: string
}

export function registerCrlCommands(program: Command, run: Runner): void {
  const crl = program.command('crl').description('certificate revocation lists')
  addPassphraseFileOption(
    crl
      .command('generate')
      .description('sign a new CRL (next CRL number) listing every certificate the CA revoked')
      .requiredOption('--ca <caId>', 'CA id or name')
      .requiredOption('--out <file>', 'output file')
      .option('--der', 'write DER instead of PEM')
  ).action(
    run<CrlOptions>(async ({ ctx, out, opts }) => {
      const services = ctx.services()
      const ca = resolveAuthority(services, opts.ca)
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Signing a CRL')
      const summary = expectOk(await services.certificates.generateCrl(ca.id))
      const file = expectOk(services.certificates.exportCrl(summary.id, opts.der ? 'der' : 'pem'))
      writeOutput(opts.out, Buffer.from(file.base64, 'base64'))
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

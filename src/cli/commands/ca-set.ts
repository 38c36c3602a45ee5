// pkidesk ca set: what a CA places in every certificate it issues — its CRL distribution
// point, OCSP and caIssuers URLs (a profile that lists its own URLs of a kind wins for that kind).
import { InvalidArgumentError, Option, type Command } from 'commander'
import type { Runner } from '../program'
import { checkExtensionUrls, type ExtensionUrlKind, type ExtensionUrls } from '../../shared/domain/extension-urls'
import { collect } from '../parse'
import { expectOk, usageError } from '../context'
import { formatRecord } from '../output'
import { resolveAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'

const FLAG: Readonly<Record<ExtensionUrlKind, string>> = { crlDistributionPoints: '--crl-url', ocspUrls: '--ocsp-url', caIssuersUrls: '--ca-issuers-url' }
const CLEAR: Readonly<Record<string, ExtensionUrlKind>> = { crl: 'crlDistributionPoints', ocsp: 'ocspUrls', 'ca-issuers': 'caIssuersUrls' }

interface SetOptions {
  crlUrl?: string[]
  ocspUrl?: string[]
  caIssuersUrl?: string[]
  clear?: string[]
}

/** --clear's kinds (commander's choices() would not collect a repeated option). */
function collectKind(value: string, previous: readonly string[] | undefined): string[] {
  if (!Object.hasOwn(CLEAR, value)) throw new InvalidArgumentError(`"${value}" is not one of ${Object.keys(CLEAR).join(', ')}.`)
  return collect(value, previous)
}

/** The CA's URLs as `ca show` and `ca set` print them. */
export function urlRows(urls: Readonly<ExtensionUrls>): [string, readonly string[]][] {
  return [
    ['CRL URLs', urls.crlDistributionPoints],
    ['OCSP URLs', urls.ocspUrls],
    ['caIssuers URLs', urls.caIssuersUrls]
  ]
}

export function registerCaSetCommand(ca: Command, run: Runner): void {
  ca.command('set')
    .description('set the CRL distribution point, OCSP and caIssuers URLs the CA puts in every certificate it issues (a kind given replaces that kind; a profile with its own URLs of a kind wins)')
    .argument('<caId>', 'CA id or name')
    .option('--crl-url <url>', 'CRL distribution point, http, https or ldap (repeatable)', collect)
    .option('--ocsp-url <url>', 'OCSP responder (authority information access), http or https (repeatable)', collect)
    .option('--ca-issuers-url <url>', "where the CA's certificate can be fetched (authority information access caIssuers), http, https or ldap (repeatable)", collect)
    .addOption(new Option('--clear <kind>', 'remove the URLs of this kind: crl, ocsp or ca-issuers (repeatable)').argParser(collectKind))
    .action(
      run<SetOptions>(({ ctx, out, opts, args }) => {
        const given: Partial<Record<ExtensionUrlKind, string[]>> = {
          ...(opts.crlUrl ? { crlDistributionPoints: opts.crlUrl } : {}),
          ...(opts.ocspUrl ? { ocspUrls: opts.ocspUrl } : {}),
          ...(opts.caIssuersUrl ? { caIssuersUrls: opts.caIssuersUrl } : {})
        }
        const cleared = (opts.clear ?? []).map((k) => CLEAR[k]!)
        if (Object.keys(given).length === 0 && cleared.length === 0)
          throw usageError('MISSING_INPUT', 'Say what to set: --crl-url URL, --ocsp-url URL, --ca-issuers-url URL (each repeatable), or --clear crl|ocsp|ca-issuers.', '--crl-url')
        for (const kind of cleared) if (given[kind]) throw usageError('CONFLICTING_OPTIONS', `${FLAG[kind]} and --clear for the same kind contradict each other: give one of them.`, '--clear')
        const services = ctx.services()
        const found = resolveAuthority(services, String(args[0]), 'caId')
        const urls: ExtensionUrls = { ...found.urls, ...given }
        for (const kind of cleared) urls[kind] = []
        // Checked here to name the flag (exit 2); main checks the same rule again.
        const checked = checkExtensionUrls(urls, (kind) => FLAG[kind])
        if (!checked.ok) throw usageError(checked.error.code, checked.error.message, checked.error.field)
        warnIfAuditBroken(services, ctx.io)
        const updated = expectOk(services.authorities.setUrls(found.id, urls))
        out.result(updated, () => `Set the URLs of CA "${updated.name}"; every certificate it issues from now on carries them, unless its profile sets its own of a kind.\n${formatRecord(urlRows(updated.urls))}`)
      })
    )
}

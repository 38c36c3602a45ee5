// pkidesk ca create|import|list|show
import { X509Certificate } from 'node:crypto'
import { basename, extname } from 'node:path'
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { AuthorityDetail, AuthoritySummary } from '../../shared/domain/authority'
import type { KeyProtection, KeySpec, SignatureHash } from '../../shared/domain/keys'
import { keySpec, signatureHash } from '../../shared/domain/keys'
import { addDuration, parseDuration, parseKeySpec, parseNonNegativeInt, parseProtection, type ParsedDuration } from '../parse'
import { parseDnOption } from '../names'
import { expectOk, readSecret, requireSecret, usageError } from '../context'
import { formatRecord, formatTable } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { addPassphraseFileOption, readInput } from './common'
import { warnIfAuditBroken } from '../audit-guard'
import type { DistinguishedName } from '../../shared/domain/names'

const DAY = 86_400_000

/** The hash that matches the key's strength (P-384 → SHA-384, P-521 → SHA-512), unless --hash says otherwise. */
export function defaultHash(spec: KeySpec): SignatureHash {
  if (spec === 'ec-p384') return 'SHA-384'
  if (spec === 'ec-p521') return 'SHA-512'
  return 'SHA-256'
}

/** Whole days from now to now + duration (calendar years); a CA lives at least a day. */
export function validityDays(d: Readonly<ParsedDuration>, now: Date): number {
  const days = Math.round((addDuration(now, d).getTime() - now.getTime()) / DAY)
  if (days < 1) throw usageError('INVALID_ARGUMENT', `--validity ${d.text} is shorter than a day; give days or years, for example 10y.`, '--validity')
  return days
}

function parseHash(value: string): SignatureHash {
  const r = signatureHash.safeParse(value.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1'))
  if (!r.success) throw usageError('INVALID_ARGUMENT', `--hash ${value} is not one of SHA-256, SHA-384, SHA-512.`, '--hash')
  return r.data
}

export function authorityRows(a: AuthoritySummary): [string, string | number | boolean | null | undefined][] {
  return [
    ['id', a.id],
    ['name', a.name],
    ['state', a.state],
    ['may issue', a.canIssue === false ? `no: ${a.cannotIssueReason ?? 'refused'}` : 'yes'],
    ['revoked', a.revoked ? `yes (${a.revocationReason ?? 'unspecified'}, ${a.revokedAt ?? ''})` : 'no'],
    ['subject', a.subjectText],
    ['parent', a.selfSigned ? '(self-signed root)' : a.parentId],
    ['key', a.keySpec],
    ['protection', a.keyProtection],
    ['unlocked', a.unlocked ? 'yes' : 'no'],
    ['not before', a.notBefore],
    ['not after', a.notAfter],
    ['path length', a.pathLength],
    ['SKI', a.ski],
    ['next CRL number', a.nextCrlNumber]
  ]
}

function certificateSubjectCn(bytes: Buffer): string | undefined {
  try {
    const text = bytes.toString('latin1')
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0]
    const cert = new X509Certificate(pem ?? bytes)
    return /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1]
  } catch {
    return undefined
  }
}

interface CreateOptions {
  name: string
  subject: string
  key: KeySpec
  validity: ParsedDuration
  parent?: string
  pathLength?: number
  protection?: KeyProtection
  hash?: string
  passphraseFile?: string
  custodianPassphraseFile?: string[]
  parentPassphraseFile?: string
}

interface ImportOptions {
  cert?: string
  key?: string
  pfx?: string
  name?: string
  protection?: KeyProtection
  passphraseFile?: string
  custodianPassphraseFile?: string[]
  exportPassphraseFile?: string
}

export function registerAuthorityCommands(program: Command, run: Runner): void {
  const ca = program.command('ca').description('certificate authorities: create, import, list, show')

  addPassphraseFileOption(
    ca
      .command('create')
      .description('create a self-signed root CA, or an intermediate signed by --parent')
      .requiredOption('--name <name>', 'unique name of the CA')
      .requiredOption('--subject <dn>', 'subject, e.g. "CN=Example Root,O=Example,C=DE"')
      .addOption(new Option('--key <spec>', `key type: ${keySpec.options.join('|')}`).argParser(parseKeySpec).makeOptionMandatory())
      .addOption(new Option('--validity <duration>', 'validity, e.g. 10y or 3650d').argParser(parseDuration).makeOptionMandatory())
      .option('--parent <caId>', 'id or name of the CA that signs this one (an intermediate); a root when absent')
      .addOption(new Option('--path-length <n>', 'basicConstraints pathLenConstraint (none when absent)').argParser(parseNonNegativeInt))
      .addOption(new Option('--protection <how>', 'how the key is kept: keychain (default), passphrase or both').argParser(parseProtection))
      .option('--hash <hash>', 'signature hash: SHA-256, SHA-384, SHA-512 (default: SHA-384 for ec-p384, SHA-512 for ec-p521, else SHA-256)')
      .option('--parent-passphrase-file <file>', 'passphrase of the parent CA when it differs from the new CA\'s')
  ).action(
    run<CreateOptions>(async ({ ctx, out, opts }) => {
      const subject: DistinguishedName = parseDnOption(opts.subject)
      if (opts.hash !== undefined && (opts.key === 'ed25519' || opts.key === 'ed448'))
        throw usageError('CONFLICTING_OPTIONS', `--hash does not apply to ${opts.key}: EdDSA fixes its own hash (${opts.key === 'ed25519' ? 'SHA-512' : 'SHAKE256'}); leave --hash out.`, '--hash')
      const protection = opts.protection ?? 'keychain'
      const passphrase =
        protection === 'keychain'
          ? undefined
          : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A CA key protected by ${protection}`, ctx.io.stderr)
      const days = validityDays(opts.validity, new Date())
      const hash = opts.hash !== undefined ? parseHash(opts.hash) : defaultHash(opts.key)
      const services = ctx.services()
      warnIfAuditBroken(services, ctx.io)
      let parentId: string | null = null
      if (opts.parent !== undefined) {
        const parent = resolveAuthority(services, opts.parent, '--parent')
        await unlockAuthority(services, parent, opts.parentPassphraseFile ?? opts.passphraseFile, ctx.io.env, 'Signing the intermediate', ctx.io.stderr, opts.custodianPassphraseFile)
        parentId = parent.id
      }
      const created = expectOk(
        await services.authorities.create({
          name: opts.name,
          parentId,
          subject,
          keySpec: opts.key,
          protection,
          ...(passphrase !== undefined ? { passphrase } : {}),
          validityDays: days,
          pathLength: opts.pathLength ?? null,
          nameConstraints: null,
          signature: { hash, rsaPss: false },
          crlDistributionPoints: [],
          ocspUrls: [],
          caIssuersUrls: []
        })
      )
      out.result(created, () => `Created CA "${created.name}" (${created.id}).\n${formatRecord(authorityRows(created))}`)
    })
  )

  addPassphraseFileOption(
    ca
      .command('import')
      .description('import an existing CA: --cert and --key files, or a --pfx')
      .option('--cert <file>', 'CA certificate (PEM or DER)')
      .option('--key <file>', 'CA private key (PEM or DER; PKCS#8, encrypted PKCS#8 or traditional)')
      .option('--pfx <file>', 'PKCS#12 file holding the CA certificate and key')
      .option('--name <name>', 'name of the imported CA (default: the certificate\'s CN, or the PFX file name)')
      .addOption(new Option('--protection <how>', 'how the key is kept here: keychain (default), passphrase or both').argParser(parseProtection))
      .option('--export-passphrase-file <file>', 'password of the PFX or encrypted key file (else $PKIDESK_EXPORT_PASSPHRASE)')
  ).action(
    run<ImportOptions>(async ({ ctx, out, opts }) => {
      const pemPair = opts.cert !== undefined || opts.key !== undefined
      if (pemPair && opts.pfx !== undefined) throw usageError('CONFLICTING_OPTIONS', 'Give either --cert and --key, or --pfx, not both.', '--pfx')
      if (!pemPair && opts.pfx === undefined) throw usageError('MISSING_INPUT', 'Give the CA to import: --cert FILE --key FILE, or --pfx FILE.', '--cert')
      if (pemPair && (opts.cert === undefined || opts.key === undefined))
        throw usageError('MISSING_INPUT', `--cert and --key go together; ${opts.cert === undefined ? '--cert' : '--key'} is missing.`, opts.cert === undefined ? '--cert' : '--key')
      const protection = opts.protection ?? 'keychain'
      const passphrase = protection === 'keychain' ? undefined : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A CA key protected by ${protection}`, ctx.io.stderr)
      const filePassword = readSecret('export-passphrase', opts.exportPassphraseFile, ctx.io.env, ctx.io.stderr)
      let name = opts.name
      let source
      if (opts.pfx !== undefined) {
        const pfx = readInput(opts.pfx, 'PFX')
        if (filePassword === undefined) throw usageError('PASSPHRASE_REQUIRED', 'Opening the PFX needs its password; set PKIDESK_EXPORT_PASSPHRASE or pass --export-passphrase-file FILE.', '--export-passphrase-file')
        name ??= basename(opts.pfx, extname(opts.pfx))
        source = { kind: 'pfx' as const, pfx: { encoding: 'base64' as const, data: pfx.toString('base64') }, pfxPassword: filePassword }
      } else {
        const cert = readInput(opts.cert!, 'certificate')
        const key = readInput(opts.key!, 'private key')
        name ??= certificateSubjectCn(cert) ?? basename(opts.cert!, extname(opts.cert!))
        source = {
          kind: 'pem' as const,
          certificate: { encoding: 'base64' as const, data: cert.toString('base64') },
          key: { encoding: 'base64' as const, data: key.toString('base64') },
          ...(filePassword !== undefined ? { keyPassword: filePassword } : {})
        }
      }
      warnIfAuditBroken(ctx.services(), ctx.io)
      const imported = expectOk(
        await ctx.services().authorities.import({ name, source, protection, ...(passphrase !== undefined ? { passphrase } : {}) })
      )
      out.result(imported, () => `Imported CA "${imported.name}" (${imported.id}).\n${formatRecord(authorityRows(imported))}`)
    })
  )

  ca.command('list')
    .description('list certificate authorities')
    .action(
      run(({ ctx, out }) => {
        const all = ctx.services().authorities.list()
        out.result(all, () =>
          formatTable(
            ['ID', 'NAME', 'STATE', 'KEY', 'PROTECTION', 'NOT AFTER', 'SUBJECT'],
            all.map((a) => [a.id, a.name, a.revoked ? 'revoked' : a.canIssue === false ? `${a.state} (cannot issue)` : a.state, a.keySpec, a.keyProtection, a.notAfter, a.subjectText])
          )
        )
      })
    )

  ca.command('show')
    .description('show one CA, with its certificate as PEM')
    .argument('<caId>', 'CA id or name')
    .action(
      run(({ ctx, out, args }) => {
        const services = ctx.services()
        const found = resolveAuthority(services, String(args[0]), 'caId')
        const detail: AuthorityDetail = expectOk(services.authorities.get(found.id))
        out.result(detail, () =>
          [
            formatRecord([...authorityRows(detail), ['chain', detail.chain.map((c) => c.subjectText)]]),
            detail.certificatePem ?? detail.csrPem ?? ''
          ]
            .join('\n')
            .trimEnd()
        )
      })
    )
}

// pkidesk ca create|install-cert|import|export|list|set|show
import { X509Certificate } from 'node:crypto'
import { basename, extname } from 'node:path'
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { AuthorityDetail, AuthoritySummary } from '../../shared/domain/authority'
import type { KeyProtection, KeySpec, SignatureHash } from '../../shared/domain/keys'
import { keySpec, signatureHash } from '../../shared/domain/keys'
import { addDuration, parseDuration, parseKeySpec, parseNonNegativeInt, parseProtection, type ParsedDuration } from '../parse'
import { collectConstraint, parseDnOption } from '../names'
import type { NameConstraintBase } from '../../shared/domain/authority'
import { CliError, expectOk, operationError, readSecret, requireSecret, usageError } from '../context'
import { formatRecord, formatTable } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { addForceOption, addPassphraseFileOption, checkOutputFile, readInput, writeOutput } from './common'
import { LIMITS } from '../../shared/limits'
import { warnIfAuditBroken } from '../audit-guard'
import { tokenKeyInput, type TokenOptions } from './pkcs11'
import type { DistinguishedName } from '../../shared/domain/names'
import { registerCaSetCommand, urlRows } from './ca-set'

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
  if (days < 1) throw usageError('INVALID_ARGUMENT', `The validity ${d.text} is shorter than a day; give days or years, for example --validity 10y.`, '--validity')
  return days
}

export function parseHash(value: string): SignatureHash {
  const r = signatureHash.safeParse(value.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1'))
  if (!r.success) throw usageError('INVALID_ARGUMENT', `The hash ${value} is not one PKI Desk signs with: give --hash SHA-256, SHA-384 or SHA-512.`, '--hash')
  return r.data
}

/** --external-parent needs --out-csr and excludes what the parent decides (--parent, --validity, --path-length, the name constraints). */
function checkExternalParentOptions(opts: Readonly<CreateOptions>): { outCsr: string } | null {
  if (!opts.externalParent) {
    if (opts.outCsr !== undefined) throw usageError('CONFLICTING_OPTIONS', 'The option --out-csr goes with --external-parent: leave it out, or add --external-parent.', '--out-csr')
    if (opts.validity === undefined) throw usageError('MISSING_INPUT', 'Give the validity of the CA, for example --validity 10y.', '--validity')
    return null
  }
  for (const [given, flag] of [[opts.parent, '--parent'], [opts.validity, '--validity'], [opts.pathLength, '--path-length'], [opts.permit, '--permit'], [opts.exclude, '--exclude']] as const)
    if (given !== undefined) throw usageError('CONFLICTING_OPTIONS', `The option ${flag} does not go with --external-parent: the external parent decides it when it signs the CSR.`, flag)
  if (opts.outCsr === undefined) throw usageError('MISSING_INPUT', 'A CA with an external parent starts as a CSR: give the file to write it to with --out-csr FILE.', '--out-csr')
  checkOutputFile(opts.outCsr, { force: opts.force === true, option: '--out-csr' })
  return { outCsr: opts.outCsr }
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
    ['serial', a.serial],
    ['SHA-256', a.sha256],
    ['SKI', a.ski],
    ...(a.successorId ? ([['replaced by', a.successorId], ['CRLs until', a.crlsNeededUntil ?? '(nothing issued)']] as [string, string][]) : []),
    ['next CRL number', a.nextCrlNumber]
  ]
}

/** authorityRows, then the URLs the CA places in what it issues (`ca show`). */
function authorityDetailRows(a: AuthoritySummary): [string, string | number | boolean | null | undefined | readonly string[]][] {
  return [...authorityRows(a), ...urlRows(a.urls)]
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

interface CreateOptions extends TokenOptions {
  keyStore?: 'vault' | 'pkcs11'
  name: string
  subject: string
  key: KeySpec
  validity?: ParsedDuration
  parent?: string
  externalParent?: boolean
  outCsr?: string
  force?: boolean
  pathLength?: number
  protection?: KeyProtection
  hash?: string
  passphraseFile?: string
  pinFile?: string
  custodianPassphraseFile?: string[]
  parentPassphraseFile?: string
  permit?: NameConstraintBase[]
  exclude?: NameConstraintBase[]
}

interface ImportOptions {
  cert?: string
  key?: string
  pfx?: string
  name?: string
  protection?: KeyProtection
  passphraseFile?: string
  pinFile?: string
  custodianPassphraseFile?: string[]
  exportPassphraseFile?: string
}

export function registerAuthorityCommands(program: Command, run: Runner): void {
  const ca = program.command('ca').description('certificate authorities: create, install-cert, import, export, list, set, show')

  addForceOption(addPassphraseFileOption(
    ca
      .command('create')
      .description('create a self-signed root CA, an intermediate signed by --parent, or (--external-parent) an intermediate whose CSR goes to a root elsewhere')
      .requiredOption('--name <name>', 'unique name of the CA')
      .requiredOption('--subject <dn>', 'subject, e.g. "CN=Example Root,O=Example,C=DE"')
      .addOption(new Option('--key <spec>', `key type: ${keySpec.options.join('|')}`).argParser(parseKeySpec).makeOptionMandatory())
      .addOption(new Option('--validity <duration>', 'validity, e.g. 10y or 3650d (not with --external-parent: the parent decides)').argParser(parseDuration))
      .option('--parent <caId>', 'id or name of the CA that signs this one (an intermediate); a root when absent')
      .option('--external-parent', 'the parent is outside PKI Desk: write the CSR to --out-csr; the CA stays pending until `ca install-cert`')
      .option('--out-csr <file>', 'with --external-parent: where to write the CSR (PEM); its folder must exist')
      .addOption(new Option('--path-length <n>', 'basicConstraints pathLenConstraint (none when absent)').argParser(parseNonNegativeInt))
      .addOption(new Option('--protection <how>', 'how the key is kept: keychain (default), passphrase or both').argParser(parseProtection))
      .option('--hash <hash>', 'signature hash: SHA-256, SHA-384, SHA-512 (default: SHA-384 for ec-p384, SHA-512 for ec-p521, else SHA-256)')
      .option('--parent-passphrase-file <file>', 'passphrase of the parent CA when it differs from the new CA\'s')
      .addOption(new Option('--key-store <store>', 'where the key is generated: vault (default) or pkcs11 (on a token; the PIN from $PKIDESK_PKCS11_PIN or --pin-file)').choices(['vault', 'pkcs11']))
      .option('--pkcs11-module <path>', 'with --key-store pkcs11: the PKCS#11 module (shared library) path')
      .option('--token <label>', 'with --key-store pkcs11: the label of the token')
      .option('--key-label <label>', 'with --key-store pkcs11: the label of the new key on the token (default "PKI Desk NAME")')
      .option('--permit <type:value>', 'name constraint, permitted subtree: dns:example.com, ip:10.0.0.0/8, email:example.com, uri:example.com, dirname:"O=Example,C=DE" (repeatable)', collectConstraint)
      .option('--exclude <type:value>', 'name constraint, excluded subtree, same forms as --permit (repeatable)', collectConstraint)
  )).action(
    run<CreateOptions>(async ({ ctx, out, opts }) => {
      const subject: DistinguishedName = parseDnOption(opts.subject)
      const external = checkExternalParentOptions(opts)
      if (opts.hash !== undefined && (opts.key === 'ed25519' || opts.key === 'ed448'))
        throw usageError('CONFLICTING_OPTIONS', `A hash cannot be chosen for ${opts.key}: EdDSA fixes its own hash (${opts.key === 'ed25519' ? 'SHA-512' : 'SHAKE256'}); leave --hash out.`, '--hash')
      const onToken = opts.keyStore === 'pkcs11'
      if (!onToken && (opts.pkcs11Module !== undefined || opts.token !== undefined || opts.keyLabel !== undefined))
        throw usageError('CONFLICTING_OPTIONS', 'The options --pkcs11-module, --token and --key-label go with --key-store pkcs11: add it, or leave them out for a vault key.', '--key-store')
      if (onToken && opts.protection !== undefined)
        throw usageError('CONFLICTING_OPTIONS', 'The option --protection is for vault keys; a key on a token is protected by the token and its PIN: leave --protection out.', '--protection')
      const token = onToken ? tokenKeyInput(opts, ctx.io, 'A CA key on a PKCS#11 token') : undefined
      const protection = opts.protection ?? 'keychain'
      const passphrase =
        protection === 'keychain' || onToken
          ? undefined
          : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A CA key protected by ${protection}`, ctx.io.stderr)
      const hash = opts.hash !== undefined ? parseHash(opts.hash) : defaultHash(opts.key)
      const services = ctx.services()
      warnIfAuditBroken(services, ctx.io)
      if (external) {
        const made = expectOk(
          await services.authorities.createCsr({ name: opts.name, subject, keySpec: opts.key, protection, ...(passphrase !== undefined ? { passphrase } : {}), signature: { hash, rsaPss: false }, ...(token ? { token } : {}) })
        )
        try {
          writeOutput(external.outCsr, made.csrPem, { force: opts.force === true, option: '--out-csr' })
        } catch (e) {
          // Nothing half-made: without its CSR on disk the pending CA and its key go again.
          const undone = await services.authorities.discardPending(made.authority.id, 'the CSR could not be written')
          if (e instanceof CliError && undone.ok) throw new CliError({ ...e.error, message: `${e.error.message.replace(/\.$/, '')}; the new CA and its key were removed again.` }, e.exitCode)
          throw e
        }
        out.result({ ...made.authority, csrFile: external.outCsr, csrPem: made.csrPem }, () =>
          `Created CA "${made.authority.name}" (${made.authority.id}), pending: its CSR is in ${external.outCsr}. Have the parent sign it as a CA, then run \`pkidesk ca install-cert ${made.authority.name} FILE\`.\n${formatRecord(authorityRows(made.authority))}`
        )
        return
      }
      const days = validityDays(opts.validity!, new Date())
      let parentId: string | null = null
      if (opts.parent !== undefined) {
        const parent = resolveAuthority(services, opts.parent, '--parent')
        await unlockAuthority(services, parent, opts.parentPassphraseFile ?? opts.passphraseFile, ctx.io.env, 'Signing the intermediate', ctx.io.stderr, opts.custodianPassphraseFile, opts.pinFile)
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
          nameConstraints: opts.permit || opts.exclude ? { permitted: opts.permit ?? [], excluded: opts.exclude ?? [] } : null,
          signature: { hash, rsaPss: false },
          crlDistributionPoints: [],
          ocspUrls: [],
          caIssuersUrls: [],
          ...(token ? { token } : {})
        })
      )
      out.result(created, () => `Created CA "${created.name}" (${created.id}).\n${formatRecord(authorityRows(created))}`)
    })
  )

  ca.command('install-cert')
    .description('install the certificate an external parent issued for a pending CA (PEM, DER or PKCS#7, with or without its chain)')
    .argument('<caId>', 'id or name of the pending CA')
    .argument('<file>', 'the certificate file')
    .action(
      run(async ({ ctx, out, args }) => {
        const file = String(args[1])
        const bytes = readInput(file, 'certificate', { maxBytes: LIMITS.certificateBundleBytes, emptyHint: 'give the certificate the parent issued' })
        const services = ctx.services()
        const found = resolveAuthority(services, String(args[0]), 'caId')
        warnIfAuditBroken(services, ctx.io)
        const installed = expectOk(await services.authorities.importCertificate(found.id, { encoding: 'base64', data: bytes.toString('base64') }))
        out.result(installed, () => `Installed the certificate of CA "${installed.name}" (${installed.id}); it may sign now.\n${formatRecord(authorityRows(installed))}`)
      })
    )

  addForceOption(
    ca
      .command('export')
      .description("write a CA's certificate: PEM, DER or PKCS#7 (p7b, DER), with --chain its issuers up to the root")
      .argument('<caId>', 'CA id or name')
      .addOption(new Option('--format <format>', 'pem, der or p7b').choices(['pem', 'der', 'p7b']).makeOptionMandatory())
      .option('--chain', 'add the issuing CAs up to the root (pem and p7b)')
      .requiredOption('--out <file>', 'where to write it; its folder must exist')
  ).action(
    run<{ format: 'pem' | 'der' | 'p7b'; chain?: boolean; out: string; force?: boolean }>(async ({ ctx, out, opts, args }) => {
      const chain = opts.chain === true
      if (chain && opts.format === 'der') throw usageError('CONFLICTING_OPTIONS', 'A DER file holds one certificate: for the chain use --format pem or p7b.', '--chain')
      checkOutputFile(opts.out, { force: opts.force === true })
      const services = ctx.services()
      const found = resolveAuthority(services, String(args[0]), 'caId')
      if (found.certificateId === null)
        throw operationError('AUTHORITY_PENDING', `"${found.name}" is pending: it has no certificate to export yet; install the one its parent issues with \`pkidesk ca install-cert\`.`, 'caId')
      const file = expectOk(
        opts.format === 'p7b'
          ? await services.exports.bundle([found.certificateId], chain, 'der')
          : await services.certificates.export(found.certificateId, opts.format === 'der' ? 'der' : chain ? 'pem-chain' : 'pem', undefined, false)
      )
      const bytes = Buffer.from(file.base64, 'base64')
      writeOutput(opts.out, bytes, { force: opts.force === true })
      out.result({ authorityId: found.id, format: opts.format, chain, file: opts.out, bytes: bytes.length }, () =>
        `Wrote the certificate of CA "${found.name}"${chain ? ' with its chain' : ''} as ${opts.format} to ${opts.out}.`
      )
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
        throw usageError('MISSING_INPUT', `Importing a CA needs both --cert and --key; ${opts.cert === undefined ? '--cert' : '--key'} is missing: give it.`, opts.cert === undefined ? '--cert' : '--key')
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

  ca.command('adopt')
    .description('adopt a CA whose key is already on a PKCS#11 token: its certificate, and the key by label (or --key-id)')
    .requiredOption('--pkcs11-module <path>', 'the PKCS#11 module (shared library) path')
    .requiredOption('--token <label>', 'the label of the token')
    .option('--key-label <label>', 'the label (CKA_LABEL) of the CA key on the token')
    .option('--key-id <hex>', 'the id (CKA_ID, hex) of the CA key on the token')
    .requiredOption('--cert <file>', 'the CA certificate (PEM or DER): its public key must be the token key\'s')
    .option('--name <name>', 'name of the CA (default: the certificate\'s CN)')
    .option('--pin-file <file>', 'file holding the token user PIN (else $PKIDESK_PKCS11_PIN)')
    .action(
      run<TokenOptions & { cert: string; name?: string }>(async ({ ctx, out, opts }) => {
        if (opts.keyLabel === undefined && opts.keyId === undefined) throw usageError('MISSING_INPUT', 'Name the key on the token: --key-label LABEL or --key-id HEX.', '--key-label')
        const token = tokenKeyInput(opts, ctx.io, 'Adopting a CA key on a PKCS#11 token')
        const cert = readInput(opts.cert, 'certificate')
        const name = opts.name ?? certificateSubjectCn(cert) ?? basename(opts.cert, extname(opts.cert))
        warnIfAuditBroken(ctx.services(), ctx.io)
        const adopted = expectOk(await ctx.services().authorities.adopt({ name, certificate: { encoding: 'base64', data: cert.toString('base64') }, token }))
        out.result(adopted, () => `Adopted CA "${adopted.name}" (${adopted.id}); its key stays on token "${opts.token}".\n${formatRecord(authorityRows(adopted))}`)
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

  registerCaSetCommand(ca, run)

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
            formatRecord([...authorityDetailRows(detail), ['chain', detail.chain.map((c) => c.subjectText)]]),
            detail.certificatePem ?? detail.csrPem ?? ''
          ]
            .join('\n')
            .trimEnd()
        )
      })
    )
}
